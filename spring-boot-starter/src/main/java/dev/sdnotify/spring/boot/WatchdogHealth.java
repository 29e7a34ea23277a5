package dev.sdnotify.spring.boot;

import dev.sdnotify.HealthCheck;
import java.util.Set;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;

/**
 * What must hold for each keep-alive: the application's liveness state is {@code CORRECT} and, when a health group
 * gates the watchdog, that group is {@code UP}. A failure says which, in words, for the log and {@code STATUS=}.
 */
final class WatchdogHealth implements HealthCheck {
    private final ApplicationAvailability availability;
    private final HealthGroups groups;
    /** The gating group, or null when liveness alone gates the keep-alives. */
    private final String group;

    private WatchdogHealth(ApplicationAvailability availability, HealthGroups groups, String group) {
        this.availability = availability;
        this.groups = groups;
        this.group = group;
    }

    /**
     * The check for {@code sdnotify.watchdog.health-group} = {@code configured}: that group, or if empty the
     * {@code liveness} group when there is one; {@code groups} is null without Actuator.
     *
     * @throws IllegalStateException if the configured group does not exist, naming the property and the fix
     */
    static WatchdogHealth of(ApplicationAvailability availability, HealthGroups groups, String configured) {
        if (configured.isEmpty()) {
            boolean liveness = groups != null && groups.names().contains("liveness");
            return new WatchdogHealth(availability, groups, liveness ? "liveness" : null);
        }
        if (groups == null) {
            throw new IllegalStateException("sdnotify.watchdog.health-group is '" + configured + "', but the "
                    + "application has no Actuator health endpoint to ask: add spring-boot-starter-actuator, or "
                    + "leave the property empty");
        }
        Set<String> names = groups.names();
        if (!names.contains(configured)) {
            throw new IllegalStateException("sdnotify.watchdog.health-group is '" + configured + "', but the "
                    + "application's health groups are " + names + ": define it with management.endpoint.health.group."
                    + configured + ".include");
        }
        return new WatchdogHealth(availability, groups, configured);
    }

    @Override
    public boolean isHealthy() {
        LivenessState liveness = availability.getLivenessState();
        if (liveness != LivenessState.CORRECT) {
            throw new IllegalStateException("the application's liveness state is " + liveness);
        }
        if (group != null) {
            String status = groups.status(group);
            if (!"UP".equals(status)) {
                throw new IllegalStateException("health group '" + group + "' is " + status);
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return group == null ? "the liveness state" : "the liveness state and health group '" + group + "'";
    }
}
