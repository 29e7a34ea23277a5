package dev.sdnotify.agent;

import java.io.BufferedReader;
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
 * {@code tcp6} give the sockets' inodes, and one of them must be among this process's {@code /proc/self/fd}. Once
 * found, the next look only checks that the same fd still holds the same socket (a listening socket stays one
 * until it is closed): the kernel takes about a millisecond to write each of those tables, and a server with
 * thousands of open files should not be searched through on every keep-alive.
 */
final class ListeningPort implements Check {
    /** The kernel's TCP_LISTEN, the "st" column. */
    private static final String LISTEN = "0A";

    private final int port;
    /** The port found listening, for {@link #toString()} when any port would do. */
    private volatile int found;
    /** The fd that held the listening socket last time and its link, {@code socket:[inode]}, or null. */
    private volatile Path lastFd;
    private volatile String lastSocket;

    ListeningPort(int port) {
        this.port = port;
    }

    @Override
    public String failure() {
        Path fd = lastFd;
        if (fd != null && lastSocket.equals(link(fd))) {
            return null;
        }
        try {
            Set<String> listening = new HashSet<>();
            for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
                listeningInodes(Path.of(table), listening);
            }
            if (!listening.isEmpty() && ownsOneOf(listening)) {
                return null;
            }
            return port == 0 ? "this JVM listens on no TCP port yet" : "this JVM does not listen on port " + port + " yet";
        } catch (IOException | RuntimeException e) {
            return "cannot read this process's sockets from /proc: " + e;
        }
    }

    /** Adds the inodes of the LISTEN rows on the port (any port for 0), keyed "inode" or "inode:port". */
    private void listeningInodes(Path table, Set<String> into) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(table)) {
            r.readLine();
            for (String row; (row = r.readLine()) != null; ) {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                String[] f = row.trim().split("\\s+", 11);
                if (f.length > 9 && LISTEN.equals(f[3])) {
                    int local = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                    if (port == 0 || local == port) {
                        into.add(f[9] + ":" + local);
                    }
                }
            }
        }
    }

    /** Whether one of {@code listening} ("inode:port") is a socket this process has open. */
    private boolean ownsOneOf(Set<String> listening) throws IOException {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                String target = link(fd);
                if (target == null || !target.startsWith("socket:[")) {
                    continue;
                }
                String inode = target.substring("socket:[".length(), target.length() - 1);
                for (String l : listening) {
                    if (l.startsWith(inode + ":")) {
                        found = Integer.parseInt(l.substring(inode.length() + 1));
                        lastSocket = target;
                        lastFd = fd;
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** What {@code fd} links to, or null once it is closed. */
    private static String link(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return port != 0 ? "port " + port : found != 0 ? "port " + found : "a listening TCP port";
    }
}
