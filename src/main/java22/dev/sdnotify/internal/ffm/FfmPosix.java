package dev.sdnotify.internal.ffm;

import static dev.sdnotify.internal.ffm.Libc.CRITICAL;
import static dev.sdnotify.internal.ffm.Libc.ERRNO;
import static dev.sdnotify.internal.ffm.Libc.LONG;
import static dev.sdnotify.internal.ffm.Libc.SIZE_T;
import static dev.sdnotify.internal.ffm.Libc.errno;
import static dev.sdnotify.internal.ffm.Libc.getWord;
import static dev.sdnotify.internal.ffm.Libc.putWord;
import static dev.sdnotify.internal.ffm.Libc.rethrow;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.protocol.VsockAddress;
import dev.sdnotify.internal.nativeaccess.LinuxAbi;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Posix} over libc through the FFM API. Every failing call returns {@code -errno}, captured by the
 * call itself into this thread's capture segment. Each function's downcall handle is made on its first
 * call; the calls a keep-alive makes run on this thread's native memory, so they allocate nothing.
 */
final class FfmPosix implements Posix {
    private static final LinuxAbi ABI = LinuxAbi.current();
    private static final int AF_UNIX = ABI.afUnix;
    private static final int SOL_SOCKET = ABI.solSocket;
    private static final int SCM_RIGHTS = ABI.scmRights;
    private static final int SCM_CREDENTIALS = ABI.scmCredentials;
    private static final int MSG_NOSIGNAL = ABI.msgNosignal;

    /** Pointers are 64-bit: getenv's result can be kept as a Java long, so reading it allocates nothing. */
    private static final boolean ADDRESS64 = ADDRESS.byteSize() == 8;

    /** How paths and variable names are encoded, as JNA encodes a String argument. */
    private static final Charset NATIVE_ENCODING =
            Charset.forName(System.getProperty("native.encoding", "UTF-8"), StandardCharsets.UTF_8);

    // The structures, from the glibc headers named; Libc.struct pads them as the C compiler does.

    /** {@code struct sockaddr_un} from {@code <sys/un.h>}. */
    static final StructLayout SOCKADDR_UN = Libc.struct("sockaddr_un",
            JAVA_SHORT.withName("sun_family"),                                // sa_family_t
            MemoryLayout.sequenceLayout(108, JAVA_BYTE).withName("sun_path")); // char[108]

    /** {@code struct msghdr} from {@code <sys/socket.h>}. */
    static final StructLayout MSGHDR = Libc.struct("msghdr",
            ADDRESS.withName("msg_name"),         // void *
            JAVA_INT.withName("msg_namelen"),     // socklen_t
            ADDRESS.withName("msg_iov"),          // struct iovec *
            SIZE_T.withName("msg_iovlen"),        // size_t
            ADDRESS.withName("msg_control"),      // void *
            SIZE_T.withName("msg_controllen"),    // size_t
            JAVA_INT.withName("msg_flags"));      // int

    /** {@code struct iovec} from {@code <sys/uio.h>}. */
    static final StructLayout IOVEC = Libc.struct("iovec",
            ADDRESS.withName("iov_base"),         // void *
            SIZE_T.withName("iov_len"));          // size_t

    /** {@code struct cmsghdr} from {@code <sys/socket.h>}; the data follows at {@link #cmsgLen}(0). */
    static final StructLayout CMSGHDR = Libc.struct("cmsghdr",
            SIZE_T.withName("cmsg_len"),          // size_t (socklen_t in POSIX; size_t in glibc and the kernel)
            JAVA_INT.withName("cmsg_level"),      // int
            JAVA_INT.withName("cmsg_type"));      // int

    /** {@code struct ucred} from {@code <sys/socket.h>}. */
    static final StructLayout UCRED = Libc.struct("ucred",
            JAVA_INT.withName("pid"),             // pid_t
            JAVA_INT.withName("uid"),             // uid_t
            JAVA_INT.withName("gid"));            // gid_t

    /** {@code struct timespec} from {@code <time.h>}. */
    static final StructLayout TIMESPEC = Libc.struct("timespec",
            LONG.withName("tv_sec"),              // time_t
            LONG.withName("tv_nsec"));            // long

    /** {@code struct timeval} from {@code <sys/time.h>}. */
    static final StructLayout TIMEVAL = Libc.struct("timeval",
            LONG.withName("tv_sec"),              // time_t
            LONG.withName("tv_usec"));            // suseconds_t

    /** {@code struct pollfd} from {@code <poll.h>}. */
    static final StructLayout POLLFD = Libc.struct("pollfd",
            JAVA_INT.withName("fd"),              // int
            JAVA_SHORT.withName("events"),        // short
            JAVA_SHORT.withName("revents"));      // short

    /** What getresuid and getresgid write: not a C structure, six separate out-parameters. */
    static final StructLayout RESIDS = Libc.struct("resids",
            JAVA_INT.withName("ruid"),            // uid_t
            JAVA_INT.withName("euid"),            // uid_t
            JAVA_INT.withName("suid"),            // uid_t
            JAVA_INT.withName("rgid"),            // gid_t
            JAVA_INT.withName("egid"),            // gid_t
            JAVA_INT.withName("sgid"));           // gid_t

    private static final long SUN_FAMILY = SOCKADDR_UN.byteOffset(groupElement("sun_family"));
    private static final long SUN_PATH = SOCKADDR_UN.byteOffset(groupElement("sun_path"));
    private static final int SUN_PATH_SIZE = (int) SOCKADDR_UN.select(groupElement("sun_path")).byteSize();
    static final long MSG_NAME = MSGHDR.byteOffset(groupElement("msg_name"));
    static final long MSG_NAMELEN = MSGHDR.byteOffset(groupElement("msg_namelen"));
    static final long MSG_IOV = MSGHDR.byteOffset(groupElement("msg_iov"));
    static final long MSG_IOVLEN = MSGHDR.byteOffset(groupElement("msg_iovlen"));
    static final long MSG_CONTROL = MSGHDR.byteOffset(groupElement("msg_control"));
    static final long MSG_CONTROLLEN = MSGHDR.byteOffset(groupElement("msg_controllen"));
    private static final long MSG_FLAGS = MSGHDR.byteOffset(groupElement("msg_flags"));
    static final long IOV_BASE = IOVEC.byteOffset(groupElement("iov_base"));
    static final long IOV_LEN = IOVEC.byteOffset(groupElement("iov_len"));
    private static final long CMSG_LEN_FIELD = CMSGHDR.byteOffset(groupElement("cmsg_len"));
    private static final long CMSG_LEVEL = CMSGHDR.byteOffset(groupElement("cmsg_level"));
    private static final long CMSG_TYPE = CMSGHDR.byteOffset(groupElement("cmsg_type"));
    static final int UCRED_SIZE = (int) UCRED.byteSize();
    static final long UCRED_PID = UCRED.byteOffset(groupElement("pid"));
    static final long UCRED_UID = UCRED.byteOffset(groupElement("uid"));
    static final long UCRED_GID = UCRED.byteOffset(groupElement("gid"));
    private static final long TV_SEC = TIMEVAL.byteOffset(groupElement("tv_sec"));
    private static final long TV_USEC = TIMEVAL.byteOffset(groupElement("tv_usec"));
    private static final long TS_SEC = TIMESPEC.byteOffset(groupElement("tv_sec"));
    private static final long TS_NSEC = TIMESPEC.byteOffset(groupElement("tv_nsec"));
    private static final long POLL_FD = POLLFD.byteOffset(groupElement("fd"));
    private static final long POLL_EVENTS = POLLFD.byteOffset(groupElement("events"));
    private static final long POLL_REVENTS = POLLFD.byteOffset(groupElement("revents"));

    /** {@code CMSG_ALIGN(sizeof(struct cmsghdr))}: where a control message's data starts. */
    private static final int CMSG_HEADER = cmsgAlign((int) CMSGHDR.byteSize());

    /** {@code CMSG_ALIGN}: control messages are aligned to {@code sizeof(size_t)}. */
    static int cmsgAlign(int length) {
        int a = (int) SIZE_T.byteSize();
        return (length + a - 1) & -a;
    }

    static int cmsgLen(int dataLength) {
        return CMSG_HEADER + dataLength;
    }

    static int cmsgSpace(int dataLength) {
        return CMSG_HEADER + cmsgAlign(dataLength);
    }

    // Downcall handles, one holder per function or per functions always used together, each made on first use.

    /**
     * {@code getenv} with its result as a long (64-bit pointers only), and {@code strlen} described the same
     * way, so that the two share one linker stub.
     */
    private static final class Env {
        static final FunctionDescriptor POINTER_TO_WORD = FunctionDescriptor.of(JAVA_LONG, ADDRESS);
        static final MethodHandle GETENV = Libc.downcall("getenv",          // char *getenv(const char *)
                POINTER_TO_WORD, CRITICAL);
        static final MethodHandle STRLEN = Libc.downcall("strlen",          // size_t strlen(const char *)
                POINTER_TO_WORD, CRITICAL);
    }

    /** {@code strcmp}, first needed when a variable is read a second time. */
    private static final class Strcmp {
        static final MethodHandle STRCMP = Libc.downcall("strcmp",          // int strcmp(const char *, const char *)
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS), CRITICAL);
    }

    /** {@code getenv} with its result as a segment, where pointers are not 64-bit. */
    private static final class PlainEnv {
        static final MethodHandle GETENV = Libc.downcall("getenv",          // char *getenv(const char *)
                FunctionDescriptor.of(ADDRESS, ADDRESS), CRITICAL);
        static final MethodHandle STRLEN = Libc.downcall("strlen",          // size_t strlen(const char *)
                FunctionDescriptor.of(SIZE_T, ADDRESS), CRITICAL);
    }

    private static final class Unsetenv {
        static final MethodHandle UNSETENV = Libc.downcall("unsetenv",      // int unsetenv(const char *)
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private static final class Pid {
        static final MethodHandle GETPID = Libc.downcall("getpid",          // pid_t getpid(void)
                FunctionDescriptor.of(JAVA_INT), CRITICAL);
    }

    private static final class RealIds {
        static final MethodHandle GETUID = Libc.downcall("getuid",          // uid_t getuid(void)
                FunctionDescriptor.of(JAVA_INT), CRITICAL);
        static final MethodHandle GETGID = Libc.downcall("getgid",          // gid_t getgid(void)
                FunctionDescriptor.of(JAVA_INT), CRITICAL);
    }

    private static final class EffectiveIds {
        static final MethodHandle GETEUID = Libc.downcall("geteuid",        // uid_t geteuid(void)
                FunctionDescriptor.of(JAVA_INT), CRITICAL);
        static final MethodHandle GETEGID = Libc.downcall("getegid",        // gid_t getegid(void)
                FunctionDescriptor.of(JAVA_INT), CRITICAL);
    }

    private static final class ResIds {
        static final FunctionDescriptor THREE_OUT = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        static final MethodHandle GETRESUID = Libc.downcall("getresuid",    // int getresuid(uid_t *, uid_t *, uid_t *)
                THREE_OUT, CRITICAL);
        static final MethodHandle GETRESGID = Libc.downcall("getresgid",    // int getresgid(gid_t *, gid_t *, gid_t *)
                THREE_OUT, CRITICAL);
    }

    private static final class Socket {
        static final MethodHandle SOCKET = Libc.downcall("socket",          // int socket(int, int, int)
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
    }

    private static final class Sockopt {
        static final MethodHandle GETSOCKOPT = Libc.downcall("getsockopt",  // int getsockopt(int, int, int, void *, socklen_t *)
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), ERRNO);
        static final MethodHandle SETSOCKOPT = Libc.downcall("setsockopt",  // int setsockopt(int, int, int, const void *, socklen_t)
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    }

    private static final class Sendmsg {
        static final MethodHandle SENDMSG = Libc.downcall("sendmsg",        // ssize_t sendmsg(int, const struct msghdr *, int)
                FunctionDescriptor.of(LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    }

    private static final class Close {
        static final MethodHandle CLOSE = Libc.downcall("close",            // int close(int)
                FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO);
    }

    private static final class Pipe2 {
        static final MethodHandle PIPE2 = Libc.downcall("pipe2",            // int pipe2(int[2], int)
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
    }

    private static final class Ppoll {
        static final MethodHandle PPOLL = Libc.downcall("ppoll",            // int ppoll(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *)
                FunctionDescriptor.of(JAVA_INT, ADDRESS, LONG, ADDRESS, ADDRESS), ERRNO);
    }

    private static final class Fcntl {
        static final MethodHandle FCNTL = Libc.downcall("fcntl",            // int fcntl(int, int, ...), with an int argument
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO,
                Linker.Option.firstVariadicArg(2));
    }

    private static final class Faccessat {
        static final MethodHandle FACCESSAT = Libc.downcall("faccessat",    // int faccessat(int, const char *, int, int)
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO);
    }

    private static final class Clock {
        static final MethodHandle CLOCK_GETTIME = Libc.downcall("clock_gettime", // int clock_gettime(clockid_t, struct timespec *)
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), CRITICAL);
    }

    private static final class Write {
        static final MethodHandle WRITE = Libc.downcall("write",            // ssize_t write(int, const void *, size_t)
                FunctionDescriptor.of(LONG, JAVA_INT, ADDRESS, SIZE_T), ERRNO);
    }

    private static final ThreadLocal<PerThread> PER_THREAD = ThreadLocal.withInitial(PerThread::new);

    private final ConcurrentHashMap<String, Variable> variables = new ConcurrentHashMap<>();

    private Variable variable(String name) {
        Variable v = variables.get(name);
        return v != null ? v : variables.computeIfAbsent(name, Variable::new);
    }

    @Override
    public byte[] getenv(String name) {
        return variable(name).read();
    }

    /** One variable's name in C and its last value, returned again without copying while the C environment holds the same. */
    private static final class Variable {
        final MemorySegment name;
        private volatile Value last;

        Variable(String name) {
            this.name = Arena.ofAuto().allocateFrom(name, NATIVE_ENCODING);
        }

        @SuppressWarnings("restricted")
        byte[] read() {
            if (!ADDRESS64) {
                return readUncached();
            }
            try {
                long address = (long) Env.GETENV.invokeExact(name);
                if (address == 0) {
                    return null;
                }
                Value v = last;
                if (v != null && v.address == address && (int) Strcmp.STRCMP.invokeExact(address, v.copy) == 0) {
                    return v.bytes;
                }
                MemorySegment value = MemorySegment.ofAddress(address);
                long length = (long) Env.STRLEN.invokeExact(value);
                v = new Value(address, value.reinterpret(length).toArray(JAVA_BYTE));
                last = v;
                return v.bytes;
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        @SuppressWarnings("restricted")
        private byte[] readUncached() {
            try {
                MemorySegment value = (MemorySegment) PlainEnv.GETENV.invokeExact(name);
                if (value.address() == 0) {
                    return null;
                }
                long length = (long) PlainEnv.STRLEN.invokeExact(value);
                return value.reinterpret(length).toArray(JAVA_BYTE);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
    }

    /** A value getenv returned: where, its bytes, and a NUL-terminated copy to compare the environment with. */
    private static final class Value {
        final long address;
        final byte[] bytes;
        final MemorySegment copy;

        Value(long address, byte[] bytes) {
            this.address = address;
            this.bytes = bytes;
            this.copy = Arena.ofAuto().allocate(bytes.length + 1L);
            MemorySegment.copy(bytes, 0, copy, JAVA_BYTE, 0, bytes.length);
        }
    }

    @Override
    public void unsetenv(String name) {
        try {
            int ignored = (int) Unsetenv.UNSETENV.invokeExact(variable(name).name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int getpid() {
        try {
            return (int) Pid.GETPID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int getuid() {
        try {
            return (int) RealIds.GETUID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int geteuid() {
        try {
            return (int) EffectiveIds.GETEUID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int getgid() {
        try {
            return (int) RealIds.GETGID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int getegid() {
        try {
            return (int) EffectiveIds.GETEGID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public boolean realAndEffectiveIdsDiffer() {
        // Two system calls instead of four, into this thread's scratch memory.
        PerThread t = PER_THREAD.get();
        int ru;
        int rg;
        try {
            ru = (int) ResIds.GETRESUID.invokeExact(t.ruid, t.euid, t.suid);
            rg = ru < 0 ? ru : (int) ResIds.GETRESGID.invokeExact(t.rgid, t.egid, t.sgid);
        } catch (Throwable e) {
            throw rethrow(e);
        }
        if (ru < 0 || rg < 0) {
            return Posix.super.realAndEffectiveIdsDiffer();
        }
        return t.ruid.get(JAVA_INT, 0) != t.euid.get(JAVA_INT, 0) || t.rgid.get(JAVA_INT, 0) != t.egid.get(JAVA_INT, 0);
    }

    @Override
    public int openUnixDatagramSocket() {
        MemorySegment capture = PER_THREAD.get().capture;
        try {
            int r = (int) Socket.SOCKET.invokeExact(capture, AF_UNIX, ABI.sockDgram | ABI.sockCloexec, 0);
            return r < 0 ? -errno(capture) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int getSendBuffer(int fd) {
        return getIntOption(PER_THREAD.get(), fd, ABI.soSndbuf);
    }

    @Override
    public long socketCookie(int fd) {
        PerThread t = PER_THREAD.get();
        try {
            t.optlen.set(JAVA_INT, 0, (int) JAVA_LONG.byteSize());
            int r = (int) Sockopt.GETSOCKOPT.invokeExact(t.capture, fd, SOL_SOCKET, ABI.soCookie, t.cookie, t.optlen);
            return r < 0 ? -errno(t.capture) : t.cookie.get(JAVA_LONG, 0);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code getsockopt(fd, SOL_SOCKET, option)} of an int: the value or {@code -errno}. */
    private static int getIntOption(PerThread t, int fd, int option) {
        try {
            t.optlen.set(JAVA_INT, 0, (int) JAVA_INT.byteSize());
            int r = (int) Sockopt.GETSOCKOPT.invokeExact(t.capture, fd, SOL_SOCKET, option, t.optval, t.optlen);
            return r < 0 ? -errno(t.capture) : t.optval.get(JAVA_INT, 0);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public int setSendBuffer(int fd, int bytes, boolean force) {
        PerThread t = PER_THREAD.get();
        t.optval.set(JAVA_INT, 0, bytes);
        return setOption(t, fd, force ? ABI.soSndbufforce : ABI.soSndbuf, t.optval);
    }

    private static int setOption(PerThread t, int fd, int option, MemorySegment value) {
        try {
            int r = (int) Sockopt.SETSOCKOPT.invokeExact(t.capture, fd, SOL_SOCKET, option, value,
                    (int) value.byteSize());
            return r < 0 ? -errno(t.capture) : r;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public int sendNotifyDatagram(int fd, byte[] sunPath, int addressLength, byte[] payload, int payloadLength,
            int[] fds, int nFds, boolean sendCredentials, int credPid) {
        int rightsSpace = nFds > 0 ? cmsgSpace(4 * nFds) : 0;
        int controlLength = rightsSpace + (sendCredentials ? cmsgSpace(UCRED_SIZE) : 0);
        PerThread t = PER_THREAD.get();
        if (t.send.fits(payloadLength, controlLength)) {
            return send(t.capture, t.send, fd, sunPath, addressLength, payload, payloadLength, fds, nFds,
                    rightsSpace, controlLength, sendCredentials, credPid);
        }
        // Larger than this thread's area: a one-off area, freed when the call is over.
        try (Arena arena = Arena.ofConfined()) {
            return send(t.capture, new SendArea(arena, controlLength, payloadLength), fd, sunPath, addressLength,
                    payload, payloadLength, fds, nFds, rightsSpace, controlLength, sendCredentials, credPid);
        }
    }

    private int send(MemorySegment capture, SendArea area, int fd, byte[] sunPath, int addressLength, byte[] payload,
            int payloadLength, int[] fds, int nFds, int rightsSpace, int controlLength, boolean sendCredentials,
            int credPid) {
        MemorySegment m = area.memory;
        // A thread repeating a message rewrites only the payload.
        if (addressLength != area.addressLength || !Arrays.equals(sunPath, area.sunPath)) {
            MemorySegment.copy(sunPath, 0, m, JAVA_BYTE, SendArea.SUN + SUN_PATH, sunPath.length);
            if (sunPath.length < SUN_PATH_SIZE) {
                m.set(JAVA_BYTE, SendArea.SUN + SUN_PATH + sunPath.length, (byte) 0);
            }
            m.set(JAVA_INT, SendArea.MSG + MSG_NAMELEN, addressLength);
            area.sunPath = sunPath.clone();
            area.addressLength = addressLength;
        }
        MemorySegment.copy(payload, 0, m, JAVA_BYTE, area.payload, payloadLength);
        if (payloadLength != area.payloadLength) {
            putWord(m, SendArea.IOV + IOV_LEN, payloadLength);
            area.payloadLength = payloadLength;
        }

        if (controlLength > 0) {
            SendArea.zero(m, SendArea.CONTROL, controlLength);
            if (nFds > 0) {
                writeHeader(m, SendArea.CONTROL, cmsgLen(4 * nFds), SCM_RIGHTS);
                MemorySegment.copy(fds, 0, m, JAVA_INT, SendArea.CONTROL + cmsgLen(0), nFds);
            }
            if (sendCredentials) {
                long cmsg = SendArea.CONTROL + rightsSpace;
                writeHeader(m, cmsg, cmsgLen(UCRED_SIZE), SCM_CREDENTIALS);
                long ucred = cmsg + cmsgLen(0);
                m.set(JAVA_INT, ucred + UCRED_PID, credPid);
                m.set(JAVA_INT, ucred + UCRED_UID, getuid());
                m.set(JAVA_INT, ucred + UCRED_GID, getgid());
            }
        }
        if (controlLength != area.controlLength) {
            m.set(ADDRESS, SendArea.MSG + MSG_CONTROL, controlLength > 0 ? area.control : MemorySegment.NULL);
            putWord(m, SendArea.MSG + MSG_CONTROLLEN, controlLength);
            area.controlLength = controlLength;
        }
        try {
            long r = (long) Sendmsg.SENDMSG.invokeExact(capture, fd, area.msghdr, MSG_NOSIGNAL);
            // The count fits an int: the payload is a Java array.
            return r < 0 ? -errno(capture) : (int) r;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    static void writeHeader(MemorySegment m, long at, int length, int type) {
        putWord(m, at + CMSG_LEN_FIELD, length);
        m.set(JAVA_INT, at + CMSG_LEVEL, SOL_SOCKET);
        m.set(JAVA_INT, at + CMSG_TYPE, type);
    }

    @Override
    public int openVsockSocket(VsockAddress.Type type) {
        return FfmVsock.open(PER_THREAD.get().capture, type);
    }

    @Override
    public int bindVsock(int fd, int port) {
        return FfmVsock.bind(PER_THREAD.get().capture, fd, VsockAddress.ANY, port);
    }

    @Override
    public int connectVsock(int fd, VsockAddress to) {
        return FfmVsock.connect(PER_THREAD.get().capture, fd, to);
    }

    @Override
    public int sendVsock(int fd, VsockAddress to, byte[] payload, int offset, int length, int[] fds, int nFds,
            boolean sendCredentials, int credPid) {
        return FfmVsock.send(PER_THREAD.get().capture, fd, to, payload, offset, length, fds, nFds, sendCredentials,
                credPid, getuid(), getgid());
    }

    @Override
    public int shutdownWrite(int fd) {
        return FfmVsock.shutdownWrite(PER_THREAD.get().capture, fd);
    }

    @Override
    public int receiveByte(int fd) {
        return FfmVsock.receiveByte(PER_THREAD.get().capture, fd);
    }

    @Override
    public int setSendTimeout(int fd, long usec) {
        PerThread t = PER_THREAD.get();
        putWord(t.timeval, TV_SEC, usec / 1_000_000L);
        putWord(t.timeval, TV_USEC, usec % 1_000_000L);
        return setOption(t, fd, ABI.soSndtimeo, t.timeval);
    }

    @Override
    public int close(int fd) {
        MemorySegment capture = PER_THREAD.get().capture;
        try {
            int r = (int) Close.CLOSE.invokeExact(capture, fd);
            return r < 0 ? -errno(capture) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int pipeCloexec(int[] fds) {
        PerThread t = PER_THREAD.get();
        try {
            int r = (int) Pipe2.PIPE2.invokeExact(t.capture, t.pipefd, ABI.oCloexec);
            if (r < 0) {
                return -errno(t.capture);
            }
            fds[0] = t.pipefd.getAtIndex(JAVA_INT, 0);
            fds[1] = t.pipefd.getAtIndex(JAVA_INT, 1);
            return r;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    @Override
    public int pollForHangup(int fd, long timeoutUsec) {
        PerThread t = PER_THREAD.get();
        t.pollfd.set(JAVA_INT, POLL_FD, fd);
        t.pollfd.set(JAVA_SHORT, POLL_EVENTS, (short) 0);
        t.pollfd.set(JAVA_SHORT, POLL_REVENTS, (short) 0);
        MemorySegment timeout = MemorySegment.NULL;
        if (timeoutUsec != -1L) {
            timeout = t.timespec;
            putWord(timeout, TS_SEC, Long.divideUnsigned(timeoutUsec, 1_000_000L));
            putWord(timeout, TS_NSEC, Long.remainderUnsigned(timeoutUsec, 1_000_000L) * 1000L);
        }
        try {
            int r = (int) Ppoll.PPOLL.invokeExact(t.capture, t.pollfd, 1L, timeout, MemorySegment.NULL);
            if (r < 0) {
                return -errno(t.capture);
            }
            if (r == 0) {
                return 0;
            }
            return t.pollfd.get(JAVA_SHORT, POLL_REVENTS) & 0xffff;
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static int fcntl(int fd, int command, int argument) {
        MemorySegment capture = PER_THREAD.get().capture;
        try {
            int r = (int) Fcntl.FCNTL.invokeExact(capture, fd, command, argument);
            return r < 0 ? -errno(capture) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int getFdFlags(int fd) {
        return fcntl(fd, ABI.fGetfd, 0);
    }

    @Override
    public int setFdFlags(int fd, int flags) {
        return fcntl(fd, ABI.fSetfd, flags);
    }

    @Override
    public int getFileStatusFlags(int fd) {
        return fcntl(fd, ABI.fGetfl, 0);
    }

    @Override
    public int ownPidfdInodeId(long[] out) {
        return Pidfd.inodeId(getpid(), out);
    }

    @Override
    public int accessNoFollow(String path) {
        MemorySegment capture = PER_THREAD.get().capture;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path, NATIVE_ENCODING);
            int r = (int) Faccessat.FACCESSAT.invokeExact(capture, ABI.atFdcwd, cPath, ABI.fOk,
                    ABI.atSymlinkNofollow);
            return r < 0 ? -errno(capture) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long monotonicMicros() {
        MemorySegment now = PER_THREAD.get().timespec;
        try {
            int ignored = (int) Clock.CLOCK_GETTIME.invokeExact(ABI.clockMonotonic, now);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return getWord(now, TS_SEC) * 1_000_000L + getWord(now, TS_NSEC) / 1000L;
    }

    @Override
    public int write(int fd, byte[] data, int length) {
        if (length < 0 || length > data.length) {
            throw new IndexOutOfBoundsException("length " + length + " of " + data.length + " bytes");
        }
        PerThread t = PER_THREAD.get();
        if (length <= t.send.payloadCapacity) {
            // The send area's payload is rewritten by every send, so it may carry this one too.
            return write(t.capture, fd, t.send.memory.asSlice(t.send.payload, length), data, length);
        }
        try (Arena arena = Arena.ofConfined()) {
            return write(t.capture, fd, arena.allocate(length), data, length);
        }
    }

    private static int write(MemorySegment capture, int fd, MemorySegment buffer, byte[] data, int length) {
        MemorySegment.copy(data, 0, buffer, JAVA_BYTE, 0, length);
        try {
            long r = (long) Write.WRITE.invokeExact(capture, fd, buffer, (long) length);
            return r < 0 ? -errno(capture) : (int) r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int socketKind(int fd, int[] out) {
        int[] options = {ABI.soType, ABI.soDomain, ABI.soAcceptconn};
        PerThread t = PER_THREAD.get();
        for (int i = 0; i < options.length; i++) {
            int r = getIntOption(t, fd, options[i]);
            if (r < 0) {
                return r;
            }
            out[i] = r;
        }
        return 0;
    }

    /** {@code struct} of one thread's small out-parameters: errno's capture, option values, times, a pipe, ids. */
    private static final StructLayout SCRATCH = Libc.struct("scratch",
            Libc.CAPTURE.withName("capture"),                              // the linker's captured errno
            JAVA_INT.withName("optval"),                                   // int, an option's value
            JAVA_INT.withName("optlen"),                                   // socklen_t
            TIMEVAL.withName("timeval"),                                   // struct timeval
            TIMESPEC.withName("timespec"),                                 // struct timespec
            POLLFD.withName("pollfd"),                                     // struct pollfd
            MemoryLayout.sequenceLayout(2, JAVA_INT).withName("pipefd"),  // int[2]
            RESIDS.withName("ids"),                                        // uid_t[3], gid_t[3]
            JAVA_LONG.withName("cookie"));                                 // uint64_t, SO_COOKIE's value

    /** One thread's native memory, laid out once; freed when the thread and its last use are gone. */
    private static final class PerThread {
        final MemorySegment capture;
        final MemorySegment optval;
        final MemorySegment optlen;
        final MemorySegment timeval;
        final MemorySegment timespec;
        final MemorySegment pollfd;
        final MemorySegment pipefd;
        final MemorySegment ruid;
        final MemorySegment euid;
        final MemorySegment suid;
        final MemorySegment rgid;
        final MemorySegment egid;
        final MemorySegment sgid;
        final MemorySegment cookie;
        final SendArea send;

        PerThread() {
            Arena arena = Arena.ofAuto();
            MemorySegment s = arena.allocate(SCRATCH);
            capture = member(s, "capture");
            optval = member(s, "optval");
            optlen = member(s, "optlen");
            timeval = member(s, "timeval");
            timespec = member(s, "timespec");
            pollfd = member(s, "pollfd");
            pipefd = member(s, "pipefd");
            MemorySegment ids = member(s, "ids");
            ruid = id(ids, "ruid");
            euid = id(ids, "euid");
            suid = id(ids, "suid");
            rgid = id(ids, "rgid");
            egid = id(ids, "egid");
            sgid = id(ids, "sgid");
            cookie = member(s, "cookie");
            send = new SendArea(arena, SendArea.CONTROL_CAPACITY, SendArea.PAYLOAD_CAPACITY);
        }

        private static MemorySegment member(MemorySegment s, String name) {
            return s.asSlice(SCRATCH.byteOffset(groupElement(name)), SCRATCH.select(groupElement(name)));
        }

        private static MemorySegment id(MemorySegment ids, String name) {
            return ids.asSlice(RESIDS.byteOffset(groupElement(name)), RESIDS.select(groupElement(name)));
        }
    }

    /**
     * Native memory for a message: msghdr, iovec, sockaddr_un, control data and payload, laid out once
     * and reused, so a steady stream of sends allocates nothing. Larger messages get a one-off area.
     */
    private static final class SendArea {
        /** The fixed part; control data and payload follow, each aligned as a cmsghdr. */
        static final StructLayout HEAD = Libc.struct("send_area",
                MSGHDR.withName("msg"),                 // struct msghdr
                IOVEC.withName("iov"),                  // struct iovec
                SOCKADDR_UN.withName("address"));       // struct sockaddr_un
        static final long MSG = HEAD.byteOffset(groupElement("msg"));
        static final long IOV = HEAD.byteOffset(groupElement("iov"));
        static final long SUN = HEAD.byteOffset(groupElement("address"));
        static final long CONTROL = align(HEAD.byteSize());
        /** Room for the kernel's maximum of 253 fds plus credentials. */
        static final int CONTROL_CAPACITY = cmsgSpace(4 * 253) + cmsgSpace(UCRED_SIZE);
        static final int PAYLOAD_CAPACITY = 8192;
        /** Zeros to clear control data with, without a slice per call. */
        private static final MemorySegment ZEROS = Arena.global().allocate(CONTROL_CAPACITY);

        final MemorySegment memory;
        final MemorySegment msghdr;
        final MemorySegment control;
        final long payload;
        final int controlCapacity;
        final int payloadCapacity;
        /** What the variable fields hold now; -1 and null until first written. */
        byte[] sunPath;
        int addressLength = -1;
        int payloadLength = -1;
        int controlLength = -1;

        SendArea(Arena arena, int controlCapacity, int payloadCapacity) {
            this.controlCapacity = Math.max(controlCapacity, CONTROL_CAPACITY);
            this.payload = align(CONTROL + this.controlCapacity);
            // A zero-length payload still needs a valid base pointer for the iovec.
            this.payloadCapacity = Math.max(1, payloadCapacity);
            this.memory = arena.allocate(payload + this.payloadCapacity, CMSGHDR.byteAlignment());
            this.msghdr = memory.asSlice(MSG, MSGHDR);
            this.control = memory.asSlice(CONTROL, this.controlCapacity);
            // The fields that never change for this area.
            memory.set(JAVA_SHORT, SUN + SUN_FAMILY, (short) AF_UNIX);
            memory.set(ADDRESS, IOV + IOV_BASE, memory.asSlice(payload, this.payloadCapacity));
            memory.set(ADDRESS, MSG + MSG_NAME, memory.asSlice(SUN, SOCKADDR_UN));
            memory.set(ADDRESS, MSG + MSG_IOV, memory.asSlice(IOV, IOVEC));
            putWord(memory, MSG + MSG_IOVLEN, 1);
            memory.set(JAVA_INT, MSG + MSG_FLAGS, 0);
        }

        boolean fits(int payloadLength, int controlLength) {
            return payloadLength <= payloadCapacity && controlLength <= controlCapacity;
        }

        static void zero(MemorySegment m, long offset, long length) {
            for (long done = 0; done < length; ) {
                long n = Math.min(length - done, ZEROS.byteSize());
                MemorySegment.copy(ZEROS, 0, m, offset + done, n);
                done += n;
            }
        }

        private static long align(long offset) {
            long a = CMSGHDR.byteAlignment();
            return (offset + a - 1) & -a;
        }
    }

}
