package dev.sdnotify.internal.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.platform.unix.LibCAPI.size_t;
import dev.sdnotify.internal.backend.Posix;
import java.lang.ref.Reference;

/** {@link Posix} over libc. Every failing call returns {@code -errno} read right after it. */
final class JnaPosix implements Posix {
    private static final int UCRED_SIZE = new LibC.Ucred().size();

    @Override
    public byte[] getenv(String name) {
        Pointer value = LibC.getenv(name);
        return value == null ? null : value.getByteArray(0, (int) value.indexOf(0, (byte) 0));
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
    public int sendNotifyDatagram(int fd, byte[] sunPath, int addressLength, byte[] payload, int payloadLength,
            int[] fds, int nFds, boolean sendCredentials, int credPid) {
        LibC.SockaddrUn address = new LibC.SockaddrUn();
        address.sun_family = LibC.AF_UNIX;
        System.arraycopy(sunPath, 0, address.sun_path, 0, sunPath.length);
        address.write();

        // A zero-length payload still needs a valid base pointer for the iovec.
        Memory data = new Memory(Math.max(1, payloadLength));
        data.write(0, payload, 0, payloadLength);
        LibC.Iovec iov = new LibC.Iovec();
        iov.iov_base = data;
        iov.iov_len = new size_t(payloadLength);
        iov.write();

        int rightsSpace = nFds > 0 ? LibC.CMSG_SPACE(4 * nFds) : 0;
        int credentialsSpace = sendCredentials ? LibC.CMSG_SPACE(UCRED_SIZE) : 0;
        int controlLength = rightsSpace + credentialsSpace;
        Memory control = controlLength > 0 ? new Memory(controlLength) : null;
        if (control != null) {
            control.clear();
            if (nFds > 0) {
                writeHeader(control, LibC.CMSG_LEN(4 * nFds), LibC.SCM_RIGHTS);
                control.write(LibC.CMSG_LEN(0), fds, 0, nFds);
            }
            if (sendCredentials) {
                Pointer cmsg = control.share(rightsSpace);
                writeHeader(cmsg, LibC.CMSG_LEN(UCRED_SIZE), LibC.SCM_CREDENTIALS);
                LibC.Ucred credentials = new LibC.Ucred(cmsg.share(LibC.CMSG_LEN(0)));
                credentials.pid = credPid;
                credentials.uid = LibC.getuid();
                credentials.gid = LibC.getgid();
                credentials.write();
            }
        }

        LibC.Msghdr msg = new LibC.Msghdr();
        msg.msg_name = address.getPointer();
        msg.msg_namelen = addressLength;
        msg.msg_iov = iov.getPointer();
        msg.msg_iovlen = new size_t(1);
        msg.msg_control = control;
        msg.msg_controllen = new size_t(controlLength);
        msg.write();
        int r = result(LibC.sendmsg(fd, msg.getPointer(), LibC.MSG_NOSIGNAL));
        // The native memory is freed when these objects are collected; keep it until the call is over.
        Reference.reachabilityFence(address);
        Reference.reachabilityFence(data);
        Reference.reachabilityFence(iov);
        Reference.reachabilityFence(control);
        Reference.reachabilityFence(msg);
        return r < 0 ? r : 0;
    }

    private static void writeHeader(Pointer at, int length, int type) {
        LibC.Cmsghdr header = new LibC.Cmsghdr(at);
        header.cmsg_len = new size_t(length);
        header.cmsg_level = LibC.SOL_SOCKET;
        header.cmsg_type = type;
        header.write();
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
