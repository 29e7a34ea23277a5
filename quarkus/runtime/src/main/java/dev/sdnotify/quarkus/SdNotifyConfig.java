package dev.sdnotify.quarkus;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Telling systemd about the application's life. The extension acts only when a supervisor started the process
 * ({@code NOTIFY_SOCKET} or {@code READY_FD} is set) and never in dev mode; each part can be switched off. A value
 * out of range fails the start, naming the property.
 */
@ConfigMapping(prefix = "quarkus.sdnotify")
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
public interface SdNotifyConfig {
    /**
     * Whether the extension tells systemd anything; false and it does nothing.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * The longest one message may wait for room in the supervisor's queue. A message that cannot be sent in time is
     * logged, and the application goes on.
     */
    @WithDefault("1s")
    Duration sendTimeout();

    /**
     * READY=1 once the application serves.
     */
    Ready ready();

    /**
     * Start-up phases in STATUS=, and start extensions while the start makes progress.
     */
    Startup startup();

    /**
     * STOPPING=1 when shutdown begins.
     */
    Stopping stopping();

    /**
     * Keep-alives while the application is live, when the unit sets WatchdogSec=.
     */
    Watchdog watchdog();

    /** READY=1. */
    interface Ready {
        /**
         * Whether READY=1 is sent once the HTTP server listens (at the end of the start without one); false sends only
         * the status, for an application that sends READY=1 itself.
         */
        @WithDefault("true")
        boolean enabled();
    }

    /** The start. */
    interface Startup {
        /**
         * Whether the start-up phases are shown in STATUS= and the start is extended while it makes progress.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * How long each start extension (EXTEND_TIMEOUT_USEC=) grants. One is sent every third of it, and only if the
         * JVM made progress (classes loaded, CPU time) since the one before, so that TimeoutStartSec= bounds a start
         * that is stuck, not one that is slow. Zero sends none.
         */
        @WithDefault("30s")
        Duration extendTimeout();
    }

    /** The stop. */
    interface Stopping {
        /**
         * Whether STOPPING=1 is sent when shutdown begins, before the HTTP server closes.
         */
        @WithDefault("true")
        boolean enabled();
    }

    /** The watchdog. */
    interface Watchdog {
        /**
         * Whether the unit's WatchdogSec= is fed with keep-alives once the application is ready.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * The SmallRye Health group whose checks must be UP for each keep-alive, instead of the liveness checks. Needs
         * quarkus-smallrye-health; a group no check belongs to fails the start.
         */
        Optional<String> healthGroup();

        /**
         * Failed checks in a row before the keep-alives stop for good, and systemd restarts the service.
         */
        @WithDefault("1")
        int failuresBeforeStopping();

        /**
         * On failure, also send WATCHDOG=trigger, so that systemd acts at once, not when the interval ends.
         */
        @WithDefault("false")
        boolean triggerOnFailure();
    }
}
