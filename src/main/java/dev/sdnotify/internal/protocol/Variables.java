package dev.sdnotify.internal.protocol;

import java.util.List;

/** The environment variables a supervisor sets for the process it starts. */
public final class Variables {
    private Variables() {}

    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
    public static final String WATCHDOG_USEC = "WATCHDOG_USEC";
    public static final String WATCHDOG_PID = "WATCHDOG_PID";
    public static final String LISTEN_PID = "LISTEN_PID";
    /** The pidfd inode id of the process LISTEN_PID names (systemd 259 and later). */
    public static final String LISTEN_PIDFDID = "LISTEN_PIDFDID";
    public static final String LISTEN_FDS = "LISTEN_FDS";
    public static final String LISTEN_FDNAMES = "LISTEN_FDNAMES";

    /**
     * The readiness fd: the number of an inherited pipe to write a newline to, then close, once ready. No
     * supervisor sets it by itself except dinit when told ({@code ready-notification = pipevar:READY_FD});
     * s6, OpenRC and finit fix the number in their configuration, so the run script exports it.
     */
    public static final String READY_FD = "READY_FD";

    /** The socket-activation variables, in the order libsystemd 262 reads them. */
    public static final List<String> LISTEN = List.of(LISTEN_PID, LISTEN_PIDFDID, LISTEN_FDS, LISTEN_FDNAMES);

    /** Every variable above: what a child process of the service must not inherit. */
    public static final List<String> SUPERVISOR = List.of(NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID, LISTEN_PID,
            LISTEN_PIDFDID, LISTEN_FDS, LISTEN_FDNAMES, READY_FD);
}
