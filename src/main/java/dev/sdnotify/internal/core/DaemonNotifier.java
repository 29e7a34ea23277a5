package dev.sdnotify.internal.core;

import dev.sdnotify.ListenFd;
import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import dev.sdnotify.SdNotifyException;
import dev.sdnotify.SocketActivation;
import dev.sdnotify.internal.backend.JavaDaemon;
import dev.sdnotify.internal.backend.SdDaemon;
import dev.sdnotify.internal.protocol.Errno;
import dev.sdnotify.internal.protocol.Variables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** {@link Notifier} over a backend: builds the payload, calls the seam, turns its result into the outcome. */
public final class DaemonNotifier implements Notifier {
    /** systemd reads at most this many bytes of a message and drops longer ones. */
    public static final int MESSAGE_MAX = 4096;

    /** Follows the process-wide backend, including a later {@code SdNotify.useBackend}. */
    public static final DaemonNotifier PROCESS_WIDE = new DaemonNotifier(null, ReadinessFd.PROCESS, null);

    private static final String WATCHDOG_USEC_PREFIX = "WATCHDOG_USEC=";
    /** The keep-alive's bytes, built once: the watchdog path allocates nothing on the Java backend. */
    private static final byte[] WATCHDOG = message(NotifyState.WATCHDOG);

    /** Null: the process-wide backend, looked up at each call. */
    private final ChosenBackend fixed;
    /** The readiness fd signaled along with READY=1: the process's, or a given environment's own. */
    private final ReadinessFd readiness;
    /** {@code null}: sends wait while the receiver's queue is full, as libsystemd's do. */
    private final Duration sendTimeout;
    private final long sendTimeoutUsec;

    /** A notifier over exactly this backend, which signals the process's readiness fd. */
    public DaemonNotifier(ChosenBackend fixed) {
        this(Objects.requireNonNull(fixed, "backend"), ReadinessFd.PROCESS, null);
    }

    /** A notifier over exactly this backend that signals {@code readiness} with READY=1. */
    public DaemonNotifier(ChosenBackend fixed, ReadinessFd readiness) {
        this(Objects.requireNonNull(fixed, "backend"), Objects.requireNonNull(readiness, "readiness"), null);
    }

    private DaemonNotifier(ChosenBackend fixed, ReadinessFd readiness, Duration sendTimeout) {
        this.fixed = fixed;
        this.readiness = readiness;
        this.sendTimeout = sendTimeout;
        this.sendTimeoutUsec = sendTimeout == null ? SdDaemon.BLOCKING : sendTimeoutMicros(sendTimeout);
    }

    /**
     * The Java protocol over {@code variables} instead of the C environment, with a readiness fd of its own
     * ({@code READY_FD} among them): {@code Notifier.forEnvironment}.
     */
    public static Notifier forEnvironment(Map<String, String> variables) {
        return new DaemonNotifier(Backends.forEnvironment(variables), new ReadinessFd(), null);
    }

    @Override
    public Notifier withSendTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("send timeout must be positive, got " + timeout);
        }
        return new DaemonNotifier(fixed, readiness, timeout);
    }

    /** At least one microsecond, since a zero {@code SO_SNDTIMEO} means no limit. */
    private static long sendTimeoutMicros(Duration timeout) {
        return Math.max(1L, timeoutMicros(timeout));
    }

    private ChosenBackend backend() {
        return fixed != null ? fixed : Backends.active();
    }

    @Override
    public boolean isAvailable() {
        ChosenBackend b = backend();
        if (b.isUnreachable()) {
            // True: sends are attempted, and throw with the reason.
            return ((Unreachable) b.daemon()).isSet(Variables.NOTIFY_SOCKET);
        }
        return Failures.getenv(b, Variables.NOTIFY_SOCKET) != null;
    }

    @Override
    public boolean send(NotifyState... states) {
        return followed(deliver(0, false, message(states), null), states);
    }

    @Override
    public boolean sendAndUnsetEnvironment(NotifyState... states) {
        return followed(deliver(0, true, message(states), null), states);
    }

    /** A new watchdog timeout that reached the manager is followed by the process's keepers. */
    private static boolean followed(boolean sent, NotifyState[] states) {
        if (sent) {
            for (NotifyState s : states) {
                String line = s.toString();
                if (line.startsWith(WATCHDOG_USEC_PREFIX)) {
                    long usec = Long.parseLong(line.substring(WATCHDOG_USEC_PREFIX.length()));
                    WatchdogTimeouts.sent(Duration.ofSeconds(usec / 1_000_000L, (usec % 1_000_000L) * 1000L));
                }
            }
        }
        return sent;
    }

    @Override
    public boolean sendWithFds(int[] fds, NotifyState... states) {
        Objects.requireNonNull(fds, "fds");
        return deliver(0, false, message(states), fds.clone());
    }

    @Override
    public boolean sendAsPid(long pid, NotifyState... states) {
        return deliver(checkedPid(pid), false, message(states), null);
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
        ChosenBackend b = backend();
        if (b.posix() == null) {
            // none: not applicable; an unreachable supervisor: throws with the reason.
            return b.daemon().pidNotifyWithFds(0, false, new byte[0], null, 0) > 0;
        }
        return send(NotifyState.RELOADING, NotifyState.monotonicUsec(b.posix().monotonicMicros()));
    }

    @Override
    public boolean barrier(Duration timeout) {
        return barrier(0, timeout, false);
    }

    @Override
    public boolean barrierAndUnsetEnvironment(Duration timeout) {
        return barrier(0, timeout, true);
    }

    @Override
    public boolean barrierAsPid(long pid, Duration timeout) {
        return barrier(checkedPid(pid), timeout, false);
    }

    private static int checkedPid(long pid) {
        if (pid < 1 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pid must be in 1.." + Integer.MAX_VALUE + ", got " + pid);
        }
        return (int) pid;
    }

    /**
     * A signal (a JVM cannot mask them) ends the seam's wait with EINTR; here the wait is repeated on the same
     * pipe for the time that is left, so only the manager or the timeout ends it. The steps are libsystemd's
     * ({@link JavaDaemon#barrier}), the message sent through the backend in use. With {@code unset}, the
     * variable is removed once, after the barrier.
     */
    private boolean barrier(int pid, Duration timeout, boolean unset) {
        long usec = timeoutMicros(timeout);
        ChosenBackend b = backend();
        byte[] socket = unset ? Failures.getenv(b, Variables.NOTIFY_SOCKET) : null;
        int r;
        try {
            r = b.posix() == null ? b.daemon().notifyBarrier(false, usec, sendTimeoutUsec)
                    : JavaDaemon.barrier(b.posix(), b.daemon(), pid, false, usec, sendTimeoutUsec, true);
        } finally {
            if (unset) {
                unsetNotifySocket(b);
            }
        }
        if (r >= 0) {
            return r > 0;
        }
        if (!unset) {
            socket = Failures.getenv(b, Variables.NOTIFY_SOCKET);
        }
        throw Failures.notifyFailed(pid != 0 ? "sd_pid_notify_barrier" : "sd_notify_barrier", -r, socket, 1, timeout,
                sendTimeout);
    }

    /** The unset variants' last step; the backends' own unset would come before a retry could run. */
    private static void unsetNotifySocket(ChosenBackend b) {
        if (b.posix() != null) {
            b.posix().unsetenv(Variables.NOTIFY_SOCKET);
        }
    }

    /** Microseconds for the seam; null is {@code UINT64_MAX} (no timeout), and huge values saturate. */
    public static long timeoutMicros(Duration timeout) {
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

    /**
     * One message. A signal that interrupts a send before the datagram was queued (EINTR: nothing was sent)
     * is not the caller's failure: the send is retried, for the time left of a send timeout. With
     * {@code unset}, the variable is removed once, after the last attempt, whatever the outcome.
     */
    private boolean deliver(int pid, boolean unset, byte[] payload, int[] fds) {
        ChosenBackend b = backend();
        int nFds = fds == null ? 0 : fds.length;
        byte[] socket = unset ? Failures.getenv(b, Variables.NOTIFY_SOCKET) : null;
        long deadline = sendTimeout == null ? 0 : System.nanoTime() + sendTimeout.toNanos();
        int r;
        try {
            r = sendOnce(b, pid, payload, fds, nFds, sendTimeoutUsec);
            while (r == -Errno.EINTR) {
                long left = sendTimeoutUsec;
                if (sendTimeout != null) {
                    left = (deadline - System.nanoTime()) / 1000;
                    if (left <= 0) {
                        r = -Errno.EAGAIN;
                        break;
                    }
                }
                r = sendOnce(b, pid, payload, fds, nFds, left);
            }
        } finally {
            if (unset) {
                unsetNotifySocket(b);
            }
        }
        if (r >= 0) {
            return r > 0;
        }
        throw sendFailed(b, unset ? socket : Failures.getenv(b, Variables.NOTIFY_SOCKET), pid, nFds, r);
    }

    private static int sendOnce(ChosenBackend b, int pid, byte[] payload, int[] fds, int nFds, long sendTimeoutUsec) {
        return sendTimeoutUsec == SdDaemon.BLOCKING ? b.daemon().pidNotifyWithFds(pid, false, payload, fds, nFds)
                : b.daemon().pidNotifyWithFds(pid, false, payload, fds, nFds, sendTimeoutUsec);
    }

    private SdNotifyException sendFailed(ChosenBackend b, byte[] socket, int pid, int nFds, int r) {
        String operation = nFds > 0 ? "sd_pid_notify_with_fds" : pid != 0 ? "sd_pid_notify" : "sd_notify";
        return Failures.notifyFailed(operation, -r, socket, nFds, null, sendTimeout);
    }

    /** The states as one message, one per line, UTF-8; refuses what systemd would drop. */
    public static byte[] message(NotifyState... states) {
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
        String means = sendTimeout == null ? "" : backend().daemon().sendTimeoutMeans();
        return "Notifier(" + (fixed != null ? fixed : "process-wide backend")
                + (sendTimeout != null ? ", send timeout " + sendTimeout + (means.isEmpty() ? "" : ", " + means) : "")
                + ")";
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

    @Override
    public Optional<Duration> watchdogInterval() {
        return watchdogInterval(false);
    }

    @Override
    public Optional<Duration> watchdogIntervalAndUnsetEnvironment() {
        return watchdogInterval(true);
    }

    private Optional<Duration> watchdogInterval(boolean unset) {
        ChosenBackend b = backend();
        byte[] usecText = unset ? Failures.getenv(b, Variables.WATCHDOG_USEC) : null;
        byte[] pidText = unset ? Failures.getenv(b, Variables.WATCHDOG_PID) : null;
        long[] usec = new long[1];
        int r = b.daemon().watchdogEnabled(unset, usec);
        if (r > 0) {
            return Optional.of(Duration.ofSeconds(Long.divideUnsigned(usec[0], 1_000_000L),
                    Long.remainderUnsigned(usec[0], 1_000_000L) * 1000L));
        }
        if (r == 0) {
            return Optional.empty();
        }
        if (!unset) {
            usecText = Failures.getenv(b, Variables.WATCHDOG_USEC);
            pidText = Failures.getenv(b, Variables.WATCHDOG_PID);
        }
        throw Failures.watchdogFailed(-r, usecText, pidText);
    }

    @Override
    public List<ListenFd> listenFds() {
        return listenFds(false);
    }

    @Override
    public List<ListenFd> listenFdsAndUnsetEnvironment() {
        return listenFds(true);
    }

    private List<ListenFd> listenFds(boolean unset) {
        ChosenBackend b = backend();
        byte[] pid = unset ? Failures.getenv(b, Variables.LISTEN_PID) : null;
        byte[] pidfdId = unset ? Failures.getenv(b, Variables.LISTEN_PIDFDID) : null;
        byte[] fds = unset ? Failures.getenv(b, Variables.LISTEN_FDS) : null;
        byte[] names = unset ? Failures.getenv(b, Variables.LISTEN_FDNAMES) : null;
        List<byte[]> rawNames = new ArrayList<>();
        int n;
        try {
            n = b.daemon().listenFdsWithNames(unset, rawNames);
        } finally {
            if (unset && b.posix() != null) {
                // A libsystemd before 259 leaves LISTEN_PIDFDID; a child must not inherit it either.
                b.posix().unsetenv(Variables.LISTEN_PIDFDID);
            }
        }
        if (n < 0) {
            if (!unset) {
                pid = Failures.getenv(b, Variables.LISTEN_PID);
                pidfdId = Failures.getenv(b, Variables.LISTEN_PIDFDID);
                fds = Failures.getenv(b, Variables.LISTEN_FDS);
                names = Failures.getenv(b, Variables.LISTEN_FDNAMES);
            }
            throw Failures.listenFailed(-n, pid, pidfdId, fds, names);
        }
        List<ListenFd> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            result.add(ListenFd.of(SocketActivation.LISTEN_FDS_START + i,
                    new String(rawNames.get(i), StandardCharsets.UTF_8)));
        }
        return Collections.unmodifiableList(result);
    }

    @Override
    public boolean isSystemdBooted() {
        return Booted.check(Paths.get(Booted.PATH));
    }
}
