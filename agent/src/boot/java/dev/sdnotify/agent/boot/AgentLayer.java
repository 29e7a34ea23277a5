package dev.sdnotify.agent.boot;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The agent's modules, read straight from its jar: each lives under {@code META-INF/sdnotify-agent/<module>/} as
 * the contents of its own jar (the library, its lifecycle module, JNA and the agent itself). They are defined in
 * a module layer over the boot layer, with a class loader whose parent is the platform loader: the application's
 * class path is out of sight, and so are these modules to the application.
 */
final class AgentLayer {
    private static final String ROOT = "META-INF/sdnotify-agent/";
    private static final String AGENT_MODULE = "dev.sdnotify.agent";

    private AgentLayer() {}

    /** The class loader of the agent's module, in a new layer read from {@code jar}. */
    static ClassLoader load(Path jar) throws IOException {
        // Open for the JVM's life: the layer's loader reads classes from it as they are first used.
        ZipFile zip = new ZipFile(jar.toFile());
        Map<String, List<String>> entries = zip.stream().map(ZipEntry::getName)
                .filter(n -> n.startsWith(ROOT) && !n.endsWith("/") && n.indexOf('/', ROOT.length()) > 0)
                .collect(Collectors.groupingBy(n -> n.substring(ROOT.length(), n.indexOf('/', ROOT.length()))));
        Map<String, ModuleReference> modules = new HashMap<>();
        for (Map.Entry<String, List<String>> m : entries.entrySet()) {
            ModuleReference ref = reference(zip, jar, m.getKey(), m.getValue());
            modules.put(ref.descriptor().name(), ref);
        }
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return Optional.ofNullable(modules.get(name));
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.copyOf(modules.values());
            }
        };
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolve(finder, ModuleFinder.of(), Set.of(AGENT_MODULE));
        ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(configuration,
                List.of(ModuleLayer.boot()), ClassLoader.getPlatformClassLoader());
        return controller.layer().findLoader(AGENT_MODULE);
    }

    /**
     * The module under {@code ROOT + dir}: named by its {@code module-info.class}, or automatic (JNA) with the
     * directory's name. Versioned entries of a multi-release jar ({@code META-INF/versions/N/}) take precedence on
     * a JDK of feature N or later, as the jar would give them.
     */
    private static ModuleReference reference(ZipFile zip, Path jar, String dir, List<String> names) throws IOException {
        String prefix = ROOT + dir + "/";
        Set<String> all = names.stream().map(n -> n.substring(prefix.length())).collect(Collectors.toSet());
        int feature = Runtime.version().feature();
        Set<String> packages = new HashSet<>();
        for (String n : all) {
            String name = unversioned(n, feature);
            if (name != null && name.endsWith(".class") && name.lastIndexOf('/') > 0 && !name.startsWith("META-INF/")) {
                packages.add(name.substring(0, name.lastIndexOf('/')).replace('/', '.'));
            }
        }
        ModuleDescriptor descriptor;
        ZipEntry info = zip.getEntry(prefix + "module-info.class");
        if (info != null) {
            try (InputStream in = zip.getInputStream(info)) {
                descriptor = ModuleDescriptor.read(in, () -> packages);
            }
        } else {
            descriptor = ModuleDescriptor.newAutomaticModule(dir).packages(packages).build();
        }
        URI location = URI.create("jar:" + jar.toUri() + "!/" + prefix);
        return new ModuleReference(descriptor, location) {
            @Override
            public ModuleReader open() {
                return new ModuleReader() {
                    @Override
                    public Optional<URI> find(String name) {
                        return entry(name).map(e -> URI.create("jar:" + jar.toUri() + "!/" + e));
                    }

                    @Override
                    public Optional<InputStream> open(String name) throws IOException {
                        Optional<String> e = entry(name);
                        return e.isPresent() ? Optional.of(zip.getInputStream(zip.getEntry(e.get()))) : Optional.empty();
                    }

                    private Optional<String> entry(String name) {
                        for (int v = feature; v >= 9; v--) {
                            if (all.contains("META-INF/versions/" + v + "/" + name)) {
                                return Optional.of(prefix + "META-INF/versions/" + v + "/" + name);
                            }
                        }
                        return all.contains(name) ? Optional.of(prefix + name) : Optional.empty();
                    }

                    @Override
                    public Stream<String> list() {
                        return all.stream().map(n -> unversioned(n, feature)).filter(n -> n != null).distinct();
                    }

                    @Override
                    public void close() {
                        // The zip stays open with the layer.
                    }
                };
            }
        };
    }

    /**
     * The name {@code entry} has for a JDK of {@code feature}: itself, the name under a {@code META-INF/versions/N/}
     * with N up to {@code feature}, or null for a version above it.
     */
    private static String unversioned(String entry, int feature) {
        if (!entry.startsWith("META-INF/versions/")) {
            return entry;
        }
        int slash = entry.indexOf('/', "META-INF/versions/".length());
        try {
            int v = Integer.parseInt(entry.substring("META-INF/versions/".length(), slash));
            return v <= feature ? entry.substring(slash + 1) : null;
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            return entry;
        }
    }
}
