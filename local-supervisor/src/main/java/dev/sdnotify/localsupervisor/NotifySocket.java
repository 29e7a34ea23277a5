package dev.sdnotify.localsupervisor;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The socket {@code NOTIFY_SOCKET} names: an AF_UNIX datagram socket with SO_PASSCRED, so that every datagram
 * carries its sender's pid, bound in a directory of its own that only this user can enter.
 */
final class NotifySocket implements AutoCloseable {
    /** SCM_MAX_FD: the most fds one datagram can carry. */
    private static final int MAX_FDS = 253;
    private static final int CMSG_HEADER = 16;

    private final Path directory;
    private final Path path;
    private final int fd;
    private final Memory data = new Memory(Notification.MAX_SIZE);
    private final Memory control = new Memory(cmsgSpace(12) + cmsgSpace(4 * MAX_FDS));
    private final Libc.IoVec iov = new Libc.IoVec();
    private final Libc.MsgHdr header = new Libc.MsgHdr();

    private NotifySocket(Path directory, Path path, int fd) {
        this.directory = directory;
        this.path = path;
        this.fd = fd;
    }

    /** Binds a new socket in a new directory under {@code java.io.tmpdir}. */
    static NotifySocket open() throws IOException {
        Path directory = Files.createTempDirectory("sdnotify-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path path = directory.resolve("notify");
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        Libc.SockaddrUn address = new Libc.SockaddrUn();
        if (name.length >= address.path.length) {
            Files.delete(directory);
            throw new IOException("the socket path " + path + " is longer than AF_UNIX allows; set a shorter "
                    + "-Djava.io.tmpdir=");
        }
        System.arraycopy(name, 0, address.path, 0, name.length);
        int fd = Libc.C.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        NotifySocket socket = new NotifySocket(directory, path, fd);
        try {
            Libc.C.bind(fd, address, 2 + name.length + 1);
            Libc.C.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_PASSCRED, new IntByReference(1), 4);
        } catch (LastErrorException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    Path path() {
        return path;
    }

    int fd() {
        return fd;
    }

    /** The next datagram, or null when none is waiting. */
    Notification receive() {
        iov.base = data;
        iov.length = data.size();
        iov.write();
        header.iov = iov.getPointer();
        header.iovLength = 1;
        header.control = control;
        header.controlLength = control.size();
        header.flags = 0;
        long size;
        try {
            size = Libc.C.recvmsg(fd, header, Libc.MSG_DONTWAIT | Libc.MSG_TRUNC | Libc.MSG_CMSG_CLOEXEC);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.EAGAIN || e.getErrorCode() == Libc.EINTR) {
                return null;
            }
            throw e;
        }
        int pid = 0;
        int[] fds = new int[0];
        long at = 0;
        while (at + CMSG_HEADER <= header.controlLength) {
            long length = control.getLong(at);
            int level = control.getInt(at + 8);
            int type = control.getInt(at + 12);
            if (length < CMSG_HEADER) {
                break;
            }
            if (level == Libc.SOL_SOCKET && type == Libc.SCM_CREDENTIALS) {
                pid = control.getInt(at + CMSG_HEADER);
            } else if (level == Libc.SOL_SOCKET && type == Libc.SCM_RIGHTS) {
                fds = control.getIntArray(at + CMSG_HEADER, (int) (length - CMSG_HEADER) / 4);
            }
            at += align(length);
        }
        byte[] bytes = data.getByteArray(0, (int) Math.min(size, data.size()));
        return new Notification(pid, bytes, (int) size, fds);
    }

    /** Closes the socket and removes it and its directory. */
    @Override
    public void close() throws IOException {
        Libc.C.close(fd);
        Files.deleteIfExists(path);
        Files.deleteIfExists(directory);
    }

    private static long align(long length) {
        return (length + 7) & ~7L;
    }

    private static int cmsgSpace(int dataLength) {
        return CMSG_HEADER + (int) align(dataLength);
    }
}
