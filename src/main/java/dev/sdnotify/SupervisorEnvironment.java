package dev.sdnotify;

import dev.sdnotify.internal.protocol.Variables;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps the supervisor's variables away from child processes. Java starts children with a copy of the
 * environment taken when the JVM started ({@link System#getenv()}, {@link ProcessBuilder#environment()}), so
 * they inherit {@code NOTIFY_SOCKET} and the others even after an "AndUnsetEnvironment" call removed them from
 * the C environment; a child would then notify the service's supervisor in the service's name, or count the
 * service's fds as its own.
 *
 * <pre>{@code
 * Process p = SupervisorEnvironment.removeFrom(new ProcessBuilder("helper", "--once")).start();
 * }</pre>
 *
 * <p>The fds themselves are not inherited: Java closes every fd above 2 in the children it starts.
 */
public final class SupervisorEnvironment {

    private SupervisorEnvironment() {}

    /**
     * The variables removed: {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}, {@code WATCHDOG_PID},
     * {@code LISTEN_PID}, {@code LISTEN_PIDFDID} (systemd 259 and later), {@code LISTEN_FDS},
     * {@code LISTEN_FDNAMES} and {@code READY_FD}.
     */
    public static List<String> names() {
        return Variables.SUPERVISOR;
    }

    /** Removes {@link #names()} from {@code builder}'s environment; returns {@code builder}. */
    public static ProcessBuilder removeFrom(ProcessBuilder builder) {
        Objects.requireNonNull(builder, "builder");
        removeFrom(builder.environment());
        return builder;
    }

    /** Removes {@link #names()} from a modifiable environment map, such as a copy of {@link System#getenv()}. */
    public static void removeFrom(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        environment.keySet().removeAll(Variables.SUPERVISOR);
    }
}
