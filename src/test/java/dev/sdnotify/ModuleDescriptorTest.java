package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.internal.daemon.Backends;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The compiled module descriptor, and the public API's independence from internal and JNA types. */
class ModuleDescriptorTest {
    private static final Set<String> INTERNAL = Set.of("dev.sdnotify.internal", "dev.sdnotify.internal.core",
            "dev.sdnotify.internal.protocol", "dev.sdnotify.internal.daemon", "dev.sdnotify.internal.kernel",
            "dev.sdnotify.internal.jna", "dev.sdnotify.internal.ffm", "dev.sdnotify.internal.jdk");

    /** What users call: the exported package holds these, and nothing else. */
    /** The API's classes, and the one private state of the keeper nested in it. */
    private static final Set<String> API = Set.of("Backend", "BackendInfo", "FdChannels", "HealthCheck", "ListenFd",
            "Notifier", "NotifyState", "SdNotify", "SdNotifyException", "SocketActivation", "SupervisorEnvironment",
            "Watchdog", "WatchdogKeeper", "WatchdogKeeper$Builder", "WatchdogKeeper$Phase");

    private static Path classes;
    private static ModuleDescriptor descriptor;

    @BeforeAll
    static void read() throws IOException, URISyntaxException {
        Path location = Path.of(SdNotify.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        // The tests run on the packaged jar; its root is read like a class directory.
        classes = Files.isRegularFile(location)
                ? FileSystems.newFileSystem(location, (ClassLoader) null).getPath("/") : location;
        Path moduleInfo = classes.resolve("module-info.class");
        assertTrue(Files.isRegularFile(moduleInfo), "no module-info.class in " + classes);
        // javac writes no ModulePackages attribute, so the packages come from the class directory.
        try (InputStream in = Files.newInputStream(moduleInfo)) {
            descriptor = ModuleDescriptor.read(in, ModuleDescriptorTest::packagesOnDisk);
        }
    }

    private static Set<String> packagesOnDisk() {
        try (Stream<Path> files = Files.walk(classes)) {
            return files.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> classes.relativize(p.getParent() == null ? classes : p.getParent()))
                    .filter(p -> !p.toString().isEmpty() && !p.startsWith("META-INF"))
                    .map(p -> p.toString().replace(p.getFileSystem().getSeparator(), "."))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void name() {
        assertEquals("dev.sdnotify", descriptor.name());
        assertFalse(descriptor.isOpen(), "the module must not be open as a whole");
        assertFalse(descriptor.isAutomatic(), "the module must be explicit");
    }

    @Test
    void exportsTheApiToEveryoneAndTheLoggingFacadeToTheLifecycleModule() {
        Map<String, Set<String>> exports = new TreeMap<>();
        for (ModuleDescriptor.Exports e : descriptor.exports()) {
            exports.put(e.source(), e.isQualified() ? new TreeSet<>(e.targets()) : Set.of());
        }
        assertEquals(Map.of("dev.sdnotify", Set.of(), "dev.sdnotify.internal", Set.of("dev.sdnotify.agent", "dev.sdnotify.lifecycle")), exports,
                "exports (package to targets; empty = unqualified)");
        for (ModuleDescriptor.Exports e : descriptor.exports()) {
            assertEquals(Set.of(), e.modifiers(), "modifiers of exports " + e.source());
        }
    }

    @Test
    void requiresJnaAlone() {
        Map<String, Set<ModuleDescriptor.Requires.Modifier>> requires = new TreeMap<>();
        for (ModuleDescriptor.Requires r : descriptor.requires()) {
            if (!r.modifiers().contains(ModuleDescriptor.Requires.Modifier.MANDATED)) {
                requires.put(r.name(), r.modifiers());
            }
        }
        // A plain requires: needed at run time on JDK 11 to 21, and it does not leak into the API.
        assertEquals(Map.of("com.sun.jna", Set.of()), requires,
                "requires (module to modifiers)");
    }

    @Test
    void opensOnlyTheJnaPackageToJna() {
        Map<String, Set<String>> opens = new TreeMap<>();
        for (ModuleDescriptor.Opens o : descriptor.opens()) {
            opens.put(o.source(), o.isQualified() ? new TreeSet<>(o.targets()) : Set.of("<everyone>"));
        }
        assertEquals(Map.of("dev.sdnotify.internal.jna", Set.of("com.sun.jna")), opens,
                "opens (package to targets)");
    }

    @Test
    void internalPackagesArePresentButNotExported() {
        Set<String> exported = descriptor.exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
        for (String p : new TreeSet<>(INTERNAL)) {
            checks.add(() -> assertTrue(descriptor.packages().contains(p), p + " in packages() " + descriptor.packages()));
            checks.add(() -> assertFalse(exported.contains(p) && !p.equals("dev.sdnotify.internal"),
                    p + " must not be exported"));
        }
        Set<String> all = new TreeSet<>(INTERNAL);
        all.add("dev.sdnotify");
        checks.add(() -> assertEquals(all,
                new TreeSet<>(descriptor.packages()), "packages()"));
        assertAll(checks);
    }

    @Test
    void publicApiExposesNoInternalOrJnaType() throws IOException, ClassNotFoundException {
        List<Class<?>> api = apiClasses();
        assertTrue(api.contains(SdNotify.class) && api.contains(Notifier.class) && api.contains(BackendInfo.class),
                "the scan must find the API classes, found " + api);
        assertFalse(api.contains(Backends.class), "Backends is internal and must not count as API");

        List<String> leaks = new ArrayList<>();
        for (Class<?> c : api) {
            check(c.getName() + " extends", c.getGenericSuperclass(), leaks);
            for (Type t : c.getGenericInterfaces()) {
                check(c.getName() + " implements", t, leaks);
            }
            Set<Member> members = new HashSet<>();
            members.addAll(Arrays.asList(c.getMethods()));
            members.addAll(Arrays.asList(c.getFields()));
            members.addAll(Arrays.asList(c.getConstructors()));
            boolean extendable = !Modifier.isFinal(c.getModifiers()) && !c.isEnum();
            for (Member m : declared(c)) {
                if (Modifier.isPublic(m.getModifiers()) || (extendable && Modifier.isProtected(m.getModifiers()))) {
                    members.add(m);
                }
            }
            for (Member m : members) {
                String where = c.getName() + "#" + m;
                if (m instanceof Field) {
                    check(where, ((Field) m).getGenericType(), leaks);
                } else {
                    Executable e = (Executable) m;
                    if (e instanceof Method) {
                        check(where + " returns", ((Method) e).getGenericReturnType(), leaks);
                    }
                    for (Type t : e.getGenericParameterTypes()) {
                        check(where + " parameter", t, leaks);
                    }
                    for (Type t : e.getGenericExceptionTypes()) {
                        check(where + " throws", t, leaks);
                    }
                    for (TypeVariable<?> v : e.getTypeParameters()) {
                        check(where + " type parameter", v, leaks);
                    }
                }
            }
        }
        assertEquals(List.of(), leaks, "public signatures naming internal or JNA types");
    }

    private static List<Member> declared(Class<?> c) {
        List<Member> out = new ArrayList<>();
        out.addAll(Arrays.asList(c.getDeclaredMethods()));
        out.addAll(Arrays.asList(c.getDeclaredFields()));
        out.addAll(Arrays.asList(c.getDeclaredConstructors()));
        return out;
    }

    /** Public classes of dev.sdnotify, nested ones only when every enclosing class is public too. */
    @Test
    void theExportedPackageHoldsOnlyTheApi() throws IOException {
        Set<String> found = new TreeSet<>();
        try (Stream<Path> s = Files.list(classes.resolve("dev/sdnotify"))) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
                    .forEach(n -> found.add(n.substring(0, n.length() - ".class".length())));
        }
        assertEquals(new TreeSet<>(API), found, "every class of dev.sdnotify is API; implementation lives in "
                + "dev.sdnotify.internal.*");
    }

    private static List<Class<?>> apiClasses() throws IOException, ClassNotFoundException {
        List<Class<?>> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(classes.resolve("dev/sdnotify"))) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".class")).sorted().collect(Collectors.toList());
        }
        for (Path f : files) {
            String simple = f.getFileName().toString();
            Class<?> c = Class.forName("dev.sdnotify." + simple.substring(0, simple.length() - 6), false,
                    SdNotify.class.getClassLoader());
            boolean visible = true;
            for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
                visible &= Modifier.isPublic(k.getModifiers()) && !k.isAnonymousClass() && !k.isLocalClass();
            }
            if (visible) {
                out.add(c);
            }
        }
        return out;
    }

    private static void check(String where, Type type, List<String> leaks) {
        walk(where, type, leaks, new HashSet<>());
    }

    private static void walk(String where, Type type, List<String> leaks, Set<Type> seen) {
        if (type == null || !seen.add(type)) {
            return;
        }
        if (type instanceof Class) {
            Class<?> c = (Class<?>) type;
            while (c.isArray()) {
                c = c.getComponentType();
            }
            String n = c.getName();
            if (n.startsWith("dev.sdnotify.internal.") || n.startsWith("com.sun.jna.")) {
                leaks.add(where + " -> " + n);
            }
        } else if (type instanceof ParameterizedType) {
            ParameterizedType p = (ParameterizedType) type;
            walk(where, p.getRawType(), leaks, seen);
            walk(where, p.getOwnerType(), leaks, seen);
            for (Type a : p.getActualTypeArguments()) {
                walk(where, a, leaks, seen);
            }
        } else if (type instanceof GenericArrayType) {
            walk(where, ((GenericArrayType) type).getGenericComponentType(), leaks, seen);
        } else if (type instanceof WildcardType) {
            for (Type b : ((WildcardType) type).getUpperBounds()) {
                walk(where, b, leaks, seen);
            }
            for (Type b : ((WildcardType) type).getLowerBounds()) {
                walk(where, b, leaks, seen);
            }
        } else if (type instanceof TypeVariable) {
            for (Type b : ((TypeVariable<?>) type).getBounds()) {
                walk(where, b, leaks, seen);
            }
        }
    }

    /** The walker itself must see through generics, or the API check could pass vacuously. */
    @Test
    void walkerFindsNestedInternalTypes() throws NoSuchMethodException {
        List<String> leaks = new ArrayList<>();
        check("probe", Probe.class.getMethod("hidden").getGenericReturnType(), leaks);
        assertEquals(List.of("probe -> dev.sdnotify.internal.kernel.Kernel",
                "probe -> com.sun.jna.Pointer"), leaks);
    }

    interface Probe {
        Map<? extends dev.sdnotify.internal.kernel.Kernel, List<com.sun.jna.Pointer[]>> hidden();
    }
}
