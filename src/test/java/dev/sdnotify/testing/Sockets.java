package dev.sdnotify.testing;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Sockets made with the tests' own libc, the way a supervisor makes them, so the channel code is checked on
 * fds it did not create. Each is bound to loopback (port 0: the kernel picks) or to a path.
 */
public final class Sockets {
    private static final TestLibc C = TestLibc.INSTANCE;

    private Sockets() {}

    /** A listening TCP socket on 127.0.0.1 ({@code AF_INET}) or ::1 ({@code AF_INET6}). */
    public static int listeningTcp(int family) {
        int fd = socket(family, TestLibc.SOCK_STREAM);
        bindLoopback(fd, family);
        listen(fd);
        return fd;
    }

    /** A UDP socket bound on 127.0.0.1 or ::1. */
    public static int udp(int family) {
        int fd = socket(family, TestLibc.SOCK_DGRAM);
        bindLoopback(fd, family);
        return fd;
    }

    /** A listening AF_UNIX stream socket at {@code path}. */
    public static int listeningUnix(Path path) {
        int fd = socket(TestLibc.AF_UNIX, TestLibc.SOCK_STREAM);
        bindPath(fd, path);
        listen(fd);
        return fd;
    }

    /** An AF_UNIX datagram socket at {@code path}. */
    public static int unixDatagram(Path path) {
        int fd = socket(TestLibc.AF_UNIX, TestLibc.SOCK_DGRAM);
        bindPath(fd, path);
        return fd;
    }

    /**
     * An AF_UNIX datagram socket connected to {@code peer}, with its sending side shut down: whatever is sent
     * through it fails with EPIPE.
     */
    public static int unixDatagramConnectedAndShut(Path peer) {
        int fd = socket(TestLibc.AF_UNIX, TestLibc.SOCK_DGRAM);
        check(fd, C.connect(fd, unixAddress(peer), 2 + peer.toString().getBytes(StandardCharsets.UTF_8).length + 1),
                "connect to " + peer);
        check(fd, C.shutdown(fd, 1), "shutdown(SHUT_WR)");
        return fd;
    }

    /** A TCP socket neither bound nor listening, as a connected socket of Accept=yes would look. */
    public static int streamNotListening(int family) {
        return socket(family, TestLibc.SOCK_STREAM);
    }

    /** The port a loopback socket is bound to (getsockname). */
    public static int port(int fd) {
        Memory sa = new Memory(128);
        sa.clear();
        int[] len = {128};
        if (C.getsockname(fd, sa, len) != 0) {
            throw new IllegalStateException("getsockname fd " + fd + ": errno " + Native.getLastError());
        }
        return ((sa.getByte(2) & 0xff) << 8) | (sa.getByte(3) & 0xff);
    }

    private static int socket(int family, int type) {
        int fd = C.socket(family, type | TestLibc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IllegalStateException("socket(" + family + ", " + type + "): errno " + Native.getLastError());
        }
        return fd;
    }

    private static void bindLoopback(int fd, int family) {
        Memory sa = new Memory(28);
        sa.clear();
        sa.setShort(0, (short) family);
        int len;
        if (family == TestLibc.AF_INET) {
            sa.write(4, new byte[] {127, 0, 0, 1}, 0, 4);
            len = 16;
        } else {
            sa.setByte(8 + 15, (byte) 1);
            len = 28;
        }
        check(fd, C.bind(fd, sa, len), "bind to loopback");
    }

    private static void bindPath(int fd, Path path) {
        int length = 2 + path.toString().getBytes(StandardCharsets.UTF_8).length + 1;
        check(fd, C.bind(fd, unixAddress(path), length), "bind to " + path);
    }

    private static Memory unixAddress(Path path) {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        Memory sa = new Memory(110);
        sa.clear();
        sa.setShort(0, (short) TestLibc.AF_UNIX);
        sa.write(2, name, 0, name.length);
        return sa;
    }

    private static void listen(int fd) {
        check(fd, C.listen(fd, 16), "listen");
    }

    private static void check(int fd, int r, String what) {
        if (r != 0) {
            int errno = Native.getLastError();
            C.close(fd);
            throw new IllegalStateException(what + ": errno " + errno);
        }
    }

    /**
     * Moves {@code fd} to {@code number} (dup2, then close the original), a number high enough that the JVM
     * opens nothing there, so a test may check that it was closed without another file taking it meanwhile.
     */
    public static int moveTo(int fd, int number) {
        if (C.dup2(fd, number) != number) {
            throw new IllegalStateException("dup2 " + fd + " to " + number + ": errno " + Native.getLastError());
        }
        C.close(fd);
        return number;
    }
}
