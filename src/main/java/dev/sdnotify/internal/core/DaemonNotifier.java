package dev.sdnotify.internal.core;

import dev.sdnotify.ListenFd;
import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import dev.sdnotify.SocketActivation;
import dev.sdnotify.internal.daemon.Backends;
import dev.sdnotify.internal.daemon.Barrier;
import dev.sdnotify.internal.daemon.ChosenBackend;
import dev.sdnotify.internal.daemon.SdDaemon;
import dev.sdnotify.internal.protocol.Errno;
import dev.sdnotify.internal.protocol.Variables;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** {@link Notifier} over a backend: builds the payload, calls the seam, turns its result into the outcome. */
public final class DaemonNotifier implements Notifier {
    /** systemd reads at most this many bytes of a message and drops longer ones. */
    public static final int MESSAGE_MAX = 4096;
    private static final List<String> WATCHDOG = List.of(Variables.WATCHDOG_USEC, Variables.WATCHDOG_PID);
    /** Whom the process's notifiers talk to, whichever backend they use: the supervisor in the C environment. */
    private static final Object PROCESS = new Object();

    /** Follows the process-wide backend, including a later {@code SdNotify.useBackend}. */
    public static final DaemonNotifier PROCESS_WIDE = new DaemonNotifier(null, ReadinessFd.PROCESS, PROCESS, null);
    /** {@code Notifier.noop()}: backend {@code none}, whose sends, reads and readiness fd find nothing. */
    public static final DaemonNotifier NOOP = new DaemonNotifier(Backends.none("Notifier.noop()"), new ReadinessFd(),
            null, null);

    /** Null: the process-wide backend, looked up at each call. */
    private final ChosenBackend fixed;
    /** The readiness fd signaled along with READY=1: the process's, or a given environment's own. */
    private final ReadinessFd readiness;
    /** The supervisor this notifier talks to, as {@link WatchdogTimeouts} tells one from another. */
    private final Object supervisor;
    /** {@code null}: sends wait while the receiver's queue is full, as libsystemd's do. */
    private final Duration sendTimeout;

    DaemonNotifier(ChosenBackend fixed, ReadinessFd readiness, Object supervisor, Duration sendTimeout) {
        this.fixed = fixed;
        this.readiness = readiness;
        this.supervisor = supervisor;
        this.sendTimeout = sendTimeout;
    }

    /** A notifier over exactly this backend of the process. */
    public static Notifier over(ChosenBackend backend) {
        return new DaemonNotifier(Objects.requireNonNull(backend, "backend"), ReadinessFd.PROCESS, PROCESS, null);
    }

    /** The Java protocol over {@code variables}, with a readiness fd of its own: {@code Notifier.forEnvironment}. */
    public static Notifier forEnvironment(Map<String, String> variables) {
        ChosenBackend b = Backends.forEnvironment(variables);
        return new DaemonNotifier(b, new ReadinessFd(), b.environment(), null);
    }

    /**
     * Why a keeper over {@code n} cannot feed a watchdog that is there, with what to change in the unit; null when
     * there is no watchdog for anyone.
     */
    public static String watchdogElsewhere(Notifier n) {
        if (!(n instanceof DaemonNotifier)) {
            return null;
        }
        ChosenBackend b = ((DaemonNotifier) n).backend();
        byte[] pid = b.environment().getenv(Variables.WATCHDOG_PID);
        if (b.environment().getenv(Variables.WATCHDOG_USEC) == null || pid == null) {
            return null;
        }
        return "WATCHDOG_USEC is set, but " + Failures.show(Variables.WATCHDOG_PID, pid) + " is not this JVM (pid "
                + ProcessHandle.current().pid() + "): the unit's main process is a start script that does not exec "
                + "java. End the script with exec java ..., or give the unit NotifyAccess=all and send MAINPID= from "
                + "the JVM, then start the keeper with the interval of WATCHDOG_USEC";
    }

    /** The supervisor {@code n} talks to, or null for a notifier of another kind. */
    static Object supervisorOf(Notifier n) {
        return n instanceof DaemonNotifier ? ((DaemonNotifier) n).supervisor : null;
    }

    @Override
    public Notifier withSendTimeout(Duration timeout) {
        return new DaemonNotifier(fixed, readiness, supervisor, positive(timeout, "send timeout"));
    }

    /** {@code d}, or an exception naming {@code what} when it is null, zero or negative. */
    public static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }

    private ChosenBackend backend() {
        return fixed != null ? fixed : Backends.active();
    }

    @Override
    public boolean isAvailable() {
        return backend().environment().getenv(Variables.NOTIFY_SOCKET) != null;
    }

    @Override
    public boolean send(NotifyState state, NotifyState... more) {
        return deliver(0, false, message(state, more), null);
    }

    /** A keep-alive's message, made once: it is sent every few seconds for the life of the service. */
    private static final byte[] KEEP_ALIVE = NotifyState.WATCHDOG.toString().getBytes(StandardCharsets.US_ASCII);

    @Override
    public boolean watchdog() {
        // The same as send(WATCHDOG), without a message (or an empty array of more states) made at each call.
        return deliver(0, false, KEEP_ALIVE, null);
    }

    @Override
    public boolean sendAndUnsetEnvironment(NotifyState state, NotifyState... more) {
        return deliver(0, true, message(state, more), null);
    }

    @Override
    public boolean sendWithFds(int[] fds, NotifyState state, NotifyState... more) {
        Objects.requireNonNull(fds, "fds");
        return deliver(0, false, message(state, more), fds.clone());
    }

    @Override
    public boolean sendAsPid(long pid, NotifyState state, NotifyState... more) {
        return deliver(checkedPid(pid, "pid"), false, message(state, more), null);
    }

    @Override
    public boolean sendRaw(String rawState) {
        return deliver(0, false, rawState.getBytes(StandardCharsets.UTF_8), null);
    }

    @Override
    public boolean sendRawAndUnsetEnvironment(String rawState) {
        return deliver(0, true, rawState.getBytes(StandardCharsets.UTF_8), null);
    }

    @Override
    public boolean barrier() {
        return barrier(0, -1L, false, null);
    }

    @Override
    public boolean barrier(Duration timeout) {
        return barrier(0, timeoutMicros(timeout), false, timeout);
    }

    @Override
    public boolean barrierAndUnsetEnvironment(Duration timeout) {
        return barrier(0, timeoutMicros(timeout), true, timeout);
    }

    @Override
    public boolean barrierAsPid(long pid, Duration timeout) {
        return barrier(checkedPid(pid, "pid"), timeoutMicros(timeout), false, timeout);
    }

    /** {@code pid}, or an exception naming {@code what} when it is not in 1..2147483647. */
    public static int checkedPid(long pid, String what) {
        if (pid < 1 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " must be in 1.." + Integer.MAX_VALUE + " (a pid), got " + pid);
        }
        return (int) pid;
    }

    /** The values of {@code names}, for the message of a failure: read before a call that removes them, else after. */
    private static byte[][] read(ChosenBackend b, List<String> names) {
        return names.stream().map(b.environment()::getenv).toArray(byte[][]::new);
    }

    /** {@link Barrier}, its message sent through the backend; with {@code unset}, the variable is removed after it. */
    private boolean barrier(int pid, long usec, boolean unset, Duration timeout) {
        ChosenBackend b = backend();
        return b.kernel() != null && notify(b, unset, pid != 0 ? "sd_pid_notify_barrier" : "sd_notify_barrier", 1,
                timeout, () -> Barrier.run(b.kernel(), b.daemon(), pid, usec, sendTimeoutMicros()));
    }

    /**
     * {@code call}'s result as the outcome: true, false, or the failure, which names {@code NOTIFY_SOCKET}'s value.
     * With {@code unset}, the variable is removed once the call is over, whatever the outcome.
     */
    private boolean notify(ChosenBackend b, boolean unset, String operation, int nFds, Duration barrierTimeout,
            IntSupplier call) {
        byte[] before = unset ? b.environment().getenv(Variables.NOTIFY_SOCKET) : null;
        int r;
        try {
            r = call.getAsInt();
        } finally {
            if (unset) {
                b.environment().unsetenv(Variables.NOTIFY_SOCKET);
            }
        }
        if (r >= 0) {
            return r > 0;
        }
        byte[] socket = unset ? before : b.environment().getenv(Variables.NOTIFY_SOCKET);
        throw Failures.notifyFailed(b, operation, -r, socket, nFds, barrierTimeout, sendTimeout);
    }

    /** Microseconds for the seam; huge values saturate. */
    public static long timeoutMicros(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout (barrier() waits without one)");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("barrier timeout must not be negative, got " + timeout);
        }
        return timeout.getSeconds() >= Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE
                : timeout.getSeconds() * 1_000_000L + timeout.getNano() / 1000;
    }

    /** At least one microsecond: the seam's bound must be positive. */
    private long sendTimeoutMicros() {
        return sendTimeout == null ? SdDaemon.BLOCKING : Math.max(1L, timeoutMicros(sendTimeout));
    }

    /** One message; a new watchdog timeout that reached the kernel is told to the keepers of the same supervisor. */
    private boolean deliver(int pid, boolean unset, byte[] payload, int[] fds) {
        ChosenBackend b = backend();
        int nFds = fds == null ? 0 : fds.length;
        String operation = nFds > 0 ? "sd_pid_notify_with_fds" : pid != 0 ? "sd_pid_notify" : "sd_notify";
        boolean sent = notify(b, unset, operation, nFds, null, () -> send(b, pid, payload, fds, nFds));
        if (sent) {
            WatchdogTimeouts.sent(supervisor, payload);
        }
        return sent;
    }

    /**
     * A signal that interrupts a send before the datagram was queued (EINTR: nothing was sent) is not the caller's
     * failure: the send is retried, for the time left of a send timeout.
     */
    private int send(ChosenBackend b, int pid, byte[] payload, int[] fds, int nFds) {
        long deadline = System.nanoTime() + (sendTimeout == null ? 0 : sendTimeout.toNanos());
        long bound = sendTimeoutMicros();
        int r = b.daemon().pidNotifyWithFds(pid, false, payload, fds, nFds, bound);
        while (r == -Errno.EINTR && !Thread.currentThread().isInterrupted()) {
            if (sendTimeout != null) {
                bound = (deadline - System.nanoTime()) / 1000;
                if (bound <= 0) {
                    return -Errno.EAGAIN;
                }
            }
            r = b.daemon().pidNotifyWithFds(pid, false, payload, fds, nFds, bound);
        }
        return r;
    }

    /** The states as one message, one per line, UTF-8; refuses what systemd would drop. */
    public static byte[] message(NotifyState state, NotifyState... more) {
        StringBuilder text = new StringBuilder(Objects.requireNonNull(state, "state").toString());
        for (NotifyState s : more) {
            text.append('\n').append(Objects.requireNonNull(s, "state"));
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
        return "Notifier(" + (fixed != null ? fixed.info() : "process-wide backend")
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
        byte[][] before = unset ? read(b, WATCHDOG) : null;
        long[] usec = new long[1];
        int r = b.daemon().watchdogEnabled(unset, usec);
        if (r < 0) {
            byte[][] v = before != null ? before : read(b, WATCHDOG);
            throw Failures.watchdogFailed(-r, v[0], v[1]);
        }
        return r == 0 ? Optional.empty() : Optional.of(WatchdogTimeouts.duration(usec[0]));
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
        byte[][] before = unset ? read(b, Variables.LISTEN) : null;
        List<byte[]> rawNames = new ArrayList<>();
        int n;
        try {
            n = b.daemon().listenFdsWithNames(unset, rawNames);
        } finally {
            if (unset) {
                // A libsystemd before 259 leaves LISTEN_PIDFDID; a child must not inherit it either.
                b.environment().unsetenv(Variables.LISTEN_PIDFDID);
            }
        }
        if (n < 0) {
            byte[][] v = before != null ? before : read(b, Variables.LISTEN);
            throw Failures.listenFailed(b, -n, v[0], v[1], v[2], v[3]);
        }
        return IntStream.range(0, n).mapToObj(i -> ListenFd.of(SocketActivation.LISTEN_FDS_START + i,
                new String(rawNames.get(i), StandardCharsets.UTF_8))).collect(Collectors.toUnmodifiableList());
    }
}
