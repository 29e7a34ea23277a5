package dev.sdnotify.internal.jdk;

import dev.sdnotify.SdNotifyException;
import dev.sdnotify.internal.daemon.Gateways;
import dev.sdnotify.internal.kernel.Gateway;
import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.kernel.LinuxAbi;
import dev.sdnotify.internal.kernel.Loaded;
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
 * {@code FdChannels}' rules: each fd checked for its kind first, converted to one of the JDK's channels once
 * while that channel is open, and the JDK's classes reached by {@link JdkChannels}.
 */
public final class PassedChannels {
    /** The channel each converted fd belongs to, while it is open: an fd has one owner, or two closes. */
    private static final Map<Integer, WeakReference<Channel>> OWNERS = new HashMap<>();

    private PassedChannels() {}

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

    public static ServerSocketChannel serverSocketChannel(int fd) throws IOException {
        SocketKind kind = kind(fd);
        if (kind.type() != SocketKind.SOCK_STREAM || !kind.listening()) {
            throw new IllegalArgumentException("fd " + fd + " is " + kind.describe()
                    + ", not a listening stream socket, so it cannot be a ServerSocketChannel"
                    + (kind.type() == SocketKind.SOCK_STREAM ? " (Accept=yes passes connected sockets)" : ""));
        }
        return owned(fd, () -> JdkChannels.serverSocketChannel(fd, kind));
    }

    public static DatagramChannel datagramChannel(int fd) throws IOException {
        SocketKind kind = kind(fd);
        if (kind.type() != SocketKind.SOCK_DGRAM || !kind.isInet()) {
            throw new IllegalArgumentException("fd " + fd + " is " + kind.describe() + ", not an AF_INET or AF_INET6 "
                    + "datagram socket, so it cannot be a DatagramChannel"
                    + (kind.type() == SocketKind.SOCK_DGRAM ? " (the JDK has no AF_UNIX datagram channels)" : ""));
        }
        return owned(fd, () -> JdkChannels.datagramChannel(fd, kind));
    }

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
        Loaded<Gateway> gateway = Gateways.get();
        if (gateway.value() == null) {
            throw new UnsupportedOperationException("checking fd " + fd + " needs libc: " + gateway.description());
        }
        Kernel kernel = gateway.value().kernel();
        LinuxAbi abi = LinuxAbi.current();
        int[] out = new int[3];
        int[] options = {abi.soType, abi.soDomain, abi.soAcceptconn};
        for (int i = 0; i < options.length; i++) {
            int r = kernel.getOption(fd, options[i]);
            if (r < 0) {
                String why = r == -Errno.EBADF ? "it is not open" : r == -Errno.ENOTSOCK ? "it is not a socket" : null;
                throw new SdNotifyException("getsockopt", -r, "checking what fd " + fd + " is"
                        + (why == null ? "" : ": " + why));
            }
            out[i] = r;
        }
        return new SocketKind(out[0], out[1], out[2] != 0);
    }
}
