package dev.sdnotify.internal.backend;

import dev.sdnotify.internal.protocol.Errno;
import java.util.List;
import java.util.Set;

/**
 * libsystemd, with the Java protocol doing what it cannot: timed sends (only a socket's {@code SO_SNDTIMEO} can
 * bound a send, and libsystemd's sockets are its own), and the functions an older libsystemd lacks
 * ({@link SdDaemon#missingFunctions()}). The Java protocol sends the same bytes, credentials and fds; everything
 * else, untimed sends included, stays with libsystemd. Without a Java protocol (its constants unverified here) a
 * missing function answers {@code -ENOSYS}.
 */
public final class LibsystemdWithJavaProtocol implements SdDaemon {
    private final SdDaemon libsystemd;
    /** Null where the Java protocol cannot run. */
    private final JavaDaemon java;
    private final Set<String> missing;

    public LibsystemdWithJavaProtocol(SdDaemon libsystemd, JavaDaemon java) {
        this.libsystemd = libsystemd;
        this.java = java;
        this.missing = libsystemd.missingFunctions();
    }

    /** The functions the Java protocol does in libsystemd's place, for {@code backend()}; empty when none. */
    public String note() {
        if (missing.isEmpty()) {
            return "";
        }
        return java != null ? ": the java protocol does their work" : ": calls to them fail with ENOSYS";
    }

    /** Whether this libsystemd has {@code function}; otherwise the Java protocol (or ENOSYS) answers. */
    private boolean has(String function) {
        return !missing.contains(function);
    }

    @Override
    public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds) {
        return libsystemd.pidNotifyWithFds(pid, unsetEnvironment, state, fds, nFds);
    }

    @Override
    public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds,
            long sendTimeoutUsec) {
        if (sendTimeoutUsec == BLOCKING) {
            return libsystemd.pidNotifyWithFds(pid, unsetEnvironment, state, fds, nFds);
        }
        return java == null ? -Errno.ENOSYS
                : java.pidNotifyWithFds(pid, unsetEnvironment, state, fds, nFds, sendTimeoutUsec);
    }

    @Override
    public int notifyBarrier(boolean unsetEnvironment, long timeoutUsec) {
        if (has("sd_notify_barrier")) {
            return libsystemd.notifyBarrier(unsetEnvironment, timeoutUsec);
        }
        return java == null ? -Errno.ENOSYS : java.notifyBarrier(unsetEnvironment, timeoutUsec);
    }

    @Override
    public int notifyBarrier(boolean unsetEnvironment, long timeoutUsec, long sendTimeoutUsec) {
        if (sendTimeoutUsec == BLOCKING) {
            return notifyBarrier(unsetEnvironment, timeoutUsec);
        }
        return java == null ? -Errno.ENOSYS : java.notifyBarrier(unsetEnvironment, timeoutUsec, sendTimeoutUsec);
    }

    @Override
    public int pidNotifyBarrier(int pid, boolean unsetEnvironment, long timeoutUsec) {
        if (has("sd_pid_notify_barrier")) {
            return libsystemd.pidNotifyBarrier(pid, unsetEnvironment, timeoutUsec);
        }
        return java == null ? -Errno.ENOSYS : java.pidNotifyBarrier(pid, unsetEnvironment, timeoutUsec);
    }

    @Override
    public Set<String> missingFunctions() {
        return missing;
    }

    @Override
    public String sendTimeoutMeans() {
        return "sent by the java protocol: libsystemd cannot bound a send";
    }

    @Override
    public int watchdogEnabled(boolean unsetEnvironment, long[] usecOut) {
        if (has("sd_watchdog_enabled")) {
            return libsystemd.watchdogEnabled(unsetEnvironment, usecOut);
        }
        return java == null ? -Errno.ENOSYS : java.watchdogEnabled(unsetEnvironment, usecOut);
    }

    @Override
    public int booted() {
        if (has("sd_booted")) {
            return libsystemd.booted();
        }
        return java == null ? -Errno.ENOSYS : java.booted();
    }

    @Override
    public int listenFds(boolean unsetEnvironment) {
        if (has("sd_listen_fds")) {
            return libsystemd.listenFds(unsetEnvironment);
        }
        return java == null ? -Errno.ENOSYS : java.listenFds(unsetEnvironment);
    }

    @Override
    public int listenFdsWithNames(boolean unsetEnvironment, List<byte[]> namesOut) {
        if (has("sd_listen_fds_with_names")) {
            return libsystemd.listenFdsWithNames(unsetEnvironment, namesOut);
        }
        return java == null ? -Errno.ENOSYS : java.listenFdsWithNames(unsetEnvironment, namesOut);
    }

    @Override
    public String toString() {
        return "libsystemd" + (missing.isEmpty() ? "" : " without " + missing + ", the java protocol in their place");
    }
}
