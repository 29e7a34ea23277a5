package dev.sdnotify;

import dev.sdnotify.internal.core.WatchdogTimeouts;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Sends {@code WATCHDOG=1} at half the watchdog interval while a health check passes; made by
 * {@link Watchdog#start(HealthCheck)} or {@link Watchdog#keeper(HealthCheck)}. Close it to stop.
 *
 * <p>Each round runs the check, then sends a keep-alive if it passed:
 * <ul>
 *   <li>the check returns {@code false}, throws, or answers only after a whole interval: the keeper stops
 *       feeding for good, so systemd restarts the service when the interval runs out. By default it first
 *       sends a {@code STATUS=} saying why; optionally {@code WATCHDOG=trigger} so systemd acts at once;</li>
 *   <li>a check that hangs sends nothing more, so systemd acts when the interval runs out;</li>
 *   <li>a failed send is logged and the next round tries again: one lost keep-alive is not fatal, and
 *       sends are bounded by a timeout of half the interval so a stuck supervisor cannot hang the keeper.
 *       Repeated failures are logged at WARNING through {@code System.Logger} ({@code dev.sdnotify}).</li>
 * </ul>
 *
 * <p>{@link Builder#failuresBeforeStopping(int)} lets a number of failed checks in a row pass before the
 * keep-alives stop. When the service sets a new timeout with {@link NotifyState#watchdogTimeout} (through any
 * notifier of this process), the keeper feeds at half of it from then on.
 *
 * <p>With no watchdog configured ({@link Watchdog#interval()} empty) the keeper does nothing, starts no
 * thread, and {@link #isRunning()} is false; {@link #toString()} says why. By default the rounds run on one
 * daemon thread named {@code sdnotify-watchdog}, created by {@code start()} and ended by {@link #close()}.
 */
public final class WatchdogKeeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.sdnotify");
    /** Failed sends in a row after which each further one is logged at WARNING. */
    static final int REPEATED_FAILURES = 2;
    private static final int STATUS_REASON_MAX = 200;

    /** Whether the service is healthy; returning {@code false} or throwing counts as unhealthy. */
    @FunctionalInterface
    public interface HealthCheck {
        /**
         * Asked before each keep-alive; an answer that takes a whole interval counts as unhealthy too.
         *
         * @throws Exception counts as unhealthy, as {@code false} does
         */
        boolean isHealthy() throws Exception;
    }

    private final HealthCheck check;
    private final Notifier notifier;
    /** Follows {@link NotifyState#watchdogTimeout} sent by the service: read under {@link #lock}, or volatile. */
    private volatile Duration interval;
    private volatile long intervalNanos;
    private volatile long periodNanos;
    private final int failuresBeforeStopping;
    private int failedChecks;
    private final boolean triggerOnFailure;
    private final boolean statusOnFailure;
    private final LongSupplier ticker;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final String idleReason;

    private final Object lock = new Object();
    /** Told of a new watchdog timeout while this keeper runs. */
    private final Consumer<Duration> follower = this::follow;
    private ScheduledFuture<?> next;
    private boolean closed;
    private volatile String failure;
    private int failedSends;

    private WatchdogKeeper(Builder b, Duration interval, String idleReason) {
        this.check = b.check;
        this.interval = interval;
        this.intervalNanos = interval == null ? 0 : interval.toNanos();
        this.periodNanos = intervalNanos / 2;
        this.notifier = b.notifier != null || interval == null ? b.notifier
                : Notifier.fromEnvironment().withSendTimeout(Duration.ofNanos(Math.max(1000, periodNanos)));
        this.triggerOnFailure = b.triggerOnFailure;
        this.failuresBeforeStopping = b.failuresBeforeStopping;
        this.statusOnFailure = b.statusOnFailure;
        this.ticker = b.ticker;
        this.idleReason = idleReason;
        this.ownsScheduler = b.scheduler == null && interval != null;
        this.scheduler = ownsScheduler ? newThread() : b.scheduler;
    }

    private static ScheduledExecutorService newThread() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sdnotify-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    private void start() {
        if (interval == null) {
            LOG.log(System.Logger.Level.DEBUG, "watchdog keeper idle: {0}", idleReason);
            return;
        }
        synchronized (lock) {
            next = scheduler.schedule(this::round, 0, TimeUnit.NANOSECONDS);
        }
        WatchdogTimeouts.follow(follower);
    }

    /**
     * A {@code WATCHDOG_USEC=} reached the manager, which restarts its timer with the new timeout: keep-alives
     * at half the new interval from now on, the next one half of it from now.
     */
    private void follow(Duration timeout) {
        synchronized (lock) {
            if (closed || failure != null || timeout.equals(interval)) {
                return;
            }
            interval = timeout;
            intervalNanos = timeout.toNanos();
            periodNanos = intervalNanos / 2;
            if (next != null) {
                next.cancel(false);
                next = scheduler.schedule(this::round, periodNanos, TimeUnit.NANOSECONDS);
            }
        }
        LOG.log(System.Logger.Level.DEBUG, "watchdog keeper follows the new interval {0}", timeout);
    }

    /** One round: check, then keep-alive, then the next round half an interval after this one began. */
    private void round() {
        long began = ticker.getAsLong();
        String unhealthy = null;
        try {
            if (!check.isHealthy()) {
                unhealthy = "the health check reported unhealthy";
            }
        } catch (Throwable t) {
            // Anything the check throws is the service's health, reported below, not the keeper's failure.
            unhealthy = "the health check threw " + t;
        }
        long took = ticker.getAsLong() - began;
        if (unhealthy == null && took >= intervalNanos) {
            unhealthy = "the health check took " + Duration.ofNanos(took) + ", not less than the watchdog interval "
                    + interval;
        }
        boolean stop;
        synchronized (lock) {
            if (closed) {
                return;
            }
            failedChecks = unhealthy == null ? 0 : failedChecks + 1;
            stop = unhealthy != null && failedChecks >= failuresBeforeStopping;
            if (stop) {
                failure = failedChecks > 1 ? unhealthy + " (" + failedChecks + " checks in a row)" : unhealthy;
                next = null;
            }
        }
        if (stop) {
            WatchdogTimeouts.unfollow(follower);
            stopFeeding(failure);
            return;
        }
        if (unhealthy != null) {
            LOG.log(System.Logger.Level.WARNING, "watchdog health check failed ({0} of {1} in a row before "
                    + "keep-alives stop): {2}", failedChecks, failuresBeforeStopping, unhealthy);
        }
        keepAlive();
        synchronized (lock) {
            if (!closed) {
                next = scheduler.schedule(this::round, Math.max(0, periodNanos - took), TimeUnit.NANOSECONDS);
            }
        }
    }

    private void keepAlive() {
        String problem;
        try {
            if (notifier.watchdog()) {
                if (failedSends >= REPEATED_FAILURES) {
                    LOG.log(System.Logger.Level.INFO, "watchdog keep-alives are delivered again after {0} failures",
                            failedSends);
                }
                failedSends = 0;
                return;
            }
            problem = "NOTIFY_SOCKET is not set, so the keep-alive went nowhere";
        } catch (RuntimeException e) {
            problem = e.getMessage();
        }
        failedSends++;
        System.Logger.Level level = failedSends >= REPEATED_FAILURES ? System.Logger.Level.WARNING
                : System.Logger.Level.DEBUG;
        LOG.log(level, "watchdog keep-alive not delivered ({0} in a row): {1}", failedSends, problem);
    }

    private void stopFeeding(String why) {
        LOG.log(System.Logger.Level.WARNING, "watchdog keep-alives stopped, so systemd will restart the service: {0}",
                why);
        if (statusOnFailure) {
            sendQuietly(() -> notifier.status("Watchdog: " + statusText(why)), "STATUS");
        }
        if (triggerOnFailure) {
            sendQuietly(notifier::watchdogTrigger, "WATCHDOG=trigger");
        }
    }

    private static void sendQuietly(Runnable send, String what) {
        try {
            send.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not send " + what + " after the health check failed", e);
        }
    }

    /** STATUS text refuses line breaks, NUL and backslashes; an exception's text may hold any of them. */
    static String statusText(String reason) {
        StringBuilder s = new StringBuilder(Math.min(reason.length(), STATUS_REASON_MAX));
        for (int i = 0; i < reason.length() && s.length() < STATUS_REASON_MAX; i++) {
            char c = reason.charAt(i);
            boolean surrogate = Character.isSurrogate(c);
            s.append(c < 0x20 || c == 0x7f || c == '\\' || surrogate ? ' ' : c);
        }
        return s.toString();
    }

    /** Whether keep-alives are being sent: a watchdog is configured, the check has not failed, not closed. */
    public boolean isRunning() {
        synchronized (lock) {
            return interval != null && !closed && failure == null;
        }
    }

    /** The watchdog interval in use; empty when none is configured and the keeper is idle. */
    public Optional<Duration> interval() {
        return Optional.ofNullable(interval);
    }

    /** Why keep-alives stopped, once the health check has failed. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** Stops sending keep-alives and ends the keeper's own thread; idempotent. Sends nothing. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            WatchdogTimeouts.unfollow(follower);
            if (next != null) {
                next.cancel(false);
                next = null;
            }
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    @Override
    public String toString() {
        if (interval == null) {
            return "WatchdogKeeper(idle: " + idleReason + ")";
        }
        String state = failure != null ? "stopped: " + failure : isRunning() ? "running" : "closed";
        return "WatchdogKeeper(interval " + interval + ", " + state + ")";
    }

    /** Settings of a keeper; {@link #start()} makes it. */
    public static final class Builder {
        private final HealthCheck check;
        private Notifier notifier;
        private Duration interval;
        private boolean triggerOnFailure;
        private boolean statusOnFailure = true;
        private int failuresBeforeStopping = 1;
        private LongSupplier ticker = System::nanoTime;
        private ScheduledExecutorService scheduler;

        Builder(HealthCheck check) {
            this.check = Objects.requireNonNull(check, "check");
        }

        /**
         * Where keep-alives go. Default: {@link Notifier#fromEnvironment()} with a send timeout of half the
         * interval.
         */
        public Builder notifier(Notifier notifier) {
            this.notifier = Objects.requireNonNull(notifier, "notifier");
            return this;
        }

        /**
         * The watchdog interval; default: the {@linkplain #notifier(Notifier) notifier}'s
         * {@link Notifier#watchdogInterval()}, read by {@link #start()}.
         */
        public Builder interval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("watchdog interval must be positive, got " + interval);
            }
            this.interval = interval;
            return this;
        }

        /** Whether a failed check also sends {@code WATCHDOG=trigger}, so systemd acts at once. Default false. */
        public Builder triggerOnFailure(boolean trigger) {
            this.triggerOnFailure = trigger;
            return this;
        }

        /**
         * How many failed checks in a row stop the keep-alives; default 1, the first. Below that number a failed
         * check is logged at WARNING and the round still sends its keep-alive, so a transient failure (one slow
         * query) does not restart the service; a passing check starts the count again.
         *
         * @throws IllegalArgumentException if {@code checks} is below 1
         */
        public Builder failuresBeforeStopping(int checks) {
            if (checks < 1) {
                throw new IllegalArgumentException("failuresBeforeStopping must be at least 1, got " + checks);
            }
            this.failuresBeforeStopping = checks;
            return this;
        }

        /** Whether a failed check sends {@code STATUS=Watchdog: <reason>}. Default true. */
        public Builder statusOnFailure(boolean status) {
            this.statusOnFailure = status;
            return this;
        }

        /** The monotonic clock, in nanoseconds, that times the check; default {@link System#nanoTime()}. */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Runs the rounds instead of the keeper's own thread; {@link WatchdogKeeper#close()} then cancels the
         * keeper's round but leaves the scheduler running.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Starts the keeper: the first round (check, keep-alive) runs at once.
         *
         * @throws SdNotifyException if {@code WATCHDOG_USEC} or {@code WATCHDOG_PID} is malformed
         */
        public WatchdogKeeper start() {
            Duration i = interval;
            String idle = null;
            if (i == null) {
                i = (notifier != null ? notifier : Notifier.fromEnvironment()).watchdogInterval().orElse(null);
                if (i == null) {
                    idle = "no watchdog is configured (WATCHDOG_USEC unset, or WATCHDOG_PID names another process)";
                }
            }
            WatchdogKeeper keeper = new WatchdogKeeper(this, i, idle);
            keeper.start();
            return keeper;
        }
    }
}
