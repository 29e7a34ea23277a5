package dev.sdnotify.internal.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.platform.unix.LibCAPI.size_t;
import dev.sdnotify.internal.nativeaccess.LinuxAbi;

/**
 * The libc functions and structures the Java backend uses, bound by JNA direct mapping (no proxy, no
 * per-call reflection). Constants come from the architecture's {@link LinuxAbi} table.
 * Errors are read with {@link Native#getLastError()} rather than thrown, so a failed call costs no
 * exception.
 */
final class LibC {
    private static final LinuxAbi ABI = LinuxAbi.current();
    static final int AF_UNIX = ABI.afUnix;
    static final int SOCK_DGRAM = ABI.sockDgram;
    static final int SOCK_CLOEXEC = ABI.sockCloexec;
    static final int O_CLOEXEC = ABI.oCloexec;
    static final int SOL_SOCKET = ABI.solSocket;
    static final int SO_TYPE = ABI.soType;
    static final int SO_SNDBUF = ABI.soSndbuf;
    static final int SO_SNDTIMEO = ABI.soSndtimeo;
    static final int SO_ACCEPTCONN = ABI.soAcceptconn;
    static final int SO_DOMAIN = ABI.soDomain;
    static final int SO_SNDBUFFORCE = ABI.soSndbufforce;
    static final int SO_COOKIE = ABI.soCookie;
    static final int SCM_RIGHTS = ABI.scmRights;
    static final int SCM_CREDENTIALS = ABI.scmCredentials;
    static final int MSG_NOSIGNAL = ABI.msgNosignal;
    static final int F_GETFD = ABI.fGetfd;
    static final int F_SETFD = ABI.fSetfd;
    static final int F_GETFL = ABI.fGetfl;
    static final int AT_FDCWD = ABI.atFdcwd;
    static final int AT_SYMLINK_NOFOLLOW = ABI.atSymlinkNofollow;
    static final int F_OK = ABI.fOk;
    static final int CLOCK_MONOTONIC = ABI.clockMonotonic;
    static final int AF_VSOCK = ABI.afVsock;
    static final int SOCK_STREAM = ABI.sockStream;
    static final int SOCK_SEQPACKET = ABI.sockSeqpacket;
    static final int SHUT_WR = ABI.shutWr;
    static final int SOCKADDR_VM_SIZE = ABI.sockaddrVmSize;
    static final int SVM_PORT = ABI.svmPortOffset;
    static final int SVM_CID = ABI.svmCidOffset;

    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    /** {@code CMSG_ALIGN(sizeof(struct cmsghdr))}: where a control message's data starts. */
    private static final int CMSG_HEADER = CMSG_ALIGN(new Cmsghdr().size());

    private LibC() {}

    static native Pointer getenv(String name);

    /** {@code getenv} with the name and result as addresses, so a lookup allocates nothing (LP64 only). */
    static native long getenv(Pointer name);

    static native int strcmp(long a, Pointer b);

    static native long strlen(long s);

    static native int unsetenv(String name);

    static native int getpid();

    static native int getuid();

    static native int geteuid();

    static native int getgid();

    static native int getegid();

    /** The three ids are written to the addresses given (LP64 only, as for {@link #getenv(Pointer)}). */
    static native int getresuid(long ruid, long euid, long suid);

    static native int getresgid(long rgid, long egid, long sgid);

    static native int socket(int domain, int type, int protocol);

    static native int getsockopt(int fd, int level, int name, int[] value, int[] length);

    /** {@code getsockopt} into native memory: {@code value} and {@code length} are addresses. */
    static native int getsockopt(int fd, int level, int name, long value, long length);

    static native int setsockopt(int fd, int level, int name, int[] value, int length);

    static native int setsockopt(int fd, int level, int name, Pointer value, int length);

    /**
     * Returns {@code ssize_t}; bound as int, which carries it whole for a count below 2^31 (a payload from a
     * Java array) and for -1.
     */
    static native int sendmsg(int fd, Pointer msghdr, int flags);

    static native int close(int fd);

    static native int bind(int fd, Pointer address, int length);

    static native int connect(int fd, Pointer address, int length);

    static native int shutdown(int fd, int how);

    /** Returns {@code ssize_t}; bound as int, as for {@link #sendmsg}. */
    static native int recv(int fd, Pointer buffer, NativeLong length, int flags);

    static native int pipe2(int[] fds, int flags);

    static native int ppoll(Pointer fds, NativeLong nfds, Pointer timeout, Pointer sigmask);

    /** {@code fcntl} is variadic; its integer argument is passed as the ABI passes a third int. */
    static native int fcntl(int fd, int cmd, int arg);

    static native int faccessat(int dirfd, String path, int mode, int flags);

    static native int clock_gettime(int clock, Pointer timespec);

    /** {@code struct sockaddr_un} from {@code <sys/un.h>}. */
    @FieldOrder({"sun_family", "sun_path"})
    public static class SockaddrUn extends CStruct {
        public short sun_family;                 // sa_family_t
        public byte[] sun_path = new byte[108];  // char[108]

        public SockaddrUn() {}

        public SockaddrUn(Pointer p) {
            super(p);
        }
    }

    /** {@code struct msghdr} from {@code <sys/socket.h>}. */
    @FieldOrder({"msg_name", "msg_namelen", "msg_iov", "msg_iovlen", "msg_control", "msg_controllen",
            "msg_flags"})
    public static class Msghdr extends CStruct {
        public Pointer msg_name;        // void *
        public int msg_namelen;         // socklen_t
        public Pointer msg_iov;         // struct iovec *
        public size_t msg_iovlen;       // size_t
        public Pointer msg_control;     // void *
        public size_t msg_controllen;   // size_t
        public int msg_flags;           // int

        public Msghdr() {}

        public Msghdr(Pointer p) {
            super(p);
        }
    }

    /** {@code struct cmsghdr} from {@code <sys/socket.h>}; the data follows at {@link #CMSG_LEN}(0). */
    @FieldOrder({"cmsg_len", "cmsg_level", "cmsg_type"})
    public static class Cmsghdr extends CStruct {
        public size_t cmsg_len;   // size_t (socklen_t in POSIX; size_t in glibc and the kernel)
        public int cmsg_level;    // int
        public int cmsg_type;     // int

        public Cmsghdr() {}

        public Cmsghdr(Pointer p) {
            super(p);
        }
    }

    /** {@code struct ucred} from {@code <sys/socket.h>}. */
    @FieldOrder({"pid", "uid", "gid"})
    public static class Ucred extends CStruct {
        public int pid;   // pid_t
        public int uid;   // uid_t
        public int gid;   // gid_t

        public Ucred() {}

        public Ucred(Pointer p) {
            super(p);
        }
    }

    /** {@code struct iovec} from {@code <sys/uio.h>}. */
    @FieldOrder({"iov_base", "iov_len"})
    public static class Iovec extends CStruct {
        public Pointer iov_base;   // void *
        public size_t iov_len;     // size_t

        public Iovec() {}

        public Iovec(Pointer p) {
            super(p);
        }
    }

    /** {@code struct timespec} from {@code <time.h>}. */
    @FieldOrder({"tv_sec", "tv_nsec"})
    public static class Timespec extends CStruct {
        public NativeLong tv_sec;    // time_t
        public NativeLong tv_nsec;   // long

        public Timespec() {}

        public Timespec(Pointer p) {
            super(p);
        }
    }

    /** {@code struct pollfd} from {@code <poll.h>}. */
    @FieldOrder({"fd", "events", "revents"})
    public static class Pollfd extends CStruct {
        public int fd;          // int
        public short events;    // short
        public short revents;   // short

        public Pollfd() {}

        public Pollfd(Pointer p) {
            super(p);
        }
    }

    /** {@code CMSG_ALIGN}: control messages are aligned to {@code sizeof(size_t)}. */
    static int CMSG_ALIGN(int length) {
        int a = Native.SIZE_T_SIZE;
        return (length + a - 1) & -a;
    }

    static int CMSG_LEN(int dataLength) {
        return CMSG_HEADER + dataLength;
    }

    static int CMSG_SPACE(int dataLength) {
        return CMSG_HEADER + CMSG_ALIGN(dataLength);
    }

    /** Returns {@code ssize_t}; bound as int, as for {@link #sendmsg}. {@code count} is size_t (LP64: long). */
    static native int write(int fd, byte[] buffer, NativeLong count);
}
