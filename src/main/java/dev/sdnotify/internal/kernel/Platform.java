package dev.sdnotify.internal.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What both gateways say about loading native code, and the facts it takes that need none. */
public final class Platform {
    private Platform() {}

    /**
     * The first of {@code names} that {@code attempt} loads, described by the file the dynamic linker mapped, or why
     * none did; an attempt gives the binding or why not. The names are tried in order: the runtime soname first,
     * since hosts without development packages lack the rest.
     */
    public static Loaded<Libsystemd> loadLibsystemd(Function<String, Loaded<Libsystemd>> attempt, String... names) {
        StringBuilder failures = new StringBuilder();
        for (String name : names) {
            Loaded<Libsystemd> loaded = attempt.apply(name);
            if (loaded.value() != null) {
                return Loaded.of(loaded.value(), "loaded " + mappedPath("/libsystemd.so", name));
            }
            failures.append(failures.length() == 0 ? "" : "; ").append(name).append(": ").append(loaded.description());
        }
        return Loaded.failed("libsystemd cannot be loaded (" + failures + ")");
    }

    /** The file the dynamic linker mapped for {@code marker}, read from /proc/self/maps; {@code fallback} if none. */
    private static String mappedPath(String marker, String fallback) {
        try (Stream<String> lines = Files.lines(Paths.get("/proc/self/maps"))) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .filter(p -> p.contains(marker)).findFirst().orElse(fallback);
        } catch (IOException | UncheckedIOException e) {
            return fallback;
        }
    }

    /** "lacks f" for the first of {@link Libsystemd#FUNCTIONS} that {@code has} denies; null when it has all. */
    public static String missingFunction(Predicate<String> has) {
        return Arrays.stream(Libsystemd.FUNCTIONS).filter(has.negate()).findFirst()
                .map(f -> "it lacks " + f + " (libsystemd 227 and later have every function used)").orElse(null);
    }

    /** A native library's message, often several lines (the dynamic linker's cause last), on one line. */
    public static String oneLine(String s) {
        return s == null ? "unknown error" : String.join("; ", s.strip().split("\\s*\n\\s*"));
    }

    /**
     * Why {@code gateway} failed, in one short line: a refusal of native access (JDK 24+ with
     * {@code --illegal-native-access=deny}; JNA wraps it) names {@code accessFlag}, anything else its cause.
     */
    public static String whyNot(String gateway, Throwable e, String accessFlag) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalCallerException) {
                return gateway + " was denied native access: add " + accessFlag + " to the java command";
            }
        }
        // A holder class's initializer wraps the cause; name the cause.
        Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
        return gateway + " cannot reach libc (" + cause.getClass().getSimpleName() + ": "
                + oneLine(cause.getMessage()) + ")";
    }

    /**
     * Why JNA did not load a system library, on one line: the dynamic linker's causes, each once. JNA also names
     * the class path it searched for a bundled copy (in an executable jar every nested jar, kilobytes in one log
     * line) and repeats the library's name; both are left out.
     */
    public static String linkFailure(String message) {
        Set<String> causes = Arrays.stream(message.strip().split("\\s*\n\\s*"))
                .filter(line -> !(line.startsWith("Native library (") && line.contains(" not found in resource path ("))
                        && !(line.startsWith("Unable to load library '") && line.endsWith("':")))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        return causes.isEmpty() ? oneLine(message) : String.join("; ", causes);
    }
}
