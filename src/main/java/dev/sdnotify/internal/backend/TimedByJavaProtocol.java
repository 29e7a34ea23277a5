package dev.sdnotify.internal.backend;

import java.util.List;

/**
 * A backend that cannot bound a send (libsystemd) with the Java protocol taking its timed sends: the same
 * bytes, credentials and fds on a socket of their own, since only a socket's {@code SO_SNDTIMEO} can bound
 * a send. Everything else, untimed sends included, stays with the backend.
 */
public final class TimedByJavaProtocol implements SdDaemon {
    private final SdDaemon untimed;
    private final JavaDaemon timed;

    public TimedByJavaProtocol(SdDaemon untimed, JavaDaemon timed) {
        this.untimed = untimed;
        this.timed = timed;
    }

    @Override
    public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds) {
        return untimed.pidNotifyWithFds(pid, unsetEnvironment, state, fds, nFds);
    }

    @Override
    public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds,
            long sendTimeoutUsec) {
        return sendTimeoutUsec == BLOCKING ? untimed.pidNotifyWithFds(pid, unsetEnvironment, state, fds, nFds)
                : timed.pidNotifyWithFds(pid, unsetEnvironment, state, fds, nFds, sendTimeoutUsec);
    }

    @Override
    public int notifyBarrier(boolean unsetEnvironment, long timeoutUsec) {
        return untimed.notifyBarrier(unsetEnvironment, timeoutUsec);
    }

    @Override
    public int notifyBarrier(boolean unsetEnvironment, long timeoutUsec, long sendTimeoutUsec) {
        return sendTimeoutUsec == BLOCKING ? untimed.notifyBarrier(unsetEnvironment, timeoutUsec)
                : timed.notifyBarrier(unsetEnvironment, timeoutUsec, sendTimeoutUsec);
    }

    @Override
    public String sendTimeoutMeans() {
        return "sent by the java protocol: libsystemd cannot bound a send";
    }

    @Override
    public int watchdogEnabled(boolean unsetEnvironment, long[] usecOut) {
        return untimed.watchdogEnabled(unsetEnvironment, usecOut);
    }

    @Override
    public int booted() {
        return untimed.booted();
    }

    @Override
    public int listenFds(boolean unsetEnvironment) {
        return untimed.listenFds(unsetEnvironment);
    }

    @Override
    public int listenFdsWithNames(boolean unsetEnvironment, List<byte[]> namesOut) {
        return untimed.listenFdsWithNames(unsetEnvironment, namesOut);
    }
}
