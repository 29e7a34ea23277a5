package dev.sdnotify.quarkus;

import dev.sdnotify.HealthCheck;
import dev.sdnotify.Notifier;
import dev.sdnotify.lifecycle.ServiceLifecycle;
import io.quarkus.runtime.configuration.ConfigurationException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** {@link SdNotifyConfig}, checked, as the lifecycle it describes and the check that gates its keep-alives. */
final class Settings {
    private static final String PREFIX = "quarkus.sdnotify.";

    private Settings() {
    }

    /**
     * The lifecycle the settings describe, telling {@code notifier}; its extensions start now. {@code smallRyeHealth}
     * says whether the application has SmallRye Health, {@code groups} names its health groups.
     *
     * @throws ConfigurationException naming the property and what it must be: a value out of range, or no such group
     */
    static ServiceLifecycle lifecycle(SdNotifyConfig config, boolean smallRyeHealth, Set<String> groups,
            Notifier notifier) {
        Optional<String> group = config.watchdog().healthGroup();
        if (group.isPresent() && !smallRyeHealth) {
            throw invalid(PREFIX + "watchdog.health-group is '" + group.get() + "', but the application has no "
                    + "SmallRye Health to ask: add quarkus-smallrye-health, or leave the property unset");
        }
        if (group.isPresent() && !groups.contains(group.get())) {
            throw invalid(PREFIX + "watchdog.health-group is '" + group.get() + "', but no health check belongs to "
                    + "it; the application's groups are " + groups + " (@HealthGroup)");
        }
        SdNotifyConfig.Watchdog watchdog = config.watchdog();
        try {
            return ServiceLifecycle.builder(notifier, PREFIX)
                    .sendTimeout(config.sendTimeout())
                    .extendTimeout(config.startup().enabled() ? config.startup().extendTimeout() : Duration.ZERO)
                    .sendReady(config.ready().enabled())
                    .sendStopping(config.stopping().enabled())
                    .watchdog(watchdog.enabled())
                    .failuresBeforeStopping(watchdog.failuresBeforeStopping())
                    .keeper(k -> k.triggerOnFailure(watchdog.triggerOnFailure()))
                    .build();
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    /**
     * What must hold for each keep-alive: with SmallRye Health, its liveness checks or the configured group are UP;
     * without it, nothing beyond the keeper's own thread running.
     */
    static HealthCheck watchdogHealth(SdNotifyConfig config, boolean smallRyeHealth) {
        return smallRyeHealth ? new SmallRyeLiveness(config.watchdog().healthGroup().orElse(null)) : () -> true;
    }

    /** The failure {@code message} describes; it begins with the property's full name. */
    private static ConfigurationException invalid(String message) {
        return new ConfigurationException(message, Set.of(message.substring(0, message.indexOf(' '))));
    }
}
