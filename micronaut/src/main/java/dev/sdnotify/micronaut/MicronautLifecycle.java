package dev.sdnotify.micronaut;

import dev.sdnotify.HealthCheck;
import dev.sdnotify.Notifier;
import dev.sdnotify.lifecycle.ServiceLifecycle;
import io.micronaut.context.BeanProvider;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.EmbeddedApplication;
import io.micronaut.runtime.event.ApplicationStartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.annotation.PreDestroy;

/**
 * The application's events, told to its {@link ServiceLifecycle}, which this bean makes as the context starts:
 * <ul>
 *   <li>the beans are created, then the server starts: {@code STATUS=Starting: ...}, and start extensions while the
 *       JVM makes progress;</li>
 *   <li>the embedded server is bound ({@link ApplicationStartupEvent}), or the context has started if the application
 *       has no embedded server: {@code READY=1}, then keep-alives while the liveness indicators are UP
 *       ({@link LivenessIndicators}) if the unit sets {@code WatchdogSec=};</li>
 *   <li>the context begins to stop ({@link ShutdownEvent}), before any bean is closed: {@code STOPPING=1}, and the
 *       keep-alives end.</li>
 * </ul>
 */
@Context
class MicronautLifecycle {
    private final ServiceLifecycle lifecycle;
    private final BeanProvider<LivenessIndicators> liveness;
    private final boolean phases;

    MicronautLifecycle(Notifier notifier, SdNotifyConfiguration configuration,
            BeanProvider<LivenessIndicators> liveness) {
        this.lifecycle = configuration.lifecycle(notifier);
        this.liveness = liveness;
        this.phases = configuration.getStartup().isEnabled();
        phase("creating beans");
    }

    @EventListener
    void contextStarted(StartupEvent event) {
        if (event.getSource().containsBean(EmbeddedApplication.class)) {
            phase("starting the server");
        } else {
            ready("Running");
        }
    }

    @EventListener
    void applicationStarted(ApplicationStartupEvent event) {
        if (!(event.getSource() instanceof EmbeddedServer server)) {
            ready("Running");
            return;
        }
        try {
            ready("Accepting HTTP traffic on port " + server.getPort());
        } catch (UnsupportedOperationException noPort) {
            // It listens on a Unix domain socket only.
            ready("Accepting HTTP traffic");
        }
    }

    @EventListener
    void stopping(ShutdownEvent event) {
        lifecycle.stopping("Shutting down");
    }

    @PreDestroy
    void close() {
        lifecycle.close();
    }

    private void phase(String phase) {
        if (phases) {
            lifecycle.starting(phase);
        }
    }

    private void ready(String status) {
        HealthCheck health = liveness.isPresent() ? liveness.get() : () -> true;
        lifecycle.readyAfterStart(status, null, health);
    }
}
