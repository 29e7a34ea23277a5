package dev.sdnotify;

import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.Objects;

/**
 * A file descriptor passed by the supervisor (socket activation or the fd store), with its name.
 *
 * <pre>{@code
 * ServerSocketChannel http = SocketActivation.listenFds().get(0).serverSocketChannel();
 * }</pre>
 */
public final class ListenFd {
    private final int fd;
    private final String name;

    private ListenFd(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * A passed fd as {@link Notifier#listenFds()} reports it; public so that a fake {@link Notifier} in a test
     * can hand out its own.
     *
     * @throws IllegalArgumentException if {@code fd} is below {@value SocketActivation#LISTEN_FDS_START}
     */
    public static ListenFd of(int fd, String name) {
        if (fd < SocketActivation.LISTEN_FDS_START) {
            throw new IllegalArgumentException("a passed fd is " + SocketActivation.LISTEN_FDS_START
                    + " or above, got " + fd);
        }
        return new ListenFd(fd, Objects.requireNonNull(name, "name"));
    }

    /** The fd number, from {@value SocketActivation#LISTEN_FDS_START} on. This process owns it. */
    public int fd() {
        return fd;
    }

    /**
     * The name from {@code FileDescriptorName=}, the socket unit's name, the {@code FDNAME} it was stored
     * under, or {@code unknown} when the supervisor passed no names.
     */
    public String name() {
        return name;
    }

    /**
     * This fd, a listening TCP or AF_UNIX stream socket, as a channel that owns it: see
     * {@link FdChannels#serverSocketChannel(int)}, which also says which JVM option it needs. One channel per
     * fd: while it is open, a second conversion throws {@link IllegalStateException}.
     *
     * @throws IOException if the JDK cannot read the socket's address
     */
    public ServerSocketChannel serverSocketChannel() throws IOException {
        return FdChannels.serverSocketChannel(fd);
    }

    /**
     * This fd, an AF_INET or AF_INET6 datagram socket, as a channel that owns it: see {@link FdChannels}. One
     * channel per fd, as for {@link #serverSocketChannel()}.
     *
     * @throws IOException if the JDK cannot read the socket's address
     */
    public DatagramChannel datagramChannel() throws IOException {
        return FdChannels.datagramChannel(fd);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ListenFd && ((ListenFd) o).fd == fd && ((ListenFd) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fd, name);
    }

    @Override
    public String toString() {
        return fd + ":" + name;
    }
}
