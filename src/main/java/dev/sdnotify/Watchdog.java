package dev.sdnotify;

import java.time.Duration;
import java.util.Optional;

/**
 * The watchdog interval systemd expects keep-alives within ({@code WatchdogSec=}), as {@code sd_watchdog_enabled}
 * reports it, and a keeper that sends them while the service is healthy.
 *
 * <pre>{@code
 * WatchdogKeeper keeper = Watchdog.start(() -> database.isReachable());   // close() on shutdown
 * }</pre>
 */
public final class Watchdog {

    private Watchdog() {}

    /**
     * Starts sending {@code WATCHDOG=1} at half the interval while {@code check} passes, with the defaults of
     * {@link #keeper(HealthCheck)}; does nothing when no watchdog is configured. See {@link WatchdogKeeper} for every
     * outcome.
     *
     * @throws SdNotifyException if {@code WATCHDOG_USEC} or {@code WATCHDOG_PID} is malformed
     */
    public static WatchdogKeeper start(HealthCheck check) {
        return keeper(check).start();
    }

    /** Settings for a keeper (notifier, interval, check timeout, failure actions, clock, scheduler) before it starts. */
    public static WatchdogKeeper.Builder keeper(HealthCheck check) {
        return new WatchdogKeeper.Builder(check);
    }

    /** {@link Notifier#watchdogInterval()} of {@link Notifier#fromEnvironment()}, with its outcomes. */
    public static Optional<Duration> interval() {
        return Notifier.fromEnvironment().watchdogInterval();
    }

    /**
     * {@link Notifier#watchdogIntervalAndUnsetEnvironment()} of {@link Notifier#fromEnvironment()}.
     * {@code unsetenv} is not thread-safe: call it early, from one thread.
     */
    public static Optional<Duration> intervalAndUnsetEnvironment() {
        return Notifier.fromEnvironment().watchdogIntervalAndUnsetEnvironment();
    }
}
