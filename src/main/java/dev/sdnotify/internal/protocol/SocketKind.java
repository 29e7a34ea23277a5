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
        String what;
        switch (type) {
            case SOCK_STREAM: what = listening ? "a listening stream socket" : "a stream socket that is not listening";
                break;
            case SOCK_DGRAM: what = "a datagram socket";
                break;
            case SOCK_SEQPACKET: what = listening ? "a listening seqpacket socket" : "a seqpacket socket";
                break;
            case SOCK_RAW: what = "a raw socket";
                break;
            default: what = "a socket of type " + type;
        }
        return what + " (" + familyName(family) + ")";
    }

    public static String familyName(int family) {
        switch (family) {
            case AF_UNIX: return "AF_UNIX";
            case AF_INET: return "AF_INET";
            case AF_INET6: return "AF_INET6";
            default: return "address family " + family;
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
