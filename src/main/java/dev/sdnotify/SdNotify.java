package dev.sdnotify;

import dev.sdnotify.internal.core.Booted;
import dev.sdnotify.internal.core.ReadinessFd;
import dev.sdnotify.internal.daemon.Backends;
import java.nio.file.Paths;
import java.time.Duration;

/**
 * Notifications to the supervisor of this process, in one line each: the statics of
 * {@link Notifier#fromEnvironment()}, whose methods say what each message means and every outcome, and the
 * process-wide choices (backend, readiness fd).
 *
 * <pre>{@code
 * server.start();                       // the listening socket exists now
 * SdNotify.ready("Serving on :8080");   // READY=1 and STATUS=Serving on :8080
 * }</pre>
 *
 * <p>Every sending method returns {@code true} when the message was sent, {@code false} when there is no
 * supervisor ({@code NOTIFY_SOCKET} unset), and throws {@link SdNotifyException} (the errno, its name, and the
 * failing step) when the variable is malformed or the send fails.
 */
public final class SdNotify {

    private SdNotify() {}

    /** {@link Notifier#ready()}: {@code READY=1}, and the readiness fd the first time. */
    public static boolean ready() {
        return Notifier.fromEnvironment().ready();
    }

    /** {@link Notifier#ready(String)}: {@code READY=1} with {@code STATUS=status}. */
    public static boolean ready(String status) {
        return Notifier.fromEnvironment().ready(status);
    }

    /** {@code STATUS=text}; newlines, NUL and backslashes are refused (see {@link NotifyState}). */
    public static boolean status(String text) {
        return Notifier.fromEnvironment().status(text);
    }

    /** {@link Notifier#reloading()}: {@code RELOADING=1} with {@code MONOTONIC_USEC}; follow with {@link #ready()}. */
    public static boolean reloading() {
        return Notifier.fromEnvironment().reloading();
    }

    /** {@code STOPPING=1}. */
    public static boolean stopping() {
        return Notifier.fromEnvironment().stopping();
    }

    /** {@code WATCHDOG=1}; {@link Watchdog#start(HealthCheck)} sends it for you. */
    public static boolean watchdog() {
        return Notifier.fromEnvironment().watchdog();
    }

    /** {@code WATCHDOG=trigger}. */
    public static boolean watchdogTrigger() {
        return Notifier.fromEnvironment().watchdogTrigger();
    }

    /** {@code EXTEND_TIMEOUT_USEC}. */
    public static boolean extendTimeout(Duration extension) {
        return Notifier.fromEnvironment().extendTimeout(extension);
    }

    /** {@code MAINPID=pid}. */
    public static boolean mainPid(long pid) {
        return Notifier.fromEnvironment().mainPid(pid);
    }

    /** {@code ERRNO=errno}. */
    public static boolean errno(int errno) {
        return Notifier.fromEnvironment().errno(errno);
    }

    /** {@link Notifier#send}: typed states as one message. */
    public static boolean send(NotifyState state, NotifyState... more) {
        return Notifier.fromEnvironment().send(state, more);
    }

    /**
     * {@link Notifier#sendAndUnsetEnvironment}: sends, then removes {@code NOTIFY_SOCKET} from the C environment.
     * {@code unsetenv} is not thread-safe: call it early, from one thread.
     */
    public static boolean sendAndUnsetEnvironment(NotifyState state, NotifyState... more) {
        return Notifier.fromEnvironment().sendAndUnsetEnvironment(state, more);
    }

    /** {@link Notifier#sendRaw}: {@code rawState} verbatim, as {@code sd_notify(0, rawState)} sends it. */
    public static boolean sendRaw(String rawState) {
        return Notifier.fromEnvironment().sendRaw(rawState);
    }

    /**
     * {@link Notifier#sendRawAndUnsetEnvironment}: {@code sd_notify(1, rawState)}.
     * {@code unsetenv} is not thread-safe: call it early, from one thread.
     */
    public static boolean sendRawAndUnsetEnvironment(String rawState) {
        return Notifier.fromEnvironment().sendRawAndUnsetEnvironment(rawState);
    }

    /** {@link Notifier#barrier()}: waits until the manager has processed the earlier messages. */
    public static boolean barrier() {
        return Notifier.fromEnvironment().barrier();
    }

    /** {@link Notifier#barrier(Duration)}: the same, for at most {@code timeout}. */
    public static boolean barrier(Duration timeout) {
        return Notifier.fromEnvironment().barrier(timeout);
    }

    /** {@link Notifier#storeFds}: stores fds under {@code name} in the manager's fd store. */
    public static boolean storeFds(String name, int fd, int... more) {
        return Notifier.fromEnvironment().storeFds(name, fd, more);
    }

    /** Removes the fds stored under {@code name}. */
    public static boolean removeFds(String name) {
        return Notifier.fromEnvironment().removeFds(name);
    }

    /** Whether {@code NOTIFY_SOCKET} is set, so that sends are attempted. */
    public static boolean isAvailable() {
        return Notifier.fromEnvironment().isAvailable();
    }

    /**
     * Whether this system was booted with systemd ({@code sd_booted}): true when {@code /run/systemd/system/} is a
     * directory (a symbolic link to one counts), false when nothing is there; throws {@link SdNotifyException} if it
     * cannot be checked (EACCES, or ENOTDIR when something other than a directory is there). Needs no native code.
     */
    public static boolean isSystemdBooted() {
        return Booted.check(Paths.get(Booted.PATH));
    }

    /** The backend in use and why; chooses it now if no call has yet. */
    public static BackendInfo backend() {
        return Backends.active().info();
    }

    /**
     * Replaces the process-wide backend ({@link Backend#PROPERTY} picks the first one); {@code null} chooses as
     * {@code auto} does.
     *
     * @throws IllegalStateException if that backend cannot be loaded here, with the reason
     */
    public static BackendInfo useBackend(Backend backend) {
        return Backends.use(backend).info();
    }

    /**
     * Names the readiness fd: an inherited pipe the supervisor reads, as s6's {@code notification-fd}, dinit's
     * {@code ready-notification = pipefd:N}, OpenRC's {@code notify=fd:N} or finit's {@code notify:s6} set up. The
     * first {@link #ready()} (of any notifier but {@link Notifier#noop()}) writes a newline to it and closes it; it
     * takes the place of the {@code READY_FD} environment variable, which names the fd otherwise. The fd is marked
     * close-on-exec now, so that children started by native code do not inherit it.
     *
     * @throws IllegalArgumentException if {@code fd} is below 3: the standard streams stay the JVM's
     * @throws IllegalStateException    if readiness was already signaled in this process
     * @throws SdNotifyException        if {@code fd} is not open, or not open for writing
     */
    public static void useReadinessFd(int fd) {
        ReadinessFd.PROCESS.use(Backends.supervised(), fd);
    }
}
