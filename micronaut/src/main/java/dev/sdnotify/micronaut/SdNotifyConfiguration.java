package dev.sdnotify.micronaut;

import dev.sdnotify.Notifier;
import dev.sdnotify.lifecycle.ServiceLifecycle;
import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * sdnotify.*: each part of the module can be switched off. Everything is on by default and acts only when the
 * process has a supervisor (NOTIFY_SOCKET or READY_FD is set). A value out of range fails the start, naming the
 * property.
 */
@ConfigurationProperties("sdnotify")
public class SdNotifyConfiguration {
    /** Master switch: false and the module does nothing. */
    private boolean enabled = true;
    /**
     * The longest one message may wait for room in the supervisor's queue; a message that cannot be sent in time is
     * logged, and the application goes on.
     */
    private Duration sendTimeout = Duration.ofSeconds(1);
    private Ready ready = new Ready();
    private Startup startup = new Startup();
    private Stopping stopping = new Stopping();
    private Watchdog watchdog = new Watchdog();

    /** The lifecycle these settings describe, telling {@code notifier}; its extensions start now. */
    ServiceLifecycle lifecycle(Notifier notifier) {
        return ServiceLifecycle.builder(notifier, "sdnotify.")
                .sendTimeout(sendTimeout)
                .extendTimeout(startup.enabled ? startup.extendTimeout : Duration.ZERO)
                .sendReady(ready.enabled)
                .sendStopping(stopping.enabled)
                .watchdog(watchdog.enabled)
                .failuresBeforeStopping(watchdog.failuresBeforeStopping)
                .keeper(k -> k.triggerOnFailure(watchdog.triggerOnFailure))
                .build();
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getSendTimeout() {
        return sendTimeout;
    }

    public void setSendTimeout(Duration sendTimeout) {
        this.sendTimeout = sendTimeout;
    }

    public Ready getReady() {
        return ready;
    }

    public void setReady(Ready ready) {
        this.ready = ready;
    }

    public Startup getStartup() {
        return startup;
    }

    public void setStartup(Startup startup) {
        this.startup = startup;
    }

    public Stopping getStopping() {
        return stopping;
    }

    public void setStopping(Stopping stopping) {
        this.stopping = stopping;
    }

    public Watchdog getWatchdog() {
        return watchdog;
    }

    public void setWatchdog(Watchdog watchdog) {
        this.watchdog = watchdog;
    }

    /** READY=1 once the HTTP server is bound. */
    @ConfigurationProperties("ready")
    public static class Ready {
        /** Whether READY=1 is sent once the HTTP server is bound; false sends only the status. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Start-up phases in STATUS=, and EXTEND_TIMEOUT_USEC= while the start makes progress. */
    @ConfigurationProperties("startup")
    public static class Startup {
        /** Whether the start-up phases are shown in the status and the start is extended while it progresses. */
        private boolean enabled = true;
        /**
         * How long each start extension grants. One is sent every third of it, and only if the JVM made progress
         * (classes loaded, CPU time) since the one before; a start stuck for longer than this is left to
         * TimeoutStartSec=. Zero sends none.
         */
        private Duration extendTimeout = Duration.ofSeconds(30);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getExtendTimeout() {
            return extendTimeout;
        }

        public void setExtendTimeout(Duration extendTimeout) {
            this.extendTimeout = extendTimeout;
        }
    }

    /** STOPPING=1 when the application context begins to stop. */
    @ConfigurationProperties("stopping")
    public static class Stopping {
        /** Whether STOPPING=1 is sent when the application context begins to stop. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Keep-alives while the liveness indicators are UP, when the unit sets WatchdogSec=. */
    @ConfigurationProperties("watchdog")
    public static class Watchdog {
        /** Whether the unit's WatchdogSec= is fed with keep-alives once the HTTP server is bound. */
        private boolean enabled = true;
        /** Failed checks in a row before the keep-alives stop for good, and systemd restarts the service. */
        private int failuresBeforeStopping = 1;
        /** On failure, also send WATCHDOG=trigger, so that systemd acts at once, not when the interval ends. */
        private boolean triggerOnFailure = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getFailuresBeforeStopping() {
            return failuresBeforeStopping;
        }

        public void setFailuresBeforeStopping(int failuresBeforeStopping) {
            this.failuresBeforeStopping = failuresBeforeStopping;
        }

        public boolean isTriggerOnFailure() {
            return triggerOnFailure;
        }

        public void setTriggerOnFailure(boolean triggerOnFailure) {
            this.triggerOnFailure = triggerOnFailure;
        }
    }
}
