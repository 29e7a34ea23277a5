package dev.sdnotify.localsupervisor;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;

/**
 * A listening TCP socket on 127.0.0.1, opened here as a {@code .socket} unit's {@code ListenStream=} would be and
 * passed on to the command, as socket activation passes it.
 *
 * @param port the port it listens on: the one asked for, or the one the kernel chose for port 0
 */
record TcpListener(int fd, int port, String name) {
    static TcpListener open(int port, String name) {
        int fd = Libc.C.socket(Libc.AF_INET, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        try {
            Libc.C.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, new IntByReference(1), 4);
            Libc.SockaddrIn address = new Libc.SockaddrIn();
            address.port = new byte[] {(byte) (port >> 8), (byte) port};
            address.address = new byte[] {127, 0, 0, 1};
            Libc.C.bind(fd, address, address.size());
            Libc.C.listen(fd, Libc.SOMAXCONN);
            IntByReference length = new IntByReference(address.size());
            Libc.C.getsockname(fd, address, length);
            int bound = (address.port[0] & 0xff) << 8 | address.port[1] & 0xff;
            return new TcpListener(fd, bound, name != null ? name : String.valueOf(bound));
        } catch (LastErrorException e) {
            Libc.C.close(fd);
            throw e;
        }
    }
}
