package dev.sdnotify.testing;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real AF_UNIX datagram socket with SO_PASSCRED and SO_TIMESTAMPNS, bound to a path or an abstract name, that
 * collects what a sender delivered: payload bytes, the kernel-attested credentials, the passed fds, and when the
 * kernel queued it.
 */
public final class Receiver implements AutoCloseable {
    private static final TestLibc C = TestLibc.INSTANCE;
    private static final int BUFFER = 1 << 20;
    private static final int MAX_FDS = 300;

    private static final int CONTROL_LENGTH = 32 + 32 + 16 + 4 * MAX_FDS + 8;

    private final int fd;
    private final String address;
    private final Memory sockaddr;
    private final int sockaddrLength;
    /** Native buffers kept between receives: a megabyte per datagram would be freed only at the next GC. */
    private final AtomicReference<Buffers> spare = new AtomicReference<>();

    private Receiver(int fd, String address, Memory sockaddr, int sockaddrLength) {
        this.fd = fd;
        this.address = address;
        this.sockaddr = sockaddr;
        this.sockaddrLength = sockaddrLength;
    }

    /** Binds a datagram socket at {@code path} (a file system socket). */
    public static Receiver bindPath(Path path) {
        return bind(path.toString().getBytes(StandardCharsets.UTF_8), false, path.toString(), TestLibc.SOCK_DGRAM);
    }

    /** Binds a datagram socket in the abstract namespace; {@link #address()} is then {@code @name}. */
    public static Receiver bindAbstract(String name) {
        return bind(name.getBytes(StandardCharsets.UTF_8), true, "@" + name, TestLibc.SOCK_DGRAM);
    }

    /** Binds a listening stream socket at {@code path}: a socket of the wrong type for notifications. */
    public static Receiver bindStreamListener(Path path) {
        Receiver r = bind(path.toString().getBytes(StandardCharsets.UTF_8), false, path.toString(),
                TestLibc.SOCK_STREAM);
        C.listen(r.fd, 1);
        return r;
    }

    private static Receiver bind(byte[] name, boolean abstractName, String address, int type) {
        int fd = C.socket(TestLibc.AF_UNIX, type | TestLibc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IllegalStateException("socket: errno " + Native.getLastError());
        }
        C.setsockopt(fd, TestLibc.SOL_SOCKET, TestLibc.SO_PASSCRED, new int[] {1}, 4);
        C.setsockopt(fd, TestLibc.SOL_SOCKET, TestLibc.SO_TIMESTAMPNS, new int[] {1}, 4);
        Memory sa = new Memory(110);
        sa.clear();
        sa.setShort(0, (short) TestLibc.AF_UNIX);
        int offset = abstractName ? 1 : 0;
        sa.write(2 + offset, name, 0, name.length);
        int len = 2 + offset + name.length + (abstractName ? 0 : 1);
        if (C.bind(fd, sa, len) != 0) {
            int errno = Native.getLastError();
            C.close(fd);
            throw new IllegalStateException("bind " + address + ": errno " + errno);
        }
        return new Receiver(fd, address, sa, len);
    }

    /** How long {@link #inject} waits for room in a full queue before it fails instead of hanging the test. */
    private static final long INJECT_TIMEOUT_SECONDS = 30;

    /**
     * Sends {@code payload} to this receiver from a socket of the test's own, for example a marker that
     * ends a batch or wakes a blocked reader. Waits while the receiver's queue is full, for at most
     * {@value #INJECT_TIMEOUT_SECONDS} s: then nothing is reading, and it throws.
     */
    public void inject(byte[] payload) {
        int sender = C.socket(TestLibc.AF_UNIX, TestLibc.SOCK_DGRAM | TestLibc.SOCK_CLOEXEC, 0);
        if (sender < 0) {
            throw new IllegalStateException("socket: errno " + Native.getLastError());
        }
        try {
            C.setsockopt(sender, TestLibc.SOL_SOCKET, TestLibc.SO_SNDTIMEO, new long[] {INJECT_TIMEOUT_SECONDS, 0}, 16);
            if (C.sendto(sender, payload, payload.length, 0, sockaddr, sockaddrLength) < 0) {
                int errno = Native.getLastError();
                throw new IllegalStateException("sendto " + address + ": errno " + errno
                        + (errno == TestLibc.EAGAIN ? " (the queue stayed full " + INJECT_TIMEOUT_SECONDS
                                + " s: nothing reads it)" : ""));
            }
        } finally {
            C.close(sender);
        }
    }

    /** A datagram socket of the test's own, connected to this receiver: the caller closes it. */
    public int connectedSocket() {
        int fd = C.socket(TestLibc.AF_UNIX, TestLibc.SOCK_DGRAM | TestLibc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IllegalStateException("socket: errno " + Native.getLastError());
        }
        if (C.connect(fd, sockaddr, sockaddrLength) != 0) {
            int errno = Native.getLastError();
            C.close(fd);
            throw new IllegalStateException("connect " + address + ": errno " + errno);
        }
        return fd;
    }

    /** The socket, for polling. */
    public int fd() {
        return fd;
    }

    /** The value to put in NOTIFY_SOCKET. */
    public String address() {
        return address;
    }

    public byte[] addressBytes() {
        return address.getBytes(StandardCharsets.UTF_8);
    }

    /** Everything queued now, without waiting. Received fds are described, then closed. */
    public List<Datagram> drain() {
        return drain(true);
    }

    /** Everything queued now; with {@code closeFds == false} the received fds are left open for the caller. */
    public List<Datagram> drain(boolean closeFds) {
        List<Datagram> out = new ArrayList<>();
        for (Datagram d = receive(TestLibc.MSG_DONTWAIT, closeFds); d != null;
                d = receive(TestLibc.MSG_DONTWAIT, closeFds)) {
            out.add(d);
        }
        return out;
    }

    /** Blocks until one datagram arrives; with {@code closeFds == false} the fds are left open for the caller. */
    public Datagram receiveBlocking(boolean closeFds) {
        return receive(0, closeFds);
    }

    /** The native side of one receive, kept between receives: allocating it per datagram churns JNA's bookkeeping. */
    private static final class Buffers {
        final Memory data = new Memory(BUFFER);
        final Memory control = new Memory(CONTROL_LENGTH);
        final TestLibc.Iovec iov = new TestLibc.Iovec();
        final TestLibc.Msghdr msg = new TestLibc.Msghdr();
    }

    private Datagram receive(int flags, boolean closeFds) {
        // Taken, not shared: a concurrent receive on the same socket allocates its own.
        Buffers buffers = spare.getAndSet(null);
        if (buffers == null) {
            buffers = new Buffers();
        }
        try {
            return receive(flags, closeFds, buffers);
        } finally {
            spare.set(buffers);
        }
    }

    private Datagram receive(int flags, boolean closeFds, Buffers buffers) {
        Memory data = buffers.data;
        Memory control = buffers.control;
        int controlLength = CONTROL_LENGTH;
        control.clear();
        TestLibc.Iovec iov = buffers.iov;
        iov.iov_base = data;
        iov.iov_len = BUFFER;
        iov.write();
        TestLibc.Msghdr msg = buffers.msg;
        msg.msg_name = null;
        msg.msg_namelen = 0;
        msg.msg_iov = iov.getPointer();
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = controlLength;
        msg.msg_flags = 0;
        long n = C.recvmsg(fd, msg, flags | TestLibc.MSG_TRUNC | TestLibc.MSG_CMSG_CLOEXEC);
        if (n < 0) {
            int errno = Native.getLastError();
            if (errno == TestLibc.EAGAIN) {
                return null;
            }
            throw new IllegalStateException("recvmsg: errno " + errno);
        }
        msg.read();
        if (n > BUFFER) {
            throw new IllegalStateException("datagram of " + n + " bytes exceeds the test buffer");
        }
        byte[] payload = data.getByteArray(0, (int) n);
        int pid = 0;
        int uid = -1;
        int gid = -1;
        long queued = 0;
        List<Integer> fds = new ArrayList<>();
        long offset = 0;
        while (offset + 16 <= msg.msg_controllen) {
            long len = control.getLong(offset);
            int level = control.getInt(offset + 8);
            int type = control.getInt(offset + 12);
            if (len < 16) {
                break;
            }
            if (level == TestLibc.SOL_SOCKET && type == TestLibc.SCM_CREDENTIALS) {
                pid = control.getInt(offset + 16);
                uid = control.getInt(offset + 20);
                gid = control.getInt(offset + 24);
            } else if (level == TestLibc.SOL_SOCKET && type == TestLibc.SO_TIMESTAMPNS) {
                queued = control.getLong(offset + 16) * 1_000_000_000L + control.getLong(offset + 24);
            } else if (level == TestLibc.SOL_SOCKET && type == TestLibc.SCM_RIGHTS) {
                int count = (int) ((len - 16) / 4);
                for (int i = 0; i < count; i++) {
                    fds.add(control.getInt(offset + 16 + 4L * i));
                }
            }
            offset += (len + 7) & ~7L;
        }
        List<String> targets = new ArrayList<>();
        for (int f : fds) {
            targets.add(describeFd(f));
            if (closeFds) {
                C.close(f);
            }
        }
        boolean truncated = (msg.msg_flags & TestLibc.MSG_TRUNC) != 0;
        return new Datagram(payload, pid, uid, gid, List.copyOf(targets), fds, truncated, queued);
    }

    /** What an fd refers to, e.g. {@code pipe:[1234]}: equal strings mean the same open file. */
    public static String describeFd(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return "closed";
        }
    }

    @Override
    public void close() {
        C.close(fd);
    }

    /** One received datagram. */
    public static final class Datagram {
        private final byte[] payload;
        private final int pid;
        private final int uid;
        private final int gid;
        private final List<String> fdTargets;
        private final List<Integer> fds;
        private final boolean truncated;
        private final long queuedNanos;

        public Datagram(byte[] payload, int pid, int uid, int gid, List<String> fdTargets, List<Integer> fds,
                boolean truncated, long queuedNanos) {
            this.payload = payload;
            this.pid = pid;
            this.uid = uid;
            this.gid = gid;
            this.fdTargets = fdTargets;
            this.fds = fds;
            this.truncated = truncated;
            this.queuedNanos = queuedNanos;
        }

        public byte[] payload() {
            return payload;
        }

        public int pid() {
            return pid;
        }

        public int uid() {
            return uid;
        }

        public int gid() {
            return gid;
        }

        public List<String> fdTargets() {
            return fdTargets;
        }

        public List<Integer> fds() {
            return fds;
        }

        public boolean truncated() {
            return truncated;
        }

        /**
         * When the sender's send queued it, in nanoseconds since the epoch (the kernel's {@code CLOCK_REALTIME}
         * stamp): an order between processes that does not depend on when the receiving thread woke.
         */
        public long queuedNanos() {
            return queuedNanos;
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Datagram)) {
                return false;
            }
            Datagram d = (Datagram) o;
            return Arrays.equals(payload, d.payload) && pid == d.pid && uid == d.uid && gid == d.gid
                    && fdTargets.equals(d.fdTargets) && truncated == d.truncated;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Datagram[" + payload.length + " B \"" + text().replace("\n", "\\n") + "\", pid=" + pid
                    + ", uid=" + uid + ", gid=" + gid + ", fds=" + fdTargets + "]";
        }
    }
}
