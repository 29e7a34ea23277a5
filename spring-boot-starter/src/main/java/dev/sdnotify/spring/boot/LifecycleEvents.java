package dev.sdnotify.spring.boot;

import dev.sdnotify.lifecycle.ServiceLifecycle;
import java.time.Duration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;

/**
 * The running application's events, told to its {@link ServiceLifecycle}:
 * <ul>
 *   <li>readiness {@code ACCEPTING_TRAFFIC}, the first time: {@code READY=1} with the port and the start-up time
 *       (the web server listens and the runners have run), then keep-alives while {@link WatchdogHealth} passes if
 *       the unit sets {@code WatchdogSec=}; later changes of readiness only set the status;</li>
 *   <li>this context starting to close, which comes before the web server stops: {@code STOPPING=1}, and the
 *       keep-alives end.</li>
 * </ul>
 */
final class LifecycleEvents implements SmartApplicationListener {
    private final ServiceLifecycle lifecycle;
    private final WatchdogHealth health;
    private final ApplicationContext context;
    private volatile Duration startedIn;

    LifecycleEvents(ServiceLifecycle lifecycle, WatchdogHealth health, ApplicationContext context) {
        this.lifecycle = lifecycle;
        this.health = health;
        this.context = context;
    }

    @Override
    public boolean supportsEventType(Class<? extends ApplicationEvent> type) {
        return AvailabilityChangeEvent.class.isAssignableFrom(type) || ContextClosedEvent.class.isAssignableFrom(type)
                || ApplicationReadyEvent.class.isAssignableFrom(type);
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationReadyEvent r && r.getApplicationContext() == context) {
            startedIn = r.getTimeTaken();
        } else if (event instanceof AvailabilityChangeEvent<?> change && change.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
            lifecycle.readyAfterStart(readyStatus(), startedIn, health);
        } else if (event instanceof AvailabilityChangeEvent<?> change && change.getState() == ReadinessState.REFUSING_TRAFFIC
                && lifecycle.isReady()) {
            lifecycle.status("Refusing traffic");
        } else if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
            lifecycle.stopping("Shutting down");
            lifecycle.close();
        }
    }

    private String readyStatus() {
        int port = WebServerPort.of(context);
        return port > 0 ? "Accepting traffic on port " + port : "Accepting traffic";
    }
}
