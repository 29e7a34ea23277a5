package dev.sdnotify.lifecycle;

import dev.sdnotify.HealthCheck;
import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import dev.sdnotify.Watchdog;
import dev.sdnotify.WatchdogKeeper;
import dev.sdnotify.internal.Log;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A service's life as its supervisor sees it. The framework modules and the agent only map their events onto it:
 * <ul>
 *   <li>{@link #starting(String)} while the service starts: {@code STATUS=Starting: <phase>}. With
 *       {@link Builder#extendTimeout(Duration)}, every third of that time an {@code EXTEND_TIMEOUT_USEC=} of it if
 *       the start made {@linkplain Builder#progress progress} since the last look, and otherwise a status saying how
 *       long it has stood still: {@code TimeoutStartSec=} then bounds a start that is stuck, not one that is slow.
 *       The first of these comes a third of the extension after {@link Builder#build()}, so a JVM that lives only a
 *       moment sends none;</li>
 *   <li>{@link #ready(String, HealthCheck)} once the service can serve: {@code READY=1} with the status, once (the
 *       readiness fd too, if the supervisor gave one); the extensions end, and if the unit has a watchdog
 *       ({@code WatchdogSec=}) a {@link WatchdogKeeper} sends keep-alives while the health check passes;</li>
 *   <li>{@link #failed(String)} when the start fails: {@code STATUS=Start failed: <reason>} and nothing more;</li>
 *   <li>{@link #stopping(String)} when shutdown begins: the keep-alives end, then {@code STOPPING=1} with the
 *       status, once, and only after {@code READY=1}: a process that never was ready has nothing to take back.</li>
 * </ul>
 *
 * <p>Each send is bounded by {@link Builder#sendTimeout(Duration)} and made without holding the caller's locks;
 * none throws: a failure is logged with its reason and the service goes on. Texts are made safe for
 * {@code STATUS=} ({@link NotifyState#safeStatus(String)}). Sends are made in the order of the calls, and a start
 * status that loses a race with {@code READY=1} is dropped rather than sent after it.
 *
 * <p>The library's first load (its backend: JNA and libsystemd, or the FFM linker, 100 to 200 ms) is made on the
 * start thread as {@link Builder#build()} returns, beside the framework's start: the start's statuses asked for
 * meanwhile return at once and are sent, in their order, once it is done. The calls that end the start,
 * {@link #ready}, {@link #failed} and {@link #stopping}, wait for it (at most the send timeout and
 * 10 s), so that their message has been sent when they return.
 *
 * <p>Threads: {@code sdnotify-start} for the first load and while extensions are due, and the keeper's once ready
 * with a watchdog.
 */
public final class ServiceLifecycle implements AutoCloseable {
    /** Where a service is in its life; each step happens once, in this order. */
    private enum Stage { STARTING, READY, FAILED, STOPPING, CLOSED }

    private final Notifier notifier;
    private final boolean sendReady;
    private final boolean announceMainPid;
    private final boolean watchdog;
    private final boolean sendStopping;
    private final Consumer<WatchdogKeeper.Builder> keeperSettings;
    private final Duration extendTimeout;
    private final LongSupplier progress;
    private final LongSupplier ticker;
    private final long builtAt;
    private final boolean ownsScheduler;
    private final Object lock = new Object();
    /** Held only while one bounded send is made: keeps the sends in the order of the calls. */
    private final Object sending = new Object();
    /** Counted down once the first {@link #stopping} call has sent, or {@link #close()} made sure none will. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Counted down once the first load is done and the work it held back has been done. */
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Duration sendTimeout;
    private final ScheduledExecutorService starter;
    private final ScheduledFuture<?> ticks;
    /** Sends and the keeper's start, in call order, held back while the first load runs; null once it is done. */
    private List<Runnable> held = new ArrayList<>();

    private Stage stage = Stage.STARTING;
    private String phase = "Starting";
    private long lastProgress;
    private long stillSince;
    private WatchdogKeeper keeper;

    private ServiceLifecycle(Builder b) {
        this.notifier = b.notifier.withSendTimeout(b.sendTimeout);
        this.sendTimeout = b.sendTimeout;
        this.sendReady = b.sendReady;
        this.announceMainPid = b.announceMainPid;
        this.watchdog = b.watchdog;
        this.sendStopping = b.sendStopping;
        this.keeperSettings = b.keeperSettings;
        this.extendTimeout = b.extendTimeout;
        this.progress = b.progress;
        this.ticker = b.ticker;
        this.ownsScheduler = b.scheduler == null;
        this.builtAt = ticker.getAsLong();
        this.stillSince = builtAt;
        starter = b.scheduler != null ? b.scheduler : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sdnotify-start");
            t.setDaemon(true);
            return t;
        });
        if (extendTimeout.isZero()) {
            ticks = null;
        } else {
            long period = extendTimeout.toNanos() / 3;
            ticks = starter.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
        }
        // Due at once, so before the first tick.
        starter.execute(this::load);
        if (ticks == null && ownsScheduler) {
            // The thread ends once the load is done.
            starter.shutdown();
        }
    }

    /** The first load, off the framework's start thread; then what was held back meanwhile, in its order. */
    private void load() {
        if (ticks != null) {
            // On this thread too: the JVM's management beans take a while to load the first time.
            long now = progress.getAsLong();
            synchronized (lock) {
                lastProgress = now;
            }
        }
        try {
            notifier.isAvailable();
        } catch (RuntimeException e) {
            // The first send says what failed.
        }
        synchronized (sending) {
            List<Runnable> work = held;
            held = null;
            work.forEach(Runnable::run);
        }
        loaded.countDown();
    }

    /** {@code work} now, or once the first load is done; in either case after what was asked before it. */
    private void afterLoad(Runnable work) {
        synchronized (sending) {
            if (held != null) {
                held.add(work);
            } else {
                work.run();
            }
        }
    }

    /**
     * Whether a supervisor started this process, read from the JVM's environment without loading native code:
     * {@code NOTIFY_SOCKET} or a readiness fd ({@code READY_FD}) is set. Without one, an adapter creates nothing.
     */
    public static boolean supervised() {
        return !System.getenv().getOrDefault("NOTIFY_SOCKET", "").isEmpty()
                || !System.getenv().getOrDefault("READY_FD", "").isEmpty();
    }

    /** Settings for a lifecycle that tells {@code notifier}, usually {@link Notifier#fromEnvironment()}. */
    public static Builder builder(Notifier notifier) {
        return new Builder(notifier, null);
    }

    /**
     * Settings an adapter reads from its properties under {@code prefix}, such as {@code "sdnotify."}: a value out of
     * range is refused with a message that begins with the property's full name, {@code <prefix>send-timeout},
     * {@code <prefix>startup.extend-timeout} or {@code <prefix>watchdog.failures-before-stopping}.
     */
    public static Builder builder(Notifier notifier, String prefix) {
        return new Builder(notifier, Objects.requireNonNull(prefix, "prefix"));
    }

    /** The start reached {@code phase}: {@code STATUS=Starting: <phase>}, unless the start is over. */
    public void starting(String phase) {
        String text = "Starting: " + phase;
        synchronized (lock) {
            if (stage != Stage.STARTING) {
                return;
            }
            this.phase = text;
        }
        send("STATUS", Stage.STARTING, () -> notifier.send(NotifyState.safeStatus(text)));
    }

    /**
     * {@link #ready(String, HealthCheck)} with {@code STATUS=<status> (started in N.N s)}: the start {@code took} that
     * long, as the framework measured it, or, when it is null, as long as this lifecycle has existed (adapters build
     * it as their framework's start begins). Not the process's age: where {@code ProcSubset=pid} hides
     * {@code /proc/stat}, the JDK cannot tell when the process started.
     */
    public void readyAfterStart(String status, Duration took, HealthCheck health) {
        double seconds = (took != null ? took.toNanos() : ticker.getAsLong() - builtAt) / 1e9;
        ready(String.format(Locale.ROOT, "%s (started in %.1f s)", status, seconds), health);
    }

    /**
     * The service can serve: the first time, {@code READY=1} and {@code STATUS=status} (only the status if
     * {@link Builder#sendReady(boolean)} is off), then keep-alives while {@code health} passes if the unit has a
     * watchdog. Later calls, and a call after {@link #failed} or {@link #stopping}, only set the status.
     */
    public void ready(String status, HealthCheck health) {
        Objects.requireNonNull(health, "health");
        synchronized (lock) {
            if (stage != Stage.STARTING) {
                if (stage == Stage.READY) {
                    status(status);
                }
                return;
            }
            stage = Stage.READY;
        }
        endExtensions();
        awaitLoad();
        if (announceMainPid) {
            send("MAINPID", null, () -> notifier.mainPid(ProcessHandle.current().pid()));
        }
        String text = NotifyState.safeStatus(status).toString().substring("STATUS=".length());
        // ready() rather than send(READY): it signals the readiness fd too.
        send(sendReady ? "READY=1" : "STATUS", null, () -> sendReady ? notifier.ready(text) : notifier.send(NotifyState.status(text)));
        if (watchdog) {
            afterLoad(() -> startKeeper(health));
        }
    }

    private void startKeeper(HealthCheck health) {
        WatchdogKeeper k;
        try {
            Optional<Duration> interval = notifier.watchdogInterval();
            if (interval.isEmpty()) {
                Log.log(Level.DEBUG, "no watchdog keep-alives: the unit sets no WatchdogSec= for this process");
                return;
            }
            WatchdogKeeper.Builder b = Watchdog.keeper(health).notifier(notifier).interval(interval.get());
            keeperSettings.accept(b);
            k = b.start();
        } catch (RuntimeException e) {
            Log.log(Level.ERROR, "no watchdog keep-alives, so systemd will restart the service when WatchdogSec="
                    + " runs out: {0}", e.getMessage());
            return;
        }
        synchronized (lock) {
            if (stage == Stage.READY) {
                keeper = k;
                return;
            }
        }
        k.close();
    }

    /** {@code STATUS=text}. */
    public void status(String text) {
        send("STATUS", null, () -> notifier.send(NotifyState.safeStatus(text)));
    }

    /** The start failed: the extensions end, and {@code STATUS=Start failed: <reason>}; never {@code READY=1}. */
    public void failed(String reason) {
        synchronized (lock) {
            if (stage != Stage.STARTING) {
                return;
            }
            stage = Stage.FAILED;
        }
        endExtensions();
        awaitLoad();
        status("Start failed: " + reason);
    }

    /**
     * Shutdown began: the keep-alives end, then {@code STOPPING=1} and {@code STATUS=status}, once, if the service
     * was ready (and {@link Builder#sendStopping(boolean)} is on); before, only the extensions end. A second call
     * returns once the first has sent, so that a shutdown hook cannot let the JVM end while a signal handler's
     * {@code STOPPING=1} is still on its way.
     */
    public void stopping(String status) {
        boolean wasReady;
        boolean first = false;
        synchronized (lock) {
            wasReady = stage == Stage.READY;
            if (stage != Stage.STOPPING && stage != Stage.CLOSED) {
                stage = Stage.STOPPING;
                first = true;
            }
        }
        if (!first) {
            // Bounded: what is awaited is the first load and one send.
            await(stopped, sendTimeout.plusSeconds(LOAD_WAIT_SECONDS));
            return;
        }
        endExtensions();
        // Whatever the first load held back comes first.
        awaitLoad();
        WatchdogKeeper k;
        synchronized (lock) {
            k = keeper;
        }
        if (k != null) {
            k.close();
        }
        if (wasReady && sendStopping) {
            send("STOPPING=1", null, () -> notifier.send(NotifyState.STOPPING, NotifyState.safeStatus(status)));
        }
        stopped.countDown();
    }

    /** How long the end of the start waits for the first load beyond the send timeout; it takes well under 1 s. */
    private static final long LOAD_WAIT_SECONDS = 10;

    private void awaitLoad() {
        await(loaded, sendTimeout.plusSeconds(LOAD_WAIT_SECONDS));
    }

    private static void await(CountDownLatch latch, Duration bound) {
        try {
            latch.await(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The keeper, while one feeds the watchdog. */
    public Optional<WatchdogKeeper> keeper() {
        synchronized (lock) {
            return Optional.ofNullable(keeper);
        }
    }

    /** Whether {@code READY=1} (or the ready status) was sent and shutdown has not begun. */
    public boolean isReady() {
        synchronized (lock) {
            return stage == Stage.READY;
        }
    }

    /** Ends the lifecycle's threads, the start's and the keeper's, and sends nothing more. */
    @Override
    public void close() {
        WatchdogKeeper k;
        synchronized (lock) {
            if (stage != Stage.STOPPING) {
                stopped.countDown();
            }
            stage = Stage.CLOSED;
            k = keeper;
        }
        synchronized (sending) {
            if (held != null) {
                held.clear();
            }
        }
        endExtensions();
        if (k != null) {
            k.close();
        }
    }

    /** One look at the start: an extension if it moved since the last look, else how long it has stood still. */
    void tick() {
        long now = progress.getAsLong();
        long t = ticker.getAsLong();
        String text;
        boolean moved;
        synchronized (lock) {
            if (stage != Stage.STARTING) {
                return;
            }
            moved = now != lastProgress;
            lastProgress = now;
            if (moved) {
                stillSince = t;
            }
            text = moved ? phase : phase + ": no progress for " + TimeUnit.NANOSECONDS.toSeconds(t - stillSince) + " s";
        }
        if (moved) {
            send("EXTEND_TIMEOUT_USEC", Stage.STARTING, () -> notifier.send(
                    NotifyState.extendTimeout(extendTimeout), NotifyState.safeStatus(text)));
        } else {
            send("STATUS", Stage.STARTING, () -> notifier.send(NotifyState.safeStatus(text)));
        }
    }

    /** No more extensions; the start thread ends once the first load is done. */
    private void endExtensions() {
        if (ticks != null) {
            ticks.cancel(false);
        }
        if (ownsScheduler) {
            starter.shutdown();
        }
    }

    /**
     * One bounded send, in call order (held back while the first load runs); skipped if {@code onlyIn} is given and
     * the lifecycle has left that stage.
     */
    private void send(String what, Stage onlyIn, BooleanSupplier send) {
        synchronized (sending) {
            if (onlyIn != null) {
                synchronized (lock) {
                    if (stage != onlyIn) {
                        return;
                    }
                }
            }
            afterLoad(() -> {
                try {
                    if (!send.getAsBoolean()) {
                        Log.log(Level.DEBUG, "{0} went nowhere: the process has no supervisor", what);
                    }
                } catch (RuntimeException e) {
                    Log.log(Level.WARNING, "could not tell systemd {0}: {1}", what, e.getMessage());
                }
            });
        }
    }

    /**
     * The JVM's progress, as a number that grows while it works: classes loaded plus CPU time in tenths of a
     * second. A start that loads classes or computes moves; one blocked on a lock, a socket or a sleep does not.
     */
    public static long jvmProgress() {
        long cpuTenths = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis() / 100).orElse(0L);
        return ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount() + cpuTenths;
    }

    /** Settings of a lifecycle; {@link #build()} makes it and starts the extensions' timer. */
    public static final class Builder {
        private final Notifier notifier;
        private final String prefix;
        private Duration extendTimeout = Duration.ZERO;
        private Duration sendTimeout = Duration.ofSeconds(1);
        private boolean sendReady = true;
        private boolean announceMainPid;
        private boolean watchdog = true;
        private boolean sendStopping = true;
        private Consumer<WatchdogKeeper.Builder> keeperSettings = b -> { };
        private LongSupplier progress = ServiceLifecycle::jvmProgress;
        private LongSupplier ticker = System::nanoTime;
        private ScheduledExecutorService scheduler;

        private Builder(Notifier notifier, String prefix) {
            this.notifier = Objects.requireNonNull(notifier, "notifier");
            this.prefix = prefix;
        }

        /** What a refused value is called: the adapter's {@code property} under its prefix, or the {@code method}. */
        private String name(String property, String method) {
            return prefix == null ? method : prefix + property;
        }

        /**
         * How long each start extension asks for; zero (the default) sends none and starts no thread.
         *
         * @throws IllegalArgumentException if it is negative, or positive but below 3 microseconds
         */
        public Builder extendTimeout(Duration extension) {
            Objects.requireNonNull(extension, "extension");
            if (extension.isNegative() || (!extension.isZero() && extension.toNanos() < 3_000)) {
                throw new IllegalArgumentException(name("startup.extend-timeout", "extendTimeout")
                        + " must be 0 (no extensions) or at least 3 µs, got " + extension);
            }
            this.extendTimeout = extension;
            return this;
        }

        /**
         * The longest one send may wait for room in the supervisor's queue; default one second.
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder sendTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(name("send-timeout", "sendTimeout") + " must be positive, got "
                        + timeout);
            }
            this.sendTimeout = timeout;
            return this;
        }

        /** Whether {@link #ready} sends {@code READY=1}; off, it sends only the status. Default on. */
        public Builder sendReady(boolean send) {
            this.sendReady = send;
            return this;
        }

        /**
         * Whether {@code READY=1} comes with {@code MAINPID=} of this process, for a JVM that a script started
         * without {@code exec} (the unit then needs {@code NotifyAccess=all}). Default off.
         */
        public Builder announceMainPid(boolean announce) {
            this.announceMainPid = announce;
            return this;
        }

        /** Whether a unit's {@code WatchdogSec=} is fed once ready. Default on. */
        public Builder watchdog(boolean feed) {
            this.watchdog = feed;
            return this;
        }

        /** Whether {@link #stopping} sends {@code STOPPING=1}. Default on. */
        public Builder sendStopping(boolean send) {
            this.sendStopping = send;
            return this;
        }

        /**
         * Failed checks in a row before the keep-alives stop ({@link WatchdogKeeper.Builder#failuresBeforeStopping}).
         *
         * @throws IllegalArgumentException if it is below 1
         */
        public Builder failuresBeforeStopping(int checks) {
            if (checks < 1) {
                throw new IllegalArgumentException(name("watchdog.failures-before-stopping", "failuresBeforeStopping")
                        + " must be at least 1 (the first failed check stops the keep-alives), got " + checks);
            }
            this.keeperSettings = keeperSettings.andThen(k -> k.failuresBeforeStopping(checks));
            return this;
        }

        /**
         * The keeper's settings beyond its health check, interval and notifier, such as
         * {@link WatchdogKeeper.Builder#triggerOnFailure(boolean)}; applied in the order of the calls as it starts.
         */
        public Builder keeper(Consumer<WatchdogKeeper.Builder> settings) {
            this.keeperSettings = keeperSettings.andThen(Objects.requireNonNull(settings, "settings"));
            return this;
        }

        /** A number that grows while the start makes progress; default {@link ServiceLifecycle#jvmProgress()}. */
        public Builder progress(LongSupplier progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * The monotonic clock in nanoseconds and the scheduler that time the extensions, instead of
         * {@link System#nanoTime()} and a thread of the lifecycle's own; the scheduler is left running.
         */
        public Builder clock(LongSupplier ticker, ScheduledExecutorService scheduler) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The lifecycle, in its starting stage; the extensions' timer starts now. */
        public ServiceLifecycle build() {
            return new ServiceLifecycle(this);
        }
    }
}
