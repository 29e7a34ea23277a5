package dev.sdnotify;

import dev.sdnotify.internal.Log;
import dev.sdnotify.internal.core.DaemonNotifier;
import dev.sdnotify.internal.core.WatchdogTimeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Sends {@code WATCHDOG=1} at half the watchdog interval while a health check passes; made by
 * {@link Watchdog#start(HealthCheck)} or {@link Watchdog#keeper(HealthCheck)}. Close it to stop.
 *
 * <pre>{@code
 * WatchdogKeeper keeper = Watchdog.keeper(() -> db.isValid(1))
 *         .failuresBeforeStopping(2)       // one failed check is forgiven
 *         .triggerOnFailure(true)          // a second: systemd restarts the service at once
 *         .start();
 * ...
 * keeper.close();                          // on shutdown
 * }</pre>
 *
 * <p>Each round runs the check, then sends a keep-alive if it passed:
 * <ul>
 *   <li>the check returns {@code false}, throws, or has not answered within its timeout (a quarter of the interval
 *       by default): the check failed. The keeper stops feeding for good, so systemd restarts the service when the
 *       interval runs out; it logs a WARNING and sends {@code STATUS=Watchdog: <reason>}, and with
 *       {@link Builder#triggerOnFailure(boolean)} {@code WATCHDOG=trigger}, so systemd acts at once. A check still
 *       running when the next round comes is failed again, without a second one being started;</li>
 *   <li>{@link Builder#failuresBeforeStopping(int)} lets failed checks in a row below that number pass: each is
 *       logged at WARNING and the round still sends its keep-alive;</li>
 *   <li>a failed send is logged and the next round tries again: one lost keep-alive is not fatal, and sends are
 *       bounded by half the interval, so a stuck supervisor cannot hang the keeper. Two failures in a row and more
 *       are logged at WARNING through {@code System.Logger} ({@code dev.sdnotify}).</li>
 * </ul>
 *
 * <p>When the service sends a new timeout ({@link NotifyState#watchdogTimeout}, or {@code WATCHDOG_USEC=} in any
 * message, through any of this library's notifiers for the same supervisor), the keeper feeds at half of it from
 * then on; a timeout of 0 switches the watchdog off, and the keeper pauses until another comes.
 *
 * <p>With no watchdog configured the keeper does nothing, starts no thread, and {@link #isRunning()} is false;
 * {@link #toString()} says why. Otherwise it runs on two daemon threads: {@code sdnotify-watchdog} for the rounds
 * and {@code sdnotify-watchdog-check} for the check, ended by {@link #close()}.
 */
public final class WatchdogKeeper implements AutoCloseable {
    /** Failed sends in a row from which each further one is logged at WARNING. */
    static final int REPEATED_FAILURES = 2;

    /** Where a round is: waiting for its time, checking, sending, paused (watchdog off), or stopped for good. */
    private enum Phase { WAITING, CHECKING, SENDING, PAUSED, STOPPED }

    private final HealthCheck check;
    private final Notifier notifier;
    private final Duration checkTimeout;
    private final int failuresBeforeStopping;
    private final boolean triggerOnFailure;
    private final boolean statusOnFailure;
    private final LongSupplier ticker;
    private final ScheduledExecutorService scheduler;
    private final Executor checker;
    /** The threads the keeper made for itself, and ends on close. */
    private final List<ExecutorService> owned = new ArrayList<>();
    private final String idleReason;
    private final LongConsumer follower = this::follow;

    private final Object lock = new Object();
    private Duration interval;
    private Phase phase = Phase.WAITING;
    private boolean closed;
    private String failure;
    private int failedChecks;
    /**
     * The schedule's one chain: a scheduled round runs, and is decided, only while it holds the latest ticket; a
     * new one is drawn only while no round is being decided.
     */
    private long ticket;
    private ScheduledFuture<?> next;
    /** When the round being decided began, and its check's timeout. */
    private long roundBegan;
    private ScheduledFuture<?> checkDeadline;
    /** Set while a check runs on {@link #checker}, whatever round started it. */
    private boolean checkRunning;
    private long checkStarted;
    private int failedSends;

    private WatchdogKeeper(Builder b, Notifier notifier, Duration interval, String idleReason) {
        this.check = b.check;
        this.notifier = notifier;
        this.interval = interval;
        this.checkTimeout = b.checkTimeout;
        this.failuresBeforeStopping = b.failuresBeforeStopping;
        this.triggerOnFailure = b.triggerOnFailure;
        this.statusOnFailure = b.statusOnFailure;
        this.ticker = b.ticker;
        this.idleReason = idleReason;
        this.scheduler = b.scheduler != null || interval == null ? b.scheduler : own(rounds());
        this.checker = b.checker != null || interval == null ? b.checker
                : own(Executors.newSingleThreadExecutor(r -> daemon(r, "sdnotify-watchdog-check")));
    }

    /** The rounds' thread; a check's deadline, cancelled when the check answers, leaves its queue at once. */
    private static ScheduledExecutorService rounds() {
        ScheduledThreadPoolExecutor rounds = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "sdnotify-watchdog"));
        rounds.setRemoveOnCancelPolicy(true);
        return rounds;
    }

    private <E extends ExecutorService> E own(E executor) {
        owned.add(executor);
        return executor;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void start() {
        if (interval == null) {
            Log.log(System.Logger.Level.DEBUG, "watchdog keeper idle: {0}", idleReason);
            return;
        }
        WatchdogTimeouts.follow(notifier, follower);
        synchronized (lock) {
            schedule(0);
        }
    }

    private void schedule(long delayNanos) {
        long t = ++ticket;
        phase = Phase.WAITING;
        next = scheduler.schedule(() -> round(t), delayNanos, TimeUnit.NANOSECONDS);
    }

    private long period() {
        return interval.toNanos() / 2;
    }

    private Duration checkTimeout() {
        // Not Duration.dividedBy, which divides in BigDecimal, once or twice a round.
        return checkTimeout != null ? checkTimeout : Duration.ofNanos(interval.toNanos() / 4);
    }

    /** A round: the check on the check thread, its timeout on the rounds' thread; whichever comes first decides. */
    private void round(long t) {
        boolean busy;
        synchronized (lock) {
            if (closed || t != ticket || phase != Phase.WAITING) {
                return;
            }
            next = null;
            roundBegan = ticker.getAsLong();
            phase = Phase.CHECKING;
            busy = checkRunning;
            if (!busy) {
                checkRunning = true;
                checkStarted = roundBegan;
                checkDeadline = scheduler.schedule(() -> decide(t, "the health check did not answer within "
                        + checkTimeout()), checkTimeout().toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        if (busy) {
            decide(t, "the health check has not answered for " + Duration.ofNanos(roundBegan - checkStarted));
            return;
        }
        checker.execute(() -> {
            String unhealthy = runCheck();
            synchronized (lock) {
                checkRunning = false;
            }
            decide(t, unhealthy);
        });
    }

    /** Runs the check: null when it passed, else why not, in words. */
    private String runCheck() {
        try {
            return check.isHealthy() ? null : "the health check reported unhealthy";
        } catch (Throwable e) {
            // Anything the check throws is the service's health, reported in the status, not the keeper's failure.
            Log.log(System.Logger.Level.DEBUG, "watchdog health check threw {0}", e);
            String message = e.getMessage();
            return "the health check failed: " + (message != null && !message.isBlank() ? message
                    : e.getClass().getSimpleName());
        }
    }

    /** The first outcome of round {@code t}: a keep-alive, a failed check, or the end of the keep-alives. */
    private void decide(long t, String unhealthy) {
        boolean stop;
        synchronized (lock) {
            if (closed || t != ticket || phase != Phase.CHECKING) {
                return;
            }
            if (checkDeadline != null) {
                checkDeadline.cancel(false);
                checkDeadline = null;
            }
            failedChecks = unhealthy == null ? 0 : failedChecks + 1;
            stop = unhealthy != null && failedChecks >= failuresBeforeStopping;
            if (stop) {
                failure = failedChecks > 1 ? unhealthy + " (" + failedChecks + " checks in a row)" : unhealthy;
                phase = Phase.STOPPED;
            } else {
                phase = interval == null ? Phase.PAUSED : Phase.SENDING;
            }
        }
        if (stop) {
            WatchdogTimeouts.unfollow(notifier, follower);
            stopFeeding(failure);
            return;
        }
        if (unhealthy != null) {
            Log.log(System.Logger.Level.WARNING, "watchdog health check failed ({0} of {1} in a row before keep-alives "
                    + "stop): {2}", failedChecks, failuresBeforeStopping, unhealthy);
        }
        synchronized (lock) {
            if (phase != Phase.SENDING) {
                return;
            }
        }
        keepAlive();
        synchronized (lock) {
            if (!closed && phase == Phase.SENDING) {
                schedule(Math.max(0, period() - (ticker.getAsLong() - roundBegan)));
            }
        }
    }

    /**
     * A new timeout reached the manager, which restarts its timer with it: keep-alives at half of it from now on,
     * the next half of it from now; 0 or infinity switch the watchdog off. A round in progress keeps the one chain:
     * it schedules the next round when it is done.
     */
    private void follow(long usec) {
        Duration timeout = usec == 0 || usec == -1L ? null : WatchdogTimeouts.duration(usec);
        synchronized (lock) {
            if (closed || phase == Phase.STOPPED || Objects.equals(timeout, interval)) {
                return;
            }
            interval = timeout;
            if (phase == Phase.WAITING || phase == Phase.PAUSED) {
                if (next != null) {
                    next.cancel(false);
                    next = null;
                }
                if (timeout == null) {
                    phase = Phase.PAUSED;
                } else {
                    schedule(period());
                }
            }
        }
        Log.log(System.Logger.Level.DEBUG, "watchdog keeper follows the new timeout {0}",
                timeout == null ? "(off)" : timeout);
    }

    private void keepAlive() {
        String problem;
        try {
            if (notifier.watchdog()) {
                if (failedSends >= REPEATED_FAILURES) {
                    Log.log(System.Logger.Level.INFO, "watchdog keep-alives are delivered again after {0} failures",
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
        Log.log(failedSends >= REPEATED_FAILURES ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                "watchdog keep-alive not delivered ({0} in a row): {1}", failedSends, problem);
    }

    private void stopFeeding(String why) {
        Log.log(System.Logger.Level.WARNING, "watchdog keep-alives stopped, so systemd will restart the service: {0}",
                why);
        if (statusOnFailure) {
            sendQuietly(() -> notifier.send(NotifyState.safeStatus("Watchdog: " + why)), "STATUS");
        }
        if (triggerOnFailure) {
            sendQuietly(notifier::watchdogTrigger, "WATCHDOG=trigger");
        }
    }

    private static void sendQuietly(Runnable send, String what) {
        try {
            send.run();
        } catch (RuntimeException e) {
            Log.log(System.Logger.Level.WARNING, "could not send " + what + " after the health check failed: "
                    + e.getMessage());
        }
    }

    /** Whether keep-alives are being sent: a watchdog is on, the check has not failed for good, not closed. */
    public boolean isRunning() {
        synchronized (lock) {
            return interval != null && !closed && failure == null;
        }
    }

    /** The watchdog interval in use; empty when none is configured, or the service switched it off. */
    public Optional<Duration> interval() {
        synchronized (lock) {
            return Optional.ofNullable(interval);
        }
    }

    /** Why keep-alives stopped, once the health check has failed. */
    public Optional<String> failure() {
        synchronized (lock) {
            return Optional.ofNullable(failure);
        }
    }

    /** Stops sending keep-alives and ends the keeper's own threads; idempotent. Sends nothing. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            Stream.of(next, checkDeadline).filter(Objects::nonNull).forEach(f -> f.cancel(false));
        }
        WatchdogTimeouts.unfollow(notifier, follower);
        owned.forEach(ExecutorService::shutdownNow);
    }

    @Override
    public String toString() {
        synchronized (lock) {
            if (idleReason != null) {
                return "WatchdogKeeper(idle: " + idleReason + ")";
            }
            String state = failure != null ? "stopped: " + failure : closed ? "closed"
                    : interval == null ? "paused: the service switched the watchdog off" : "running";
            return "WatchdogKeeper(" + (interval != null ? "interval " + interval + ", " : "") + state + ")";
        }
    }

    /** Settings of a keeper; {@link #start()} makes it. */
    public static final class Builder {
        private final HealthCheck check;
        private Notifier notifier;
        private Duration interval;
        private Duration checkTimeout;
        private boolean triggerOnFailure;
        private boolean statusOnFailure = true;
        private int failuresBeforeStopping = 1;
        private LongSupplier ticker = System::nanoTime;
        private ScheduledExecutorService scheduler;
        private Executor checker;

        Builder(HealthCheck check) {
            this.check = Objects.requireNonNull(check, "check");
        }

        /**
         * Where keep-alives go, default {@link Notifier#fromEnvironment()}; the keeper sends through it with a send
         * timeout of half the interval ({@link Notifier#withSendTimeout}).
         */
        public Builder notifier(Notifier notifier) {
            this.notifier = Objects.requireNonNull(notifier, "notifier");
            return this;
        }

        /** The watchdog interval; default: the notifier's {@link Notifier#watchdogInterval()}, read by {@link #start()}. */
        public Builder interval(Duration interval) {
            this.interval = DaemonNotifier.positive(interval, "watchdog interval");
            return this;
        }

        /**
         * How long a check may take before it counts as failed; default a quarter of the interval, so that a
         * keep-alive after a slow check still comes well within the interval.
         */
        public Builder checkTimeout(Duration timeout) {
            this.checkTimeout = DaemonNotifier.positive(timeout, "check timeout");
            return this;
        }

        /** Whether a failed check also sends {@code WATCHDOG=trigger}, so systemd acts at once. Default false. */
        public Builder triggerOnFailure(boolean trigger) {
            this.triggerOnFailure = trigger;
            return this;
        }

        /**
         * How many failed checks in a row stop the keep-alives; default 1, the first. Below that number a failed check
         * is logged at WARNING and the round still sends its keep-alive, so a transient failure does not restart the
         * service; a passing check starts the count again.
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

        /** The monotonic clock, in nanoseconds, that times the rounds; default {@link System#nanoTime()}. */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Runs the rounds and times the checks instead of the keeper's own thread; {@link WatchdogKeeper#close()}
         * then cancels the keeper's tasks but leaves the scheduler running.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Runs the checks instead of the keeper's own check thread; it must run one at a time, off the scheduler. */
        public Builder checkExecutor(Executor checker) {
            this.checker = Objects.requireNonNull(checker, "checker");
            return this;
        }

        /**
         * Starts the keeper: the first round (check, keep-alive) runs at once.
         *
         * @throws SdNotifyException if {@code WATCHDOG_USEC} or {@code WATCHDOG_PID} is malformed
         */
        public WatchdogKeeper start() {
            Notifier source = notifier != null ? notifier : Notifier.fromEnvironment();
            Duration i = interval != null ? interval : source.watchdogInterval().orElse(null);
            // Bounded whichever notifier sends: a stuck supervisor must not hold a round past its keep-alive.
            Notifier target = i == null ? source : source.withSendTimeout(
                    i.dividedBy(2).compareTo(Duration.ofNanos(1000)) < 0 ? Duration.ofNanos(1000) : i.dividedBy(2));
            String idle = null;
            if (i == null) {
                idle = DaemonNotifier.watchdogElsewhere(source);
                if (idle != null) {
                    Log.log(System.Logger.Level.WARNING, "the watchdog keeper cannot feed: {0}", idle);
                } else {
                    idle = "no watchdog is configured (WATCHDOG_USEC unset)";
                }
            }
            WatchdogKeeper keeper = new WatchdogKeeper(this, target, i, idle);
            keeper.start();
            return keeper;
        }
    }
}
