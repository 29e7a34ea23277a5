package dev.sdnotify.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** This process's open file descriptors, as {@code /proc/self/fd} lists them. */
public final class ProcFds {
    private ProcFds() {}

    /** fd number to what it refers to, e.g. {@code socket:[1234]}; the directory stream's own fd is left out. */
    public static Map<Integer, String> open() {
        Map<Integer, String> out = new TreeMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            entries.forEach(p -> {
                try {
                    out.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (IOException e) {
                    // The listing's own fd is gone by the time its link is read.
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("listing /proc/self/fd", e);
        }
        return out;
    }

    public static int count() {
        return open().size();
    }

    /** How many open fds are sockets. */
    public static long sockets() {
        return open().values().stream().filter(t -> t.startsWith("socket:")).count();
    }
}
