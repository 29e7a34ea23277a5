package dev.sdnotify.localsupervisor;

import java.util.Set;

/** How the command ended, from the status waitpid reported, and what systemd would record for it. */
record ExitStatus(int waitStatus) {
    private static final String[] SIGNALS = {"", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
        "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
        "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ",
        "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};
    /** Deaths systemd counts as a clean stop of a service (other than Type=oneshot). */
    private static final Set<Integer> CLEAN_SIGNALS = Set.of(1, 2, 13, 15);
    /** What a JVM exits with after SIGHUP, SIGINT and SIGTERM: 128 plus the signal. */
    private static final Set<Integer> JVM_SIGNAL_EXITS = Set.of(129, 130, 143);

    private static String signalName(int signal) {
        return signal > 0 && signal < SIGNALS.length ? SIGNALS[signal] : "signal " + signal;
    }

    boolean killed() {
        return signal() != 0;
    }

    int signal() {
        return waitStatus & 0x7f;
    }

    int code() {
        return (waitStatus >> 8) & 0xff;
    }

    /** The supervisor's own exit status: the command's, or 128 plus the signal that killed it, as shells do. */
    int exitCode() {
        return killed() ? 128 + signal() : code();
    }

    String describe(int pid) {
        if (killed()) {
            String how = "pid " + pid + " was killed by " + signalName(signal());
            if ((waitStatus & 0x80) != 0) {
                return how + " and dumped core: systemd would fail the unit (Result=core-dump)";
            }
            return CLEAN_SIGNALS.contains(signal())
                    ? how + ": systemd counts SIGHUP, SIGINT, SIGTERM and SIGPIPE as a clean stop (Result=success)"
                    : how + ": systemd would fail the unit (Result=signal)";
        }
        String how = "pid " + pid + " exited with status " + code();
        if (code() == 0) {
            return how + ": a clean stop (Result=success)";
        }
        if (JVM_SIGNAL_EXITS.contains(code())) {
            return how + ", as a JVM does after " + signalName(code() - 128) + ": systemd counts it as success only "
                    + "with SuccessExitStatus=" + code() + " in the unit, else it fails the unit (Result=exit-code)";
        }
        return how + ": systemd would fail the unit (Result=exit-code)";
    }
}
