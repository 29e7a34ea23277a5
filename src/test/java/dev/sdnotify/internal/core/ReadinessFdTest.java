package dev.sdnotify.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.Backend;
import dev.sdnotify.NotifyState;
import dev.sdnotify.SdNotifyException;
import dev.sdnotify.internal.daemon.Backends;
import dev.sdnotify.internal.daemon.ChosenBackend;
import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.CapturedLog;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Pipe;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.Sockets;
import dev.sdnotify.testing.TestLibc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The readiness fd on real pipes and the real C environment, through {@link DaemonNotifier#ready()} with a
 * readiness state of the test's own (the process's is written once per JVM).
 */
@ExtendWith(CleanEnvironment.class)
class ReadinessFdTest {
    static final TestLibc C = TestLibc.INSTANCE;
    static final String VAR = "READY_FD";
    /** Far above what the JVM has open, so that it stays free, or ours, while a test uses it. */
    static final int HIGH_FD = 900;

    @TempDir Path dir;
    ReadinessFd readiness;
    ChosenBackend java;

    @BeforeEach
    void setUp() {
        readiness = new ReadinessFd();
        java = Backends.choose(Backend.JAVA);
    }

    DaemonNotifier notifier(ChosenBackend backend) {
        return new DaemonNotifier(backend, readiness, null, null);
    }

    /**
     * Moves the pipe's write end to {@code number}, high enough that the JVM opens nothing there, so that a
     * closed number stays closed while the test looks.
     */
    static int moveHigh(Pipe pipe, int number) {
        int original = pipe.giveWriteEnd();
        assertEquals(number, C.dup2(original, number));
        C.close(original);
        return number;
    }

    @Test
    void newlineOnceThenClosedAndVariableRemoved() {
        try (Pipe pipe = Pipe.open()) {
            int w = moveHigh(pipe, HIGH_FD + 2);
            CEnv.set(VAR, Integer.toString(w));
            assertTrue(notifier(java).ready(), "ready() signaled the fd, so true without NOTIFY_SOCKET");
            assertEquals("\n<EOF>", pipe.drain(), "one newline, then the write end was closed");
            assertEquals(-TestLibc.EBADF, Pipe.fdFlags(w), "fd " + w + " must be closed");
            assertNull(CEnv.get(VAR), "READY_FD must be removed from the C environment");
        }
    }

    @Test
    void secondReadyDoesNotTouchTheNumberAgain() {
        try (Pipe first = Pipe.open(); Pipe second = Pipe.open()) {
            // A high number, so that nothing else in this JVM takes it between the two steps.
            int number = HIGH_FD;
            assertEquals(number, C.dup2(first.writeEnd, number));
            CEnv.set(VAR, Integer.toString(number));
            DaemonNotifier n = notifier(java);
            assertTrue(n.ready());
            // The number now names another pipe, and the variable is back, as a careless child might leave it.
            assertEquals(number, C.dup2(second.writeEnd, number), "dup2 onto the freed number");
            CEnv.set(VAR, Integer.toString(number));
            try {
                assertFalse(n.ready("again"), "no NOTIFY_SOCKET and the fd was used: nothing signaled");
                assertFalse(n.ready(), "still nothing");
                assertEquals("", second.drain(), "the reused number must not be written to");
                assertTrue(Pipe.fdFlags(number) >= 0, "the reused number must stay open");
            } finally {
                C.close(number);
            }
            assertEquals("\n", first.drain(), "the first pipe got exactly one newline (its own write end is open)");
        }
    }

    @Test
    void readyWithStatusSignalsToo() {
        try (Pipe pipe = Pipe.open()) {
            CEnv.set(VAR, Integer.toString(pipe.giveWriteEnd()));
            assertTrue(notifier(java).ready("serving"));
            assertEquals("\n<EOF>", pipe.drain());
        }
    }

    @Test
    void invalidStatusFailsBeforeSignaling() {
        try (Pipe pipe = Pipe.open()) {
            CEnv.set(VAR, Integer.toString(pipe.writeEnd));
            assertThrows(IllegalArgumentException.class, () -> notifier(java).ready("two\nlines"));
            assertEquals("", pipe.drain(), "nothing written, the write end still open");
            assertEquals(Integer.toString(pipe.writeEnd), CEnv.getString(VAR), "READY_FD untouched");
        }
    }

    @Test
    void plainSendOfReadyLeavesTheFdAlone() {
        try (Pipe pipe = Pipe.open()) {
            CEnv.set(VAR, Integer.toString(pipe.writeEnd));
            assertFalse(notifier(java).send(NotifyState.READY), "no NOTIFY_SOCKET");
            assertEquals("", pipe.drain());
        }
    }

    @Test
    void noVariableNoFdIsFalse() {
        assertFalse(notifier(java).ready());
    }

    /** Rounds of racing threads: one round rarely lands two threads inside the window an unlocked check leaves. */
    @Test
    void concurrentReadyWritesOnce() throws Exception {
        int threads = 4;
        int rounds = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                readiness = new ReadinessFd();
                DaemonNotifier n = notifier(java);
                try (Pipe pipe = Pipe.open()) {
                    CEnv.set(VAR, Integer.toString(moveHigh(pipe, HIGH_FD + 4)));
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<Boolean>> results = new ArrayList<>();
                    for (int i = 0; i < threads; i++) {
                        Callable<Boolean> call = () -> {
                            start.await();
                            return n.ready();
                        };
                        results.add(pool.submit(call));
                    }
                    start.countDown();
                    int signaled = 0;
                    for (Future<Boolean> f : results) {
                        signaled += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
                    }
                    assertEquals(1, signaled, "round " + round + ": exactly one of " + threads + " calls signals");
                    assertEquals("\n<EOF>", pipe.drain(), "round " + round + ": one newline in all");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- malformed READY_FD ----

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-3", "+3", " 3", "3 ", "3x", "0x3", "2147483648", "99999999999999999999"})
    void notANumber(String value) {
        CEnv.set(VAR, value);
        SdNotifyException e = assertThrows(SdNotifyException.class, () -> notifier(java).ready());
        assertEquals(22, e.errno(), e.getMessage());
        assertEquals("readiness fd failed with EINVAL (errno 22): READY_FD=\"" + value
                + "\" is not a file descriptor number (decimal digits)", e.getMessage());
        assertNull(CEnv.get(VAR), "removed even when malformed");
        assertFalse(notifier(java).ready(), "later calls do nothing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0:standard input", "1:standard output", "2:standard error", "00001:standard output"})
    void standardStreamsAreRefused(String spec) {
        String value = spec.substring(0, spec.indexOf(':'));
        String stream = spec.substring(spec.indexOf(':') + 1);
        CEnv.set(VAR, value);
        SdNotifyException e = assertThrows(SdNotifyException.class, () -> notifier(java).ready());
        assertEquals(22, e.errno());
        assertTrue(e.getMessage().contains("READY_FD=\"" + value + "\" names " + stream), e.getMessage());
        assertTrue(e.getMessage().contains("3 or above"), e.getMessage());
        assertTrue(Pipe.fdFlags(Integer.parseInt(value)) >= 0, "fd " + value + " must stay open");
    }

    @Test
    void largeNumberIsAccepted() {
        try (Pipe pipe = Pipe.open()) {
            int high = moveHigh(pipe, HIGH_FD + 100);
            CEnv.set(VAR, "0" + high);
            assertTrue(notifier(java).ready(), "leading zeros are digits too");
            assertEquals("\n<EOF>", pipe.drain());
            assertEquals(-TestLibc.EBADF, Pipe.fdFlags(high));
        }
    }

    // ---- bad fds ----

    /** A number no file has now: a closed low one could be taken by the JVM before the test writes to it. */
    static int closedFd() {
        int fd = HIGH_FD + 1;
        assertEquals(-TestLibc.EBADF, Pipe.fdFlags(fd), "fd " + fd + " should not be open");
        return fd;
    }

    @Test
    void closedFdNamesFdVariableAndErrno() {
        int closed = closedFd();
        CEnv.set(VAR, Integer.toString(closed));
        SdNotifyException e = assertThrows(SdNotifyException.class, () -> notifier(java).ready());
        assertEquals(9, e.errno());
        assertEquals("readiness fd failed with EBADF (errno 9): fd " + closed + " from READY_FD=\"" + closed
                + "\" is not open", e.getMessage());
        assertNull(CEnv.get(VAR));
    }

    @Test
    void readEndIsNotWritable() {
        try (Pipe pipe = Pipe.open()) {
            CEnv.set(VAR, Integer.toString(pipe.readEnd));
            SdNotifyException e = assertThrows(SdNotifyException.class, () -> notifier(java).ready());
            assertEquals(9, e.errno());
            assertTrue(e.getMessage().contains("fd " + pipe.readEnd + " from READY_FD=\"" + pipe.readEnd
                    + "\" is open only for reading"), e.getMessage());
            assertTrue(Pipe.fdFlags(pipe.readEnd) >= 0, "a read-only fd is not ours to close");
        }
    }

    @Test
    void closedReadEndIsEpipeAndTheWriteEndIsClosed() {
        try (Pipe pipe = Pipe.open()) {
            pipe.closeReadEnd();
            int w = moveHigh(pipe, HIGH_FD + 3);
            CEnv.set(VAR, Integer.toString(w));
            SdNotifyException e = assertThrows(SdNotifyException.class, () -> notifier(java).ready());
            assertEquals(32, e.errno(), e.getMessage());
            assertEquals("readiness fd failed with EPIPE (errno 32): writing a newline to fd " + w
                    + " from READY_FD=\"" + w + "\": nothing reads the other end any more (the supervisor closed it)",
                    e.getMessage());
            assertEquals(-TestLibc.EBADF, Pipe.fdFlags(w), "the useless write end is closed");
        }
    }

    // ---- alongside NOTIFY_SOCKET ----

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"JAVA", "LIBSYSTEMD"})
    void bothChannelsSignaled(Backend backend) {
        if (backend == Backend.LIBSYSTEMD) {
            Capabilities.requireLibsystemd();
        }
        try (Pipe pipe = Pipe.open(); Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            CEnv.set("NOTIFY_SOCKET", receiver.address());
            CEnv.set(VAR, Integer.toString(pipe.giveWriteEnd()));
            assertTrue(notifier(Backends.choose(backend)).ready("up"));
            List<Receiver.Datagram> got = receiver.drain();
            assertEquals(1, got.size(), got::toString);
            assertEquals("READY=1\nSTATUS=up", got.get(0).text());
            assertEquals("\n<EOF>", pipe.drain());
        }
    }

    @Test
    void failedNotifySocketStillSignalsTheFd() {
        try (Pipe pipe = Pipe.open()) {
            CEnv.set("NOTIFY_SOCKET", dir.resolve("nobody").toString());
            CEnv.set(VAR, Integer.toString(pipe.giveWriteEnd()));
            SdNotifyException e = assertThrows(SdNotifyException.class, () -> notifier(java).ready());
            assertEquals("sd_notify", e.operation(), "the NOTIFY_SOCKET failure is reported: " + e.getMessage());
            assertEquals(2, e.errno());
            assertEquals(0, e.getSuppressed().length);
            assertEquals("\n<EOF>", pipe.drain(), "the readiness fd was signaled all the same");
        }
    }

    @Test
    void failedFdAfterSuccessfulSendIsAWarningNotAFailure() {
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify")); CapturedLog log = new CapturedLog()) {
            CEnv.set("NOTIFY_SOCKET", receiver.address());
            CEnv.set(VAR, "x");
            assertTrue(notifier(java).ready(), "the supervisor got READY=1: that is the answer");
            assertEquals(1, receiver.drain().size(), "READY=1 went out");
            List<String> warnings = log.messages(Level.WARNING);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("READY=1 was sent, but the readiness fd could not be signaled: "
                    + "readiness fd failed with EINVAL"), warnings.get(0));
            assertNull(CEnv.getString(VAR));
        }
    }

    /** A JVM started from a service of s6 inherits READY_FD=3 in its copy of the environment; its fd 3 is its own. */
    @Test
    void aNumberNamingSomethingElseIsLeftUntouched() {
        int socket = Sockets.moveTo(Sockets.udp(TestLibc.AF_INET), HIGH_FD + 7);
        try (CapturedLog log = new CapturedLog()) {
            CEnv.set(VAR, Integer.toString(socket));
            assertFalse(notifier(java).ready(), "nothing was signaled");
            assertTrue(Pipe.fdFlags(socket) >= 0, "the fd stays open");
            assertNull(CEnv.getString(VAR), "the variable is removed, so children do not inherit it either");
            List<String> warnings = log.messages(Level.WARNING);
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("fd " + socket + " from READY_FD=\"" + socket + "\" is socket:["),
                    warnings.get(0));
            assertTrue(warnings.get(0).contains("not a pipe"), warnings.get(0));
        } finally {
            C.close(socket);
        }
    }

    @Test
    void aGivenFdMustBeAPipe() {
        int socket = Sockets.moveTo(Sockets.udp(TestLibc.AF_INET), HIGH_FD + 8);
        try {
            SdNotifyException e = assertThrows(SdNotifyException.class, () -> readiness.use(java, socket));
            assertEquals(22, e.errno());
            assertTrue(e.getMessage().contains("fd " + socket + " given to SdNotify.useReadinessFd is socket:["),
                    e.getMessage());
            assertTrue(Pipe.fdFlags(socket) >= 0, "the fd stays open");
        } finally {
            C.close(socket);
        }
    }

    @Test
    void bothFailedReportsTheSendWithTheFdSuppressed() {
        CEnv.set("NOTIFY_SOCKET", dir.resolve("nobody").toString());
        CEnv.set(VAR, "x");
        SdNotifyException e = assertThrows(SdNotifyException.class, () -> notifier(java).ready());
        assertEquals("sd_notify", e.operation());
        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0].getMessage().contains("READY_FD=\"x\""), e.getSuppressed()[0].getMessage());
    }

    @Test
    void backendNoneSignalsNothingAndLeavesTheVariable() {
        try (Pipe pipe = Pipe.open()) {
            CEnv.set(VAR, Integer.toString(pipe.writeEnd));
            assertFalse(notifier(Backends.choose(Backend.NONE)).ready());
            assertEquals("", pipe.drain());
            assertEquals(Integer.toString(pipe.writeEnd), CEnv.getString(VAR));
            pipe.giveWriteEnd();
            assertTrue(notifier(java).ready(), "not consumed by the switched-off backend");
            assertEquals("\n<EOF>", pipe.drain());
        }
    }

    // ---- the programmatic fd ----

    @Test
    void givenFdIsCloseOnExecAtOnceAndSignaledOnReady() {
        try (Pipe pipe = Pipe.open()) {
            int w = pipe.giveWriteEnd();
            C.fcntl(w, TestLibc.F_SETFD, 0);
            readiness.use(java, w);
            assertEquals(TestLibc.FD_CLOEXEC, Pipe.fdFlags(w) & TestLibc.FD_CLOEXEC, "close-on-exec when given");
            assertEquals("", pipe.drain(), "nothing before ready()");
            assertTrue(notifier(java).ready());
            assertEquals("\n<EOF>", pipe.drain());
        }
    }

    @Test
    void givenFdTakesPrecedenceOverTheVariable() {
        try (Pipe given = Pipe.open(); Pipe named = Pipe.open()) {
            readiness.use(java, given.giveWriteEnd());
            CEnv.set(VAR, Integer.toString(named.writeEnd));
            assertTrue(notifier(java).ready());
            assertEquals("\n<EOF>", given.drain());
            assertEquals("", named.drain(), "the variable's fd is left alone");
            assertNull(CEnv.get(VAR), "but the variable is removed");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 1, 2})
    void givenFdBelowThreeIsRefused(int fd) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> readiness.use(java, fd));
        assertTrue(e.getMessage().contains("readiness fd " + fd + " is "), e.getMessage());
    }

    @Test
    void givenFdMustBeOpenAndWritable() {
        int closed = closedFd();
        try (Pipe pipe = Pipe.open()) {
            SdNotifyException readOnly = assertThrows(SdNotifyException.class,
                    () -> readiness.use(java, pipe.readEnd));
            assertEquals("readiness fd failed with EBADF (errno 9): fd " + pipe.readEnd
                    + " given to SdNotify.useReadinessFd is open only for reading (the read end of the pipe?)",
                    readOnly.getMessage());
        }
        SdNotifyException e = assertThrows(SdNotifyException.class, () -> readiness.use(java, closed));
        assertEquals("readiness fd failed with EBADF (errno 9): fd " + closed
                + " given to SdNotify.useReadinessFd is not open", e.getMessage());
    }

    @Test
    void givenFdAfterReadinessWasSignaledIsRefused() {
        try (Pipe pipe = Pipe.open(); Pipe later = Pipe.open()) {
            CEnv.set(VAR, Integer.toString(pipe.giveWriteEnd()));
            assertTrue(notifier(java).ready());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> readiness.use(java, later.writeEnd));
            assertTrue(e.getMessage().contains("already signaled"), e.getMessage());
        }
    }
}
