package dev.sdnotify.internal.daemon;

import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.protocol.Errno;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@code sd_pid_notify_barrier}'s steps, whatever backend sends: a pipe, {@code BARRIER=1} with its write end, that
 * end closed, then a wait until the manager has closed the copy it received, which it does once it has read every
 * earlier message. Unlike libsystemd's, the wait survives signals: EINTR neither ends it nor restarts its timeout,
 * and an interrupted send (nothing was queued) is sent again. An interrupted thread ends it, with EINTR and its
 * interrupt status kept; so that a wait without limit notices, it polls in slices.
 */
public final class Barrier {
    private Barrier() {}

    private static final byte[] MESSAGE = "BARRIER=1".getBytes(StandardCharsets.US_ASCII);
    private static final int POLLNVAL = 0x20;
    /** The longest a thread's interruption goes unnoticed. */
    private static final long SLICE_USEC = 100_000;

    /**
     * 1, {@code -ETIMEDOUT} after {@code timeoutUsec} (-1: no limit), or {@code -errno}; 0 where the sender finds
     * no supervisor. The message is sent as {@code pid} (0: this process) through {@code sender}, bounded by
     * {@code sendTimeoutUsec} as {@link SdDaemon#pidNotifyWithFds} bounds it.
     */
    public static int run(Kernel kernel, SdDaemon sender, int pid, long timeoutUsec, long sendTimeoutUsec) {
        boolean limited = timeoutUsec != -1L;
        long deadline = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(Math.min(timeoutUsec, Long.MAX_VALUE / 4000));
        int[] pipe = new int[2];
        int r = kernel.pipeCloexec(pipe);
        if (r < 0) {
            return r;
        }
        try {
            int[] fds = {pipe[1]};
            do {
                r = sender.pidNotifyWithFds(pid, false, MESSAGE, fds, 1, sendTimeoutUsec);
            } while (r == -Errno.EINTR && !Thread.currentThread().isInterrupted()
                    && (!limited || deadline - System.nanoTime() > 0));
            if (r <= 0) {
                return r;
            }
            kernel.close(pipe[1]);
            pipe[1] = -1;
            while (true) {
                long left = limited ? Math.max(0, TimeUnit.NANOSECONDS.toMicros(deadline - System.nanoTime())) : SLICE_USEC;
                int revents = kernel.pollForHangup(pipe[0], Math.min(left, SLICE_USEC));
                if (revents > 0) {
                    return (revents & POLLNVAL) != 0 ? -Errno.EBADF : 1;
                }
                if (revents < 0 && revents != -Errno.EINTR) {
                    return revents;
                }
                if (Thread.currentThread().isInterrupted()) {
                    return -Errno.EINTR;
                }
                if (limited && deadline - System.nanoTime() <= 0) {
                    return -Errno.ETIMEDOUT;
                }
            }
        } finally {
            if (pipe[1] >= 0) {
                kernel.close(pipe[1]);
            }
            kernel.close(pipe[0]);
        }
    }
}
