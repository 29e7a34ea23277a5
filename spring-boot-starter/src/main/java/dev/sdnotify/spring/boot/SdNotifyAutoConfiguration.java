package dev.sdnotify.spring.boot;

import dev.sdnotify.Notifier;
import dev.sdnotify.lifecycle.ServiceLifecycle;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;

/**
 * Tells systemd about the application's life: {@link StartupLifecycle} during the start, {@link LifecycleEvents}
 * once it runs, both over one {@link ServiceLifecycle}. Acts only when the process has a supervisor
 * ({@code NOTIFY_SOCKET} or {@code READY_FD} set) and {@code sdnotify.enabled} is not {@code false}; otherwise it
 * defines no bean. The {@link Notifier} bean is the process's, for the application's own messages.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration",
    // Spring Boot 4, then 3: the health groups exist after it.
    "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "sdnotify.enabled", matchIfMissing = true)
@Conditional(OnSupervisorCondition.class)
@EnableConfigurationProperties(SdNotifyProperties.class)
@Import(ActuatorHealthGroups.class)
public class SdNotifyAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Notifier sdNotifier() {
        return Notifier.fromEnvironment();
    }

    /** The lifecycle, unless {@link StartupLifecycle} made it as the application started. */
    @Bean(name = StartupLifecycle.BEAN)
    @ConditionalOnMissingBean
    ServiceLifecycle sdNotifyLifecycle(Notifier notifier, SdNotifyProperties properties) {
        return properties.lifecycle(notifier);
    }

    /** Resolved now, so that a health group that does not exist fails the start, not the first keep-alive. */
    @Bean
    @ConditionalOnBean(ApplicationAvailability.class)
    WatchdogHealth sdNotifyWatchdogHealth(ApplicationAvailability availability, SdNotifyProperties properties,
            ObjectProvider<HealthGroups> groups) {
        return WatchdogHealth.of(availability, groups.getIfAvailable(), properties.getWatchdog().getHealthGroup());
    }

    @Bean
    @ConditionalOnBean(WatchdogHealth.class)
    LifecycleEvents sdNotifyLifecycleEvents(ServiceLifecycle lifecycle, WatchdogHealth health,
            ApplicationContext context) {
        return new LifecycleEvents(lifecycle, health, context);
    }
}
