package dev.sdnotify;

import java.util.List;

/**
 * The file descriptors the supervisor passed to this process: sockets of a {@code .socket} unit, and fds
 * handed back from the fd store ({@code sd_listen_fds_with_names}).
 *
 * <pre>{@code
 * for (ListenFd fd : SocketActivation.listenFds()) {
 *     if (fd.name().equals("http")) {
 *         serve(fd.serverSocketChannel());     // ListenStream=8080 with FileDescriptorName=http
 *     }
 * }
 * }</pre>
 */
public final class SocketActivation {
    /** The first passed fd ({@code SD_LISTEN_FDS_START}); the others follow in order. */
    public static final int LISTEN_FDS_START = 3;

    private SocketActivation() {}

    /** {@link Notifier#listenFds()} of {@link Notifier#fromEnvironment()}, with its outcomes. */
    public static List<ListenFd> listenFds() {
        return Notifier.fromEnvironment().listenFds();
    }

    /**
     * {@link Notifier#listenFdsAndUnsetEnvironment()} of {@link Notifier#fromEnvironment()}: removes
     * {@code LISTEN_PID}, {@code LISTEN_PIDFDID}, {@code LISTEN_FDS} and {@code LISTEN_FDNAMES} from the C
     * environment whatever the outcome.
     *
     * <p>{@code unsetenv} is not thread-safe: call it early, from one thread, before other threads (native
     * ones included) read the environment.
     */
    public static List<ListenFd> listenFdsAndUnsetEnvironment() {
        return Notifier.fromEnvironment().listenFdsAndUnsetEnvironment();
    }
}
