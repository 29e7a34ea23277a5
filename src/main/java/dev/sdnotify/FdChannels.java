package dev.sdnotify;

import dev.sdnotify.internal.nativeaccess.Gateways;
import dev.sdnotify.internal.nativeaccess.Loaded;
import dev.sdnotify.internal.nativeaccess.NativeGateway;
import dev.sdnotify.internal.protocol.Errno;
import dev.sdnotify.internal.protocol.SocketKind;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

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
    /** The channel each converted fd belongs to, while it is open: an fd has one owner, or two closes. */
    private static final Map<Integer, WeakReference<Channel>> OWNERS = new HashMap<>();

    private FdChannels() {}

    /**
     * Converts {@code fd} once: while a channel made from it is open, a second conversion would give a second
     * owner, and the two closes would close whatever the number names by then.
     */
    private static <C extends Channel> C owned(int fd, Conversion<C> conversion) throws IOException {
        synchronized (OWNERS) {
            WeakReference<Channel> ref = OWNERS.get(fd);
            Channel owner = ref == null ? null : ref.get();
            if (owner != null && owner.isOpen()) {
                throw new IllegalStateException("fd " + fd + " already belongs to " + owner + ", made from it "
                        + "earlier; use that channel (closing it closes the fd)");
            }
            C channel = conversion.convert();
            OWNERS.put(fd, new WeakReference<>(channel));
            return channel;
        }
    }

    private interface Conversion<C extends Channel> {
        C convert() throws IOException;
    }

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
        SocketKind kind = kind(fd);
        if (kind.type() != SocketKind.SOCK_STREAM || !kind.listening()) {
            throw new IllegalArgumentException("fd " + fd + " is " + kind.describe()
                    + ", not a listening stream socket, so it cannot be a ServerSocketChannel"
                    + (kind.type() == SocketKind.SOCK_STREAM ? " (Accept=yes passes connected sockets)" : ""));
        }
        return owned(fd, () -> JdkChannels.serverSocketChannel(fd, kind));
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
        SocketKind kind = kind(fd);
        if (kind.type() != SocketKind.SOCK_DGRAM || !kind.isInet()) {
            throw new IllegalArgumentException("fd " + fd + " is " + kind.describe() + ", not an AF_INET or AF_INET6 "
                    + "datagram socket, so it cannot be a DatagramChannel"
                    + (kind.type() == SocketKind.SOCK_DGRAM ? " (the JDK has no AF_UNIX datagram channels)" : ""));
        }
        return owned(fd, () -> JdkChannels.datagramChannel(fd, kind));
    }

    /**
     * The fd of one of the JDK's own socket, pipe or file channels, for example to
     * {@linkplain SdNotify#storeFds(String, int...) store} it. The fd stays the channel's: it is valid while
     * the channel is open, and closing the channel closes it.
     *
     * @throws IllegalArgumentException if the channel is closed, or not one of the JDK's
     * @throws IllegalStateException    if the JVM does not open {@code sun.nio.ch} to this library
     */
    public static int fdOf(Channel channel) {
        Objects.requireNonNull(channel, "channel");
        if (!channel.isOpen()) {
            throw new IllegalArgumentException("the channel is closed; the number its fd had may name another file "
                    + "by now");
        }
        return JdkChannels.fdOf(channel);
    }

    private static SocketKind kind(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must not be negative, got " + fd);
        }
        Loaded<NativeGateway> gateway = Gateways.get();
        if (gateway.value() == null) {
            throw new UnsupportedOperationException("checking fd " + fd + " needs libc: " + gateway.description());
        }
        int[] out = new int[3];
        int r = gateway.value().libc().socketKind(fd, out);
        if (r < 0) {
            String why = r == -Errno.EBADF ? "it is not open" : r == -Errno.ENOTSOCK ? "it is not a socket" : null;
            throw new SdNotifyException("getsockopt", -r, "checking what fd " + fd + " is"
                    + (why == null ? "" : ": " + why));
        }
        return new SocketKind(out[0], out[1], out[2] != 0);
    }
}
