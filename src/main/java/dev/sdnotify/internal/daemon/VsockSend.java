package dev.sdnotify.internal.daemon;

import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.kernel.LinuxAbi;
import dev.sdnotify.internal.protocol.Errno;
import dev.sdnotify.internal.protocol.VsockAddress;
import dev.sdnotify.internal.protocol.VsockAddress.Type;

/**
 * A notification to an AF_VSOCK {@code NOTIFY_SOCKET}, step for step as libsystemd 262 sends one, on a socket of
 * its own: the socket (for {@code vsock:}, a datagram socket, else seqpacket, else stream, as the kernel
 * has them), a privileged source port, a connection for seqpacket and stream, the send buffer, the message,
 * and for a connection the end of the message (shut down for writing, then wait for the peer to close).
 */
final class VsockSend {
    /** {@code vsock_bind_privileged_port} tries 1023 first, then each lower port while that one is taken. */
    static final int FIRST_PRIVILEGED_PORT = 1023;

    private VsockSend() {}

    private static int open(Kernel kernel, Type type) {
        return kernel.socket(LinuxAbi.AF_VSOCK, type == Type.DGRAM ? LinuxAbi.SOCK_DGRAM
                : type == Type.SEQPACKET ? LinuxAbi.SOCK_SEQPACKET : LinuxAbi.SOCK_STREAM);
    }

    /**
     * 1 or {@code -errno}; {@code timeoutUsec} as for {@link SdDaemon#pidNotifyWithFds}, here as the socket's
     * {@code SO_SNDTIMEO}, since a stream may block in the middle of a message.
     */
    static int send(Kernel kernel, VsockAddress to, int pid, byte[] state, int[] fds, int nFds, long timeoutUsec) {
        Type type = to.forcedType() != null ? to.forcedType() : Type.DGRAM;
        int fd = open(kernel, type);
        if (fd < 0 && to.forcedType() == null && (fd == -Errno.ENODEV || Errno.isNotSupported(-fd))) {
            // A hypervisor without vsock datagrams (QEMU says ENODEV): seqpacket, then stream (v253, v254).
            type = Type.SEQPACKET;
            fd = open(kernel, type);
            if (fd < 0 && Errno.isNotSupported(-fd)) {
                type = Type.STREAM;
                fd = open(kernel, type);
            }
        }
        if (fd < 0) {
            return fd;
        }
        try {
            return sendOn(kernel, fd, type, to, pid, state, fds, nFds, timeoutUsec);
        } finally {
            kernel.close(fd);
        }
    }

    private static int sendOn(Kernel kernel, int fd, Type type, VsockAddress to, int pid, byte[] state, int[] fds,
            int nFds, long timeoutUsec) {
        int r = bindPrivilegedPort(kernel, fd);
        if (r < 0 && r != -Errno.EPERM && r != -Errno.EACCES) {
            // Without the privilege the message goes from an ordinary port; any other failure stands.
            return r;
        }
        boolean connected = type != Type.DGRAM;
        if (connected) {
            r = kernel.connect(fd, to.sockaddr());
            if (r < 0) {
                return r;
            }
        }
        JavaDaemon.growSendBuffer(kernel, fd);
        if (timeoutUsec != SdDaemon.BLOCKING) {
            r = kernel.setSendTimeout(fd, timeoutUsec);
            if (r < 0) {
                return r;
            }
        }
        r = SendLoop.run(kernel, fd, connected ? null : to.sockaddr(), type == Type.STREAM, false, null, pid, state,
                fds, nFds);
        if (r < 0 || !connected) {
            return r;
        }
        // The receiver reads to the end of the stream, then closes: that close says it has the message (v256).
        r = kernel.shutdownWrite(fd);
        if (r < 0) {
            return r;
        }
        r = kernel.receiveByte(fd);
        if (r < 0) {
            return r;
        }
        return r > 0 ? -Errno.EPROTO : 1;
    }

    /** {@code vsock_bind_privileged_port}: port 1023, then lower ones while taken; EADDRINUSE when none is left. */
    private static int bindPrivilegedPort(Kernel kernel, int fd) {
        int port = FIRST_PRIVILEGED_PORT;
        int r;
        do {
            r = kernel.bind(fd, VsockAddress.sockaddr(VsockAddress.ANY, port));
        } while (r == -Errno.EADDRINUSE && --port > 0);
        return r;
    }
}
