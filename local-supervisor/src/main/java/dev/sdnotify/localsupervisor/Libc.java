package dev.sdnotify.localsupervisor;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.ptr.IntByReference;

/**
 * The C library calls the supervisor needs, for 64-bit Linux. The constants are the kernel's generic values, which
 * x86-64 and aarch64 share. Calls that report failure through errno throw {@link LastErrorException}; the
 * posix_spawn family returns its error number instead.
 */
interface Libc extends Library {
    Libc C = Native.load(Platform.C_LIBRARY_NAME, Libc.class);

    int AF_UNIX = 1;
    int AF_INET = 2;
    int SOCK_STREAM = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_REUSEADDR = 2;
    int SO_PASSCRED = 16;
    int SCM_RIGHTS = 1;
    int SCM_CREDENTIALS = 2;
    int MSG_TRUNC = 0x20;
    int MSG_DONTWAIT = 0x40;
    int MSG_CMSG_CLOEXEC = 0x40000000;
    int O_CLOEXEC = 0x80000;
    int F_SETFD = 2;
    int FD_CLOEXEC = 1;
    int F_DUPFD_CLOEXEC = 1030;
    short POLLIN = 0x1;
    int EINTR = 4;
    int EAGAIN = 11;
    int P_PID = 1;
    int WEXITED = 4;
    int WNOWAIT = 0x1000000;
    short POSIX_SPAWN_SETSIGDEF = 0x4;
    short POSIX_SPAWN_SETSIGMASK = 0x8;
    /** The kernel lowers it to net.core.somaxconn, as it does for systemd's default Backlog=. */
    int SOMAXCONN = 4096;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, Structure address, int length) throws LastErrorException;

    int listen(int fd, int backlog) throws LastErrorException;

    int getsockname(int fd, Structure address, IntByReference length) throws LastErrorException;

    int setsockopt(int fd, int level, int name, IntByReference value, int length) throws LastErrorException;

    long recvmsg(int fd, MsgHdr message, int flags) throws LastErrorException;

    int poll(PollFd[] fds, int count, int timeoutMillis) throws LastErrorException;

    int pipe2(int[] fds, int flags) throws LastErrorException;

    long read(int fd, byte[] buffer, long count) throws LastErrorException;

    long write(int fd, byte[] buffer, long count) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    /** Variadic in C, so declared variadic here: JNA then passes the argument as the ABI wants. */
    int fcntl(int fd, int command, Object... argument) throws LastErrorException;

    int kill(int pid, int signal) throws LastErrorException;

    int waitid(int idType, int id, Pointer info, int options) throws LastErrorException;

    int waitpid(int pid, IntByReference status, int options) throws LastErrorException;

    int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attributes, String[] argv,
            String[] envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawnattr_init(Pointer attributes);

    int posix_spawnattr_setflags(Pointer attributes, short flags);

    int posix_spawnattr_setsigmask(Pointer attributes, Pointer signals);

    int posix_spawnattr_setsigdefault(Pointer attributes, Pointer signals);

    int posix_spawnattr_destroy(Pointer attributes);

    int sigemptyset(Pointer signals);

    int sigfillset(Pointer signals);

    /** struct sockaddr_un. */
    @FieldOrder({"family", "path"})
    final class SockaddrUn extends Structure {
        public short family = AF_UNIX;
        public byte[] path = new byte[108];
    }

    /** struct sockaddr_in; port and address in network byte order, hence bytes. */
    @FieldOrder({"family", "port", "address", "zero"})
    final class SockaddrIn extends Structure {
        public short family = AF_INET;
        public byte[] port = new byte[2];
        public byte[] address = new byte[4];
        public byte[] zero = new byte[8];
    }

    /** struct iovec. */
    @FieldOrder({"base", "length"})
    final class IoVec extends Structure {
        public Pointer base;
        public long length;
    }

    /** struct msghdr; JNA pads after the int fields as LP64 C does. */
    @FieldOrder({"name", "nameLength", "iov", "iovLength", "control", "controlLength", "flags"})
    final class MsgHdr extends Structure {
        public Pointer name;
        public int nameLength;
        public Pointer iov;
        public long iovLength;
        public Pointer control;
        public long controlLength;
        public int flags;
    }

    /** struct pollfd. */
    @FieldOrder({"fd", "events", "revents"})
    final class PollFd extends Structure {
        public int fd;
        public short events;
        public short revents;
    }
}
