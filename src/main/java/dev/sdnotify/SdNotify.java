package dev.sdnotify;

import dev.sdnotify.internal.core.Backends;
import dev.sdnotify.internal.core.ReadinessFd;
import java.time.Duration;

/**
 * One-line notifications to the supervisor of this process, through {@link Notifier#fromEnvironment()}.
 *
 * <pre>{@code
 * server.start();               // listening sockets exist now
 * SdNotify.ready("Serving on :8080");
 * }</pre>
 *
 * <p>Every sending method returns {@code true} when the message was sent, {@code false} when there is no
 * supervisor ({@code NOTIFY_SOCKET} unset), and throws {@link SdNotifyException} (errno, its name, and the
 * failing step) when the variable is malformed or the send fails. See {@link Notifier} for each message's
 * meaning and limits.
 */
public final class SdNotify {

    private SdNotify() {}

    private static Notifier notifier() {
        return Notifier.fromEnvironment();
    }

    /**
     * {@code READY=1}. Send it once the service can serve. The first call also signals the readiness fd, if one
     * is configured (see {@link #useReadinessFd(int)}).
     */
    public static boolean ready() {
        return notifier().ready();
    }

    /** {@code READY=1} with {@code STATUS=status}, and the readiness fd as {@link #ready()}. */
    public static boolean ready(String status) {
        return notifier().ready(status);
    }

    /** {@code STATUS=text}; newlines, NUL and backslashes are refused (see {@link NotifyState}). */
    public static boolean status(String text) {
        return notifier().status(text);
    }

    /** {@code RELOADING=1} with {@code MONOTONIC_USEC} from CLOCK_MONOTONIC; follow with {@link #ready()}. */
    public static boolean reloading() {
        return notifier().reloading();
    }

    /** {@code STOPPING=1}. */
    public static boolean stopping() {
        return notifier().stopping();
    }

    /** {@code WATCHDOG=1}. */
    public static boolean watchdog() {
        return notifier().watchdog();
    }

    /** {@code WATCHDOG=trigger}. */
    public static boolean watchdogTrigger() {
        return notifier().watchdogTrigger();
    }

    /** {@code EXTEND_TIMEOUT_USEC}. */
    public static boolean extendTimeout(Duration extension) {
        return notifier().extendTimeout(extension);
    }

    /** {@code MAINPID=pid}. */
    public static boolean mainPid(long pid) {
        return notifier().mainPid(pid);
    }

    /** {@code ERRNO=errno}. */
    public static boolean errno(int errno) {
        return notifier().errno(errno);
    }

    /** Sends typed states as one message. */
    public static boolean send(NotifyState... states) {
        return notifier().send(states);
    }

    /**
     * Sends typed states, then removes {@code NOTIFY_SOCKET} from the C environment.
     *
     * <p>{@code unsetenv} is not thread-safe: call it early, from one thread, before other threads (native
     * ones included) read the environment.
     */
    public static boolean sendAndUnsetEnvironment(NotifyState... states) {
        return notifier().sendAndUnsetEnvironment(states);
    }

    /** Sends {@code rawState} verbatim, as {@code sd_notify(0, rawState)} does. */
    public static boolean notify(String rawState) {
        return notifier().notify(rawState);
    }

    /**
     * {@code sd_notify(1, rawState)}: sends, then removes {@code NOTIFY_SOCKET} from the C environment.
     *
     * <p>{@code unsetenv} is not thread-safe: call it early, from one thread, before other threads (native
     * ones included) read the environment.
     */
    public static boolean notifyAndUnsetEnvironment(String rawState) {
        return notifier().notifyAndUnsetEnvironment(rawState);
    }

    /** Waits until the manager has processed the earlier messages; {@code null} waits without limit. */
    public static boolean barrier(Duration timeout) {
        return notifier().barrier(timeout);
    }

    /** Stores fds under {@code name} in the manager's fd store. */
    public static boolean storeFds(String name, int... fds) {
        return notifier().storeFds(name, fds);
    }

    /** Removes the fds stored under {@code name}. */
    public static boolean removeFds(String name) {
        return notifier().removeFds(name);
    }

    /** Whether {@code NOTIFY_SOCKET} is set, so that sends are attempted. */
    public static boolean isAvailable() {
        return notifier().isAvailable();
    }

    /** {@link Notifier#isSystemdBooted()}: whether this system was booted with systemd ({@code sd_booted}). */
    public static boolean isSystemdBooted() {
        return notifier().isSystemdBooted();
    }

    /** The backend in use and why; chooses it now if no call has yet. */
    public static BackendInfo backend() {
        return Backends.active().info();
    }

    /**
     * Replaces the process-wide backend ({@link Backend#PROPERTY} picks the first one); {@code null} chooses
     * as {@code auto} does.
     *
     * @throws IllegalStateException if that backend cannot be loaded here, with the reason
     */
    public static BackendInfo useBackend(Backend backend) {
        return Backends.use(backend).info();
    }

    /**
     * Names the readiness fd: an inherited pipe the supervisor reads, as s6's {@code notification-fd}, dinit's
     * {@code ready-notification = pipefd:N}, OpenRC's {@code notify=fd:N} or finit's {@code notify:s6} set up.
     * The first {@link #ready()} (of any notifier but {@link Notifier#noop()}) writes a newline to it and closes
     * it; it takes the place of the {@code READY_FD} environment variable, which names the fd otherwise. The fd
     * is marked close-on-exec now, so that children started by native code do not inherit it.
     *
     * @throws IllegalArgumentException if {@code fd} is below 3: the standard streams stay the JVM's
     * @throws IllegalStateException    if readiness was already signaled in this process
     * @throws SdNotifyException        if {@code fd} is not open, or not open for writing
     */
    public static void useReadinessFd(int fd) {
        ReadinessFd.PROCESS.use(Backends.active().posix(), fd);
    }
}
