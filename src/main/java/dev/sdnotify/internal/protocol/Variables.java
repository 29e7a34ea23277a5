package dev.sdnotify.internal.protocol;

/** The environment variables a supervisor sets for the process it starts. */
public final class Variables {
    public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";
    public static final String WATCHDOG_USEC = "WATCHDOG_USEC";
    public static final String WATCHDOG_PID = "WATCHDOG_PID";
    public static final String LISTEN_PID = "LISTEN_PID";
    public static final String LISTEN_FDS = "LISTEN_FDS";
    public static final String LISTEN_FDNAMES = "LISTEN_FDNAMES";

    private Variables() {}
}
