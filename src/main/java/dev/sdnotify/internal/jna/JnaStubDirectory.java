package dev.sdnotify.internal.jna;

import dev.sdnotify.internal.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where JNA will unpack its native stub ({@code libjnidispatch.so}), decided before JNA initializes. JNA copies the
 * stub into {@code $XDG_CACHE_HOME/JNA/temp} (or {@code ~/.cache/JNA/temp}), falling back to {@code java.io.tmpdir},
 * and maps it executable. Hardened units make both unusable ({@code ProtectSystem=strict}, {@code ProtectHome=},
 * {@code ReadOnlyPaths=/}, {@code NoExecPaths=}), so when neither {@code jna.boot.library.path} nor
 * {@code jna.tmpdir} is set and JNA's own choice is unusable, a directory the unit grants is chosen instead. This
 * class touches no JNA class.
 */
final class JnaStubDirectory {
    static final String TMPDIR = "jna.tmpdir";
    static final String BOOT_PATH = "jna.boot.library.path";
    /** Tried in order when JNA's own directory is unusable: directories systemd creates for the unit first. */
    static final String[] GRANTED = {"RUNTIME_DIRECTORY", "STATE_DIRECTORY", "CACHE_DIRECTORY", "XDG_RUNTIME_DIR"};
    /** A tmpfs that {@code ProtectSystem=strict} leaves writable and mounted without noexec on systemd hosts. */
    static final String SHARED_MEMORY = "/dev/shm";

    private final Map<String, String> env;
    private final Properties properties;
    /** mountinfo(5) lines: field 5 is the mount point, field 6 the per-mount options. */
    private final List<String> mountinfo;

    JnaStubDirectory(Map<String, String> env, Properties properties, List<String> mountinfo) {
        this.env = env;
        this.properties = properties;
        this.mountinfo = mountinfo;
    }

    static List<String> mountinfo() {
        try {
            return Files.readAllLines(Paths.get("/proc/self/mountinfo"));
        } catch (IOException | UncheckedIOException e) {
            return Collections.emptyList();
        }
    }

    /**
     * Decides, and sets {@code jna.tmpdir} in the properties when another directory is needed and one is usable,
     * saying why at INFO. Returns why no usable directory is known, for an error; null when one is.
     */
    String decide() {
        if (properties.getProperty(BOOT_PATH) != null) {
            return null;
        }
        String set = properties.getProperty(TMPDIR);
        if (set != null) {
            String why = unusable(Paths.get(set));
            return why == null ? null : "-D" + TMPDIR + "=" + set + " " + why;
        }
        Path own = jnaCacheDirectory();
        String ownWhy = unusable(own);
        Path tmp = Paths.get(properties.getProperty("java.io.tmpdir", "/tmp"));
        String tmpWhy = ownWhy == null ? null : unusable(tmp);
        // JNA falls back to java.io.tmpdir only when it cannot write its cache directory.
        if (ownWhy == null || tmpWhy == null && notWritable(own) != null) {
            return null;
        }
        List<String> tried = new ArrayList<>(List.of(own + " " + ownWhy,
                tmp + " " + (tmpWhy == null ? "is not used by JNA, since " + own + " is writable" : tmpWhy)));
        for (String variable : GRANTED) {
            String value = env.get(variable);
            if (value == null || value.isEmpty()) {
                tried.add("$" + variable + " unset");
                continue;
            }
            // RuntimeDirectory= and its kin may list several directories, separated by ':'.
            for (String dir : value.split(":")) {
                String why = dir.isEmpty() ? "is empty" : unusable(Paths.get(dir));
                if (why == null) {
                    return choose(dir, "$" + variable, tried);
                }
                tried.add("$" + variable + "=" + dir + " " + why);
            }
        }
        String why = unusable(Paths.get(SHARED_MEMORY));
        if (why == null) {
            return choose(SHARED_MEMORY, "shared memory", tried);
        }
        tried.add(SHARED_MEMORY + " " + why);
        return "no directory can hold JNA's native stub: " + String.join("; ", tried);
    }

    private String choose(String dir, String source, List<String> tried) {
        properties.setProperty(TMPDIR, dir);
        Log.log(System.Logger.Level.INFO, "JNA unpacks its native stub into {0} ({1}), set as -D{2}, because {3}", dir,
                source, TMPDIR, String.join("; ", tried));
        return null;
    }

    /** {@code Native.getTempDir()}'s first choice on Linux. */
    Path jnaCacheDirectory() {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg == null || xdg.trim().isEmpty()
                ? Paths.get(properties.getProperty("user.home", "/"), ".cache") : Paths.get(xdg);
        return base.resolve("JNA").resolve("temp");
    }

    /** Why a directory cannot hold the stub (not creatable or writable, or noexec), or null if it can. */
    String unusable(Path dir) {
        String why = notWritable(dir);
        Path mount = why != null ? null : noexecMount(resolve(nearestExisting(dir)));
        return why != null || mount == null ? why : "is on a noexec mount (" + mount + ")";
    }

    /**
     * The mount point {@code path} is on when that mount is noexec, else null: the last listed mount whose point
     * is the longest prefix of the path, by names. mountinfo writes space, tab, newline and backslash as octal.
     */
    Path noexecMount(Path path) {
        Path best = null;
        boolean noexec = false;
        for (String line : mountinfo) {
            String[] f = line.split(" ");
            if (f.length < 6) {
                continue;
            }
            Path point = Paths.get(f[4].replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
                    .replace("\\134", "\\"));
            if (path.startsWith(point) && (best == null || point.getNameCount() >= best.getNameCount())) {
                best = point;
                noexec = List.of(f[5].split(",")).contains("noexec");
            }
        }
        return noexec ? best : null;
    }

    /** Why JNA could not create or write {@code dir} (its own test: {@code mkdirs}, then writable), or null. */
    static String notWritable(Path dir) {
        Path existing = nearestExisting(dir);
        if (existing == null) {
            return "does not exist";
        }
        if (!Files.isDirectory(existing)) {
            return "is not a directory (" + existing + ")";
        }
        return Files.isWritable(existing) ? null
                : existing.equals(dir) ? "is not writable" : "cannot be created (" + existing + " is not writable)";
    }

    private static Path nearestExisting(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing;
    }

    private static Path resolve(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** The settings that would give JNA a usable directory, for an error message. */
    static String fixes() {
        return "give the unit a writable directory without noexec (RuntimeDirectory=NAME or StateDirectory=NAME, "
                + "or PrivateTmp=yes), or set -D" + TMPDIR + "=DIR, or -D" + BOOT_PATH + "=DIR holding "
                + "libjnidispatch.so, or run on JDK 22 or later, whose FFM gateway unpacks nothing";
    }
}
