import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.sdnotify.SdNotify;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** What the test services share: the backend line, logging to the journal, and a little libc. */
final class Svc {
    private Svc() {}

    /** The libc calls the services need beyond the JDK: raw sockets for fds the fd store keeps. */
    interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int socket(int domain, int type, int protocol);
        int setsockopt(int fd, int level, int name, int[] value, int length);
        int bind(int fd, byte[] address, int length);
        int listen(int fd, int backlog);
        int accept(int fd, byte[] address, int[] length);
        int poll(int[] pollfd, long count, int timeoutMillis);
        long write(int fd, byte[] buffer, long count);
        int close(int fd);
        int getpid();
        int system(String command);
    }

    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    /** struct pollfd is {int fd; short events; short revents;}: events is the low half of the second int. */
    private static final int POLLIN = 1;

    /** Logs which backend the library chose; the harness reads it from the journal. */
    static void begin(String name) {
        log(name + ": backend=" + SdNotify.backend());
    }

    static void log(String line) {
        System.out.println(line);
        System.out.flush();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Blocks until the process is killed: the service manager ends it. */
    static void waitForever() {
        while (true) {
            sleep(60_000);
        }
    }

    /** Waits up to timeoutMillis for a file the harness creates to let the service go on. */
    static void awaitFile(String path, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!Files.exists(Path.of(path))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + path + " within " + timeoutMillis + " ms");
            }
            sleep(20);
        }
    }

    /** A TCP socket listening on 127.0.0.1:port, made with libc so that its fd number is known. */
    static int listenTcp(int port) {
        LibC c = LibC.INSTANCE;
        int fd = c.socket(AF_INET, SOCK_STREAM, 0);
        check(fd, "socket");
        check(c.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, new int[] {1}, 4), "setsockopt SO_REUSEADDR");
        byte[] sin = {AF_INET, 0, (byte) (port >> 8), (byte) port, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        check(c.bind(fd, sin, sin.length), "bind 127.0.0.1:" + port);
        check(c.listen(fd, 128), "listen");
        return fd;
    }

    /**
     * Answers every connection on a listening fd with one line, on a daemon thread. On shutdown (SIGTERM)
     * it stops accepting before the JVM exits, so connections not yet accepted stay queued on the socket
     * for the next process that gets it.
     */
    static void serve(int fd, String reply) {
        byte[] bytes = (reply + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicBoolean stopping = new AtomicBoolean();
        Thread t = new Thread(() -> {
            int[] pollfd = {fd, POLLIN};
            while (!stopping.get()) {
                pollfd[1] = POLLIN;
                int ready = LibC.INSTANCE.poll(pollfd, 1, 50);
                if (ready <= 0 || stopping.get()) {
                    continue;
                }
                int conn = LibC.INSTANCE.accept(fd, null, null);
                if (conn < 0) {
                    log("accept on fd " + fd + " failed, errno " + Native.getLastError());
                    sleep(100);
                    continue;
                }
                LibC.INSTANCE.write(conn, bytes, bytes.length);
                LibC.INSTANCE.close(conn);
            }
        }, "serve-fd-" + fd);
        t.setDaemon(true);
        t.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    private static void check(int r, String what) {
        if (r < 0) {
            throw new IllegalStateException(what + " failed, errno " + Native.getLastError());
        }
    }
}
