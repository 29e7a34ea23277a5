package dev.sdnotify.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code sdnotify.*}: each part of the starter can be switched off. Everything is on by default and acts only
 * when the process has a supervisor ({@code NOTIFY_SOCKET} is set).
 */
@ConfigurationProperties("sdnotify")
public class SdNotifyProperties {
    /** Master switch: {@code false} and the starter does nothing. */
    private boolean enabled = true;
    private final Ready ready = new Ready();
    private final Startup startup = new Startup();
    private final Stopping stopping = new Stopping();
    private final Watchdog watchdog = new Watchdog();
    private final SocketActivation socketActivation = new SocketActivation();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
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
        private boolean enabled = true;
        /**
         * How long each extension grants. One is sent every third of it, and only if the start made progress
         * (beans initialized, a phase reached) since the one before; a start stuck for longer than this is
         * left to {@code TimeoutStartSec=}. Zero sends none.
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
        private boolean enabled = true;
        /**
         * The Actuator health group that must be UP. Empty: the {@code liveness} group if the application has
         * one (Actuator's probes), else liveness state alone. Naming a group that does not exist fails the start.
         */
        private String healthGroup = "";
        /** Failed checks in a row before the keep-alives stop for good, and systemd restarts the service. */
        private int failuresBeforeStopping = 1;
        /** On failure, also send {@code WATCHDOG=trigger} so systemd acts at once, not when the interval ends. */
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
            this.healthGroup = healthGroup == null ? "" : healthGroup;
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
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
