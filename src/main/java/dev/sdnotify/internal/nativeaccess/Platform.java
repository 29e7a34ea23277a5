package dev.sdnotify.internal.nativeaccess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.stream.Stream;

/** Facts about the running JVM that need no native code. */
public final class Platform {
    private Platform() {}

    public static boolean isLinux() {
        return System.getProperty("os.name", "").startsWith("Linux");
    }

    /** Why native access is not attempted here, or null on Linux. */
    public static String notLinuxReason() {
        return isLinux() ? null : "not Linux (os.name=" + System.getProperty("os.name") + ")";
    }

    /** The JDK's feature release: 11, 17, 25. */
    public static int jdkFeature() {
        return Runtime.version().feature();
    }

    /** The file the dynamic linker mapped for {@code marker}, read from /proc/self/maps; {@code fallback} if none. */
    public static String mappedPath(String marker, String fallback) {
        try (Stream<String> lines = Files.lines(Paths.get("/proc/self/maps"))) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .filter(p -> p.contains(marker)).findFirst().orElse(fallback);
        } catch (IOException | UncheckedIOException e) {
            return fallback;
        }
    }

    /** "; it lacks f, g" for a libsystemd without some optional functions; empty when it has them all. */
    public static String lacking(java.util.Set<String> missing) {
        return missing.isEmpty() ? "" : "; it lacks " + String.join(", ", missing);
    }

    /** A native library's message, often several lines (the dynamic linker's cause last), on one line. */
    public static String oneLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        return String.join("; ", s.strip().split("\\s*\n\\s*"));
    }

    /**
     * Why JNA did not load a system library, on one line: the dynamic linker's causes, each once. JNA also
     * names the class path it searched for a bundled copy; libsystemd is never bundled, and in an
     * executable jar that list names every nested jar (kilobytes in one log line), so it is left out, as is
     * the heading that repeats the library's name.
     */
    public static String linkFailure(String message) {
        if (message == null) {
            return "unknown error";
        }
        java.util.Set<String> causes = new java.util.LinkedHashSet<>();
        for (String line : message.strip().split("\\s*\n\\s*")) {
            boolean resourcePath = line.startsWith("Native library (") && line.contains(" not found in resource path (");
            boolean heading = line.startsWith("Unable to load library '") && line.endsWith("':");
            if (!resourcePath && !heading) {
                causes.add(line);
            }
        }
        return causes.isEmpty() ? oneLine(message) : String.join("; ", causes);
    }

    /**
     * The JDK's refusal of native access ({@code --illegal-native-access=deny}, JDK 24+) among the causes of
     * {@code e}, or null: JNA wraps it in an ExceptionInInitializerError.
     */
    public static IllegalCallerException deniedNativeAccess(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalCallerException) {
                return (IllegalCallerException) t;
            }
        }
        return null;
    }
}
