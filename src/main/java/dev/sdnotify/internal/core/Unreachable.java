package dev.sdnotify.internal.core;

import dev.sdnotify.SdNotifyException;
import dev.sdnotify.internal.backend.SdDaemon;
import dev.sdnotify.internal.protocol.Errno;
import dev.sdnotify.internal.protocol.Variables;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The backend of a process a supervisor started but that cannot reach the kernel (no native access). A
 * call whose variable is in the JVM's environment throws {@link SdNotifyException} with ELIBACC and the
 * reason; a call whose variable is absent is truly not applicable and answers 0, as every backend would.
 */
public final class Unreachable implements SdDaemon {
    /** The variables whose presence means a supervisor started this process. */
    static final String[] SUPERVISOR_VARIABLES = {Variables.NOTIFY_SOCKET, Variables.WATCHDOG_USEC,
        Variables.LISTEN_FDS, Variables.READY_FD};

    private final String reason;
    private final Map<String, String> jvmEnvironment;

    public Unreachable(String reason, Map<String, String> jvmEnvironment) {
        this.reason = reason;
        this.jvmEnvironment = jvmEnvironment;
    }

    public static List<String> supervisorVariables(Map<String, String> jvmEnvironment) {
        List<String> present = new ArrayList<>();
        for (String v : SUPERVISOR_VARIABLES) {
            if (jvmEnvironment.get(v) != null) {
                present.add(v);
            }
        }
        return present;
    }

    /** Whether the JVM's environment (a copy taken at start) holds {@code variable}. */
    boolean isSet(String variable) {
        return jvmEnvironment.get(variable) != null;
    }

    /** Throws when {@code variable} says the call has a supervisor to talk to. */
    void require(String operation, String variable) {
        if (isSet(variable)) {
            throw new SdNotifyException(operation, Errno.ELIBACC, reason);
        }
    }

    @Override
    public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds) {
        require(nFds > 0 ? "sd_pid_notify_with_fds" : pid != 0 ? "sd_pid_notify" : "sd_notify",
                Variables.NOTIFY_SOCKET);
        return 0;
    }

    @Override
    public int notifyBarrier(boolean unsetEnvironment, long timeoutUsec) {
        require("sd_notify_barrier", Variables.NOTIFY_SOCKET);
        return 0;
    }

    @Override
    public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds,
            long sendTimeoutUsec) {
        return pidNotifyWithFds(pid, unsetEnvironment, state, fds, nFds);
    }

    @Override
    public int notifyBarrier(boolean unsetEnvironment, long timeoutUsec, long sendTimeoutUsec) {
        return notifyBarrier(unsetEnvironment, timeoutUsec);
    }

    @Override
    public int pidNotifyBarrier(int pid, boolean unsetEnvironment, long timeoutUsec) {
        require("sd_pid_notify_barrier", Variables.NOTIFY_SOCKET);
        return 0;
    }

    @Override
    public int watchdogEnabled(boolean unsetEnvironment, long[] usecOut) {
        require("sd_watchdog_enabled", Variables.WATCHDOG_USEC);
        return 0;
    }

    @Override
    public int booted() {
        return 0;
    }

    @Override
    public int listenFds(boolean unsetEnvironment) {
        require("sd_listen_fds", Variables.LISTEN_FDS);
        return 0;
    }

    @Override
    public int listenFdsWithNames(boolean unsetEnvironment, List<byte[]> namesOut) {
        require("sd_listen_fds_with_names", Variables.LISTEN_FDS);
        return 0;
    }

    @Override
    public String toString() {
        return "unreachable supervisor: " + reason;
    }
}
