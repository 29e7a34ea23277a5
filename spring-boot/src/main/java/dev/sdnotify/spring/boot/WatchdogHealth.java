package dev.sdnotify.spring.boot;

import dev.sdnotify.HealthCheck;
import java.util.function.Supplier;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;

/**
 * The check the watchdog keeper runs before each keep-alive: the application's liveness state is
 * {@code CORRECT} and, when a health group gates it, that group's status is {@code UP}. Anything else, or a
 * check that throws, withholds the keep-alive.
 */
final class WatchdogHealth implements HealthCheck {
    private final ApplicationAvailability availability;
    /** The gating group's status code ("UP", "DOWN", ...), or null when no group gates the watchdog. */
    private final Supplier<String> groupStatus;
    private final String groupName;

    WatchdogHealth(ApplicationAvailability availability, String groupName, Supplier<String> groupStatus) {
        this.availability = availability;
        this.groupName = groupName;
        this.groupStatus = groupStatus;
    }

    @Override
    public boolean isHealthy() {
        LivenessState liveness = availability.getLivenessState();
        if (liveness != LivenessState.CORRECT) {
            throw new IllegalStateException("liveness is " + liveness);
        }
        if (groupStatus != null) {
            String status = groupStatus.get();
            if (!"UP".equals(status)) {
                throw new IllegalStateException("health group " + groupName + " is " + status);
            }
        }
        return true;
    }

    /** Which checks gate the keep-alives, for the log and the status line. */
    String describe() {
        return groupStatus == null ? "liveness state" : "liveness state and health group '" + groupName + "'";
    }
}
