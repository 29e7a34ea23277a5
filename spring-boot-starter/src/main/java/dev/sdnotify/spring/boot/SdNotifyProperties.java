package dev.sdnotify.spring.boot;

import dev.sdnotify.Notifier;
import dev.sdnotify.lifecycle.ServiceLifecycle;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code sdnotify.*}: each part of the starter can be switched off. Everything is on by default and acts only
 * when the process has a supervisor ({@code NOTIFY_SOCKET} or {@code READY_FD} is set). A value out of range
 * fails the start, naming the property.
 */
@ConfigurationProperties("sdnotify")
public class SdNotifyProperties {
    /** Master switch: false and the starter does nothing. */
    private boolean enabled = true;
    /**
     * The longest one message may wait for room in the supervisor's queue; a message that cannot be sent in
     * time is logged, and the application goes on.
     */
    private Duration sendTimeout = Duration.ofSeconds(1);
    private final Ready ready = new Ready();
    private final Startup startup = new Startup();
    private final Stopping stopping = new Stopping();
    private final Watchdog watchdog = new Watchdog();
    private final SocketActivation socketActivation = new SocketActivation();

    /** The lifecycle these settings describe, telling {@code notifier}. */
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

    public Startup getStartup() {
        return startup;
    }

    public Stopping getStopping() {
        return stopping;
    }

    public Watchdog getWatchdog() {
        return watchdog;
    }

    public SocketActivation getSocketActivation() {
        return socketActivation;
    }

    /** {@code READY=1} once the application accepts traffic. */
    public static class Ready {
        /** Whether READY=1 is sent once the application accepts traffic; false sends only the status. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Start-up phases in {@code STATUS=}, and {@code EXTEND_TIMEOUT_USEC} while the start makes progress. */
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

    /** {@code STOPPING=1} when the application context starts to close. */
    public static class Stopping {
        /** Whether STOPPING=1 is sent when the application context starts to close. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Keep-alives while the application is live and healthy, when the unit sets {@code WatchdogSec=}. */
    public static class Watchdog {
        /** Whether the unit's WatchdogSec= is fed with keep-alives once the application accepts traffic. */
        private boolean enabled = true;
        /**
         * The Actuator health group that must be UP for each keep-alive, besides the liveness state. Empty: the
         * "liveness" group if the application has one, else the liveness state alone. Naming a group that does not
         * exist fails the start.
         */
        private String healthGroup = "";
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

        public String getHealthGroup() {
            return healthGroup;
        }

        public void setHealthGroup(String healthGroup) {
            this.healthGroup = healthGroup == null ? "" : healthGroup.trim();
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

    /** Tomcat and Jetty listen on the socket systemd passed on standard input ({@code StandardInput=socket}). */
    public static class SocketActivation {
        /** Whether Tomcat or Jetty serves on a listening socket systemd passed on standard input. */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
