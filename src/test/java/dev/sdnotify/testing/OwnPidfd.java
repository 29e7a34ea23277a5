package dev.sdnotify.testing;

import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's pidfd inode id, the number a supervisor puts in LISTEN_PIDFDID, read the tests' own way
 * (not the library's): pidfd_open, then the inode number of {@code /proc/self/fd/N}. Only where pidfs
 * exists (Linux 6.9 and later): before it, a pidfd is an anonymous inode whose number says nothing.
 */
public final class OwnPidfd {
    /** pidfd_open(2) on every architecture the tests run on. */
    private static final long SYS_PIDFD_OPEN = 434;

    private OwnPidfd() {}

    /** Skips (or fails under CI) on a kernel without pidfs. */
    public static void requirePidfs() {
        Capabilities.require(kernelAtLeast(6, 9), "needs pidfs (Linux 6.9 or later) for LISTEN_PIDFDID, not "
                + System.getProperty("os.version"));
    }

    public static long inodeId() {
        requirePidfs();
        return read();
    }

    /** The id, or empty on a kernel without pidfs. */
    public static java.util.OptionalLong find() {
        return kernelAtLeast(6, 9) ? java.util.OptionalLong.of(read()) : java.util.OptionalLong.empty();
    }

    private static long read() {
        int fd = (int) TestLibc.INSTANCE.syscall(SYS_PIDFD_OPEN, (long) TestLibc.INSTANCE.getpid(), 0L);
        if (fd < 0) {
            throw new IllegalStateException("pidfd_open: errno " + Native.getLastError());
        }
        try {
            return (Long) Files.getAttribute(Path.of("/proc/self/fd/" + fd), "unix:ino");
        } catch (IOException e) {
            throw new IllegalStateException("stat of the pidfd", e);
        } finally {
            TestLibc.INSTANCE.close(fd);
        }
    }

    static boolean kernelAtLeast(int major, int minor) {
        String[] parts = System.getProperty("os.version", "0.0").split("[.-]");
        try {
            int a = Integer.parseInt(parts[0]);
            int b = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return a > major || a == major && b >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
