package dev.sdnotify.internal.protocol;

/**
 * What a socket fd is, from {@code getsockopt} {@code SO_TYPE}, {@code SO_DOMAIN} and {@code SO_ACCEPTCONN}, with
 * Linux's values, and a name for it in messages.
 */
public final class SocketKind {
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_SEQPACKET = 5;
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    private final int type;
    private final int family;
    private final boolean listening;

    public SocketKind(int type, int family, boolean listening) {
        this.type = type;
        this.family = family;
        this.listening = listening;
    }

    public int type() {
        return type;
    }

    public int family() {
        return family;
    }

    public boolean listening() {
        return listening;
    }

    public boolean isInet() {
        return family == AF_INET || family == AF_INET6;
    }

    /** For example "a listening stream socket (AF_INET6)" or "a datagram socket (AF_UNIX)". */
    public String describe() {
        String what = type == SOCK_STREAM
                ? (listening ? "a listening stream socket" : "a stream socket that is not listening")
                : type == SOCK_DGRAM ? "a datagram socket"
                : type == SOCK_SEQPACKET ? (listening ? "a listening seqpacket socket" : "a seqpacket socket")
                : type == SOCK_RAW ? "a raw socket"
                : "a socket of type " + type;
        String name = family == AF_UNIX ? "AF_UNIX" : family == AF_INET ? "AF_INET" : family == AF_INET6 ? "AF_INET6"
                : "address family " + family;
        return what + " (" + name + ")";
    }
}
