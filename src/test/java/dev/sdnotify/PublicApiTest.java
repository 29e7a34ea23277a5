package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.TestLibc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The public API end to end, on each backend, against a real receiving socket and the real C environment. */
@ExtendWith(CleanEnvironment.class)
class PublicApiTest {
    static final TestLibc C = TestLibc.INSTANCE;
    @TempDir Path dir;

    @BeforeAll
    static void oracle() {
        Capabilities.requireLibsystemd();
    }

    @AfterAll
    static void restore() {
        SdNotify.useBackend(null);
    }

    Receiver listen(Backend backend) {
        SdNotify.useBackend(backend);
        Receiver r = Receiver.bindPath(dir.resolve(backend.id()));
        CEnv.set("NOTIFY_SOCKET", r.address());
        return r;
    }

    static List<String> texts(Receiver r) {
        return r.drain().stream().map(Receiver.Datagram::text).toList();
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void lifecycleMessagesArriveAsTheirWireForm(Backend backend) {
        try (Receiver r = listen(backend)) {
            assertTrue(SdNotify.isAvailable());
            assertTrue(SdNotify.ready("Überprüfung läuft ✓"));
            assertTrue(SdNotify.status("serving"));
            assertTrue(SdNotify.watchdog());
            assertTrue(SdNotify.watchdogTrigger());
            assertTrue(SdNotify.extendTimeout(Duration.ofMillis(1500)));
            assertTrue(SdNotify.mainPid(1234));
            assertTrue(SdNotify.errno(5));
            assertTrue(SdNotify.stopping());
            assertTrue(SdNotify.sendRaw("X=a\\b"));
            assertEquals(List.of("READY=1\nSTATUS=Überprüfung läuft ✓", "STATUS=serving", "WATCHDOG=1",
                    "WATCHDOG=trigger", "EXTEND_TIMEOUT_USEC=1500000", "MAINPID=1234", "ERRNO=5", "STOPPING=1",
                    "X=a\\b"), texts(r));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void reloadingCarriesTheMonotonicClock(Backend backend) throws Exception {
        try (Receiver r = listen(backend)) {
            long before = monotonicMicros();
            assertTrue(SdNotify.reloading());
            long after = monotonicMicros();
            String[] lines = texts(r).get(0).split("\n");
            assertEquals("RELOADING=1", lines[0]);
            assertTrue(lines[1].startsWith("MONOTONIC_USEC="), lines[1]);
            long sent = Long.parseLong(lines[1].substring("MONOTONIC_USEC=".length()));
            assertTrue(before <= sent && sent <= after, before + " <= " + sent + " <= " + after);
        }
    }

    /** CLOCK_MONOTONIC as the kernel exports it: /proc/uptime has only centiseconds, so read it from libc. */
    static long monotonicMicros() {
        com.sun.jna.Memory ts = new com.sun.jna.Memory(16);
        com.sun.jna.NativeLibrary.getInstance("c").getFunction("clock_gettime").invokeInt(new Object[] {1, ts});
        return ts.getLong(0) * 1_000_000L + ts.getLong(8) / 1000;
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void storedFdsTravelWithTheirName(Backend backend) {
        int[] pipe = new int[2];
        C.pipe(pipe);
        try (Receiver r = listen(backend)) {
            assertTrue(SdNotify.storeFds("db-conn", pipe[0], pipe[1]));
            assertTrue(SdNotify.removeFds("db-conn"));
            List<Receiver.Datagram> got = r.drain();
            assertEquals("FDSTORE=1\nFDNAME=db-conn", got.get(0).text());
            assertEquals(List.of(Receiver.describeFd(pipe[0]), Receiver.describeFd(pipe[1])), got.get(0).fdTargets());
            assertEquals("FDSTOREREMOVE=1\nFDNAME=db-conn", got.get(1).text());
            assertEquals(List.of(), got.get(1).fdTargets());
        } finally {
            C.close(pipe[0]);
            C.close(pipe[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void barrierReturnsOnceTheReaderClosedTheFd(Backend backend) throws Exception {
        try (Receiver r = listen(backend)) {
            CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> r.receiveBlocking(true).text());
            assertTrue(SdNotify.barrier(Duration.ofSeconds(5)));
            assertEquals("BARRIER=1", reader.get(5, TimeUnit.SECONDS));
            SdNotifyException timeout = assertThrows(SdNotifyException.class, () -> SdNotify.barrier(Duration.ZERO));
            assertEquals("ETIMEDOUT", timeout.errnoName());
            assertEquals("sd_notify_barrier", timeout.operation());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void unsetVariantLeavesLaterCallsNotApplicable(Backend backend) {
        try (Receiver r = listen(backend)) {
            assertTrue(SdNotify.sendAndUnsetEnvironment(NotifyState.READY));
            assertFalse(SdNotify.isAvailable());
            assertFalse(SdNotify.ready(), "no supervisor any more");
            assertEquals(List.of("READY=1"), texts(r));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void failuresNameTheVariableAndTheErrno(Backend backend) {
        SdNotify.useBackend(backend);
        String missing = dir.resolve("missing").toString();
        CEnv.set("NOTIFY_SOCKET", missing);
        SdNotifyException e = assertThrows(SdNotifyException.class, SdNotify::ready);
        assertEquals(2, e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("sd_notify", e.operation());
        assertTrue(e.getMessage().contains("NOTIFY_SOCKET=\"" + missing + "\""), e.getMessage());

        CEnv.set("NOTIFY_SOCKET", "relative/x");
        e = assertThrows(SdNotifyException.class, SdNotify::ready);
        // EPROTO from libsystemd 253 on and from the java backend; EINVAL from an older libsystemd.
        assertTrue(e.errnoName().equals("EPROTO") || e.errnoName().equals("EINVAL"), e.getMessage());
        assertTrue(e.getMessage().contains("parsing NOTIFY_SOCKET=\"relative/x\""), e.getMessage());

        CEnv.set("WATCHDOG_USEC", "5s");
        e = assertThrows(SdNotifyException.class, Watchdog::interval);
        assertEquals("sd_watchdog_enabled", e.operation());
        assertTrue(e.getMessage().contains("WATCHDOG_USEC=\"5s\""), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void watchdogIntervalFollowsTheEnvironment(Backend backend) {
        SdNotify.useBackend(backend);
        assertEquals(Optional.empty(), Watchdog.interval());
        CEnv.set("WATCHDOG_USEC", "2000000");
        CEnv.set("WATCHDOG_PID", Integer.toString(C.getpid()));
        assertEquals(Optional.of(Duration.ofSeconds(2)), Watchdog.interval());
        CEnv.set("WATCHDOG_PID", Integer.toString(C.getpid() + 1));
        assertEquals(Optional.empty(), Watchdog.interval(), "meant for another process");
        CEnv.set("WATCHDOG_PID", Integer.toString(C.getpid()));
        assertEquals(Optional.of(Duration.ofSeconds(2)), Watchdog.intervalAndUnsetEnvironment());
        assertEquals(Optional.empty(), Watchdog.interval(), "variables removed");
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void listenFdsComeWithNames(Backend backend) {
        SdNotify.useBackend(backend);
        assertEquals(List.of(), SocketActivation.listenFds());
        int[] pipe = new int[2];
        C.pipe(pipe);
        boolean[] placed = new boolean[5];
        for (int fd = 3; fd <= 4; fd++) {
            // The JVM usually holds fds 3 and 4 already; otherwise put a pipe end there.
            placed[fd] = C.fcntl(fd, TestLibc.F_GETFD) < 0 && C.dup2(pipe[0], fd) == fd;
        }
        C.close(pipe[0]);
        C.close(pipe[1]);
        int[] flags = {C.fcntl(3, TestLibc.F_GETFD), C.fcntl(4, TestLibc.F_GETFD)};
        try {
            CEnv.set("LISTEN_PID", Integer.toString(C.getpid()));
            CEnv.set("LISTEN_FDS", "2");
            CEnv.set("LISTEN_FDNAMES", "http:admin");
            assertEquals(List.of(ListenFd.of(3, "http"), ListenFd.of(4, "admin")),
                    SocketActivation.listenFdsAndUnsetEnvironment());
            assertEquals(List.of(), SocketActivation.listenFds(), "variables removed");
            for (int fd = 3; fd <= 4; fd++) {
                assertTrue((C.fcntl(fd, TestLibc.F_GETFD) & TestLibc.FD_CLOEXEC) != 0, "fd " + fd + " close-on-exec");
            }
        } finally {
            for (int fd = 3; fd <= 4; fd++) {
                if (placed[fd]) {
                    C.close(fd);
                } else {
                    C.fcntl(fd, TestLibc.F_SETFD, flags[fd - 3]);
                }
            }
        }
    }
}
