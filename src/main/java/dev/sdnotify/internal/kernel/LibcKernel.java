package dev.sdnotify.internal.kernel;

import dev.sdnotify.internal.protocol.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link Kernel} over a gateway's {@link Libc}: the structures each call needs, laid out once here for both
 * gateways. The layouts are LP64 glibc's, those of every architecture {@link LinuxAbi} verifies; the calls
 * without pointers inside structures (options, fcntl, write, pipes) hold everywhere.
 */
public final class LibcKernel implements Kernel {
    // struct msghdr, struct iovec, struct cmsghdr and struct ucred from <sys/socket.h> and <sys/uio.h>, LP64.
    static final int MSG_NAME = 0;
    static final int MSG_NAMELEN = 8;
    static final int MSG_IOV = 16;
    static final int MSG_IOVLEN = 24;
    static final int MSG_CONTROL = 32;
    static final int MSG_CONTROLLEN = 40;
    static final int MSG_FLAGS = 48;
    static final int MSGHDR_SIZE = 56;
    static final int IOVEC_SIZE = 16;
    /** {@code CMSG_LEN(0)}: cmsg_len (a size_t), cmsg_level, cmsg_type. */
    static final int CMSG_HEADER = 16;
    static final int UCRED_SIZE = 12;
    /** The reused area: room for 253 fds, credentials and any message systemd reads (4096 bytes). */
    private static final int AREA = 8192;

    private final Libc libc;
    private final LinuxAbi abi;
    /** One area kept for the next call: a thread takes it or, while another has it, makes its own. */
    private final AtomicReference<Area> spare = new AtomicReference<>();

    public LibcKernel(Libc libc, LinuxAbi abi) {
        this.libc = libc;
        this.abi = abi;
    }

    /** Native memory for one call, and its address. */
    private static final class Area {
        final ByteBuffer memory;
        final long address;

        Area(Libc libc, int size) {
            memory = direct(size);
            address = libc.address(memory);
        }
    }

    private Area take(int size) {
        Area a = size <= AREA ? spare.getAndSet(null) : null;
        return a != null ? a : new Area(libc, Math.max(size, AREA));
    }

    private void give(Area a) {
        if (a.memory.capacity() == AREA) {
            spare.set(a);
        }
    }

    private static void put(ByteBuffer b, int offset, byte[] bytes, int from, int length) {
        // Byte by byte: the bulk put at an index needs JDK 16, and a duplicate to put through would be garbage.
        for (int i = 0; i < length; i++) {
            b.put(offset + i, bytes[from + i]);
        }
    }

    static ByteBuffer direct(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    /** {@code bytes} and a NUL, in native memory. */
    static ByteBuffer cString(byte[] bytes) {
        ByteBuffer b = direct(bytes.length + 1);
        put(b, 0, bytes, 0, bytes.length);
        return b;
    }

    /** The NUL-terminated string at {@code address}. */
    public static byte[] string(Libc libc, long address) {
        // Long enough for any string the environment or libsystemd holds; only bytes up to the NUL are read.
        ByteBuffer s = libc.view(address, 1 << 30);
        int length = 0;
        while (s.get(length) != 0) {
            length++;
        }
        byte[] bytes = new byte[length];
        s.get(bytes);
        return bytes;
    }

    /** A struct timespec or timeval: two C longs, as wide as a pointer on Linux. */
    private ByteBuffer times(long seconds, long fraction) {
        int word = libc.pointerSize();
        ByteBuffer b = direct(2 * word);
        if (word == 8) {
            b.putLong(0, seconds).putLong(8, fraction);
        } else {
            b.putInt(0, (int) Math.min(seconds, Integer.MAX_VALUE)).putInt(4, (int) fraction);
        }
        return b;
    }

    /** A call's result, or {@code -errno} when it failed. */
    private int check(int r) {
        return r < 0 ? -libc.errno() : r;
    }

    private static int align(int n) {
        return (n + 7) & -8;
    }

    private static int cmsgSpace(int dataLength) {
        return CMSG_HEADER + align(dataLength);
    }

    @Override
    public int getpid() {
        return libc.getpid();
    }

    /** The bytes {@link #ids} writes: real, effective and saved uid, then the same gids. */
    private static final int IDS_SIZE = 24;

    /** Two calls where libsystemd makes four ({@code getuid}, {@code geteuid}, {@code getgid}, {@code getegid}). */
    private void ids(Area a, int at) {
        long ids = a.address + at;
        // Neither fails but with EFAULT, and the area is ours.
        libc.getresuid(ids, ids + 4, ids + 8);
        libc.getresgid(ids + 12, ids + 16, ids + 20);
    }

    @Override
    public boolean realAndEffectiveIdsDiffer() {
        Area a = take(IDS_SIZE);
        try {
            ids(a, 0);
            ByteBuffer m = a.memory;
            return m.getInt(0) != m.getInt(4) || m.getInt(12) != m.getInt(16);
        } finally {
            give(a);
        }
    }

    @Override
    public int socket(int family, int type) {
        return check(libc.socket(family, type | LinuxAbi.SOCK_CLOEXEC, 0));
    }

    @Override
    public int getOption(int fd, int option) {
        return (int) getsockopt(fd, option, 4);
    }

    @Override
    public int setOption(int fd, int option, int value) {
        return setsockopt(fd, option, direct(4).putInt(0, value));
    }

    @Override
    public int setSendTimeout(int fd, long usec) {
        return setsockopt(fd, abi.soSndtimeo, times(usec / 1_000_000L, usec % 1_000_000L));
    }

    @Override
    public long socketCookie(int fd) {
        return getsockopt(fd, abi.soCookie, 8);
    }

    /** {@code getsockopt(fd, SOL_SOCKET, option)} of an int or a long, in the reused area: every keep-alive asks. */
    private long getsockopt(int fd, int option, int size) {
        Area a = take(16);
        try {
            a.memory.putInt(8, size);
            int r = check(libc.getsockopt(fd, abi.solSocket, option, a.address, a.address + 8));
            return r < 0 ? r : size == 8 ? a.memory.getLong(0) : a.memory.getInt(0);
        } finally {
            give(a);
        }
    }

    private int setsockopt(int fd, int option, ByteBuffer value) {
        return check(libc.setsockopt(fd, abi.solSocket, option, value, value.capacity()));
    }

    @Override
    public int bind(int fd, byte[] address) {
        return check(libc.bind(fd, cString(address), address.length));
    }

    @Override
    public int connect(int fd, byte[] address) {
        return check(libc.connect(fd, cString(address), address.length));
    }

    @Override
    public int sendmsg(int fd, byte[] address, byte[] payload, int offset, int length, int[] fds, int nFds,
            boolean credentials, int credPid, boolean dontWait) {
        int rights = nFds > 0 ? cmsgSpace(4 * nFds) : 0;
        int controlLength = rights + (credentials ? cmsgSpace(UCRED_SIZE) : 0);
        int name = MSGHDR_SIZE + IOVEC_SIZE;
        int control = name + (address == null ? 0 : align(address.length));
        int data = control + controlLength;
        int ids = align(data + length);
        Area a = take(ids + (credentials ? IDS_SIZE : 0));
        try {
            ByteBuffer m = a.memory;
            m.putLong(MSG_NAME, address == null ? 0 : a.address + name);
            m.putLong(MSG_NAMELEN, 0).putInt(MSG_NAMELEN, address == null ? 0 : address.length);
            m.putLong(MSG_IOV, a.address + MSGHDR_SIZE);
            m.putLong(MSG_IOVLEN, 1);
            m.putLong(MSG_CONTROL, controlLength == 0 ? 0 : a.address + control);
            m.putLong(MSG_CONTROLLEN, controlLength);
            m.putLong(MSG_FLAGS, 0);
            m.putLong(MSGHDR_SIZE, a.address + data);
            m.putLong(MSGHDR_SIZE + 8, length);
            if (address != null) {
                put(m, name, address, 0, address.length);
            }
            for (int i = control; i < data; i += 8) {
                m.putLong(i, 0);
            }
            if (nFds > 0) {
                controlHeader(m, control, 4 * nFds, LinuxAbi.SCM_RIGHTS);
                for (int i = 0; i < nFds; i++) {
                    m.putInt(control + CMSG_HEADER + 4 * i, fds[i]);
                }
            }
            if (credentials) {
                int c = control + rights;
                controlHeader(m, c, UCRED_SIZE, LinuxAbi.SCM_CREDENTIALS);
                ids(a, ids);
                m.putInt(c + CMSG_HEADER, credPid).putInt(c + CMSG_HEADER + 4, m.getInt(ids))
                        .putInt(c + CMSG_HEADER + 8, m.getInt(ids + 12));
            }
            put(m, data, payload, offset, length);
            int flags = LinuxAbi.MSG_NOSIGNAL | (dontWait ? LinuxAbi.MSG_DONTWAIT : 0);
            // The count fits an int: the payload is a Java array.
            return check(libc.sendmsg(fd, a.address, flags));
        } finally {
            give(a);
        }
    }

    private static void controlHeader(ByteBuffer m, int at, int dataLength, int type) {
        m.putLong(at, CMSG_HEADER + dataLength).putInt(at + 8, 1 /* SOL_SOCKET */).putInt(at + 12, type);
    }

    @Override
    public int shutdownWrite(int fd) {
        return check(libc.shutdown(fd, LinuxAbi.SHUT_WR));
    }

    @Override
    public int receiveByte(int fd) {
        return check(libc.recv(fd, direct(1), 1, LinuxAbi.MSG_NOSIGNAL));
    }

    @Override
    public int close(int fd) {
        return check(libc.close(fd));
    }

    @Override
    public int pipeCloexec(int[] fds) {
        ByteBuffer b = direct(8);
        int r = check(libc.pipe2(b, LinuxAbi.O_CLOEXEC));
        if (r >= 0) {
            fds[0] = b.getInt(0);
            fds[1] = b.getInt(4);
        }
        return r;
    }

    @Override
    public int pollForHangup(int fd, long timeoutUsec) {
        // struct pollfd: int fd, short events, short revents.
        ByteBuffer pollfd = direct(8).putInt(0, fd);
        ByteBuffer timeout = timeoutUsec == -1L ? null : times(Long.divideUnsigned(timeoutUsec, 1_000_000L),
                Long.remainderUnsigned(timeoutUsec, 1_000_000L) * 1000L);
        int r = check(libc.ppoll(pollfd, 1, timeout, null));
        return r <= 0 ? r : pollfd.getShort(6) & 0xffff;
    }

    @Override
    public int fcntl(int fd, int command, int argument) {
        return check(libc.fcntl(fd, command, argument));
    }

    @Override
    public int write(int fd, byte[] data, int length) {
        ByteBuffer b = direct(Math.max(1, length));
        put(b, 0, data, 0, length);
        return check(libc.write(fd, b, length));
    }

    @Override
    public int ownPidfdInodeId(long[] out) {
        int fd = check(libc.syscall(LinuxAbi.SYS_PIDFD_OPEN, libc.getpid(), 0));
        if (fd < 0) {
            return fd;
        }
        try {
            ByteBuffer statfs = direct(abi.statfsSize);
            int r = check(libc.fstatfs(fd, statfs));
            if (r < 0) {
                return r;
            }
            long type = abi.statfsFTypeSize == 8 ? statfs.getLong(0) : statfs.getInt(0) & 0xFFFFFFFFL;
            if (type != PID_FS_MAGIC) {
                // An anonymous inode (Linux before 6.9): its number is the same for every pidfd.
                return -Errno.EOPNOTSUPP;
            }
            ByteBuffer statx = direct(LinuxAbi.STATX_SIZE);
            r = check(libc.statx(fd, direct(1), LinuxAbi.AT_EMPTY_PATH, LinuxAbi.STATX_INO, statx));
            if (r == -Errno.ENOSYS) {
                return -Errno.EOPNOTSUPP;
            }
            if (r < 0) {
                return r;
            }
            if ((statx.getInt(0) & LinuxAbi.STATX_INO) == 0) {
                return -Errno.EOPNOTSUPP;
            }
            out[0] = statx.getLong(LinuxAbi.STATX_INO_OFFSET);
            return 0;
        } finally {
            libc.close(fd);
        }
    }
}
