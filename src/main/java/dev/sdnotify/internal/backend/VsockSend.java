package dev.sdnotify.internal.backend;

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

    /** 1 or {@code -errno}; {@code timeoutUsec} as for {@link SdDaemon#pidNotifyWithFds} (it bounds sends only). */
    static int send(Posix posix, VsockAddress to, int pid, byte[] state, int[] fds, int nFds, long timeoutUsec) {
        Type type = to.forcedType() != null ? to.forcedType() : Type.DGRAM;
        int fd = posix.openVsockSocket(type);
        if (fd < 0 && to.forcedType() == null && (fd == -Errno.ENODEV || Errno.isNotSupported(-fd))) {
            // A hypervisor without vsock datagrams (QEMU says ENODEV): seqpacket, then stream (v253, v254).
            type = Type.SEQPACKET;
            fd = posix.openVsockSocket(type);
            if (fd < 0 && Errno.isNotSupported(-fd)) {
                type = Type.STREAM;
                fd = posix.openVsockSocket(type);
            }
        }
        if (fd < 0) {
            return fd;
        }
        try {
            return sendOn(posix, fd, type, to, pid, state, fds, nFds, timeoutUsec);
        } finally {
            posix.close(fd);
        }
    }

    private static int sendOn(Posix posix, int fd, Type type, VsockAddress to, int pid, byte[] state, int[] fds,
            int nFds, long timeoutUsec) {
        int r = bindPrivilegedPort(posix, fd);
        if (r < 0 && r != -Errno.EPERM && r != -Errno.EACCES) {
            // Without the privilege the message goes from an ordinary port; any other failure stands.
            return r;
        }
        boolean connected = type != Type.DGRAM;
        if (connected) {
            r = posix.connectVsock(fd, to);
            if (r < 0) {
                return r;
            }
        }
        JavaDaemon.growSendBuffer(posix, fd);
        if (timeoutUsec != SdDaemon.BLOCKING) {
            r = posix.setSendTimeout(fd, timeoutUsec);
            if (r < 0) {
                return r;
            }
        }
        VsockAddress name = connected ? null : to;
        boolean sendCredentials = JavaDaemon.sendsCredentials(posix, pid);
        r = SendLoop.run((payload, offset, length, f, n, c, p) -> posix.sendVsock(fd, name, payload, offset,
                length, f, n, c, p), type == Type.STREAM, state, fds, nFds, sendCredentials,
                JavaDaemon.credentialPid(posix, pid, sendCredentials));
        if (r < 0 || !connected) {
            return r;
        }
        // The receiver reads to the end of the stream, then closes: that close says it has the message (v256).
        r = posix.shutdownWrite(fd);
        if (r < 0) {
            return r;
        }
        r = posix.receiveByte(fd);
        if (r < 0) {
            return r;
        }
        return r > 0 ? -Errno.EPROTO : 1;
    }

    /** {@code vsock_bind_privileged_port}: port 1023, then lower ones while taken; EADDRINUSE when none is left. */
    private static int bindPrivilegedPort(Posix posix, int fd) {
        int port = FIRST_PRIVILEGED_PORT;
        int r;
        do {
            r = posix.bindVsock(fd, port);
        } while (r == -Errno.EADDRINUSE && --port > 0);
        return r;
    }
}
