package dev.sdnotify;

import dev.sdnotify.internal.jdk.PassedChannels;
import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;

/**
 * Sockets passed as fds (socket activation, the fd store) as Java channels, and back. The JDK offers this only
 * for fd 0 ({@link System#inheritedChannel()}), so these methods build the JDK's own channel classes around the
 * fd, which needs one JVM option:
 *
 * <pre>
 * --add-opens java.base/sun.nio.ch=dev.sdnotify     (library on the module path)
 * --add-opens java.base/sun.nio.ch=ALL-UNNAMED      (library on the class path)
 * </pre>
 *
 * <p>Without it every method throws {@link IllegalStateException} naming the option. Each fd is checked first
 * ({@code getsockopt}), so a socket of the wrong kind fails with a message saying what it is.
 *
 * <pre>{@code
 * for (ListenFd l : SocketActivation.listenFds()) {
 *     if (l.name().equals("http")) server.serve(l.serverSocketChannel());
 * }
 * }</pre>
 */
public final class FdChannels {
    private FdChannels() {}

    /**
     * A listening stream socket (TCP over IPv4 or IPv6, or AF_UNIX from Java 16 on) as a channel, bound and
     * listening as it was. The channel owns the fd: closing it closes the fd. The channel starts in blocking
     * mode, whatever O_NONBLOCK the fd has (the JDK copes with either).
     *
     * @throws IllegalArgumentException      if {@code fd} is negative, or a socket of another kind
     * @throws IllegalStateException         if a channel made from {@code fd} earlier is still open: an fd has
     *                                       one owner
     * @throws SdNotifyException             if {@code fd} is not open (EBADF) or not a socket (ENOTSOCK)
     * @throws UnsupportedOperationException for an AF_UNIX socket before Java 16
     * @throws IllegalStateException         if the JVM does not open {@code sun.nio.ch} to this library
     * @throws IOException                   if the JDK cannot read the socket's address
     */
    public static ServerSocketChannel serverSocketChannel(int fd) throws IOException {
        return PassedChannels.serverSocketChannel(fd);
    }

    /**
     * An AF_INET or AF_INET6 datagram socket as a channel (the JDK has none for AF_UNIX datagram sockets). The
     * channel owns the fd: closing it closes the fd.
     *
     * @throws IllegalArgumentException if {@code fd} is negative, or a socket of another kind or family
     * @throws IllegalStateException    if a channel made from {@code fd} earlier is still open
     * @throws SdNotifyException        if {@code fd} is not open (EBADF) or not a socket (ENOTSOCK)
     * @throws IllegalStateException    if the JVM does not open {@code sun.nio.ch} to this library
     * @throws IOException              if the JDK cannot read the socket's address
     */
    public static DatagramChannel datagramChannel(int fd) throws IOException {
        return PassedChannels.datagramChannel(fd);
    }

    /**
     * The fd of one of the JDK's own socket, pipe or file channels, for example to
     * {@linkplain SdNotify#storeFds(String, int, int...) store} it. The fd stays the channel's: it is valid while
     * the channel is open, and closing the channel closes it.
     *
     * @throws IllegalArgumentException if the channel is closed, or not one of the JDK's
     * @throws IllegalStateException    if the JVM does not open {@code sun.nio.ch} to this library
     */
    public static int fdOf(Channel channel) {
        return PassedChannels.fdOf(channel);
    }
}
