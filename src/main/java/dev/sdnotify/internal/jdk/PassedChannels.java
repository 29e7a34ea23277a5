package dev.sdnotify.internal.jdk;

import dev.sdnotify.SdNotifyException;
import dev.sdnotify.internal.daemon.Gateways;
import dev.sdnotify.internal.kernel.Gateway;
import dev.sdnotify.internal.kernel.LinuxAbi;
import dev.sdnotify.internal.kernel.Loaded;
import dev.sdnotify.internal.protocol.Errno;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code FdChannels}' rules: each fd checked for its kind first, and converted to one of the JDK's channels once
 * while that channel is open. The JDK's own channel classes in {@code sun.nio.ch} are reached by reflection: the
 * only way to give a channel an existing fd other than 0. The constructors tried are those of JDK 11 and of JDK 17
 * to 25; the package must be opened to this module, and every failure to reach it names the JVM option that does.
 * It calls constructors and methods and reads fields, and never sets one: JDK 26's checks on final-field mutation
 * (JEP 500, {@code --illegal-final-field-mutation}) do not concern it.
 */
public final class PassedChannels {
    private PassedChannels() {}

    private static final String PACKAGE = "sun.nio.ch";
    /** The channel each converted fd belongs to, while it is open: an fd has one owner, or two closes. */
    private static final Map<Integer, WeakReference<Channel>> OWNERS = new HashMap<>();

    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_SEQPACKET = 5;
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    /** What a socket fd is, from SO_TYPE, SO_DOMAIN and SO_ACCEPTCONN, with Linux's values. */
    private static final class Kind {
        final int type;
        final int family;
        final boolean listening;

        Kind(int type, int family, boolean listening) {
            this.type = type;
            this.family = family;
            this.listening = listening;
        }

        boolean isInet() {
            return family == AF_INET || family == AF_INET6;
        }

        /** For example "a listening stream socket (AF_INET6)" or "a datagram socket (AF_UNIX)". */
        String describe() {
            String what = type == SOCK_STREAM
                    ? (listening ? "a listening stream socket" : "a stream socket that is not listening")
                    : type == SOCK_DGRAM ? "a datagram socket"
                    : type == SOCK_SEQPACKET ? (listening ? "a listening seqpacket socket" : "a seqpacket socket")
                    : type == SOCK_RAW ? "a raw socket"
                    : "a socket of type " + type;
            String name = family == AF_UNIX ? "AF_UNIX" : family == AF_INET ? "AF_INET" : family == AF_INET6
                    ? "AF_INET6" : "address family " + family;
            return what + " (" + name + ")";
        }
    }

    /** The option that opens {@code sun.nio.ch} to this code, named or unnamed module alike. */
    public static String addOpensOption() {
        Module self = PassedChannels.class.getModule();
        return "--add-opens java.base/" + PACKAGE + "=" + (self.isNamed() ? self.getName() : "ALL-UNNAMED");
    }

    /** A listening stream socket as a channel, which owns the fd from then on. */
    public static synchronized ServerSocketChannel serverSocketChannel(int fd) throws IOException {
        Kind kind = kind(fd);
        if (kind.type != SOCK_STREAM || !kind.listening) {
            throw new IllegalArgumentException("fd " + fd + " is " + kind.describe()
                    + ", not a listening stream socket, so it cannot be a ServerSocketChannel"
                    + (kind.type == SOCK_STREAM ? " (Accept=yes passes connected sockets)" : ""));
        }
        requireUnowned(fd);
        String what = "fd " + fd + " as a ServerSocketChannel";
        ProtocolFamily family = family(kind, what);
        Class<?> impl = jdkClass("ServerSocketChannelImpl", what);
        SelectorProvider provider = SelectorProvider.provider();
        Constructor<?> c = constructor(impl, SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class,
                boolean.class);
        if (c != null) {
            return own(fd, (ServerSocketChannel) call(c, null, what, provider, family, newFd(fd, what), true));
        }
        // JDK 11's, without the family.
        c = constructor(impl, SelectorProvider.class, FileDescriptor.class, boolean.class);
        if (c == null) {
            throw unknownJdk(impl, what);
        }
        return own(fd, (ServerSocketChannel) call(c, null, what, provider, newFd(fd, what), true));
    }

    /**
     * An AF_INET or AF_INET6 datagram socket as a channel, which owns the fd from then on. The JDK labels a
     * datagram channel it builds around an fd AF_INET6 wherever IPv6 is available, as its own
     * {@code System.inheritedChannel()} does, and an AF_INET socket so labelled fails every send (the JDK encodes a
     * sockaddr_in6); the label is final. Such a socket is refused before the fd is touched.
     */
    public static synchronized DatagramChannel datagramChannel(int fd) throws IOException {
        Kind kind = kind(fd);
        if (kind.type != SOCK_DGRAM || !kind.isInet()) {
            throw new IllegalArgumentException("fd " + fd + " is " + kind.describe() + ", not an AF_INET or AF_INET6 "
                    + "datagram socket, so it cannot be a DatagramChannel"
                    + (kind.type == SOCK_DGRAM ? " (the JDK has no AF_UNIX datagram channels)" : ""));
        }
        requireUnowned(fd);
        String what = "fd " + fd + " as a DatagramChannel";
        if (kind.family == AF_INET
                && (Boolean) call(method(jdkClass("Net", what), "isIPv6Available", what), null, what)) {
            throw new IllegalArgumentException(what + ": it is an AF_INET socket, and this JDK labels a datagram "
                    + "channel made from an fd AF_INET6 where IPv6 is available, which fails every send. Pass an "
                    + "AF_INET6 socket (systemd: ListenDatagram=[::]:PORT, which takes IPv4 too), or run with "
                    + "-Djava.net.preferIPv4Stack=true");
        }
        Class<?> impl = jdkClass("DatagramChannelImpl", what);
        Constructor<?> c = constructor(impl, SelectorProvider.class, FileDescriptor.class);
        if (c == null) {
            throw unknownJdk(impl, what);
        }
        return own(fd, (DatagramChannel) call(c, null, what, SelectorProvider.provider(), newFd(fd, what)));
    }

    /** The fd of one of the JDK's socket, pipe or file channels; it stays the channel's. */
    public static int fdOf(Channel channel) {
        Objects.requireNonNull(channel, "channel");
        if (!channel.isOpen()) {
            throw new IllegalArgumentException("the channel is closed; the number its fd had may name another file "
                    + "by now");
        }
        String what = "the fd of " + channel.getClass().getName();
        try {
            Class<?> selectable = jdkClass("SelChImpl", what);
            if (selectable.isInstance(channel)) {
                return (Integer) call(method(selectable, "getFDVal", what), channel, what);
            }
            if (channel instanceof FileChannel && channel.getClass().getName().equals(PACKAGE + ".FileChannelImpl")) {
                FileDescriptor fd = (FileDescriptor) read(channel, "fd", what);
                return (Integer) call(method(jdkClass("IOUtil", what), "fdVal", what, FileDescriptor.class), null,
                        what, fd);
            }
        } catch (IOException e) {
            // The JDK's getters throw none.
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException(channel.getClass().getName() + " is not one of the JDK's socket, pipe or "
                + "file channels, so it has no fd to give");
    }

    /**
     * While a channel made from {@code fd} is open, a second conversion would give a second owner, and the two
     * closes would close whatever the number names by then.
     */
    private static void requireUnowned(int fd) {
        WeakReference<Channel> ref = OWNERS.get(fd);
        Channel owner = ref == null ? null : ref.get();
        if (owner != null && owner.isOpen()) {
            throw new IllegalStateException("fd " + fd + " already belongs to " + owner + ", made from it "
                    + "earlier; use that channel (closing it closes the fd)");
        }
    }

    private static <C extends Channel> C own(int fd, C channel) {
        OWNERS.put(fd, new WeakReference<>(channel));
        return channel;
    }

    private static Kind kind(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must not be negative, got " + fd);
        }
        Loaded<Gateway> gateway = Gateways.get();
        if (gateway.value() == null) {
            throw new UnsupportedOperationException("checking fd " + fd + " needs libc: " + gateway.description());
        }
        // SO_TYPE, SO_DOMAIN and SO_ACCEPTCONN, each replaced by its value.
        int[] out = {LinuxAbi.CURRENT.soType, LinuxAbi.CURRENT.soDomain, LinuxAbi.CURRENT.soAcceptconn};
        for (int i = 0; i < out.length; i++) {
            int r = gateway.value().kernel().getOption(fd, out[i]);
            if (r < 0) {
                String why = r == -Errno.EBADF ? "it is not open" : r == -Errno.ENOTSOCK ? "it is not a socket" : null;
                throw new SdNotifyException("getsockopt", -r, "checking what fd " + fd + " is"
                        + (why == null ? "" : ": " + why));
            }
            out[i] = r;
        }
        return new Kind(out[0], out[1], out[2] != 0);
    }

    private static ProtocolFamily family(Kind kind, String what) {
        switch (kind.family) {
            case AF_INET: return StandardProtocolFamily.INET;
            case AF_INET6: return StandardProtocolFamily.INET6;
            case AF_UNIX:
                if (Runtime.version().feature() < 16) {
                    throw new UnsupportedOperationException(what + ": the JDK has channels for AF_UNIX sockets "
                            + "from Java 16 on; this is " + Runtime.version());
                }
                // Named at run time: the library compiles against Java 11, which lacks the constant.
                return StandardProtocolFamily.valueOf("UNIX");
            default:
                throw new IllegalArgumentException(what + ": the JDK has no channel for " + kind.describe());
        }
    }

    private static Class<?> jdkClass(String simpleName, String what) {
        try {
            return Class.forName(PACKAGE + "." + simpleName, false, null);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(what + ": this JDK (" + Runtime.version() + ", "
                    + System.getProperty("java.vm.name") + ") has no " + PACKAGE + "." + simpleName, e);
        }
    }

    private static Constructor<?> constructor(Class<?> impl, Class<?>... parameters) {
        try {
            return impl.getDeclaredConstructor(parameters);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static IllegalStateException unknownJdk(Class<?> impl, String what) {
        return new IllegalStateException(what + ": this JDK (" + Runtime.version() + ") has none of the "
                + impl.getName() + " constructors from a FileDescriptor known to work (those of JDK 11 and 17 to 25)");
    }

    private static Method method(Class<?> owner, String name, String what, Class<?>... parameters) {
        try {
            return owner.getDeclaredMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(what + ": this JDK (" + Runtime.version() + ") has no "
                    + owner.getName() + "." + name, e);
        }
    }

    private static <T extends AccessibleObject> T open(T member, String what) {
        try {
            member.setAccessible(true);
            return member;
        } catch (InaccessibleObjectException | SecurityException e) {
            throw new IllegalStateException(what + " needs the JDK's " + PACKAGE + " package: add the JVM option "
                    + addOpensOption(), e);
        }
    }

    private static FileDescriptor newFd(int fd, String what) throws IOException {
        return (FileDescriptor) call(method(jdkClass("IOUtil", what), "newFD", what, int.class), null, what, fd);
    }

    /**
     * Calls a constructor, or a method on {@code target}: what it throws is thrown as it is, a checked exception
     * other than an IOException as an IOException.
     */
    private static Object call(Executable e, Object target, String what, Object... args) throws IOException {
        open(e, what);
        try {
            return e instanceof Method ? ((Method) e).invoke(target, args) : ((Constructor<?>) e).newInstance(args);
        } catch (InvocationTargetException thrown) {
            Throwable cause = thrown.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IOException(what + ": " + cause, cause);
        } catch (ReflectiveOperationException failed) {
            throw new IllegalStateException(what + ": " + failed, failed);
        }
    }

    /** A field of {@code target}'s class, read: the JDK's channels keep their fd in one. */
    private static Object read(Object target, String name, String what) {
        try {
            return open(target.getClass().getDeclaredField(name), what).get(target);
        } catch (NoSuchFieldException | IllegalAccessException e) {
            throw new IllegalStateException(what + ": this JDK (" + Runtime.version() + ") keeps no fd field in "
                    + target.getClass().getName(), e);
        }
    }
}
