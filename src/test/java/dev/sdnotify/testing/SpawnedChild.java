package dev.sdnotify.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * A child started with libc {@code posix_spawnp}, which keeps every fd that is not close-on-exec (Java's
 * {@link ProcessBuilder} closes them all, so its children cannot show a leak).
 */
public final class SpawnedChild {
    private static final TestLibc C = TestLibc.INSTANCE;
    private static final int EINTR = 4;
    private static final String[] ENVIRONMENT = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"};

    private SpawnedChild() {}

    /**
     * The fds a spawned shell command holds: fd number to target as {@code ls -l /proc/self/fd} shows it
     * (for example {@code socket:[1234]}), written to {@code listing} and read back.
     */
    public static Map<Integer, String> inheritedFds(Path listing) throws IOException {
        run("ls -l /proc/self/fd > '" + listing + "'");
        Map<Integer, String> fds = new TreeMap<>();
        for (String line : Files.readAllLines(listing, StandardCharsets.UTF_8)) {
            int arrow = line.indexOf(" -> ");
            if (arrow < 0) {
                continue;
            }
            String left = line.substring(0, arrow).trim();
            int fd = Integer.parseInt(left.substring(left.lastIndexOf(' ') + 1));
            fds.put(fd, line.substring(arrow + 4).trim());
        }
        if (!fds.containsKey(1)) {
            throw new IllegalStateException("the child's listing lacks its stdout (fd 1): " + fds);
        }
        return fds;
    }

    /** Runs {@code /bin/sh -c command} through posix_spawnp and waits; fails unless it exits with 0. */
    public static void run(String command) {
        int[] pid = new int[1];
        int error = C.posix_spawnp(pid, "/bin/sh", null, null, new String[] {"sh", "-c", command}, ENVIRONMENT);
        if (error != 0) {
            throw new IllegalStateException("posix_spawnp /bin/sh: errno " + error);
        }
        int[] status = new int[1];
        int r;
        do {
            r = C.waitpid(pid[0], status, 0);
        } while (r < 0 && com.sun.jna.Native.getLastError() == EINTR);
        if (r != pid[0]) {
            throw new IllegalStateException("waitpid " + pid[0] + ": errno " + com.sun.jna.Native.getLastError());
        }
        if (status[0] != 0) {
            throw new IllegalStateException("sh -c '" + command + "' ended with wait status " + status[0]);
        }
    }
}
