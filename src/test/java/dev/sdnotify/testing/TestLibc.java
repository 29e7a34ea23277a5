package dev.sdnotify.testing;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * libc for the tests' own side of the socket (receiving, binding, setting variables). Kept apart from the
 * library's mapping so the oracle does not share code with what it checks. Linux x86-64/aarch64 values.
 */
public interface TestLibc extends Library {
    TestLibc INSTANCE = Native.load("c", TestLibc.class);

    int AF_UNIX = 1;
    int SOCK_STREAM = 1;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_PASSCRED = 16;
    int SO_SNDTIMEO = 21;
    int SO_TIMESTAMPNS = 35;
    int SCM_RIGHTS = 1;
    int SCM_CREDENTIALS = 2;
    int MSG_DONTWAIT = 0x40;
    int MSG_TRUNC = 0x20;
    int MSG_CMSG_CLOEXEC = 0x40000000;
    int F_GETFD = 1;
    int F_SETFD = 2;
    int FD_CLOEXEC = 1;
    int EAGAIN = 11;
    int SIGUSR2 = 12;
    int AF_INET = 2;
    int AF_INET6 = 10;
    int O_CLOEXEC = 0x80000;
    int O_NONBLOCK = 0x800;
    int F_GETFL = 3;
    int EBADF = 9;

    int socket(int domain, int type, int protocol);

    int bind(int fd, Pointer addr, int len);

    int listen(int fd, int backlog);

    int connect(int fd, Pointer addr, int len);

    int shutdown(int fd, int how);

    int socketpair(int domain, int type, int protocol, int[] fds);

    int setsockopt(int fd, int level, int name, int[] value, int len);

    /** For a {@code struct timeval}: {@code {tv_sec, tv_usec}}, two longs on LP64. */
    int setsockopt(int fd, int level, int name, long[] value, int len);

    long recvmsg(int fd, Msghdr msg, int flags);

    int close(int fd);

    int dup(int fd);

    int dup2(int fd, int target);

    int pipe(int[] fds);


    /** Raw: set variables through {@link CEnv#set}, which refuses a NOTIFY_SOCKET naming a vsock peer. */
    int setenv(String name, byte[] value, int overwrite);

    int unsetenv(String name);

    /** {@code long syscall(long number, ...)}; pass the arguments as Longs, as syscall(2) reads them. */
    long syscall(long number, Object... args);

    Pointer getenv(String name);

    int getpid();

    int getppid();

    int getuid();

    int getgid();

    int geteuid();

    int getegid();

    int fcntl(int fd, int cmd, Object... args);

    int pipe2(int[] fds, int flags);

    long write(int fd, byte[] buffer, long count);

    long read(int fd, byte[] buffer, long count);

    int getsockname(int fd, Pointer addr, int[] len);

    int gettid();

    int tgkill(int tgid, int tid, int sig);

    /** Datagram to an address; {@code addr} is a {@code struct sockaddr_un}. */
    long sendto(int fd, byte[] buf, long len, int flags, Pointer addr, int addrlen);

    /**
     * Starts {@code file} (searched on the PATH) as a child; argv and envp are NULL-terminated by JNA.
     * Unlike {@link ProcessBuilder}, which closes every fd above 2 in the child, posix_spawn keeps every
     * fd not marked close-on-exec: what a child inherits from this JVM can be observed.
     */
    int posix_spawnp(int[] pid, String file, Pointer fileActions, Pointer attributes, String[] argv, String[] envp);

    int waitpid(int pid, int[] status, int options);

    @FieldOrder({"iov_base", "iov_len"})
    class Iovec extends Structure {
        public Pointer iov_base;
        public long iov_len;
    }

    @FieldOrder({"msg_name", "msg_namelen", "msg_iov", "msg_iovlen", "msg_control", "msg_controllen",
            "msg_flags"})
    class Msghdr extends Structure {
        public Pointer msg_name;
        public int msg_namelen;
        public Pointer msg_iov;
        public long msg_iovlen;
        public Pointer msg_control;
        public long msg_controllen;
        public int msg_flags;
    }
}
