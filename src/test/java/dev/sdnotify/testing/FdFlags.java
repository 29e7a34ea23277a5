package dev.sdnotify.testing;

import java.util.Arrays;

/**
 * The descriptor flags of this JVM's fds from 3 up to the first closed one, the range a socket-activation
 * call may mark close-on-exec: saved before such a call and put back after it.
 */
public final class FdFlags {
    private final int[] flags;

    private FdFlags(int[] flags) {
        this.flags = flags;
    }

    public static FdFlags save() {
        int[] flags = new int[64];
        int fd = 3;
        for (int f; (f = FastLibc.fcntl(fd, TestLibc.F_GETFD, 0)) >= 0; fd++) {
            if (fd >= flags.length) {
                flags = Arrays.copyOf(flags, 2 * fd);
            }
            flags[fd] = f;
        }
        return new FdFlags(Arrays.copyOf(flags, fd));
    }

    public void restore() {
        for (int fd = 3; fd < flags.length; fd++) {
            FastLibc.fcntl(fd, TestLibc.F_SETFD, flags[fd]);
        }
    }
}
