package dev.sdnotify.spring.boot;

import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import dev.sdnotify.SdNotifyException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.event.ApplicationContextInitializedEvent;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * During the start, before the application context exists: start-up phases in {@code STATUS=}, and
 * {@code EXTEND_TIMEOUT_USEC} while the start makes progress, so that {@code TimeoutStartSec=} bounds a start
 * that is stuck rather than one that is slow.
 *
 * <p>Progress is a bean initialized or a phase reached. Every third of {@code sdnotify.startup.extend-timeout}
 * (30 s by default) it sends an extension of that length if there was progress since the last look, and
 * otherwise only a status saying how long the start has stood still. It stops at {@code ApplicationReadyEvent}
 * (the auto-configuration then sends {@code READY=1}) or when the start fails, with the failure in the status.
 *
 * <p>It runs on one daemon thread, {@code sdnotify-startup}, that exists only during the start and only when the
 * process has a supervisor. Registered in {@code META-INF/spring.factories}, since it must act before any bean.
 */
public final class StartupProgress implements ApplicationListener<SpringApplicationEvent>, Ordered {
    private static final Log LOG = LogFactory.getLog(StartupProgress.class);
    private static final int STATUS_MAX = 200;

    private final Supplier<Notifier> notifiers;
    private final Supplier<ScheduledExecutorService> schedulers;
    private final Supplier<Long> ticker;
    private final AtomicLong progress = new AtomicLong();
    private final AtomicLong beans = new AtomicLong();
    private final Object lock = new Object();
    private Notifier notifier;
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> ticks;
    private Duration extension;
    private String phase = "starting";
    private long seenProgress = -1;
    private long stillSince;
    private boolean done;

    /** As {@code META-INF/spring.factories} makes it. */
    public StartupProgress() {
        this(Notifier::fromEnvironment, StartupProgress::newThread, System::nanoTime);
    }

    StartupProgress(Supplier<Notifier> notifiers, Supplier<ScheduledExecutorService> schedulers,
            Supplier<Long> ticker) {
        this.notifiers = notifiers;
        this.schedulers = schedulers;
        this.ticker = ticker;
    }

    private static ScheduledExecutorService newThread() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sdnotify-startup");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public int getOrder() {
        // Early, so the phase is in the status before other listeners spend time on it.
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }

    @Override
    public void onApplicationEvent(SpringApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent e) {
            begin(e.getEnvironment());
        } else if (event instanceof ApplicationContextInitializedEvent e) {
            if (active()) {
                e.getApplicationContext().getBeanFactory().addBeanPostProcessor(new Counter());
            }
            phase("Starting: creating the application context");
        } else if (event instanceof ApplicationPreparedEvent) {
            phase("Starting: initializing beans");
        } else if (event instanceof ApplicationStartedEvent) {
            phase("Starting: running application runners");
        } else if (event instanceof ApplicationReadyEvent) {
            end(null);
        } else if (event instanceof ApplicationFailedEvent e) {
            end(e.getException());
        }
    }

    private void begin(ConfigurableEnvironment environment) {
        SdNotifyProperties properties = Binder.get(environment).bindOrCreate("sdnotify", SdNotifyProperties.class);
        if (!properties.isEnabled() || !properties.getStartup().isEnabled()
                || !OnSupervisorCondition.hasSupervisor(environment)) {
            return;
        }
        synchronized (lock) {
            if (notifier != null || done) {
                return;
            }
            notifier = notifiers.get();
            extension = properties.getStartup().getExtendTimeout();
            stillSince = ticker.get();
            if (extension != null && !extension.isNegative() && !extension.isZero()) {
                long period = Math.max(1, extension.toNanos() / 3);
                scheduler = schedulers.get();
                ticks = scheduler.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
            }
        }
        phase("Starting: environment prepared");
    }

    private boolean active() {
        synchronized (lock) {
            return notifier != null && !done;
        }
    }

    private void phase(String text) {
        progress.incrementAndGet();
        synchronized (lock) {
            phase = text;
            if (notifier != null && !done) {
                send(() -> notifier.status(text), "STATUS");
            }
        }
    }

    /** One look at the progress: an extension if the start moved since the last look. */
    void tick() {
        synchronized (lock) {
            if (done || notifier == null) {
                return;
            }
            long now = progress.get();
            long t = ticker.get();
            if (now != seenProgress) {
                seenProgress = now;
                stillSince = t;
                String status = phase + " (" + beans.get() + " beans)";
                send(() -> notifier.send(NotifyState.extendTimeout(extension), NotifyState.status(status)),
                        "EXTEND_TIMEOUT_USEC");
            } else {
                long still = Math.round((t - stillSince) / 1e9);
                String status = phase + ": no progress for " + still + " s";
                send(() -> notifier.status(status), "STATUS");
            }
        }
    }

    private void end(Throwable failure) {
        synchronized (lock) {
            if (done) {
                return;
            }
            done = true;
            if (ticks != null) {
                ticks.cancel(false);
                scheduler.shutdownNow();
                ticks = null;
            }
            if (failure != null && notifier != null) {
                String why = String.valueOf(rootCause(failure).getMessage()).replace('\n', ' ');
                String status = "Start-up failed: " + (why.length() > STATUS_MAX ? why.substring(0, STATUS_MAX) + "..."
                        : why);
                send(() -> notifier.status(status), "STATUS");
            }
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    /** Whether the extension timer still runs: for tests. */
    boolean ticking() {
        synchronized (lock) {
            return ticks != null;
        }
    }

    private static void send(BooleanSupplier send, String what) {
        try {
            send.getAsBoolean();
        } catch (SdNotifyException e) {
            LOG.warn("Could not tell systemd " + what + " during start-up: " + e.getMessage());
        }
    }

    /** Counts beans as they finish initializing: the start's progress. */
    private final class Counter implements BeanPostProcessor {
        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            beans.incrementAndGet();
            progress.incrementAndGet();
            return bean;
        }
    }
}
