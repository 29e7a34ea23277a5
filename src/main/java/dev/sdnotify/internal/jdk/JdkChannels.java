package dev.sdnotify.internal.jdk;

import dev.sdnotify.internal.protocol.SocketKind;
import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
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

/**
 * The JDK's own channel classes in {@code sun.nio.ch}, reached by reflection: the only way to give a channel an
 * existing fd other than 0. The constructors tried are those of JDK 11 and of JDK 17 to 25; the package must be
 * opened to this module, and every failure to reach it names the JVM option that does. It calls constructors and
 * methods and reads fields, and never sets one: JDK 26's checks on final-field mutation (JEP 500,
 * {@code --illegal-final-field-mutation}) do not concern it.
 */
public final class JdkChannels {
    private static final String PACKAGE = "sun.nio.ch";

    private JdkChannels() {}

    /** The option that opens {@code sun.nio.ch} to this code, named or unnamed module alike. */
    public static String addOpensOption() {
        Module self = JdkChannels.class.getModule();
        return "--add-opens java.base/" + PACKAGE + "=" + (self.isNamed() ? self.getName() : "ALL-UNNAMED");
    }

    /** A listening stream socket of the kind given as a channel; the channel owns the fd from now on. */
    static ServerSocketChannel serverSocketChannel(int fd, SocketKind kind) throws IOException {
        String what = "fd " + fd + " as a ServerSocketChannel";
        ProtocolFamily family = family(kind, what);
        Class<?> impl = jdkClass("ServerSocketChannelImpl", what);
        SelectorProvider provider = SelectorProvider.provider();
        Object channel;
        Constructor<?> withFamily = constructor(impl, SelectorProvider.class, ProtocolFamily.class,
                FileDescriptor.class, boolean.class);
        if (withFamily != null) {
            channel = construct(withFamily, what, provider, family, newFd(fd, what), true);
        } else {
            Constructor<?> old = constructor(impl, SelectorProvider.class, FileDescriptor.class, boolean.class);
            if (old == null) {
                throw unknownJdk(impl, what);
            }
            channel = construct(old, what, provider, newFd(fd, what), true);
        }
        return (ServerSocketChannel) channel;
    }

    /**
     * An AF_INET or AF_INET6 datagram socket as a channel; the channel owns the fd from now on. The JDK labels a
     * datagram channel it builds around an fd AF_INET6 wherever IPv6 is available, as its own
     * {@code System.inheritedChannel()} does, and an AF_INET socket so labelled fails every send (the JDK encodes a
     * sockaddr_in6); the label is final. Such a socket is refused before the fd is touched.
     */
    static DatagramChannel datagramChannel(int fd, SocketKind kind) throws IOException {
        String what = "fd " + fd + " as a DatagramChannel";
        if (kind.family() == SocketKind.AF_INET
                && (Boolean) invoke(method(jdkClass("Net", what), "isIPv6Available", what), null, what)) {
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
        return (DatagramChannel) construct(c, what, SelectorProvider.provider(), newFd(fd, what));
    }

    /** The fd of one of the JDK's socket, pipe or file channels; it stays the channel's. */
    static int fdOf(Channel channel) {
        String what = "the fd of " + channel.getClass().getName();
        Class<?> selectable = jdkClass("SelChImpl", what);
        if (selectable.isInstance(channel)) {
            Method getter = method(selectable, "getFDVal", what);
            return (Integer) invoke(getter, channel, what);
        }
        if (channel instanceof FileChannel && channel.getClass().getName().equals(PACKAGE + ".FileChannelImpl")) {
            FileDescriptor fd = (FileDescriptor) read(channel, "fd", what);
            Method fdVal = method(jdkClass("IOUtil", what), "fdVal", what, FileDescriptor.class);
            return (Integer) invoke(fdVal, null, what, fd);
        }
        throw new IllegalArgumentException(channel.getClass().getName() + " is not one of the JDK's socket, pipe or "
                + "file channels, so it has no fd to give");
    }

    private static ProtocolFamily family(SocketKind kind, String what) {
        switch (kind.family()) {
            case SocketKind.AF_INET: return StandardProtocolFamily.INET;
            case SocketKind.AF_INET6: return StandardProtocolFamily.INET6;
            case SocketKind.AF_UNIX:
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
            return open(owner.getDeclaredMethod(name, parameters), what);
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

    private static FileDescriptor newFd(int fd, String what) {
        Method m = method(jdkClass("IOUtil", what), "newFD", what, int.class);
        return (FileDescriptor) invoke(m, null, what, fd);
    }

    private static Object construct(Constructor<?> c, String what, Object... args) throws IOException {
        open(c, what);
        try {
            return c.newInstance(args);
        } catch (InvocationTargetException e) {
            throw rethrow(e, what);
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException(what + ": " + e, e);
        }
    }

    private static Object invoke(Method m, Object target, String what, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalStateException(what + ": " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(what + ": " + e, e);
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

    private static IOException rethrow(InvocationTargetException e, String what) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException) {
            return (IOException) cause;
        }
        if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return new IOException(what + ": " + cause, cause);
    }

}
