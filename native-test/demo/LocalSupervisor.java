import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays the service manager's part of the protocol on a local socket: binds a datagram socket with
 * SO_PASSCRED, starts the command given as arguments with NOTIFY_SOCKET and WATCHDOG_USEC set, and prints
 * every message with the sender's kernel-attested pid until the command exits.
 */
public class LocalSupervisor {
    interface C extends Library {
        C LIB = Native.load("c", C.class);

        int socket(int domain, int type, int protocol);

        int bind(int fd, Pointer address, int length);

        int setsockopt(int fd, int level, int name, int[] value, int length);

        long recvmsg(int fd, Pointer msghdr, int flags);

        int close(int fd);
    }

    public static void main(String[] command) throws Exception {
        Path dir = Files.createTempDirectory("sdnotify-demo");
        Path socketPath = dir.resolve("notify");
        int fd = C.LIB.socket(1 /* AF_UNIX */, 2 /* SOCK_DGRAM */, 0);
        C.LIB.setsockopt(fd, 1 /* SOL_SOCKET */, 16 /* SO_PASSCRED */, new int[] {1}, 4);
        Memory address = new Memory(110);
        address.clear();
        address.setShort(0, (short) 1);
        byte[] path = socketPath.toString().getBytes(StandardCharsets.UTF_8);
        address.write(2, path, 0, path.length);
        if (C.LIB.bind(fd, address, 2 + path.length + 1) != 0) {
            throw new IllegalStateException("bind " + socketPath + ": errno " + Native.getLastError());
        }
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put("NOTIFY_SOCKET", socketPath.toString());
        pb.environment().put("WATCHDOG_USEC", "1000000");
        long start = System.nanoTime();
        Process service = pb.start();
        System.out.println("supervisor: started pid " + service.pid() + " with NOTIFY_SOCKET=" + socketPath
                + " WATCHDOG_USEC=1000000");
        List<String> seen = new ArrayList<>();
        boolean exited = false;
        while (true) {
            String message = receive(fd, 100);
            if (message != null) {
                double at = (System.nanoTime() - start) / 1e9;
                System.out.printf("supervisor: %6.3f s  %s%n", at, message);
                seen.add(message);
            } else if (exited) {
                break;
            } else {
                exited = !service.isAlive();
            }
        }
        C.LIB.close(fd);
        Files.deleteIfExists(socketPath);
        Files.deleteIfExists(dir);
        System.out.println("supervisor: service exited with " + service.exitValue() + "; " + seen.size()
                + " messages received");
        boolean ready = seen.stream().anyMatch(m -> m.contains("READY=1"));
        boolean stopping = seen.stream().anyMatch(m -> m.contains("STOPPING=1"));
        System.exit(service.exitValue() == 0 && ready && stopping ? 0 : 1);
    }

    /** One message, waiting up to {@code timeoutMs}; null if none came. */
    private static String receive(int fd, int timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            Memory data = new Memory(4096);
            Memory control = new Memory(512);
            control.clear();
            Memory iov = new Memory(16);
            iov.setPointer(0, data);
            iov.setLong(8, 4096);
            Memory msg = new Memory(56);
            msg.clear();
            msg.setPointer(16, iov);
            msg.setLong(24, 1);
            msg.setPointer(32, control);
            msg.setLong(40, 512);
            long n = C.LIB.recvmsg(fd, msg, 0x40 /* MSG_DONTWAIT */);
            if (n >= 0) {
                int pid = 0;
                int fds = 0;
                long controlLength = msg.getLong(40);
                for (long off = 0; off + 16 <= controlLength; ) {
                    long len = control.getLong(off);
                    if (len < 16) {
                        break;
                    }
                    int type = control.getInt(off + 12);
                    if (control.getInt(off + 8) == 1 && type == 2 /* SCM_CREDENTIALS */) {
                        pid = control.getInt(off + 16);
                    } else if (control.getInt(off + 8) == 1 && type == 1 /* SCM_RIGHTS */) {
                        // Closing our copy is what releases a barrier (and what systemd does with fds it does not store).
                        for (long i = 0; i < (len - 16) / 4; i++, fds++) {
                            C.LIB.close(control.getInt(off + 16 + 4 * i));
                        }
                    }
                    off += (len + 7) & ~7L;
                }
                String text = new String(data.getByteArray(0, (int) n), StandardCharsets.UTF_8);
                return "from pid " + pid + ": " + text.replace("\n", " | ") + (fds > 0 ? "  (+" + fds + " fd)" : "");
            }
            Thread.sleep(10);
        }
        return null;
    }
}
