package dev.sdnotify.spring.boot;

import dev.sdnotify.Notifier;
import dev.sdnotify.lifecycle.ServiceLifecycle;
import java.util.function.Supplier;
import org.springframework.boot.context.event.ApplicationContextInitializedEvent;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * The start, before any bean exists: the service's {@link ServiceLifecycle} is made as soon as the environment
 * is known, so that the start-up phases reach {@code STATUS=} and the start is extended while it makes progress;
 * it becomes the context's {@code sdNotifyLifecycle} bean, which {@link LifecycleEvents} takes on from there. A
 * failed start ends it with the root cause in the status. Without a supervisor, or with
 * {@code sdnotify.enabled=false}, it does nothing. Registered in {@code META-INF/spring.factories}.
 */
public final class StartupLifecycle implements ApplicationListener<SpringApplicationEvent>, Ordered {
    /** The name of the lifecycle's bean. */
    static final String BEAN = "sdNotifyLifecycle";

    private final Supplier<Notifier> notifiers;
    private ServiceLifecycle lifecycle;
    private boolean phases;

    /** As {@code META-INF/spring.factories} makes it: the process's notifier. */
    public StartupLifecycle() {
        this(Notifier::fromEnvironment);
    }

    StartupLifecycle(Supplier<Notifier> notifiers) {
        this.notifiers = notifiers;
    }

    @Override
    public int getOrder() {
        // Early, so that the phase is in the status before other listeners spend time in it.
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }

    @Override
    public void onApplicationEvent(SpringApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent e) {
            if (lifecycle == null && OnSupervisorCondition.hasSupervisor(e.getEnvironment())
                    && e.getEnvironment().getProperty("sdnotify.enabled", Boolean.class, true)) {
                // Making the lifecycle checks the values: one out of range fails the start here, naming the property.
                SdNotifyProperties p = Binder.get(e.getEnvironment()).bindOrCreate("sdnotify", SdNotifyProperties.class);
                lifecycle = p.lifecycle(notifiers.get());
                phases = p.getStartup().isEnabled();
                phase("environment prepared");
            }
        } else if (lifecycle == null) {
            return;
        } else if (event instanceof ApplicationContextInitializedEvent e) {
            e.getApplicationContext().getBeanFactory().registerSingleton(BEAN, lifecycle);
            phase("creating the application context");
        } else if (event instanceof ApplicationPreparedEvent) {
            phase("initializing beans");
        } else if (event instanceof ApplicationStartedEvent) {
            phase("running application runners");
        } else if (event instanceof ApplicationFailedEvent e) {
            lifecycle.failed(String.valueOf(rootCause(e.getException()).getMessage()));
            lifecycle.close();
        }
    }

    private void phase(String phase) {
        if (phases) {
            lifecycle.starting(phase);
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}
