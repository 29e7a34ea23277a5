package dev.sdnotify;

import java.time.Duration;

/** {@link Notifier#noop()}. */
enum NoopNotifier implements Notifier {
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
    public Notifier withSendTimeout(Duration timeout) {
        return this;
    }

    @Override
    public boolean reloading() {
        return false;
    }

    @Override
    public String toString() {
        return "Notifier.noop()";
    }
}
