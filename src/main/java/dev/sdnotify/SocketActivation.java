package dev.sdnotify;

import dev.sdnotify.internal.protocol.Variables;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The file descriptors the supervisor passed to this process: sockets of a {@code .socket} unit, and fds
 * handed back from the fd store ({@code sd_listen_fds_with_names}).
 */
public final class SocketActivation {
    /** The first passed fd ({@code SD_LISTEN_FDS_START}); the others follow in order. */
    public static final int LISTEN_FDS_START = 3;

    private SocketActivation() {}

    /**
     * The passed fds with their names, after marking each close-on-exec so child processes do not
     * inherit them.
     *
     * <ul>
     *   <li>a list of {@code LISTEN_FDS} entries: the fds are for this process ({@code LISTEN_PID} is its
     *       pid);</li>
     *   <li>an empty list: none were passed, or they are meant for another process;</li>
     *   <li>{@link SdNotifyException}: a variable is malformed, names and fds do not match in number, or
     *       an fd is not open. Fds before the failing one may already be close-on-exec.</li>
     * </ul>
     */
    public static List<ListenFd> listenFds() {
        return listenFds(false);
    }

    /**
     * {@link #listenFds()}, then removes {@code LISTEN_PID}, {@code LISTEN_FDS} and {@code LISTEN_FDNAMES}
     * from the C environment whatever the outcome, so a second call returns an empty list. Java's
     * {@link System#getenv()} snapshot still shows them.
     *
     * <p>{@code unsetenv} is not thread-safe: call it early, from one thread, before other threads (native
     * ones included) read the environment.
     */
    public static List<ListenFd> listenFdsAndUnsetEnvironment() {
        return listenFds(true);
    }

    private static List<ListenFd> listenFds(boolean unset) {
        return listenFds(Backends.active(), unset);
    }

    static List<ListenFd> listenFds(BackendInfo b, boolean unset) {
        byte[] pid = unset ? Failures.getenv(b, Variables.LISTEN_PID) : null;
        byte[] fds = unset ? Failures.getenv(b, Variables.LISTEN_FDS) : null;
        byte[] names = unset ? Failures.getenv(b, Variables.LISTEN_FDNAMES) : null;
        List<byte[]> rawNames = new ArrayList<>();
        int n = b.daemon.listenFdsWithNames(unset, rawNames);
        if (n < 0) {
            if (!unset) {
                pid = Failures.getenv(b, Variables.LISTEN_PID);
                fds = Failures.getenv(b, Variables.LISTEN_FDS);
                names = Failures.getenv(b, Variables.LISTEN_FDNAMES);
            }
            throw Failures.listenFailed(-n, pid, fds, names);
        }
        List<ListenFd> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            result.add(new ListenFd(LISTEN_FDS_START + i, new String(rawNames.get(i), StandardCharsets.UTF_8)));
        }
        return Collections.unmodifiableList(result);
    }
}
