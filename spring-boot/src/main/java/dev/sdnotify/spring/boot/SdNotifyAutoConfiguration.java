package dev.sdnotify.spring.boot;

import dev.sdnotify.Notifier;
import dev.sdnotify.SdNotify;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Tells systemd about the application's life: see {@link ServiceNotifications}. Acts only when the process has
 * a supervisor ({@code NOTIFY_SOCKET} set) and {@code sdnotify.enabled} is not {@code false}; otherwise it
 * defines no bean. An application's own {@link Notifier} bean replaces {@link Notifier#fromEnvironment()}.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration",
    "org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "sdnotify.enabled", matchIfMissing = true)
@Conditional(OnSupervisorCondition.class)
@EnableConfigurationProperties(SdNotifyProperties.class)
public class SdNotifyAutoConfiguration {

    private static final Log LOG = LogFactory.getLog(SdNotifyAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    Notifier sdNotifier() {
        LOG.info("Notifying systemd: backend=" + SdNotify.backend());
        return Notifier.fromEnvironment();
    }

    @Bean
    @ConditionalOnBean(ApplicationAvailability.class)
    ServiceNotifications sdNotifyServiceNotifications(Notifier notifier, ApplicationContext context,
            SdNotifyProperties properties, ApplicationAvailability availability,
            ObjectProvider<WatchdogHealthGroup> group) {
        // Resolved now, so that a health group that does not exist fails the start, not the first keep-alive.
        WatchdogHealthGroup g = group.getIfAvailable();
        String name = properties.getWatchdog().getHealthGroup();
        WatchdogHealth health;
        if (g != null) {
            health = g.health(availability, name);
        } else if (name.isEmpty()) {
            health = new WatchdogHealth(availability, null, null);
        } else {
            throw new IllegalStateException("sdnotify.watchdog.health-group is '" + name
                    + "', but the application has no Actuator health endpoint to ask: add"
                    + " spring-boot-starter-actuator, or leave the property empty");
        }
        return new ServiceNotifications(notifier, context, properties, health);
    }

    /** The port for the status line, when the application runs a web server. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebServerInitializedEvent.class)
    static class WebServerPort {
        @Bean
        ApplicationListener<WebServerInitializedEvent> sdNotifyWebServerPort(ObjectProvider<ServiceNotifications> n) {
            return event -> {
                if (event.getApplicationContext().getServerNamespace() == null) {
                    n.ifAvailable(s -> s.webServerPort(event.getWebServer().getPort()));
                }
            };
        }
    }

    /** With Actuator: a health group also gates the keep-alives. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthEndpoint.class)
    static class ActuatorHealth {
        @Bean
        @ConditionalOnBean({HealthEndpoint.class, HealthEndpointGroups.class})
        WatchdogHealthGroup sdNotifyWatchdogHealthGroup(HealthEndpoint endpoint, HealthEndpointGroups groups) {
            return (availability, configured) -> {
                String name = configured;
                if (name.isEmpty()) {
                    if (groups.get("liveness") == null) {
                        return new WatchdogHealth(availability, null, null);
                    }
                    name = "liveness";
                } else if (groups.get(name) == null) {
                    throw new IllegalStateException("sdnotify.watchdog.health-group is '" + name
                            + "', but the application's health groups are " + groups.getNames()
                            + ": define it with management.endpoint.health.group." + name + ".include");
                }
                String group = name;
                return new WatchdogHealth(availability, group, () -> {
                    HealthDescriptor d = endpoint.healthForPath(group);
                    return d == null ? "UNKNOWN (no such group)" : d.getStatus().getCode();
                });
            };
        }
    }

    /** Looks up the health group that gates the watchdog; only defined when Actuator is present. */
    @FunctionalInterface
    interface WatchdogHealthGroup {
        WatchdogHealth health(ApplicationAvailability availability, String configuredGroup);
    }
}
