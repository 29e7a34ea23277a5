package dev.sdnotify.agent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code port:N}: this JVM has a TCP socket listening on port N, on any address, IPv4 or IPv6; port 0 stands for
 * any port. A socket another process listens on does not count: the LISTEN rows of {@code /proc/self/net/tcp} and
 * {@code tcp6} are matched against the socket inodes among this process's {@code /proc/self/fd}.
 */
final class ListeningPort implements Check {
    /** The kernel's TCP_LISTEN, the "st" column. */
    private static final String LISTEN = "0A";

    private final int port;
    /** The port found listening, for {@link #toString()} when any port would do. */
    private volatile int found;

    ListeningPort(int port) {
        this.port = port;
    }

    @Override
    public String failure() {
        try {
            Set<String> own = socketInodes();
            for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
                for (String row : Files.readAllLines(Path.of(table))) {
                    String[] f = row.trim().split("\\s+");
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    if (f.length > 9 && LISTEN.equals(f[3]) && own.contains(f[9])) {
                        int local = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                        if (port == 0 || local == port) {
                            found = local;
                            return null;
                        }
                    }
                }
            }
            return port == 0 ? "this JVM listens on no TCP port yet" : "this JVM does not listen on port " + port + " yet";
        } catch (IOException | RuntimeException e) {
            return "cannot read this process's sockets from /proc: " + e;
        }
    }

    /** The inodes of the sockets this process has open, as /proc/net/tcp writes them. */
    private static Set<String> socketInodes() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // Closed since the listing: not a socket of ours any more.
                }
            }
        }
        return inodes;
    }

    @Override
    public String toString() {
        return port != 0 ? "port " + port : found != 0 ? "port " + found : "a listening TCP port";
    }
}
