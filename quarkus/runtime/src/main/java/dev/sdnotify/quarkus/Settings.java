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
     * Fails unless every value is in range and the watchdog's health group exists: {@code smallRyeHealth} says
     * whether the application has SmallRye Health, {@code groups} names its health groups.
     *
     * @throws ConfigurationException naming the property and what it must be
     */
    static void check(SdNotifyConfig config, boolean smallRyeHealth, Set<String> groups) {
        Duration send = config.sendTimeout();
        if (send.isNegative() || send.isZero()) {
            throw invalid("send-timeout", "must be positive, got " + send);
        }
        Duration extension = config.startup().extendTimeout();
        if (extension.isNegative() || (!extension.isZero() && extension.toMillis() < 3)) {
            throw invalid("startup.extend-timeout", "must be 0 (no extensions) or at least 3ms, got " + extension);
        }
        int failures = config.watchdog().failuresBeforeStopping();
        if (failures < 1) {
            throw invalid("watchdog.failures-before-stopping", "must be at least 1 (the first failed check stops the "
                    + "keep-alives), got " + failures);
        }
        Optional<String> group = config.watchdog().healthGroup();
        if (group.isPresent() && !smallRyeHealth) {
            throw invalid("watchdog.health-group", "is '" + group.get() + "', but the application has no SmallRye "
                    + "Health to ask: add quarkus-smallrye-health, or leave the property unset");
        }
        if (group.isPresent() && !groups.contains(group.get())) {
            throw invalid("watchdog.health-group", "is '" + group.get() + "', but no health check belongs to it; the "
                    + "application's groups are " + groups + " (@HealthGroup)");
        }
    }

    /** The lifecycle of {@link #check checked} settings, telling {@code notifier}; its extensions start now. */
    static ServiceLifecycle lifecycle(SdNotifyConfig config, Notifier notifier) {
        SdNotifyConfig.Watchdog watchdog = config.watchdog();
        return ServiceLifecycle.builder(notifier)
                .sendTimeout(config.sendTimeout())
                .extendTimeout(config.startup().enabled() ? config.startup().extendTimeout() : Duration.ZERO)
                .sendReady(config.ready().enabled())
                .sendStopping(config.stopping().enabled())
                .watchdog(watchdog.enabled())
                .keeper(k -> k.failuresBeforeStopping(watchdog.failuresBeforeStopping())
                        .triggerOnFailure(watchdog.triggerOnFailure()))
                .build();
    }

    /**
     * What must hold for each keep-alive: with SmallRye Health, its liveness checks or the configured group are UP;
     * without it, nothing beyond the keeper's own thread running.
     */
    static HealthCheck watchdogHealth(SdNotifyConfig config, boolean smallRyeHealth) {
        return smallRyeHealth ? new SmallRyeLiveness(config.watchdog().healthGroup().orElse(null)) : () -> true;
    }

    private static ConfigurationException invalid(String property, String why) {
        return new ConfigurationException(PREFIX + property + " " + why, Set.of(PREFIX + property));
    }
}
