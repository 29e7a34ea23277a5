package dev.sdnotify.internal.core;

import dev.sdnotify.ListenFd;
import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** {@link Notifier#noop()}: finds no supervisor, no watchdog, no passed fds. */
public enum NoopNotifier implements Notifier {
    INSTANCE;

    @Override
    public boolean isAvailable() {
        return false;
    }

    @Override
    public boolean send(NotifyState... states) {
        return false;
    }

    @Override
    public boolean sendAndUnsetEnvironment(NotifyState... states) {
        return false;
    }

    @Override
    public boolean sendWithFds(int[] fds, NotifyState... states) {
        return false;
    }

    @Override
    public boolean sendAsPid(long pid, NotifyState... states) {
        return false;
    }

    @Override
    public boolean notify(String rawState) {
        return false;
    }

    @Override
    public boolean notifyAndUnsetEnvironment(String rawState) {
        return false;
    }

    @Override
    public boolean barrier(Duration timeout) {
        return false;
    }

    @Override
    public boolean barrierAndUnsetEnvironment(Duration timeout) {
        return false;
    }

    @Override
    public boolean barrierAsPid(long pid, Duration timeout) {
        return false;
    }

    @Override
    public Notifier withSendTimeout(Duration timeout) {
        return this;
    }

    @Override
    public boolean reloading() {
        return false;
    }

    @Override
    public Optional<Duration> watchdogInterval() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> watchdogIntervalAndUnsetEnvironment() {
        return Optional.empty();
    }

    @Override
    public List<ListenFd> listenFds() {
        return Collections.emptyList();
    }

    @Override
    public List<ListenFd> listenFdsAndUnsetEnvironment() {
        return Collections.emptyList();
    }

    @Override
    public boolean isSystemdBooted() {
        return false;
    }

    @Override
    public String toString() {
        return "Notifier.noop()";
    }
}
