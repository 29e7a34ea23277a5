package dev.sdnotify;

import dev.sdnotify.internal.backend.JavaDaemon;
import dev.sdnotify.internal.protocol.Variables;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/** {@link Notifier} over a backend: builds the payload, calls the seam, turns its result into the outcome. */
final class DaemonNotifier implements Notifier {
    /** systemd reads at most this many bytes of a message and drops longer ones. */
    static final int MESSAGE_MAX = 4096;

    /** Follows the process-wide backend, including a later {@link SdNotify#useBackend(Backend)}. */
    static final DaemonNotifier PROCESS_WIDE = new DaemonNotifier(null);

    /** The keep-alive's bytes, built once: the watchdog path allocates nothing on the Java backend. */
    private static final byte[] WATCHDOG = message(NotifyState.WATCHDOG);

    private final BackendInfo fixed;
    /** {@code null}: sends wait while the receiver's queue is full, as libsystemd's do. */
    private final Duration sendTimeout;
    private final long sendTimeoutUsec;
    /** The readiness fd signaled along with READY=1: the process's; tests replace it with their own. */
    ReadinessFd readiness = ReadinessFd.PROCESS;

    DaemonNotifier(BackendInfo fixed) {
        this(fixed, null);
    }

    private DaemonNotifier(BackendInfo fixed, Duration sendTimeout) {
        this.fixed = fixed;
        this.sendTimeout = sendTimeout;
        this.sendTimeoutUsec = sendTimeout == null ? JavaDaemon.BLOCKING : sendTimeoutMicros(sendTimeout);
    }

    @Override
    public Notifier withSendTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("send timeout must be positive, got " + timeout);
        }
        return new DaemonNotifier(fixed, timeout);
    }

    /** At least one microsecond, since a zero {@code SO_SNDTIMEO} means no limit. */
    private static long sendTimeoutMicros(Duration timeout) {
        return Math.max(1L, timeoutMicros(timeout));
    }

    private BackendInfo backend() {
        return fixed != null ? fixed : Backends.active();
    }

    @Override
    public boolean isAvailable() {
        BackendInfo b = backend();
        if (b.daemon instanceof Unreachable) {
            // True: sends are attempted, and throw with the reason.
            return ((Unreachable) b.daemon).isSet(Variables.NOTIFY_SOCKET);
        }
        return Failures.getenv(b, Variables.NOTIFY_SOCKET) != null;
    }

    @Override
    public boolean send(NotifyState... states) {
        return deliver(0, false, message(states), null);
    }

    @Override
    public boolean sendAndUnsetEnvironment(NotifyState... states) {
        return deliver(0, true, message(states), null);
    }

    @Override
    public boolean sendWithFds(int[] fds, NotifyState... states) {
        Objects.requireNonNull(fds, "fds");
        return deliver(0, false, message(states), fds.clone());
    }

    @Override
    public boolean sendAsPid(long pid, NotifyState... states) {
        if (pid < 1 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pid must be in 1.." + Integer.MAX_VALUE + ", got " + pid);
        }
        return deliver((int) pid, false, message(states), null);
    }

    @Override
    public boolean notify(String rawState) {
        return deliver(0, false, rawState.getBytes(StandardCharsets.UTF_8), null);
    }

    @Override
    public boolean notifyAndUnsetEnvironment(String rawState) {
        return deliver(0, true, rawState.getBytes(StandardCharsets.UTF_8), null);
    }

    @Override
    public boolean watchdog() {
        return deliver(0, false, WATCHDOG, null);
    }

    @Override
    public boolean reloading() {
        BackendInfo b = backend();
        if (b.posix == null) {
            // none: not applicable; an unreachable supervisor: throws with the reason.
            return b.daemon.pidNotifyWithFds(0, false, new byte[0], null, 0) > 0;
        }
        return send(NotifyState.RELOADING, NotifyState.monotonicUsec(b.posix.monotonicMicros()));
    }

    @Override
    public boolean barrier(Duration timeout) {
        return barrier(timeout, false);
    }

    @Override
    public boolean barrierAndUnsetEnvironment(Duration timeout) {
        return barrier(timeout, true);
    }

    private boolean barrier(Duration timeout, boolean unset) {
        long usec = timeoutMicros(timeout);
        BackendInfo b = backend();
        byte[] socket = unset ? Failures.getenv(b, Variables.NOTIFY_SOCKET) : null;
        int r = isTimed(b)
                ? Backends.javaDaemon(b.posix).notifyBarrier(unset, usec, sendTimeoutUsec)
                : b.daemon.notifyBarrier(unset, usec);
        if (r >= 0) {
            return r > 0;
        }
        if (!unset) {
            socket = Failures.getenv(b, Variables.NOTIFY_SOCKET);
        }
        throw Failures.notifyFailed("sd_notify_barrier", -r, socket, 1, timeout, sendTimeout);
    }

    /** Microseconds for the seam; null is {@code UINT64_MAX} (no timeout), and huge values saturate. */
    static long timeoutMicros(Duration timeout) {
        if (timeout == null) {
            return -1L;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("barrier timeout must not be negative, got " + timeout);
        }
        if (timeout.getSeconds() >= Long.MAX_VALUE / 1_000_000L) {
            return Long.MAX_VALUE;
        }
        return timeout.getSeconds() * 1_000_000L + timeout.getNano() / 1000;
    }

    private boolean deliver(int pid, boolean unset, byte[] payload, int[] fds) {
        BackendInfo b = backend();
        byte[] socket = unset ? Failures.getenv(b, Variables.NOTIFY_SOCKET) : null;
        int nFds = fds == null ? 0 : fds.length;
        int r = isTimed(b)
                ? Backends.javaDaemon(b.posix).pidNotifyWithFds(pid, unset, payload, fds, nFds, sendTimeoutUsec)
                : b.daemon.pidNotifyWithFds(pid, unset, payload, fds, nFds);
        if (r >= 0) {
            return r > 0;
        }
        if (!unset) {
            socket = Failures.getenv(b, Variables.NOTIFY_SOCKET);
        }
        String operation = nFds > 0 ? "sd_pid_notify_with_fds" : pid != 0 ? "sd_pid_notify" : "sd_notify";
        throw Failures.notifyFailed(operation, -r, socket, nFds, null, sendTimeout);
    }

    /**
     * Timed sends always take the Java protocol implementation, whatever the backend: libsystemd has no
     * send timeout. {@code posix} is null only for the {@code none} backend, which never sends.
     */
    private boolean isTimed(BackendInfo b) {
        return sendTimeout != null && b.posix != null;
    }

    static byte[] message(NotifyState... states) {
        if (states.length == 0) {
            throw new IllegalArgumentException("a message needs at least one state");
        }
        StringBuilder text = new StringBuilder();
        for (NotifyState s : states) {
            Objects.requireNonNull(s, "state");
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(s);
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MESSAGE_MAX) {
            throw new IllegalArgumentException("the message is " + bytes.length + " bytes; systemd drops "
                    + "messages over " + MESSAGE_MAX + " bytes without telling the sender");
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "Notifier(" + (fixed != null ? fixed : "process-wide backend")
                + (sendTimeout != null ? ", send timeout " + sendTimeout : "") + ")";
    }

    @Override
    public boolean ready() {
        return readiness.ready(backend(), () -> send(NotifyState.READY));
    }

    @Override
    public boolean ready(String status) {
        NotifyState text = NotifyState.status(status);
        return readiness.ready(backend(), () -> send(NotifyState.READY, text));
    }
}
