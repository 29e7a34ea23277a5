package dev.sdnotify.internal.ffm;

import static dev.sdnotify.internal.ffm.Libc.ERRNO;
import static dev.sdnotify.internal.ffm.Libc.LONG;
import static dev.sdnotify.internal.ffm.Libc.SIZE_T;
import static dev.sdnotify.internal.ffm.Libc.errno;
import static dev.sdnotify.internal.ffm.Libc.putWord;
import static dev.sdnotify.internal.ffm.Libc.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.sdnotify.internal.nativeaccess.LinuxAbi;
import dev.sdnotify.internal.protocol.VsockAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The AF_VSOCK parts of {@link FfmPosix}: {@code struct sockaddr_vm} and one-off messages. A vsock
 * notification opens its own socket each time, so each call lays out its memory in an arena of its own.
 */
final class FfmVsock {
    private static final LinuxAbi ABI = LinuxAbi.current();

    private FfmVsock() {}

    private static final class Calls {
        static final MethodHandle SOCKET = Libc.downcall("socket",          // int socket(int, int, int)
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
        static final FunctionDescriptor ADDRESSED = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
        static final MethodHandle BIND = Libc.downcall("bind",              // int bind(int, const struct sockaddr *, socklen_t)
                ADDRESSED, ERRNO);
        static final MethodHandle CONNECT = Libc.downcall("connect",        // int connect(int, const struct sockaddr *, socklen_t)
                ADDRESSED, ERRNO);
        static final MethodHandle SENDMSG = Libc.downcall("sendmsg",        // ssize_t sendmsg(int, const struct msghdr *, int)
                FunctionDescriptor.of(LONG, JAVA_INT, ADDRESS, JAVA_INT), ERRNO);
        static final MethodHandle SHUTDOWN = Libc.downcall("shutdown",      // int shutdown(int, int)
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), ERRNO);
        static final MethodHandle RECV = Libc.downcall("recv",              // ssize_t recv(int, void *, size_t, int)
                FunctionDescriptor.of(LONG, JAVA_INT, ADDRESS, SIZE_T, JAVA_INT), ERRNO);
    }

    private static int socketType(VsockAddress.Type type) {
        switch (type) {
            case DGRAM: return ABI.sockDgram;
            case SEQPACKET: return ABI.sockSeqpacket;
            default: return ABI.sockStream;
        }
    }

    static int open(MemorySegment capture, VsockAddress.Type type) {
        try {
            int r = (int) Calls.SOCKET.invokeExact(capture, ABI.afVsock, socketType(type) | ABI.sockCloexec, 0);
            return r < 0 ? -errno(capture) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code struct sockaddr_vm} at {@code at}: the family, the port and the CID; the rest stays zero. */
    private static void writeAddress(MemorySegment m, long at, int cid, int port) {
        m.set(JAVA_SHORT, at, (short) ABI.afVsock);
        m.set(JAVA_INT, at + ABI.svmPortOffset, port);
        m.set(JAVA_INT, at + ABI.svmCidOffset, cid);
    }

    static int bind(MemorySegment capture, int fd, int cid, int port) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(ABI.sockaddrVmSize, 4);
            writeAddress(a, 0, cid, port);
            int r = (int) Calls.BIND.invokeExact(capture, fd, a, ABI.sockaddrVmSize);
            return r < 0 ? -errno(capture) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int connect(MemorySegment capture, int fd, VsockAddress to) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(ABI.sockaddrVmSize, 4);
            writeAddress(a, 0, to.cid(), to.port());
            int r = (int) Calls.CONNECT.invokeExact(capture, fd, a, ABI.sockaddrVmSize);
            return r < 0 ? -errno(capture) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** One sendmsg, laid out as {@link FfmPosix#sendNotifyDatagram} lays out its own: bytes sent or -errno. */
    static int send(MemorySegment capture, int fd, VsockAddress to, byte[] payload, int offset, int length, int[] fds,
            int nFds, boolean sendCredentials, int credPid, int uid, int gid) {
        if (offset < 0 || length < 0 || offset + length > payload.length) {
            throw new IndexOutOfBoundsException(offset + "+" + length + " of " + payload.length + " bytes");
        }
        int rightsSpace = nFds > 0 ? FfmPosix.cmsgSpace(4 * nFds) : 0;
        int controlLength = rightsSpace + (sendCredentials ? FfmPosix.cmsgSpace(FfmPosix.UCRED_SIZE) : 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment msg = arena.allocate(FfmPosix.MSGHDR);
            MemorySegment iov = arena.allocate(FfmPosix.IOVEC);
            // A zero-length payload still needs a valid base pointer for the iovec.
            MemorySegment data = arena.allocate(Math.max(1, length));
            MemorySegment.copy(payload, offset, data, JAVA_BYTE, 0, length);
            msg.set(ADDRESS, FfmPosix.MSG_IOV, iov);
            putWord(msg, FfmPosix.MSG_IOVLEN, 1);
            iov.set(ADDRESS, FfmPosix.IOV_BASE, data);
            putWord(iov, FfmPosix.IOV_LEN, length);
            if (to != null) {
                MemorySegment a = arena.allocate(ABI.sockaddrVmSize, 4);
                writeAddress(a, 0, to.cid(), to.port());
                msg.set(ADDRESS, FfmPosix.MSG_NAME, a);
                msg.set(JAVA_INT, FfmPosix.MSG_NAMELEN, ABI.sockaddrVmSize);
            }
            if (controlLength > 0) {
                MemorySegment control = arena.allocate(controlLength, FfmPosix.CMSGHDR.byteAlignment());
                if (nFds > 0) {
                    FfmPosix.writeHeader(control, 0, FfmPosix.cmsgLen(4 * nFds), ABI.scmRights);
                    MemorySegment.copy(fds, 0, control, JAVA_INT, FfmPosix.cmsgLen(0), nFds);
                }
                if (sendCredentials) {
                    FfmPosix.writeHeader(control, rightsSpace, FfmPosix.cmsgLen(FfmPosix.UCRED_SIZE),
                            ABI.scmCredentials);
                    long ucred = rightsSpace + FfmPosix.cmsgLen(0);
                    control.set(JAVA_INT, ucred + FfmPosix.UCRED_PID, credPid);
                    control.set(JAVA_INT, ucred + FfmPosix.UCRED_UID, uid);
                    control.set(JAVA_INT, ucred + FfmPosix.UCRED_GID, gid);
                }
                msg.set(ADDRESS, FfmPosix.MSG_CONTROL, control);
                putWord(msg, FfmPosix.MSG_CONTROLLEN, controlLength);
            }
            long r = (long) Calls.SENDMSG.invokeExact(capture, fd, msg, ABI.msgNosignal);
            // The count fits an int: the payload is a Java array.
            return r < 0 ? -errno(capture) : (int) r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int shutdownWrite(MemorySegment capture, int fd) {
        try {
            int r = (int) Calls.SHUTDOWN.invokeExact(capture, fd, ABI.shutWr);
            return r < 0 ? -errno(capture) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int receiveByte(MemorySegment capture, int fd) {
        try (Arena arena = Arena.ofConfined()) {
            long r = (long) Calls.RECV.invokeExact(capture, fd, arena.allocate(1), 1L, ABI.msgNosignal);
            return r < 0 ? -errno(capture) : (int) r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
