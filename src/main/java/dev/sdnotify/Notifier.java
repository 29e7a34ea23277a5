package dev.sdnotify;

import dev.sdnotify.internal.core.DaemonNotifier;
import dev.sdnotify.internal.daemon.Backends;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The service manager that started this process, as a value to inject and replace in tests: the notifications
 * sent to it, and what it passed (the watchdog interval, the listening fds). The statics of {@link SdNotify},
 * {@link Watchdog} and {@link SocketActivation} are {@link #fromEnvironment()}'s; a test hands its code
 * {@link #forEnvironment(Map)}, {@link #noop()}, or a Mockito mock.
 *
 * <pre>{@code
 * Notifier notifier = Notifier.fromEnvironment();
 * notifier.ready("Serving on :8080");
 * }</pre>
 *
 * <p>Every sending method has the same three outcomes:
 * <ul>
 *   <li>{@code true}: the datagram was handed to the kernel for the socket in {@code NOTIFY_SOCKET}. This does not
 *       mean the manager accepted it (see {@link #barrier(Duration)});</li>
 *   <li>{@code false}: not applicable, {@code NOTIFY_SOCKET} is not set (not started by a supervisor, or an earlier
 *       "AndUnsetEnvironment" call removed it);</li>
 *   <li>{@link SdNotifyException}: the variable is malformed or the send failed; the exception carries the errno
 *       and names the step.</li>
 * </ul>
 *
 * <p>Sends block until the kernel queues the datagram: if the manager stops reading and its queue fills, a send
 * waits (libsystemd's does the same, with no limit). {@link #withSendTimeout(Duration)} bounds that wait.
 * Instances are thread-safe.
 *
 * <p>Not meant to be implemented but by test doubles. A decorator must delegate every method, {@link #ready()}
 * above all: it also signals the readiness fd, which {@code send(NotifyState.READY)} does not.
 */
public interface Notifier {

    /** The supervisor of this process, through the process-wide backend (see {@link Backend}). */
    static Notifier fromEnvironment() {
        return DaemonNotifier.PROCESS_WIDE;
    }

    /** Like {@link #fromEnvironment()}, but through the given backend; throws if it cannot be loaded here. */
    static Notifier withBackend(Backend backend) {
        return DaemonNotifier.over(Backends.choose(backend));
    }

    /** A notifier that never finds a supervisor: every send returns {@code false}, every read finds nothing. */
    static Notifier noop() {
        return DaemonNotifier.NOOP;
    }

    /**
     * A supervisor described by {@code variables} instead of this process's environment, for tests: the Java
     * protocol reads {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}, {@code LISTEN_FDS}, {@code READY_FD} and the others
     * from a copy of the map, and the "AndUnsetEnvironment" calls remove them from that copy. Sends go to the socket
     * {@code NOTIFY_SOCKET} names; {@code WATCHDOG_PID} and {@code LISTEN_PID} are compared with this process's pid;
     * a {@code READY_FD} is this notifier's own. The C environment is neither read nor changed.
     *
     * <p>It needs native access as every backend does: without it, a call whose variable is given throws
     * {@link SdNotifyException} with ELIBACC and the reason.
     */
    static Notifier forEnvironment(Map<String, String> variables) {
        return DaemonNotifier.forEnvironment(variables);
    }

    /**
     * This notifier, with every send (and a barrier's message) giving up after {@code timeout} while the
     * supervisor's receive queue stays full, by throwing {@link SdNotifyException} with EAGAIN: a stuck supervisor
     * cannot hang the calling thread. On the {@code libsystemd} backend such sends go through the Java protocol,
     * with the same bytes, credentials and fds, since libsystemd cannot bound a send; where the Java protocol cannot
     * run (see {@link SdNotify#backend()}) they are libsystemd's, unbounded.
     *
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    Notifier withSendTimeout(Duration timeout);

    /** Whether {@code NOTIFY_SOCKET} is set, so that sends are attempted. */
    boolean isAvailable();

    /**
     * The watchdog interval the supervisor expects keep-alives within ({@code sd_watchdog_enabled}):
     * <ul>
     *   <li>the interval: {@code WATCHDOG_USEC} is set and, if {@code WATCHDOG_PID} is set, it is this process's
     *       pid;</li>
     *   <li>empty: no watchdog, or it is meant for another process (a child inherited the variables);</li>
     *   <li>{@link SdNotifyException}: {@code WATCHDOG_USEC} or {@code WATCHDOG_PID} is malformed, naming which.</li>
     * </ul>
     */
    Optional<Duration> watchdogInterval();

    /**
     * {@link #watchdogInterval()}, then removes {@code WATCHDOG_USEC} and {@code WATCHDOG_PID} from the C
     * environment whatever the outcome, so child processes do not see them (Java's {@link System#getenv()} snapshot
     * still does). {@code unsetenv} is not thread-safe: call it early, from one thread.
     */
    Optional<Duration> watchdogIntervalAndUnsetEnvironment();

    /**
     * The fds the supervisor passed, with their names ({@code sd_listen_fds_with_names}), after marking each
     * close-on-exec so child processes do not inherit them:
     * <ul>
     *   <li>one entry per {@code LISTEN_FDS}: the fds are for this process ({@code LISTEN_PID} is its pid and, where
     *       set, {@code LISTEN_PIDFDID} its pidfd's inode id);</li>
     *   <li>an empty list: none were passed, or they are meant for another process;</li>
     *   <li>{@link SdNotifyException}: a variable is malformed, names and fds do not match in number, or an fd is
     *       not open. Fds before the failing one may already be close-on-exec.</li>
     * </ul>
     */
    List<ListenFd> listenFds();

    /**
     * {@link #listenFds()}, then removes {@code LISTEN_PID}, {@code LISTEN_PIDFDID}, {@code LISTEN_FDS} and
     * {@code LISTEN_FDNAMES} from the C environment whatever the outcome, so a second call returns an empty list.
     * {@code unsetenv} is not thread-safe: call it early, from one thread.
     */
    List<ListenFd> listenFdsAndUnsetEnvironment();

    /**
     * Sends the states as one message, one per line, UTF-8 encoded.
     *
     * @throws IllegalArgumentException if the message exceeds the 4096 bytes systemd reads (it drops longer
     *                                  messages without a word)
     */
    boolean send(NotifyState state, NotifyState... more);

    /**
     * {@link #send}, then removes {@code NOTIFY_SOCKET} from the C environment whatever the outcome, so child
     * processes cannot notify; later sends return {@code false}. Java's {@link System#getenv()} and
     * {@link ProcessBuilder#environment()} keep the variable: they are copies taken at JVM start (see
     * {@link SupervisorEnvironment}). {@code unsetenv} is not thread-safe: call it early, from one thread.
     */
    boolean sendAndUnsetEnvironment(NotifyState state, NotifyState... more);

    /**
     * Sends the states with file descriptors attached ({@code SCM_RIGHTS}), as {@code sd_pid_notify_with_fds} does.
     * The fds stay open in this process. The kernel passes at most 253 fds in one message.
     */
    boolean sendWithFds(int[] fds, NotifyState state, NotifyState... more);

    /**
     * Sends with {@code pid} in the credentials instead of this process's, so the manager attributes the message to
     * that process. Faking another pid needs CAP_SYS_ADMIN; without it the kernel refuses and the message is resent
     * with this process's pid, as libsystemd does, so {@code true} does not mean the given pid was used.
     */
    boolean sendAsPid(long pid, NotifyState state, NotifyState... more);

    /**
     * Sends {@code rawState} exactly as given (UTF-8), with no checks: libsystemd's {@code sd_notify}. As for a C
     * string, the text ends at its first NUL character.
     */
    boolean sendRaw(String rawState);

    /**
     * {@link #sendRaw(String)}, then removes {@code NOTIFY_SOCKET} as {@link #sendAndUnsetEnvironment} does.
     * {@code unsetenv} is not thread-safe: call it early, from one thread.
     */
    boolean sendRawAndUnsetEnvironment(String rawState);

    /**
     * Waits until the manager has processed every message sent before this call ({@code sd_notify_barrier}). Use it
     * before exiting, or from a short-lived helper, so the manager still finds the sender. Returns {@code false}
     * without waiting if there is no supervisor. Signals do not end the wait (libsystemd's returns EINTR); an
     * interrupted thread does, with EINTR, its interrupt status kept.
     */
    boolean barrier();

    /** {@link #barrier()} for at most {@code timeout}: longer throws {@link SdNotifyException} with ETIMEDOUT. */
    boolean barrier(Duration timeout);

    /**
     * {@link #barrier(Duration)}, removing {@code NOTIFY_SOCKET} once it is over.
     * {@code unsetenv} is not thread-safe: call it early, from one thread.
     */
    boolean barrierAndUnsetEnvironment(Duration timeout);

    /**
     * {@link #barrier(Duration)} with the barrier message sent as {@code pid}, as {@link #sendAsPid} sends
     * ({@code sd_pid_notify_barrier}): for a helper that notifies on the service's behalf and must know the manager
     * has read it before it exits.
     *
     * @throws IllegalArgumentException if {@code pid} is not in 1..2147483647
     */
    boolean barrierAsPid(long pid, Duration timeout);

    /**
     * {@code READY=1}: send once the service can serve, after its listening sockets exist. When a readiness fd is
     * configured ({@code READY_FD} or {@link SdNotify#useReadinessFd(int)}, for s6, dinit, OpenRC and finit), the
     * first call also writes a newline to it and closes it, even if the {@code NOTIFY_SOCKET} send fails.
     * {@code true} when either was signaled.
     */
    boolean ready();

    /** {@code READY=1} and {@code STATUS=status} in one message, and the readiness fd as {@link #ready()}. */
    boolean ready(String status);

    /** {@code STATUS=text}. */
    default boolean status(String text) {
        return send(NotifyState.status(text));
    }

    /**
     * {@code RELOADING=1} with {@code MONOTONIC_USEC} of CLOCK_MONOTONIC now, as Type=notify-reload requires. Send
     * {@link #ready()} when the reload is done.
     */
    default boolean reloading() {
        // The JVM's nanoTime is CLOCK_MONOTONIC on Linux.
        return send(NotifyState.RELOADING, NotifyState.monotonicUsec(System.nanoTime() / 1000));
    }

    /** {@code STOPPING=1}. */
    default boolean stopping() {
        return send(NotifyState.STOPPING);
    }

    /** {@code WATCHDOG=1}: a keep-alive; send it only while the service is healthy. */
    default boolean watchdog() {
        return send(NotifyState.WATCHDOG);
    }

    /** {@code WATCHDOG=trigger}: systemd acts as if the watchdog had expired. */
    default boolean watchdogTrigger() {
        return send(NotifyState.WATCHDOG_TRIGGER);
    }

    /** {@code EXTEND_TIMEOUT_USEC}: the current start, reload or stop may take {@code extension} longer. */
    default boolean extendTimeout(Duration extension) {
        return send(NotifyState.extendTimeout(extension));
    }

    /** {@code MAINPID=pid}. */
    default boolean mainPid(long pid) {
        return send(NotifyState.mainPid(pid));
    }

    /** {@code ERRNO=errno}. */
    default boolean errno(int errno) {
        return send(NotifyState.errno(errno));
    }

    /**
     * Stores fds in the manager's file descriptor store under {@code name} ({@code FDSTORE=1}, {@code FDNAME=name}).
     * The unit needs {@code FileDescriptorStoreMax=} greater than 0, or the manager closes them without telling.
     */
    default boolean storeFds(String name, int fd, int... more) {
        int[] fds = IntStream.concat(IntStream.of(fd), IntStream.of(more)).toArray();
        return sendWithFds(fds, NotifyState.FDSTORE, NotifyState.fdName(name));
    }

    /** Removes the fds stored under {@code name} ({@code FDSTOREREMOVE=1}, {@code FDNAME=name}). */
    default boolean removeFds(String name) {
        return send(NotifyState.FDSTOREREMOVE, NotifyState.fdName(name));
    }
}
