package dev.sdnotify;

import dev.sdnotify.internal.protocol.Variables;
import java.time.Duration;
import java.util.Optional;

/**
 * The watchdog interval systemd expects keep-alives within ({@code WatchdogSec=}), as
 * {@code sd_watchdog_enabled} reports it, and a keeper that sends them while the service is healthy.
 *
 * <pre>{@code
 * WatchdogKeeper keeper = Watchdog.start(() -> database.isReachable());   // close() on shutdown
 * }</pre>
 */
public final class Watchdog {

    private Watchdog() {}

    /**
     * Starts sending {@code WATCHDOG=1} at half the interval while {@code check} passes, with the defaults
     * of {@link #keeper(WatchdogKeeper.HealthCheck)}; does nothing when no watchdog is configured. See
     * {@link WatchdogKeeper} for every outcome.
     *
     * @throws SdNotifyException if {@code WATCHDOG_USEC} or {@code WATCHDOG_PID} is malformed
     */
    public static WatchdogKeeper start(WatchdogKeeper.HealthCheck check) {
        return keeper(check).start();
    }

    /** Settings for a keeper (notifier, interval, failure actions, clock, scheduler) before it starts. */
    public static WatchdogKeeper.Builder keeper(WatchdogKeeper.HealthCheck check) {
        return new WatchdogKeeper.Builder(check);
    }

    /**
     * <ul>
     *   <li>the interval: {@code WATCHDOG_USEC} is set and, if {@code WATCHDOG_PID} is set, it is this
     *       process's pid;</li>
     *   <li>empty: no watchdog, or it is meant for another process (a child inherited the variables);</li>
     *   <li>{@link SdNotifyException}: {@code WATCHDOG_USEC} or {@code WATCHDOG_PID} is malformed, naming
     *       which.</li>
     * </ul>
     */
    public static Optional<Duration> interval() {
        return interval(false);
    }

    /**
     * {@link #interval()}, then removes {@code WATCHDOG_USEC} and {@code WATCHDOG_PID} from the C
     * environment whatever the outcome, so child processes do not see them (Java's
     * {@link System#getenv()} snapshot still does).
     *
     * <p>{@code unsetenv} is not thread-safe: call it early, from one thread, before other threads (native
     * ones included) read the environment.
     */
    public static Optional<Duration> intervalAndUnsetEnvironment() {
        return interval(true);
    }

    private static Optional<Duration> interval(boolean unset) {
        return interval(Backends.active(), unset);
    }

    static Optional<Duration> interval(BackendInfo b, boolean unset) {
        byte[] usecText = unset ? Failures.getenv(b, Variables.WATCHDOG_USEC) : null;
        byte[] pidText = unset ? Failures.getenv(b, Variables.WATCHDOG_PID) : null;
        long[] usec = new long[1];
        int r = b.daemon.watchdogEnabled(unset, usec);
        if (r > 0) {
            return Optional.of(Duration.ofSeconds(Long.divideUnsigned(usec[0], 1_000_000L),
                    Long.remainderUnsigned(usec[0], 1_000_000L) * 1000L));
        }
        if (r == 0) {
            return Optional.empty();
        }
        if (!unset) {
            usecText = Failures.getenv(b, Variables.WATCHDOG_USEC);
            pidText = Failures.getenv(b, Variables.WATCHDOG_PID);
        }
        throw Failures.watchdogFailed(-r, usecText, pidText);
    }
}
