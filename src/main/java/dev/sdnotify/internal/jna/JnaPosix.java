package dev.sdnotify.internal.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.protocol.VsockAddress;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/** {@link Posix} over libc. Every failing call returns {@code -errno} read right after it. */
final class JnaPosix implements Posix {
    static final int UCRED_SIZE = new LibC.Ucred().size();
    static final int UCRED_PID;
    static final int UCRED_UID;
    static final int UCRED_GID;
    static final int MSGHDR_SIZE;
    static final int MSG_NAME;
    static final int MSG_NAMELEN;
    static final int MSG_IOV;
    static final int MSG_IOVLEN;
    static final int MSG_CONTROL;
    static final int MSG_CONTROLLEN;
    static final int MSG_FLAGS;
    static final int IOVEC_SIZE;
    static final int IOV_BASE;
    static final int IOV_LEN;
    private static final int SOCKADDR_UN_SIZE;
    private static final int SUN_PATH;
    private static final int SUN_PATH_SIZE = 108;
    private static final int CMSG_LEN_FIELD;
    private static final int CMSG_LEVEL;
    private static final int CMSG_TYPE;

    static {
        // Offsets come from the checked structure mappings, so the hand-written layout cannot drift.
        LibC.Ucred ucred = new LibC.Ucred();
        UCRED_PID = ucred.offsetOf("pid");
        UCRED_UID = ucred.offsetOf("uid");
        UCRED_GID = ucred.offsetOf("gid");
        LibC.Msghdr msg = new LibC.Msghdr();
        MSGHDR_SIZE = msg.size();
        MSG_NAME = msg.offsetOf("msg_name");
        MSG_NAMELEN = msg.offsetOf("msg_namelen");
        MSG_IOV = msg.offsetOf("msg_iov");
        MSG_IOVLEN = msg.offsetOf("msg_iovlen");
        MSG_CONTROL = msg.offsetOf("msg_control");
        MSG_CONTROLLEN = msg.offsetOf("msg_controllen");
        MSG_FLAGS = msg.offsetOf("msg_flags");
        LibC.Iovec iov = new LibC.Iovec();
        IOVEC_SIZE = iov.size();
        IOV_BASE = iov.offsetOf("iov_base");
        IOV_LEN = iov.offsetOf("iov_len");
        LibC.SockaddrUn address = new LibC.SockaddrUn();
        SOCKADDR_UN_SIZE = address.size();
        SUN_PATH = address.offsetOf("sun_path");
        LibC.Cmsghdr cmsg = new LibC.Cmsghdr();
        CMSG_LEN_FIELD = cmsg.offsetOf("cmsg_len");
        CMSG_LEVEL = cmsg.offsetOf("cmsg_level");
        CMSG_TYPE = cmsg.offsetOf("cmsg_type");
    }

    private static final ThreadLocal<SendArea> SEND_AREAS = ThreadLocal.withInitial(SendArea::new);

    private final ConcurrentHashMap<String, Variable> variables = new ConcurrentHashMap<>();

    @Override
    public byte[] getenv(String name) {
        if (Native.POINTER_SIZE != 8) {
            Pointer value = LibC.getenv(name);
            return value == null ? null : value.getByteArray(0, (int) value.indexOf(0, (byte) 0));
        }
        Variable v = variables.get(name);
        if (v == null) {
            v = variables.computeIfAbsent(name, Variable::new);
        }
        return v.read();
    }

    /** One variable's last value, returned again without copying while the C environment holds the same. */
    private static final class Variable {
        private final Memory name;
        private volatile Value last;

        Variable(String name) {
            byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            this.name = new Memory(bytes.length + 1);
            this.name.write(0, bytes, 0, bytes.length);
            this.name.setByte(bytes.length, (byte) 0);
        }

        byte[] read() {
            long address = LibC.getenv(name);
            if (address == 0) {
                return null;
            }
            Value v = last;
            if (v != null && v.address == address && LibC.strcmp(address, v.copy) == 0) {
                return v.bytes;
            }
            int length = (int) LibC.strlen(address);
            v = new Value(address, new Pointer(address).getByteArray(0, length));
            last = v;
            return v.bytes;
        }
    }

    private static final class Value {
        final long address;
        final byte[] bytes;
        final Memory copy;

        Value(long address, byte[] bytes) {
            this.address = address;
            this.bytes = bytes;
            this.copy = new Memory(bytes.length + 1);
            copy.write(0, bytes, 0, bytes.length);
            copy.setByte(bytes.length, (byte) 0);
        }
    }

    @Override
    public void unsetenv(String name) {
        LibC.unsetenv(name);
    }

    @Override
    public int getpid() {
        return LibC.getpid();
    }

    @Override
    public int getuid() {
        return LibC.getuid();
    }

    @Override
    public int geteuid() {
        return LibC.geteuid();
    }

    @Override
    public int getgid() {
        return LibC.getgid();
    }

    @Override
    public int getegid() {
        return LibC.getegid();
    }

    private static int result(int r) {
        return r < 0 ? -Native.getLastError() : r;
    }

    @Override
    public int openUnixDatagramSocket() {
        return result(LibC.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0));
    }

    @Override
    public int getSendBuffer(int fd) {
        int[] value = new int[1];
        int[] length = {4};
        int r = LibC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_SNDBUF, value, length);
        return r < 0 ? -Native.getLastError() : value[0];
    }

    @Override
    public int setSendBuffer(int fd, int bytes, boolean force) {
        int option = force ? LibC.SO_SNDBUFFORCE : LibC.SO_SNDBUF;
        return result(LibC.setsockopt(fd, LibC.SOL_SOCKET, option, new int[] {bytes}, 4));
    }

    @Override
    public boolean realAndEffectiveIdsDiffer() {
        if (Native.POINTER_SIZE != 8) {
            return Posix.super.realAndEffectiveIdsDiffer();
        }
        // Two system calls instead of four, into this thread's area, laid out so that one read brings back
        // {real uid, effective uid} and {real gid, effective gid} as two longs.
        SendArea area = SEND_AREAS.get();
        long ids = Pointer.nativeValue(area.memory) + SendArea.IDS;
        if (LibC.getresuid(ids, ids + 4, ids + 16) < 0 || LibC.getresgid(ids + 8, ids + 12, ids + 20) < 0) {
            return Posix.super.realAndEffectiveIdsDiffer();
        }
        area.memory.read(SendArea.IDS, area.ids, 0, 2);
        return halvesDiffer(area.ids[0]) || halvesDiffer(area.ids[1]);
    }

    @Override
    public long socketCookie(int fd) {
        // Into this thread's area: the keep-alive path allocates nothing.
        SendArea area = SEND_AREAS.get();
        long base = Pointer.nativeValue(area.memory);
        area.memory.setInt(SendArea.COOKIE_LENGTH, 8);
        if (LibC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_COOKIE, base + SendArea.COOKIE,
                base + SendArea.COOKIE_LENGTH) < 0) {
            return -Native.getLastError();
        }
        return area.memory.getLong(SendArea.COOKIE);
    }

    private static boolean halvesDiffer(long twoInts) {
        return (int) twoInts != (int) (twoInts >>> 32);
    }

    @Override
    public int sendNotifyDatagram(int fd, byte[] sunPath, int addressLength, byte[] payload, int payloadLength,
            int[] fds, int nFds, boolean sendCredentials, int credPid) {
        int rightsSpace = nFds > 0 ? LibC.CMSG_SPACE(4 * nFds) : 0;
        int controlLength = rightsSpace + (sendCredentials ? LibC.CMSG_SPACE(UCRED_SIZE) : 0);
        SendArea area = SEND_AREAS.get();
        if (!area.fits(payloadLength, controlLength)) {
            area = new SendArea(controlLength, payloadLength);
        }
        Memory m = area.memory;
        long base = Pointer.nativeValue(m);

        // Each field written costs a native call; a thread repeating a message rewrites only the payload.
        if (addressLength != area.addressLength || !Arrays.equals(sunPath, area.sunPath)) {
            m.write(SendArea.ADDRESS + SUN_PATH, sunPath, 0, sunPath.length);
            if (sunPath.length < SUN_PATH_SIZE) {
                m.setByte(SendArea.ADDRESS + SUN_PATH + sunPath.length, (byte) 0);
            }
            m.setInt(MSG_NAMELEN, addressLength);
            area.sunPath = sunPath.clone();
            area.addressLength = addressLength;
        }
        m.write(area.payload, payload, 0, payloadLength);
        if (payloadLength != area.payloadLength) {
            putSize(m, SendArea.IOV + IOV_LEN, payloadLength);
            area.payloadLength = payloadLength;
        }

        if (controlLength > 0) {
            m.setMemory(SendArea.CONTROL, controlLength, (byte) 0);
            if (nFds > 0) {
                writeHeader(m, SendArea.CONTROL, LibC.CMSG_LEN(4 * nFds), LibC.SCM_RIGHTS);
                m.write(SendArea.CONTROL + LibC.CMSG_LEN(0), fds, 0, nFds);
            }
            if (sendCredentials) {
                long cmsg = SendArea.CONTROL + rightsSpace;
                writeHeader(m, cmsg, LibC.CMSG_LEN(UCRED_SIZE), LibC.SCM_CREDENTIALS);
                long ucred = cmsg + LibC.CMSG_LEN(0);
                m.setInt(ucred + UCRED_PID, credPid);
                m.setInt(ucred + UCRED_UID, LibC.getuid());
                m.setInt(ucred + UCRED_GID, LibC.getgid());
            }
        }

        if (controlLength != area.controlLength) {
            putAddress(m, MSG_CONTROL, controlLength > 0 ? base + SendArea.CONTROL : 0);
            putSize(m, MSG_CONTROLLEN, controlLength);
            area.controlLength = controlLength;
        }
        // The count fits an int: the payload is a Java array.
        int r = result(LibC.sendmsg(fd, m, LibC.MSG_NOSIGNAL));
        // A one-off area is freed when collected; keep it until the call is over.
        Reference.reachabilityFence(area);
        return r;
    }

    static void writeHeader(Memory m, long at, int length, int type) {
        putSize(m, at + CMSG_LEN_FIELD, length);
        m.setInt(at + CMSG_LEVEL, LibC.SOL_SOCKET);
        m.setInt(at + CMSG_TYPE, type);
    }

    static void putAddress(Memory m, long offset, long address) {
        if (Native.POINTER_SIZE == 8) {
            m.setLong(offset, address);
        } else {
            m.setInt(offset, (int) address);
        }
    }

    static void putSize(Memory m, long offset, long value) {
        if (Native.SIZE_T_SIZE == 8) {
            m.setLong(offset, value);
        } else {
            m.setInt(offset, (int) value);
        }
    }

    /**
     * One thread's native memory for a message: msghdr, iovec, sockaddr_un, control data and payload, laid
     * out once and reused, so a steady stream of sends allocates nothing. Larger messages get a one-off area.
     */
    private static final class SendArea {
        static final int IOV = align(MSGHDR_SIZE);
        static final int ADDRESS = align(IOV + IOVEC_SIZE);
        static final int CONTROL = align(ADDRESS + SOCKADDR_UN_SIZE);
        /** Room for the kernel's maximum of 253 fds plus credentials. */
        static final int CONTROL_CAPACITY = LibC.CMSG_SPACE(4 * 253) + LibC.CMSG_SPACE(UCRED_SIZE);
        static final int PAYLOAD_CAPACITY = 8192;
        /** Scratch for getresuid and getresgid: real uid, effective uid, real gid, effective gid, saved ids. */
        static final int IDS = align(CONTROL + CONTROL_CAPACITY);
        /** Scratch for getsockopt(SO_COOKIE): the 8-byte cookie, then its socklen_t. */
        static final int COOKIE = IDS + 24;
        static final int COOKIE_LENGTH = COOKIE + 8;

        final Memory memory;
        /** The ids read back from {@link #IDS}, two ints to a long. */
        final long[] ids = new long[2];
        final int controlCapacity;
        final long payload;
        final int payloadCapacity;
        /** What the variable fields hold now; -1 and null until first written. */
        byte[] sunPath;
        int addressLength = -1;
        int payloadLength = -1;
        int controlLength = -1;

        SendArea() {
            this(CONTROL_CAPACITY, PAYLOAD_CAPACITY);
        }

        SendArea(int controlCapacity, int payloadCapacity) {
            this.controlCapacity = Math.max(controlCapacity, CONTROL_CAPACITY);
            this.payload = align(Math.max(COOKIE_LENGTH + 4, CONTROL + this.controlCapacity));
            // A zero-length payload still needs a valid base pointer for the iovec.
            this.payloadCapacity = Math.max(1, payloadCapacity);
            this.memory = new Memory(payload + this.payloadCapacity);
            long base = Pointer.nativeValue(memory);
            // The fields that never change for this area.
            memory.setShort(ADDRESS, (short) LibC.AF_UNIX);
            putAddress(memory, IOV + IOV_BASE, base + payload);
            putAddress(memory, MSG_NAME, base + ADDRESS);
            putAddress(memory, MSG_IOV, base + IOV);
            putSize(memory, MSG_IOVLEN, 1);
            memory.setInt(MSG_FLAGS, 0);
        }

        boolean fits(int payloadLength, int controlLength) {
            return payloadLength <= payloadCapacity && controlLength <= controlCapacity;
        }

        private static int align(long offset) {
            return (int) ((offset + 7) & -8);
        }
    }

    @Override
    public int openVsockSocket(VsockAddress.Type type) {
        return result(LibC.socket(LibC.AF_VSOCK, JnaVsock.socketType(type) | LibC.SOCK_CLOEXEC, 0));
    }

    @Override
    public int bindVsock(int fd, int port) {
        return result(LibC.bind(fd, JnaVsock.address(VsockAddress.ANY, port), LibC.SOCKADDR_VM_SIZE));
    }

    @Override
    public int connectVsock(int fd, VsockAddress to) {
        return result(LibC.connect(fd, JnaVsock.address(to.cid(), to.port()), LibC.SOCKADDR_VM_SIZE));
    }

    @Override
    public int sendVsock(int fd, VsockAddress to, byte[] payload, int offset, int length, int[] fds, int nFds,
            boolean sendCredentials, int credPid) {
        return JnaVsock.send(fd, to, payload, offset, length, fds, nFds, sendCredentials, credPid);
    }

    @Override
    public int shutdownWrite(int fd) {
        return result(LibC.shutdown(fd, LibC.SHUT_WR));
    }

    @Override
    public int receiveByte(int fd) {
        Memory c = new Memory(1);
        return result(LibC.recv(fd, c, new NativeLong(1), LibC.MSG_NOSIGNAL));
    }

    @Override
    public int setSendTimeout(int fd, long usec) {
        // struct timeval: two longs, seconds and microseconds.
        Memory timeval = new Memory(2L * Native.LONG_SIZE);
        timeval.setNativeLong(0, new NativeLong(usec / 1_000_000L));
        timeval.setNativeLong(Native.LONG_SIZE, new NativeLong(usec % 1_000_000L));
        return result(LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_SNDTIMEO, timeval, (int) timeval.size()));
    }

    @Override
    public int close(int fd) {
        return result(LibC.close(fd));
    }

    @Override
    public int pipeCloexec(int[] fds) {
        return result(LibC.pipe2(fds, LibC.O_CLOEXEC));
    }

    @Override
    public int pollForHangup(int fd, long timeoutUsec) {
        LibC.Pollfd pollfd = new LibC.Pollfd();
        pollfd.fd = fd;
        pollfd.events = 0;
        pollfd.write();
        LibC.Timespec timeout = null;
        if (timeoutUsec != -1L) {
            timeout = new LibC.Timespec();
            timeout.tv_sec = new NativeLong(Long.divideUnsigned(timeoutUsec, 1_000_000L));
            timeout.tv_nsec = new NativeLong(Long.remainderUnsigned(timeoutUsec, 1_000_000L) * 1000L);
            timeout.write();
        }
        int r = LibC.ppoll(pollfd.getPointer(), new NativeLong(1), timeout == null ? null : timeout.getPointer(),
                null);
        if (r < 0) {
            return -Native.getLastError();
        }
        if (r == 0) {
            return 0;
        }
        pollfd.read();
        return pollfd.revents & 0xffff;
    }

    @Override
    public int getFdFlags(int fd) {
        return result(LibC.fcntl(fd, LibC.F_GETFD, 0));
    }

    @Override
    public int setFdFlags(int fd, int flags) {
        return result(LibC.fcntl(fd, LibC.F_SETFD, flags));
    }

    @Override
    public int ownPidfdInodeId(long[] out) {
        return Pidfd.inodeId(out);
    }

    @Override
    public int accessNoFollow(String path) {
        return result(LibC.faccessat(LibC.AT_FDCWD, path, LibC.F_OK, LibC.AT_SYMLINK_NOFOLLOW));
    }

    @Override
    public long monotonicMicros() {
        LibC.Timespec now = new LibC.Timespec();
        LibC.clock_gettime(LibC.CLOCK_MONOTONIC, now.getPointer());
        now.read();
        return now.tv_sec.longValue() * 1_000_000L + now.tv_nsec.longValue() / 1000L;
    }

    @Override
    public int write(int fd, byte[] data, int length) {
        if (length < 0 || length > data.length) {
            throw new IndexOutOfBoundsException("length " + length + " of " + data.length + " bytes");
        }
        return result(LibC.write(fd, data, new NativeLong(length)));
    }

    @Override
    public int getFileStatusFlags(int fd) {
        return result(LibC.fcntl(fd, LibC.F_GETFL, 0));
    }

    @Override
    public int socketKind(int fd, int[] out) {
        int[] options = {LibC.SO_TYPE, LibC.SO_DOMAIN, LibC.SO_ACCEPTCONN};
        int[] value = new int[1];
        int[] length = new int[1];
        for (int i = 0; i < options.length; i++) {
            length[0] = 4;
            if (LibC.getsockopt(fd, LibC.SOL_SOCKET, options[i], value, length) < 0) {
                return -Native.getLastError();
            }
            out[i] = value[0];
        }
        return 0;
    }
}
