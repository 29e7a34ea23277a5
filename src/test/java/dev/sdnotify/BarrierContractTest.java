package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Daemon;
import dev.sdnotify.testing.LibsystemdDifferences;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.TestLibc;
import dev.sdnotify.testing.ThreadWait;
import dev.sdnotify.testing.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sd_notify_barrier vectors (§3, B1–B10) on both backends, with a real receiver that reads the barrier
 * message and closes the passed pipe end after a delay, or never reads.
 */
@ExtendWith(CleanEnvironment.class)
class BarrierContractTest {
    static final TestLibc C = TestLibc.INSTANCE;
    static final LibsystemdDifferences DIFFERENCES = LibsystemdDifferences.load();
    static final long INFINITE = -1L;
    static final int F_GETFL = 3;
    static final int O_ACCMODE = 3;
    static final int NEVER = -1;
    static BothBackends backends;

    @TempDir Path dir;

    @BeforeAll
    static void backends() {
        backends = BothBackends.load();
    }

    /**
     * {@code message}: what the receiver got (payload, fd count and the fd's access mode: 1 is O_WRONLY),
     * or "none"; {@code waited}: whether the call took at least the vector's minimum time.
     */
    static final class Observation extends Value {
        final int ret;
        final String message;
        final String socketAfter;
        final boolean waited;

        Observation(int ret, String message, String socketAfter, boolean waited) {
            this.ret = ret;
            this.message = message;
            this.socketAfter = socketAfter;
            this.waited = waited;
        }

        @Override
        protected Object[] components() {
            return new Object[] {ret, message, socketAfter, waited};
        }
    }

    enum Socket { UNSET, RELATIVE, MISSING, RECEIVER }

    static Observation run(Daemon d, Path dir, Socket socket, int closeAfterMs, boolean unset, long timeoutUsec,
            long minimumMs) throws Exception {
        Files.createDirectories(dir);
        Receiver receiver = socket == Socket.RECEIVER ? Receiver.bindPath(dir.resolve("notify")) : null;
        try {
            CEnv.set("NOTIFY_SOCKET", socket == Socket.UNSET ? null : socket == Socket.RELATIVE ? "relative"
                    : socket == Socket.MISSING ? dir.resolve("missing").toString() : receiver.address());
            CompletableFuture<String> read = new CompletableFuture<>();
            if (receiver != null && closeAfterMs != NEVER) {
                Thread reader = new Thread(() -> {
                    Receiver.Datagram got = receiver.receiveBlocking(false);
                    read.complete(describe(got));
                    sleep(closeAfterMs);
                    got.fds().forEach(C::close);
                }, "barrier-reader");
                reader.setDaemon(true);
                reader.start();
            }
            long start = System.nanoTime();
            int ret = d.notifyBarrier(unset, timeoutUsec);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String message = "none";
            if (receiver != null) {
                if (closeAfterMs != NEVER) {
                    message = read.get(10, TimeUnit.SECONDS);
                } else {
                    List<Receiver.Datagram> queued = receiver.drain(false);
                    message = queued.isEmpty() ? "none" : describe(queued.get(0)) + " x" + queued.size();
                    queued.forEach(q -> q.fds().forEach(C::close));
                }
            }
            String after = CEnv.get("NOTIFY_SOCKET") == null ? (socket == Socket.UNSET ? "unset" : "unset by the call")
                    : "unchanged";
            return new Observation(ret, message, after, elapsedMs >= minimumMs);
        } finally {
            CEnv.unset("NOTIFY_SOCKET");
            if (receiver != null) {
                receiver.close();
            }
        }
    }

    static String describe(Receiver.Datagram d) {
        StringBuilder s = new StringBuilder(d.text()).append(" fds=").append(d.fds().size());
        for (int fd : d.fds()) {
            s.append(" mode=").append(C.fcntl(fd, F_GETFL) & O_ACCMODE);
        }
        return s.toString();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final String BARRIER = "BARRIER=1 fds=1 mode=1";

    static Arguments b(String id, Socket socket, int closeAfterMs, boolean unset, long timeoutUsec, long minimumMs,
            int ret, String message, String after) {
        Observation expected = new Observation(ret, message, after, true);
        return Arguments.of(id, socket, closeAfterMs, unset, timeoutUsec, minimumMs, expected, expected, true);
    }

    /**
     * A vector whose result differs by version ({@code rule} of libsystemd-differences.tsv): the java backend
     * returns 262's {@code ret}, the oracle the table's result for its version.
     */
    static Arguments bd(String id, String rule, Socket socket, int closeAfterMs, boolean unset, long timeoutUsec,
            long minimumMs, int ret, String message, String after) {
        Observation oracle = new Observation(DIFFERENCES.expectedFromOracle(rule, ret), message, after, true);
        return Arguments.of(id + " [" + rule + "]", socket, closeAfterMs, unset, timeoutUsec, minimumMs, oracle,
                new Observation(ret, message, after, true), !DIFFERENCES.appliesToOracle(rule));
    }

    static Stream<Arguments> vectors() {
        return Stream.of(
            b("B1 unset", Socket.UNSET, NEVER, false, 1_000_000, 0, 0, "none", "unset"),
            bd("B2 relative, unset", "notify-socket-neither-path-nor-vsock", Socket.RELATIVE, NEVER, true, 1_000_000,
                    0, -71, "none", "unset by the call"),
            b("B3 missing path", Socket.MISSING, NEVER, false, 1_000_000, 0, -2, "none", "unchanged"),
            b("B4 nobody reads, 0.2 s", Socket.RECEIVER, NEVER, false, 200_000, 190, -110, BARRIER + " x1", "unchanged"),
            b("B5 nobody reads, 0", Socket.RECEIVER, NEVER, false, 0, 0, -110, BARRIER + " x1", "unchanged"),
            b("B6 reader closes at once", Socket.RECEIVER, 0, false, 2_000_000, 0, 1, BARRIER, "unchanged"),
            b("B7 reader closes after 0.3 s, infinite", Socket.RECEIVER, 300, true, INFINITE, 290, 1, BARRIER,
                    "unset by the call"),
            b("B8 reader closes after 0.5 s, 0.1 s", Socket.RECEIVER, 500, false, 100_000, 90, -110, BARRIER,
                    "unchanged"),
            b("B9 UINT64_MAX-1", Socket.RECEIVER, 0, false, -2L, 0, 1, BARRIER, "unchanged"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void barrierVector(String id, Socket socket, int closeAfterMs, boolean unset, long timeoutUsec, long minimumMs,
            Observation oracleExpected, Observation javaExpected, boolean agree) throws Exception {
        Observation oracle = run(backends.libsystemd, dir.resolve("libsystemd"), socket, closeAfterMs, unset, timeoutUsec,
                minimumMs);
        assertEquals(oracleExpected, oracle, id + ": libsystemd against the spec");
        Observation ours = run(backends.java, dir.resolve("java"), socket, closeAfterMs, unset, timeoutUsec, minimumMs);
        assertEquals(javaExpected, ours, id + ": java backend against libsystemd 262");
        if (agree) {
            assertEquals(oracle, ours, id + ": java backend against libsystemd");
            // The barrier runs in Java on either backend; on this one libsystemd sends its message.
            assertEquals(oracle, run(backends.libsystemdBackend, dir.resolve("backend"), socket, closeAfterMs, unset,
                    timeoutUsec, minimumMs), id + ": libsystemd backend against libsystemd");
        }
    }

    /**
     * B10: a signal handled during the wait ends libsystemd's with EINTR; the library's barrier goes back to its
     * wait, on the same pipe, and ends when the manager closes the fd.
     */
    @ParameterizedTest(name = "B10 signal during the wait, {0}")
    @MethodSource("backendNames")
    void signalInterruptsTheWait(String name) throws Exception {
        Daemon d = name.equals("libsystemd") ? backends.libsystemd : backends.java;
        try (Receiver receiver = Receiver.bindPath(dir.resolve(name + ".sock"))) {
            CEnv.set("NOTIFY_SOCKET", receiver.address());
            CompletableFuture<Integer> tid = new CompletableFuture<>();
            CompletableFuture<Integer> result = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
                tid.complete(C.gettid());
                result.complete(d.notifyBarrier(false, 5_000_000));
            }, "barrier-caller");
            caller.start();
            int callerTid = tid.get(5, TimeUnit.SECONDS);
            // Signal the thread once it waits in the barrier's ppoll, not after a guessed delay.
            ThreadWait.untilInPpoll(callerTid, 10_000);
            // The JVM handles SIGUSR2 on every thread (it uses it internally) and ignores a stray one.
            assertEquals(0, C.tgkill(C.getpid(), callerTid, TestLibc.SIGUSR2), "tgkill");
            if (name.equals("libsystemd")) {
                assertEquals(-4, result.get(10, TimeUnit.SECONDS), "libsystemd returns EINTR");
                assertEquals(1, receiver.drain().size(), "the barrier message stays queued");
            } else {
                ThreadWait.untilInPpoll(callerTid, 10_000);
                Receiver.Datagram got = receiver.receiveBlocking(false);
                got.fds().forEach(C::close);
                assertEquals(1, result.get(10, TimeUnit.SECONDS), "the wait went on after the signal");
            }
            caller.join(5000);
        } finally {
            CEnv.unset("NOTIFY_SOCKET");
        }
    }

    /**
     * D8: with unset, NOTIFY_SOCKET is still there while the barrier waits and gone when it returns (262);
     * a libsystemd before 257 removes it right after the send (libsystemd-differences.tsv).
     */
    @ParameterizedTest(name = "D8 NOTIFY_SOCKET during the wait, {0}")
    @MethodSource("backendNames")
    void unsetComesAfterTheWait(String name) throws Exception {
        Daemon d = name.equals("libsystemd") ? backends.libsystemd : backends.java;
        String rule = "barrier-unset-after-wait";
        String expected = name.equals("java") || !DIFFERENCES.appliesToOracle(rule) ? "set" : "unset";
        try (Receiver receiver = Receiver.bindPath(dir.resolve(name + ".sock"))) {
            CEnv.set("NOTIFY_SOCKET", receiver.address());
            CompletableFuture<Integer> tid = new CompletableFuture<>();
            CompletableFuture<Integer> result = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
                tid.complete(C.gettid());
                result.complete(d.notifyBarrier(true, 10_000_000));
            }, "barrier-caller");
            caller.start();
            ThreadWait.untilInPpoll(tid.get(5, TimeUnit.SECONDS), 10_000);
            String during = CEnv.get("NOTIFY_SOCKET") == null ? "unset" : "set";
            // Play the manager: read the message and close its fd, which ends the wait.
            Receiver.Datagram got = receiver.receiveBlocking(false);
            got.fds().forEach(C::close);
            assertEquals(1, result.get(10, TimeUnit.SECONDS), name);
            caller.join(5000);
            assertEquals(null, CEnv.get("NOTIFY_SOCKET"), name + ": unset when the call returns");
            assertEquals(expected, during, name + " [" + rule + "]: NOTIFY_SOCKET while the barrier waits");
        } finally {
            CEnv.unset("NOTIFY_SOCKET");
        }
    }

    static Stream<String> backendNames() {
        return new ArrayList<>(List.of("libsystemd", "java")).stream();
    }
}
