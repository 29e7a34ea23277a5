package dev.sdnotify.testing;

import java.util.List;

/**
 * The sd-daemon functions with libsystemd's C result convention ({@code > 0} done, {@code 0} not applicable,
 * {@code -errno}), as the contract tests and the fuzzer compare them: libsystemd itself ({@link TestLibsystemd}),
 * and the library's backends seen through the same shape.
 */
public interface Daemon {
    int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds);

    /** {@code -1L} is {@code UINT64_MAX}, no timeout. */
    int notifyBarrier(boolean unsetEnvironment, long timeoutUsec);

    int pidNotifyBarrier(int pid, boolean unsetEnvironment, long timeoutUsec);

    /** {@code usecOut} null stands for NULL; its element 0 receives the interval when the result is 1. */
    int watchdogEnabled(boolean unsetEnvironment, long[] usecOut);

    int listenFds(boolean unsetEnvironment);

    /** {@code namesOut} null stands for NULL; it receives the names when the result is positive. */
    int listenFdsWithNames(boolean unsetEnvironment, List<byte[]> namesOut);

    int booted();
}
