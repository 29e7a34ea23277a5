package dev.sdnotify.spring.boot;

import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import dev.sdnotify.SdNotifyException;
import dev.sdnotify.Watchdog;
import dev.sdnotify.WatchdogKeeper;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;

/**
 * What the running application tells systemd:
 * <ul>
 *   <li>{@code READY=1} with a {@code STATUS=} the first time readiness becomes {@code ACCEPTING_TRAFFIC}: the
 *       web server listens and the runners have run; later changes of readiness only update the status;</li>
 *   <li>from then on, when the unit sets {@code WatchdogSec=}, keep-alives while {@link WatchdogHealth} passes
 *       (systemd arms the watchdog once the start is complete);</li>
 *   <li>{@code STOPPING=1} when this context starts to close, before the web server stops; the keep-alives
 *       end there.</li>
 * </ul>
 * A send that fails is logged at ERROR and does not stop the application.
 */
final class ServiceNotifications implements SmartApplicationListener, AutoCloseable {
    private static final Log LOG = LogFactory.getLog(ServiceNotifications.class);

    private final Notifier notifier;
    private final ApplicationContext context;
    private final SdNotifyProperties properties;
    private final WatchdogHealth health;
    private final Object lock = new Object();
    private volatile int port = -1;
    private Duration startedIn;
    private boolean ready;
    private boolean stopping;
    private WatchdogKeeper keeper;

    ServiceNotifications(Notifier notifier, ApplicationContext context, SdNotifyProperties properties,
            WatchdogHealth health) {
        this.notifier = notifier;
        this.context = context;
        this.properties = properties;
        this.health = health;
    }

    @Override
    public boolean supportsEventType(Class<? extends ApplicationEvent> type) {
        return AvailabilityChangeEvent.class.isAssignableFrom(type) || ContextClosedEvent.class.isAssignableFrom(type)
                || ApplicationReadyEvent.class.isAssignableFrom(type);
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationReadyEvent r && r.getApplicationContext() == context) {
            synchronized (lock) {
                startedIn = r.getTimeTaken();
            }
        } else if (event instanceof AvailabilityChangeEvent<?> change
                && change.getState() instanceof ReadinessState state) {
            readiness(state);
        } else if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
            closing();
        }
    }

    /** The port the web server listens on, for the status line; set by the web server's event. */
    void webServerPort(int port) {
        this.port = port;
    }

    private void readiness(ReadinessState state) {
        synchronized (lock) {
            if (stopping) {
                return;
            }
            if (state == ReadinessState.ACCEPTING_TRAFFIC && !ready) {
                ready = true;
                String status = readyStatus();
                if (properties.getReady().isEnabled()) {
                    send("READY=1", () -> notifier.ready(status));
                } else {
                    send("STATUS", () -> notifier.status(status));
                }
                startWatchdog();
            } else if (ready) {
                send("STATUS", () -> notifier.status(state == ReadinessState.ACCEPTING_TRAFFIC ? readyStatus()
                        : "Refusing traffic"));
            }
        }
    }

    private String readyStatus() {
        StringBuilder s = new StringBuilder("Accepting traffic");
        if (port > 0) {
            s.append(" on port ").append(port);
        }
        if (startedIn != null) {
            s.append(String.format(" (started in %.1f s)", startedIn.toMillis() / 1000.0));
        }
        return s.toString();
    }

    private void startWatchdog() {
        if (!properties.getWatchdog().isEnabled()) {
            return;
        }
        Optional<Duration> interval;
        try {
            interval = notifier.watchdogInterval();
        } catch (SdNotifyException e) {
            // A WATCHDOG_USEC that cannot be read: no keep-alives, so systemd will act when its interval ends.
            LOG.error("No watchdog keep-alives: " + e.getMessage(), e);
            return;
        }
        if (interval.isEmpty()) {
            LOG.debug("No watchdog: the unit sets no WatchdogSec= for this process");
            return;
        }
        WatchdogHealth check = health;
        SdNotifyProperties.Watchdog w = properties.getWatchdog();
        keeper = Watchdog.keeper(check)
                .notifier(notifier.withSendTimeout(interval.get().dividedBy(2)))
                .interval(interval.get())
                .failuresBeforeStopping(w.getFailuresBeforeStopping())
                .triggerOnFailure(w.isTriggerOnFailure())
                .start();
        LOG.info("Watchdog keep-alives every " + interval.get().dividedBy(2).toMillis() + " ms while "
                + check.describe() + " pass");
    }

    private void closing() {
        synchronized (lock) {
            if (stopping) {
                return;
            }
            stopping = true;
            if (keeper != null) {
                keeper.close();
            }
            if (properties.getStopping().isEnabled()) {
                send("STOPPING=1", () -> notifier.send(NotifyState.STOPPING, NotifyState.status("Shutting down")));
            }
        }
    }

    /** The keeper, if one runs: for tests and {@code toString}. */
    WatchdogKeeper keeper() {
        synchronized (lock) {
            return keeper;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (keeper != null) {
                keeper.close();
            }
        }
    }

    private static void send(String what, BooleanSupplier send) {
        try {
            if (!send.getAsBoolean()) {
                LOG.warn("Could not tell systemd " + what + ": NOTIFY_SOCKET is no longer set");
            }
        } catch (SdNotifyException e) {
            LOG.error("Could not tell systemd " + what + ": " + e.getMessage(), e);
        }
    }
}
