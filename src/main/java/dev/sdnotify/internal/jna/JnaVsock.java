package dev.sdnotify.internal.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.sdnotify.internal.protocol.VsockAddress;

/**
 * The AF_VSOCK parts of {@link JnaPosix}: {@code struct sockaddr_vm} and one-off messages. A vsock
 * notification opens its own socket each time, so nothing here is kept between calls.
 */
final class JnaVsock {
    private JnaVsock() {}

    static int socketType(VsockAddress.Type type) {
        switch (type) {
            case DGRAM: return LibC.SOCK_DGRAM;
            case SEQPACKET: return LibC.SOCK_SEQPACKET;
            default: return LibC.SOCK_STREAM;
        }
    }

    /** {@code struct sockaddr_vm}: the family, the port and the CID, the rest zero. */
    static Memory address(int cid, int port) {
        Memory a = new Memory(LibC.SOCKADDR_VM_SIZE);
        a.clear();
        writeAddress(a, 0, cid, port);
        return a;
    }

    private static void writeAddress(Memory m, long at, int cid, int port) {
        m.setShort(at, (short) LibC.AF_VSOCK);
        m.setInt(at + LibC.SVM_PORT, port);
        m.setInt(at + LibC.SVM_CID, cid);
    }

    /** One sendmsg, laid out as {@link JnaPosix#sendNotifyDatagram} lays out its own: bytes sent or -errno. */
    static int send(int fd, VsockAddress to, byte[] payload, int offset, int length, int[] fds, int nFds,
            boolean sendCredentials, int credPid) {
        if (offset < 0 || length < 0 || offset + length > payload.length) {
            throw new IndexOutOfBoundsException(offset + "+" + length + " of " + payload.length + " bytes");
        }
        int rightsSpace = nFds > 0 ? LibC.CMSG_SPACE(4 * nFds) : 0;
        int controlLength = rightsSpace + (sendCredentials ? LibC.CMSG_SPACE(JnaPosix.UCRED_SIZE) : 0);
        long iov = align(JnaPosix.MSGHDR_SIZE);
        long address = align(iov + JnaPosix.IOVEC_SIZE);
        long control = align(address + LibC.SOCKADDR_VM_SIZE);
        long data = align(control + controlLength);
        // A zero-length payload still needs a valid base pointer for the iovec.
        Memory m = new Memory(data + Math.max(1, length));
        m.clear();
        long base = Pointer.nativeValue(m);
        m.write(data, payload, offset, length);
        JnaPosix.putAddress(m, iov + JnaPosix.IOV_BASE, base + data);
        JnaPosix.putSize(m, iov + JnaPosix.IOV_LEN, length);
        JnaPosix.putAddress(m, JnaPosix.MSG_IOV, base + iov);
        JnaPosix.putSize(m, JnaPosix.MSG_IOVLEN, 1);
        if (to != null) {
            writeAddress(m, address, to.cid(), to.port());
            JnaPosix.putAddress(m, JnaPosix.MSG_NAME, base + address);
            m.setInt(JnaPosix.MSG_NAMELEN, LibC.SOCKADDR_VM_SIZE);
        }
        if (controlLength > 0) {
            if (nFds > 0) {
                JnaPosix.writeHeader(m, control, LibC.CMSG_LEN(4 * nFds), LibC.SCM_RIGHTS);
                m.write(control + LibC.CMSG_LEN(0), fds, 0, nFds);
            }
            if (sendCredentials) {
                long cmsg = control + rightsSpace;
                JnaPosix.writeHeader(m, cmsg, LibC.CMSG_LEN(JnaPosix.UCRED_SIZE), LibC.SCM_CREDENTIALS);
                long ucred = cmsg + LibC.CMSG_LEN(0);
                m.setInt(ucred + JnaPosix.UCRED_PID, credPid);
                m.setInt(ucred + JnaPosix.UCRED_UID, LibC.getuid());
                m.setInt(ucred + JnaPosix.UCRED_GID, LibC.getgid());
            }
            JnaPosix.putAddress(m, JnaPosix.MSG_CONTROL, base + control);
            JnaPosix.putSize(m, JnaPosix.MSG_CONTROLLEN, controlLength);
        }
        int r = LibC.sendmsg(fd, m, LibC.MSG_NOSIGNAL);
        return r < 0 ? -Native.getLastError() : r;
    }

    private static long align(long offset) {
        return (offset + 7) & -8;
    }
}
