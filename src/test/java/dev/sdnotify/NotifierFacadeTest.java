package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.sdnotify.internal.core.DaemonNotifier;
import dev.sdnotify.internal.daemon.ChosenBackend;
import dev.sdnotify.internal.daemon.SdDaemon;
import dev.sdnotify.internal.kernel.Environment;
import dev.sdnotify.internal.kernel.Kernel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/**
 * The public API over a mocked {@link SdDaemon}, environment and kernel: payloads, seam arguments, and how results
 * become outcomes.
 */
class NotifierFacadeTest {
    static final String NS = "NOTIFY_SOCKET";
    static final String SOCKET = "/run/systemd/notify";

    static final long BLOCKING = SdDaemon.BLOCKING;

    SdDaemon daemon;
    Environment environment;
    Kernel kernel;
    Notifier notifier;
    final Map<String, byte[]> env = new HashMap<>();

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @BeforeEach
    void setUp() {
        daemon = mock(SdDaemon.class);
        environment = mock(Environment.class);
        when(environment.getenv(anyString())).thenAnswer(inv -> env.get(inv.<String>getArgument(0)));
        org.mockito.Mockito.doAnswer(inv -> env.remove(inv.<String>getArgument(0))).when(environment)
                .unsetenv(anyString());
        kernel = mock(Kernel.class);
        notifier = DaemonNotifier.over(new ChosenBackend(BackendInfo.of(Backend.JAVA, "mock", "test", false), daemon,
                environment, kernel));
    }

    void notifyReturns(int r) {
        when(daemon.pidNotifyWithFds(anyInt(), anyBoolean(), any(), any(), anyInt(), anyLong())).thenReturn(r);
    }

    /** The payload of the only pidNotifyWithFds call, as text. */
    String sentPayload() {
        ArgumentCaptor<byte[]> payload = ArgumentCaptor.forClass(byte[].class);
        verify(daemon).pidNotifyWithFds(anyInt(), anyBoolean(), payload.capture(), any(), anyInt(), anyLong());
        return new String(payload.getValue(), StandardCharsets.UTF_8);
    }

    @Nested
    @DisplayName("DaemonNotifier")
    class Notifying {

        @Test
        @DisplayName("N5: result 1 → true, sd_notify(0, READY=1) with no fds")
        void readyTrue() {
            env.put(NS, utf8(SOCKET));
            notifyReturns(1);
            assertTrue(notifier.ready());
            verify(daemon).pidNotifyWithFds(eq(0), eq(false), eq(utf8("READY=1")), isNull(), eq(0), eq(BLOCKING));
        }

        @Test
        @DisplayName("N1: result 0 → false")
        void notApplicable() {
            notifyReturns(0);
            assertFalse(notifier.ready());
        }

        @Test
        @DisplayName("-97 → the socket could not be opened, and why: RestrictAddressFamilies= without AF_UNIX")
        void noUnixSockets() {
            env.put(NS, utf8(SOCKET));
            notifyReturns(-97);
            SdNotifyException e = assertThrows(SdNotifyException.class, notifier::ready);
            assertEquals("sd_notify failed with EAFNOSUPPORT (errno 97): opening an AF_UNIX datagram socket for "
                    + "NOTIFY_SOCKET=\"" + SOCKET + "\": this process may not use AF_UNIX sockets (a unit whose "
                    + "RestrictAddressFamilies= leaves out AF_UNIX?)", e.getMessage());
        }

        @Test
        @DisplayName("-111 → SdNotifyException ECONNREFUSED from sd_notify naming NOTIFY_SOCKET's value")
        void connectionRefused() {
            env.put(NS, utf8(SOCKET));
            notifyReturns(-111);
            SdNotifyException e = assertThrows(SdNotifyException.class, notifier::ready);
            assertEquals(111, e.errno());
            assertEquals("ECONNREFUSED", e.errnoName());
            assertEquals("sd_notify", e.operation());
            assertTrue(e.getMessage().startsWith("sd_notify failed with ECONNREFUSED (errno 111)"), e.getMessage());
            assertTrue(e.getMessage().contains("NOTIFY_SOCKET=\"" + SOCKET + "\""), e.getMessage());
        }

        @Test
        @DisplayName("with fds: operation sd_pid_notify_with_fds, fds and count passed")
        void withFdsFailure() {
            env.put(NS, utf8(SOCKET));
            notifyReturns(-9);
            SdNotifyException e = assertThrows(SdNotifyException.class,
                    () -> notifier.sendWithFds(new int[] {5, 6}, NotifyState.FDSTORE));
            assertEquals("sd_pid_notify_with_fds", e.operation());
            assertEquals(9, e.errno());
            verify(daemon).pidNotifyWithFds(eq(0), eq(false), eq(utf8("FDSTORE=1")), eq(new int[] {5, 6}), eq(2), eq(BLOCKING));
        }

        @Test
        @DisplayName("N16: sendAsPid → operation sd_pid_notify and the pid reaches the seam")
        void asPid() {
            env.put(NS, utf8(SOCKET));
            notifyReturns(-1);
            SdNotifyException e = assertThrows(SdNotifyException.class,
                    () -> notifier.sendAsPid(777, NotifyState.READY));
            assertEquals("sd_pid_notify", e.operation());
            assertEquals(1, e.errno());
            verify(daemon).pidNotifyWithFds(eq(777), eq(false), eq(utf8("READY=1")), isNull(), eq(0), eq(BLOCKING));
        }

        @Test
        @DisplayName("sendAsPid success → true with the pid passed")
        void asPidSuccess() {
            notifyReturns(1);
            assertTrue(notifier.sendAsPid(777, NotifyState.STOPPING));
            verify(daemon).pidNotifyWithFds(eq(777), eq(false), eq(utf8("STOPPING=1")), isNull(), eq(0), eq(BLOCKING));
        }

        @Test
        @DisplayName("ready(status) sends exactly READY=1\\nSTATUS=...")
        void readyWithStatus() {
            notifyReturns(1);
            assertTrue(notifier.ready("Serving on :8080 \u00e9"));
            assertEquals("READY=1\nSTATUS=Serving on :8080 \u00e9", sentPayload());
        }

        @Test
        @DisplayName("N7/N8: sendRaw passes the UTF-8 bytes unchanged, no newline added")
        void rawBytes() {
            notifyReturns(1);
            String raw = "A=1\nB=\\x\u00e9\u4e2d\n";
            assertTrue(notifier.sendRaw(raw));
            ArgumentCaptor<byte[]> payload = ArgumentCaptor.forClass(byte[].class);
            verify(daemon).pidNotifyWithFds(eq(0), eq(false), payload.capture(), isNull(), eq(0), eq(BLOCKING));
            assertArrayEquals(utf8(raw), payload.getValue());
        }

        @Test
        @DisplayName("N18: sendAndUnsetEnvironment reads NOTIFY_SOCKET before the call, so the error names it")
        void sendUnsetNamesSocket() {
            assertUnsetVariantNamesSocket(n -> n.sendAndUnsetEnvironment(NotifyState.READY));
        }

        @Test
        @DisplayName("N18: sendRawAndUnsetEnvironment reads NOTIFY_SOCKET before the call, so the error names it")
        void notifyUnsetNamesSocket() {
            assertUnsetVariantNamesSocket(n -> n.sendRawAndUnsetEnvironment("READY=1"));
        }

        void assertUnsetVariantNamesSocket(Function<Notifier, Boolean> call) {
            env.put(NS, utf8(SOCKET));
            when(daemon.pidNotifyWithFds(anyInt(), anyBoolean(), any(), any(), anyInt(), anyLong())).thenAnswer(inv -> {
                env.remove(NS);
                return -111;
            });
            SdNotifyException e = assertThrows(SdNotifyException.class, () -> call.apply(notifier));
            assertTrue(e.getMessage().contains("NOTIFY_SOCKET=\"" + SOCKET + "\""), e.getMessage());
            InOrder order = inOrder(environment, daemon);
            order.verify(environment).getenv(NS);
            // Sent without the backend's unset, so an EINTR could be retried; then removed, whatever the outcome.
            order.verify(daemon).pidNotifyWithFds(eq(0), eq(false), eq(utf8("READY=1")), isNull(), eq(0), eq(BLOCKING));
            order.verify(environment).unsetenv(NS);
            assertNull(env.get(NS));
        }

        @Test
        @DisplayName("N19: invalid NOTIFY_SOCKET with -22 → the message says it failed parsing NOTIFY_SOCKET")
        void invalidSocket() {
            env.put(NS, utf8("relative"));
            notifyReturns(-22);
            SdNotifyException e = assertThrows(SdNotifyException.class, notifier::ready);
            assertEquals(22, e.errno());
            assertEquals("EINVAL", e.errnoName());
            assertTrue(e.getMessage().contains("parsing NOTIFY_SOCKET=\"relative\""), e.getMessage());
        }

        @Test
        @DisplayName("N13: storeFds sends FDSTORE=1\\nFDNAME=name with the fds")
        void storeFds() {
            notifyReturns(1);
            assertTrue(notifier.storeFds("db", 5, 6));
            verify(daemon).pidNotifyWithFds(eq(0), eq(false), eq(utf8("FDSTORE=1\nFDNAME=db")), eq(new int[] {5, 6}),
                    eq(2), eq(BLOCKING));
        }

        @Test
        @DisplayName("storeFds of one fd sends it alone")
        void storeOneFd() {
            notifyReturns(1);
            assertTrue(notifier.storeFds("db", 5));
            verify(daemon).pidNotifyWithFds(eq(0), eq(false), eq(utf8("FDSTORE=1\nFDNAME=db")), eq(new int[] {5}), eq(1),
                    eq(BLOCKING));
        }

        @Test
        @DisplayName("reloading sends RELOADING=1 and MONOTONIC_USEC, the JVM's CLOCK_MONOTONIC now")
        void reloading() {
            notifyReturns(1);
            long before = System.nanoTime() / 1000;
            assertTrue(notifier.reloading());
            long after = System.nanoTime() / 1000;
            String payload = sentPayload();
            assertTrue(payload.startsWith("RELOADING=1\nMONOTONIC_USEC="), payload);
            long usec = Long.parseLong(payload.substring(payload.indexOf('=', 12) + 1));
            assertTrue(before <= usec && usec <= after, before + " <= " + usec + " <= " + after);
        }

        /** The barrier's steps over the mocks: a pipe (7, 8), the message through the backend, the wait. */
        void barrierSteps(int sendResult, int... pollResults) {
            when(kernel.pipeCloexec(any())).thenAnswer(inv -> {
                int[] fds = inv.getArgument(0);
                fds[0] = 7;
                fds[1] = 8;
                return 0;
            });
            when(daemon.pidNotifyWithFds(anyInt(), anyBoolean(), any(), any(), anyInt(), anyLong()))
                    .thenReturn(sendResult);
            if (pollResults.length > 0) {
                Integer[] rest = new Integer[pollResults.length - 1];
                for (int i = 1; i < pollResults.length; i++) {
                    rest[i - 1] = pollResults[i];
                }
                when(kernel.pollForHangup(eq(7), anyLong())).thenReturn(pollResults[0], rest);
            }
        }

        static final int POLLHUP = 0x10;

        @Test
        @DisplayName("B7: barrier() → BARRIER=1 with the write end, then waits of 100 ms until the hang-up")
        void barrierInfinite() {
            barrierSteps(1, 0, 0, POLLHUP);
            assertTrue(notifier.barrier());
            InOrder order = inOrder(kernel, daemon);
            order.verify(daemon).pidNotifyWithFds(eq(0), eq(false), eq(utf8("BARRIER=1")), eq(new int[] {8}), eq(1),
                    eq(BLOCKING));
            order.verify(kernel).close(8);
            order.verify(kernel, times(3)).pollForHangup(7, 100_000L);
            order.verify(kernel).close(7);
        }

        @Test
        @DisplayName("B4: barrier(50 ms) → one wait of 50000 µs")
        void barrierMillis() {
            barrierSteps(1, POLLHUP);
            assertTrue(notifier.barrier(Duration.ofMillis(50)));
            verify(kernel).pollForHangup(eq(7), org.mockito.ArgumentMatchers.longThat(w -> w > 40_000 && w <= 50_000));
        }

        @Test
        @DisplayName("a barrier in a thread that is interrupted ends with EINTR, the interrupt kept")
        void barrierOfAnInterruptedThread() {
            barrierSteps(1, 0);
            Thread.currentThread().interrupt();
            try {
                SdNotifyException e = assertThrows(SdNotifyException.class, () -> notifier.barrier());
                assertEquals(4, e.errno());
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
        }

        @Test
        @DisplayName("EINTR during the wait repeats the wait on the same pipe, for the time that is left")
        void barrierInterrupted() {
            barrierSteps(1, -4, -4, POLLHUP);
            assertTrue(notifier.barrier(Duration.ofSeconds(10)));
            ArgumentCaptor<Long> waits = ArgumentCaptor.forClass(Long.class);
            verify(kernel, times(3)).pollForHangup(eq(7), waits.capture());
            verify(daemon, times(1)).pidNotifyWithFds(anyInt(), anyBoolean(), any(), any(), anyInt(), anyLong());
            assertEquals(List.of(100_000L, 100_000L, 100_000L), waits.getAllValues(), "slices of the time left");
        }

        @Test
        @DisplayName("B1: barrier message not applicable → false, both ends closed")
        void barrierNotApplicable() {
            barrierSteps(0);
            assertFalse(notifier.barrier(Duration.ofSeconds(1)));
            verify(kernel).close(7);
            verify(kernel).close(8);
            verify(kernel, never()).pollForHangup(anyInt(), anyLong());
        }

        @Test
        @DisplayName("B4: no hang-up within the timeout → SdNotifyException ETIMEDOUT from sd_notify_barrier")
        void barrierTimeout() {
            env.put(NS, utf8(SOCKET));
            barrierSteps(1, 0);
            SdNotifyException e = assertThrows(SdNotifyException.class,
                    () -> notifier.barrier(Duration.ofMillis(200)));
            assertEquals(110, e.errno());
            assertEquals("ETIMEDOUT", e.errnoName());
            assertEquals("sd_notify_barrier", e.operation());
        }

        @Test
        @DisplayName("B2: barrierAndUnsetEnvironment removes NOTIFY_SOCKET after the barrier and still names it")
        void barrierUnset() {
            env.put(NS, utf8("relative"));
            barrierSteps(-22);
            SdNotifyException e = assertThrows(SdNotifyException.class,
                    () -> notifier.barrierAndUnsetEnvironment(Duration.ofSeconds(1)));
            assertTrue(e.getMessage().contains("parsing NOTIFY_SOCKET=\"relative\""), e.getMessage());
            InOrder order = inOrder(environment, daemon);
            order.verify(environment).getenv(NS);
            order.verify(daemon).pidNotifyWithFds(eq(0), eq(false), eq(utf8("BARRIER=1")), any(), eq(1), eq(BLOCKING));
            order.verify(environment).unsetenv(NS);
        }

        @Test
        @DisplayName("isAvailable follows getenv(NOTIFY_SOCKET)")
        void isAvailable() {
            assertFalse(notifier.isAvailable());
            env.put(NS, utf8(SOCKET));
            assertTrue(notifier.isAvailable());
            verify(daemon, never()).pidNotifyWithFds(anyInt(), anyBoolean(), any(), any(), anyInt(), anyLong());
        }
    }

    @Test
    @DisplayName("Notifier.noop() returns false everywhere")
    void noop() {
        Notifier n = Notifier.noop();
        assertFalse(n.isAvailable());
        assertFalse(n.send(NotifyState.READY));
        assertFalse(n.sendAndUnsetEnvironment(NotifyState.READY));
        assertFalse(n.sendWithFds(new int[] {5}, NotifyState.FDSTORE));
        assertFalse(n.sendAsPid(777, NotifyState.READY));
        assertFalse(n.sendRaw("READY=1"));
        assertFalse(n.sendRawAndUnsetEnvironment("READY=1"));
        assertFalse(n.barrier());
        assertFalse(n.barrier(Duration.ofSeconds(1)));
        assertFalse(n.barrierAsPid(777, Duration.ofSeconds(1)));
        assertFalse(n.barrierAndUnsetEnvironment(Duration.ofSeconds(1)));
        assertFalse(n.reloading());
        assertFalse(n.ready());
        assertFalse(n.ready("x"));
        assertFalse(n.status("x"));
        assertFalse(n.stopping());
        assertFalse(n.watchdog());
        assertFalse(n.storeFds("db", 5));
    }

    // ---------------------------------------------------------------- Watchdog

    void watchdogReturns(int r, long usec) {
        when(daemon.watchdogEnabled(anyBoolean(), any())).thenAnswer(inv -> {
            long[] out = inv.getArgument(1);
            if (r == 1) {
                out[0] = usec;
            }
            return r;
        });
    }

    @Nested
    @DisplayName("Watchdog.interval")
    class WatchdogInterval {

        @Test
        @DisplayName("W3: 1 with 2000000 µs → 2 s")
        void interval() {
            watchdogReturns(1, 2_000_000L);
            assertEquals(Optional.of(Duration.ofSeconds(2)), notifier.watchdogInterval());
            verify(daemon).watchdogEnabled(eq(false), any());
        }

        @Test
        @DisplayName("W1: 0 → empty")
        void none() {
            watchdogReturns(0, 0);
            assertEquals(Optional.empty(), notifier.watchdogInterval());
        }

        @Test
        @DisplayName("W12: -22 with WATCHDOG_USEC=abc → message names WATCHDOG_USEC and abc")
        void badUsec() {
            env.put("WATCHDOG_USEC", utf8("abc"));
            watchdogReturns(-22, 0);
            SdNotifyException e = assertThrows(SdNotifyException.class, () -> notifier.watchdogInterval());
            assertEquals(22, e.errno());
            assertEquals("sd_watchdog_enabled", e.operation());
            assertTrue(e.getMessage().contains("WATCHDOG_USEC=\"abc\""), e.getMessage());
        }

        @Test
        @DisplayName("W7: -34 with valid WATCHDOG_USEC and WATCHDOG_PID=0 → message names WATCHDOG_PID")
        void badPid() {
            env.put("WATCHDOG_USEC", utf8("5000000"));
            env.put("WATCHDOG_PID", utf8("0"));
            watchdogReturns(-34, 0);
            SdNotifyException e = assertThrows(SdNotifyException.class, () -> notifier.watchdogInterval());
            assertEquals(34, e.errno());
            assertTrue(e.getMessage().contains("WATCHDOG_PID=\"0\""), e.getMessage());
            assertFalse(e.getMessage().contains("WATCHDOG_USEC"), e.getMessage());
        }

        @Test
        @DisplayName("W9: 18446744073709551614 µs (above Long.MAX_VALUE) converts as unsigned")
        void unsignedUsec() {
            watchdogReturns(1, -2L);
            assertEquals(Optional.of(Duration.ofSeconds(18_446_744_073_709L, 551_614_000L)),
                    notifier.watchdogInterval());
        }
    }

    // ---------------------------------------------------------------- SocketActivation

    void listenReturns(int r, String... names) {
        when(daemon.listenFdsWithNames(anyBoolean(), any())).thenAnswer(inv -> {
            List<byte[]> out = inv.getArgument(1);
            for (String n : names) {
                out.add(utf8(n));
            }
            return r;
        });
    }

    @Nested
    @DisplayName("SocketActivation.listenFds")
    class Listen {

        @Test
        @DisplayName("L13: names filled by the seam → (3,a), (4,b)")
        void twoFds() {
            listenReturns(2, "a", "b");
            List<ListenFd> fds = notifier.listenFds();
            assertEquals(List.of(ListenFd.of(3, "a"), ListenFd.of(4, "b")), fds);
            verify(daemon).listenFdsWithNames(eq(false), any());
        }

        @Test
        @DisplayName("L1: 0 → empty list")
        void none() {
            listenReturns(0);
            assertEquals(List.of(), notifier.listenFds());
        }

        @Test
        @DisplayName("L8: -9 → exception naming LISTEN_FDS")
        void badFd() {
            env.put("LISTEN_PID", utf8("4242"));
            env.put("LISTEN_FDS", utf8("3"));
            listenReturns(-9);
            SdNotifyException e = assertThrows(SdNotifyException.class,
                    () -> notifier.listenFds());
            assertEquals(9, e.errno());
            assertEquals("EBADF", e.errnoName());
            assertTrue(e.getMessage().contains("LISTEN_FDS=\"3\""), e.getMessage());
        }

        @Test
        @DisplayName("L16: -22 with LISTEN_FDNAMES a\\ → the message mentions the lone backslash")
        void loneBackslash() {
            env.put("LISTEN_PID", utf8("4242"));
            env.put("LISTEN_FDS", utf8("1"));
            env.put("LISTEN_FDNAMES", utf8("a\\"));
            listenReturns(-22);
            SdNotifyException e = assertThrows(SdNotifyException.class,
                    () -> notifier.listenFds());
            assertEquals(22, e.errno());
            assertTrue(e.getMessage().contains("LISTEN_FDNAMES=\"a\\\""), e.getMessage());
            assertTrue(e.getMessage().contains("lone backslash"), e.getMessage());
        }

        @Test
        @DisplayName("D10: -22 with LISTEN_PIDFDID abc → the message names LISTEN_PIDFDID")
        void badPidfdId() {
            env.put("LISTEN_PID", utf8("4242"));
            env.put("LISTEN_PIDFDID", utf8("abc"));
            env.put("LISTEN_FDS", utf8("1"));
            listenReturns(-22);
            SdNotifyException e = assertThrows(SdNotifyException.class, () -> notifier.listenFds());
            assertTrue(e.getMessage().contains("LISTEN_PIDFDID=\"abc\" is not a pidfd inode id"), e.getMessage());
        }

        @Test
        @DisplayName("D11: the unset variant removes LISTEN_PIDFDID itself too, after the seam's call")
        void unsetRemovesPidfdId() {
            listenReturns(1, "a");
            notifier.listenFdsAndUnsetEnvironment();
            InOrder order = inOrder(daemon, environment);
            order.verify(daemon).listenFdsWithNames(eq(true), any());
            order.verify(environment).unsetenv("LISTEN_PIDFDID");
        }

        @Test
        @DisplayName("the returned list is unmodifiable")
        void unmodifiable() {
            listenReturns(1, "a");
            List<ListenFd> fds = notifier.listenFds();
            assertThrows(UnsupportedOperationException.class, () -> fds.add(ListenFd.of(9, "x")));
            assertThrows(UnsupportedOperationException.class, () -> fds.remove(0));
            assertEquals(List.of(ListenFd.of(3, "a")), fds);
        }
    }
}
