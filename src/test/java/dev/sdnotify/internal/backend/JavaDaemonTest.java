package dev.sdnotify.internal.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import dev.sdnotify.internal.backend.MockedPosix.Sent;
import dev.sdnotify.internal.protocol.NotifyAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.InOrder;

/** {@link JavaDaemon} against a mocked {@link Posix}: the order, arguments and results of every step. */
class JavaDaemonTest {
    static final int OWN_PID = MockedPosix.OWN_PID;
    static final int OTHER_PID = OWN_PID + 1;
    static final int SOCKET_FD = MockedPosix.SOCKET_FD;
    static final int PIPE_READ = MockedPosix.PIPE_READ;
    static final int PIPE_WRITE = MockedPosix.PIPE_WRITE;
    static final int MIB16 = 16 * 1024 * 1024;
    static final int MIB8 = 8 * 1024 * 1024;
    static final long SENTINEL = 0x5e5e5e5eL;
    static final String NS = "NOTIFY_SOCKET";
    static final String S = "/run/systemd/notify";

    Posix posix;
    JavaDaemon daemon;
    Map<String, byte[]> env;
    /** Results the successive sendNotifyDatagram calls return; the whole payload sent once exhausted. */
    Deque<Integer> sendResults;
    List<Sent> sends;

    static byte[] b(String s) {
        return MockedPosix.b(s);
    }

    @BeforeEach
    void setUp() {
        MockedPosix m = new MockedPosix();
        posix = m.posix;
        env = m.env;
        sendResults = m.sendResults;
        sends = m.sends;
        daemon = new JavaDaemon(posix);
    }

    void verifySendCount(int n) {
        verify(posix, times(n)).sendNotifyDatagram(anyInt(), any(), anyInt(), any(), anyInt(), any(), anyInt(),
                anyBoolean(), anyInt());
    }

    // ---------------------------------------------------------------- §2 notify

    @Nested
    @DisplayName("§2 pidNotifyWithFds: argument checks and NOTIFY_SOCKET")
    class NotifyArguments {

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("N3/N9/N10: state null → -22 before NOTIFY_SOCKET is read")
        void nullStateBeforeGetenv(boolean unset) {
            env.put(NS, b(S));
            assertEquals(-22, daemon.pidNotifyWithFds(0, unset, null, null, 0));
            verify(posix, never()).getenv(anyString());
            verify(posix, never()).openUnixDatagramSocket();
            verify(posix, times(unset ? 1 : 0)).unsetenv(NS);
            assertEquals(!unset, env.containsKey(NS));
        }

        @Test
        @DisplayName("N3: state null with NOTIFY_SOCKET unset → -22, not 0")
        void nullStateWithoutSocket() {
            assertEquals(-22, daemon.pidNotifyWithFds(0, false, null, null, 0));
            verify(posix, never()).getenv(anyString());
            verify(posix, never()).unsetenv(anyString());
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("N4/N11: nFds > 0 with fds null → -22 before NOTIFY_SOCKET is read")
        void nFdsWithoutArray(boolean unset) {
            env.put(NS, b(S));
            assertEquals(-22, daemon.pidNotifyWithFds(0, unset, b("X"), null, 2));
            verify(posix, never()).getenv(anyString());
            verify(posix, never()).openUnixDatagramSocket();
            verify(posix, times(unset ? 1 : 0)).unsetenv(NS);
        }

        @Test
        @DisplayName("N4: nFds 1 with fds null and NOTIFY_SOCKET unset → -22")
        void nFdsWithoutArrayNoSocket() {
            assertEquals(-22, daemon.pidNotifyWithFds(0, false, b("X"), null, 1));
            verify(posix, never()).getenv(anyString());
        }

        @Test
        @DisplayName("N12: fds non-null with nFds 0 is accepted and sends no fds")
        void fdsWithZeroCount() {
            env.put(NS, b(S));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("FDSTORE=1"), new int[] {5, 6}, 0));
            assertEquals(1, sends.size());
            assertEquals(0, sends.get(0).nFds());
            assertEquals("FDSTORE=1", sends.get(0).payloadText());
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("N1/N2: NOTIFY_SOCKET unset → 0, no socket and no unsetenv")
        void socketUnset(boolean unset) {
            assertEquals(0, daemon.pidNotifyWithFds(0, unset, b("READY=1"), null, 0));
            verify(posix).getenv(NS);
            verify(posix, never()).unsetenv(anyString());
            verify(posix, never()).openUnixDatagramSocket();
            verifySendCount(0);
        }

        @ParameterizedTest(name = "nFds {0}, unset={1}")
        @MethodSource("dev.sdnotify.internal.backend.JavaDaemonTest#tooManyFds")
        @DisplayName("D4: more than 253 fds (n_fds unsigned) → -7 (E2BIG) before NOTIFY_SOCKET is read; unset honoured")
        void moreThanTheKernelPasses(int nFds, boolean unset) {
            env.put(NS, b("relative"));
            assertEquals(-7, daemon.pidNotifyWithFds(0, unset, b("X"), new int[300], nFds));
            verify(posix, never()).getenv(anyString());
            verify(posix, never()).openUnixDatagramSocket();
            verify(posix, times(unset ? 1 : 0)).unsetenv(NS);
        }

        @Test
        @DisplayName("D4: E2BIG with NOTIFY_SOCKET unset too (v252 returned 0)")
        void tooManyFdsWithoutSocket() {
            assertEquals(-7, daemon.pidNotifyWithFds(0, false, b("X"), new int[1000], 1000));
        }

        @Test
        @DisplayName("D4: the NULL checks come first: fds null with 254 → -22")
        void nullFdsBeforeTheCount() {
            assertEquals(-22, daemon.pidNotifyWithFds(0, false, b("X"), null, 254));
            assertEquals(-22, daemon.pidNotifyWithFds(0, false, null, new int[254], 254));
        }

        @Test
        @DisplayName("D4: 253 fds are sent")
        void kernelMaximumIsSent() {
            env.put(NS, b(S));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("FDSTORE=1"), new int[253], 253));
            assertEquals(253, sends.get(0).nFds());
        }
    }

    static Stream<Arguments> tooManyFds() {
        return Stream.of(254, 300, -1, Integer.MIN_VALUE)
                .flatMap(n -> Stream.of(Arguments.of(n, false), Arguments.of(n, true)));
    }

    /** NOTIFY_SOCKET values refused while parsing, with 262's result: EPROTO unless / or @ or vsock. */
    static Stream<Arguments> badAddresses() {
        return Stream.of(Arguments.of("", -71), Arguments.of("/", -22), Arguments.of("@", -22),
                Arguments.of("x", -71), Arguments.of("relative/x", -71), Arguments.of(" /abs", -71),
                Arguments.of("vsock:1:x", -22));
    }

    @Nested
    @DisplayName("§2 step 4: addresses")
    class Addresses {

        @ParameterizedTest(name = "N19 \"{0}\" → {1}")
        @MethodSource("dev.sdnotify.internal.backend.JavaDaemonTest#badAddresses")
        @DisplayName("N19: invalid NOTIFY_SOCKET → -71 or -22, no socket, variable kept")
        void invalidKept(String value, int expected) {
            env.put(NS, b(value));
            assertEquals(expected, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            verify(posix, never()).openUnixDatagramSocket();
            verify(posix, never()).unsetenv(anyString());
            verify(posix, never()).close(anyInt());
        }

        @ParameterizedTest(name = "B2-like \"{0}\" → {1}")
        @MethodSource("dev.sdnotify.internal.backend.JavaDaemonTest#badAddresses")
        @DisplayName("N19 with unset: invalid NOTIFY_SOCKET → -71 or -22 and the variable is unset")
        void invalidUnset(String value, int expected) {
            env.put(NS, b(value));
            assertEquals(expected, daemon.pidNotifyWithFds(0, true, b("x"), null, 0));
            verify(posix, never()).openUnixDatagramSocket();
            verify(posix, times(1)).unsetenv(NS);
            assertFalse(env.containsKey(NS));
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("N20: '/' + 107 bytes (108 total) → -36, no socket")
        void pathTooLong(boolean unset) {
            env.put(NS, b("/" + "a".repeat(107)));
            assertEquals(-36, daemon.pidNotifyWithFds(0, unset, b("x"), null, 0));
            verify(posix, never()).openUnixDatagramSocket();
            verify(posix, times(unset ? 1 : 0)).unsetenv(NS);
        }

        @Test
        @DisplayName("N21: '/' path of 107 bytes → sent, addressLength 2+107+1")
        void longestPath() {
            env.put(NS, b("/" + "a".repeat(106)));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            assertEquals(110, sends.get(0).addressLength());
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("N22: '@' + 107 bytes → -22, no socket")
        void abstractTooLong(boolean unset) {
            env.put(NS, b("@" + "a".repeat(107)));
            assertEquals(-22, daemon.pidNotifyWithFds(0, unset, b("x"), null, 0));
            verify(posix, never()).openUnixDatagramSocket();
            verify(posix, times(unset ? 1 : 0)).unsetenv(NS);
        }

        @Test
        @DisplayName("N22: '@' + 106 bytes → sent, addressLength 2+107 (no NUL counted)")
        void longestAbstract() {
            env.put(NS, b("@" + "a".repeat(106)));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            assertEquals(109, sends.get(0).addressLength());
        }

        @Test
        @DisplayName("N5: \"/run/x\" → sun_path and length as NotifyAddress builds them (2+6+1)")
        void pathAddress() throws Exception {
            env.put(NS, b("/run/x"));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("READY=1"), null, 0));
            NotifyAddress expected = NotifyAddress.parse(b("/run/x"));
            Sent s = sends.get(0);
            assertArrayEquals(expected.sunPath(), s.sunPath());
            assertEquals(expected.addressLength(), s.addressLength());
            assertEquals(9, s.addressLength());
            assertArrayEquals(b("/run/x"), Arrays.copyOf(s.sunPath(), 6));
        }

        @Test
        @DisplayName("N23: \"@abs\" → sun_path \\0abs, length 2+4")
        void abstractAddress() throws Exception {
            env.put(NS, b("@abs"));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            NotifyAddress expected = NotifyAddress.parse(b("@abs"));
            Sent s = sends.get(0);
            assertArrayEquals(expected.sunPath(), s.sunPath());
            assertArrayEquals(new byte[] {0, 'a', 'b', 's'}, Arrays.copyOf(s.sunPath(), 4));
            assertEquals(6, s.addressLength());
        }
    }

    @Nested
    @DisplayName("§2 steps 5, 9, 11: socket, payload, unset; the socket is kept for the next send")
    class Sending {

        @BeforeEach
        void socket() {
            env.put(NS, b(S));
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("step 5: socket() failure → its -errno, nothing closed, nothing sent")
        void socketFails(boolean unset) {
            when(posix.openUnixDatagramSocket()).thenReturn(-24);
            assertEquals(-24, daemon.pidNotifyWithFds(0, unset, b("READY=1"), null, 0));
            verify(posix, never()).close(anyInt());
            verify(posix, never()).getSendBuffer(anyInt());
            verifySendCount(0);
            verify(posix, times(unset ? 1 : 0)).unsetenv(NS);
        }

        @Test
        @DisplayName("N5: success → 1, one datagram, socket kept open, variable kept")
        void success() {
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("READY=1"), null, 0));
            assertEquals(1, sends.size());
            Sent s = sends.get(0);
            assertEquals(SOCKET_FD, s.fd());
            assertEquals("READY=1", s.payloadText());
            assertEquals(7, s.payloadLength());
            assertEquals(0, s.nFds());
            assertFalse(s.creds());
            InOrder order = inOrder(posix);
            order.verify(posix).openUnixDatagramSocket();
            order.verify(posix).sendNotifyDatagram(eq(SOCKET_FD), any(), anyInt(), any(), anyInt(), any(), anyInt(),
                    anyBoolean(), anyInt());
            verify(posix, never()).close(anyInt());
            verify(posix, never()).unsetenv(anyString());
            assertTrue(env.containsKey(NS));
        }

        @Test
        @DisplayName("N18: success with unset → NOTIFY_SOCKET unset after the send")
        void successUnset() {
            assertEquals(1, daemon.pidNotifyWithFds(0, true, b("U"), null, 0));
            InOrder order = inOrder(posix);
            order.verify(posix).sendNotifyDatagram(anyInt(), any(), anyInt(), any(), anyInt(), any(), anyInt(),
                    anyBoolean(), anyInt());
            order.verify(posix).unsetenv(NS);
            verify(posix, times(1)).unsetenv(NS);
            assertFalse(env.containsKey(NS));
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("N24/N26: send failure → its -errno, socket kept, unset honoured")
        void sendFails(boolean unset) {
            sendResults.add(-2);
            assertEquals(-2, daemon.pidNotifyWithFds(0, unset, b("X"), null, 0));
            verifySendCount(1);
            verify(posix, never()).close(anyInt());
            verify(posix, times(unset ? 1 : 0)).unsetenv(NS);
        }

        @Test
        @DisplayName("§1.3: payload length is the C length, up to the first NUL")
        void payloadStopsAtNul() {
            byte[] state = {'R', 'E', 'A', 'D', 'Y', '=', '1', 0, 'j', 'u', 'n', 'k'};
            assertEquals(1, daemon.pidNotifyWithFds(0, false, state, null, 0));
            assertEquals(7, sends.get(0).payloadLength());
            assertEquals("READY=1", sends.get(0).payloadText());
        }

        @Test
        @DisplayName("N6: empty state → 0-byte datagram, result 1")
        void emptyPayload() {
            assertEquals(1, daemon.pidNotifyWithFds(0, false, new byte[0], null, 0));
            assertEquals(0, sends.get(0).payloadLength());
        }

        @Test
        @DisplayName("N7/N8: newlines and non-UTF-8 bytes pass verbatim, full length")
        void payloadVerbatim() {
            byte[] state = {(byte) 0xff, (byte) 0xfe, '\n', 'A', '=', '1', '\n', 0x01};
            assertEquals(1, daemon.pidNotifyWithFds(0, false, state, null, 0));
            Sent s = sends.get(0);
            assertEquals(8, s.payloadLength());
            assertArrayEquals(state, Arrays.copyOf(s.payload(), s.payloadLength()));
        }

        @Test
        @DisplayName("N13: fds are passed verbatim with their count")
        void fdsPassed() {
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("FDSTORE=1"), new int[] {5, 999}, 2));
            Sent s = sends.get(0);
            assertEquals(2, s.nFds());
            assertArrayEquals(new int[] {5, 999}, Arrays.copyOf(s.fds(), 2));
        }
    }

    @Nested
    @DisplayName("one shared socket for blocking sends")
    class SharedSocket {

        @BeforeEach
        void socket() {
            env.put(NS, b(S));
        }

        @Test
        @DisplayName("opened and tuned once, then every send and every thread uses it")
        void openedOnce() {
            for (int i = 0; i < 3; i++) {
                assertEquals(1, daemon.pidNotifyWithFds(0, false, b("WATCHDOG=1"), null, 0));
            }
            verify(posix, times(1)).openUnixDatagramSocket();
            verify(posix, times(1)).setSendBuffer(SOCKET_FD, MIB8, false);
            assertEquals(3, sends.size());
            assertTrue(sends.stream().allMatch(s -> s.fd() == SOCKET_FD));
            verify(posix, never()).close(anyInt());
        }

        @Test
        @DisplayName("a failed socket() is not kept: the next send tries again")
        void socketFailureNotKept() {
            when(posix.openUnixDatagramSocket()).thenReturn(-24, SOCKET_FD);
            assertEquals(-24, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            verify(posix, times(2)).openUnixDatagramSocket();
        }

        @ParameterizedTest(name = "-{0}")
        @ValueSource(ints = {9, 88})
        @DisplayName("closed between the check and the send (EBADF/ENOTSOCK, then no cookie): reopen, resend, "
                + "old number not closed")
        void reopenedWhenGone(int errno) {
            when(posix.openUnixDatagramSocket()).thenReturn(SOCKET_FD, SOCKET_FD + 1);
            when(posix.socketCookie(SOCKET_FD)).thenReturn(7L, (long) -errno);
            when(posix.socketCookie(SOCKET_FD + 1)).thenReturn(8L);
            sendResults.add(-errno);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            assertEquals(2, sends.size());
            assertEquals(SOCKET_FD + 1, sends.get(1).fd());
            verify(posix, never()).close(anyInt());
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("y"), null, 0));
            assertEquals(SOCKET_FD + 1, sends.get(2).fd());
        }

        @Test
        @DisplayName("the number now names another socket (its cookie differs): a new socket, the number left alone")
        void numberTakenOverBeforeASend() {
            when(posix.openUnixDatagramSocket()).thenReturn(SOCKET_FD, SOCKET_FD + 1);
            when(posix.socketCookie(SOCKET_FD)).thenReturn(7L, 99L);
            when(posix.socketCookie(SOCKET_FD + 1)).thenReturn(8L);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("y"), null, 0));
            assertEquals(SOCKET_FD, sends.get(0).fd());
            assertEquals(SOCKET_FD + 1, sends.get(1).fd(), "not sent through the other socket");
            assertEquals(2, sends.size());
            verify(posix, never()).close(anyInt());
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("z"), null, 0));
            assertEquals(SOCKET_FD + 1, sends.get(2).fd());
            verify(posix, times(2)).openUnixDatagramSocket();
        }

        @Test
        @DisplayName("no SO_COOKIE (a kernel before 4.12, ENOPROTOOPT): a socket per message, as libsystemd does")
        void withoutCookiesEveryMessageHasItsOwnSocket() {
            when(posix.openUnixDatagramSocket()).thenReturn(SOCKET_FD, SOCKET_FD + 1, SOCKET_FD + 2);
            when(posix.socketCookie(anyInt())).thenReturn(-92L);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("y"), null, 0));
            assertEquals(List.of(SOCKET_FD + 1, SOCKET_FD + 2), sends.stream().map(d -> d.fd()).collect(
                    java.util.stream.Collectors.toList()));
            verify(posix).close(SOCKET_FD);
            verify(posix).close(SOCKET_FD + 1);
            verify(posix).close(SOCKET_FD + 2);
            verify(posix, times(1)).socketCookie(anyInt());
            verify(posix, never()).setSendTimeout(anyInt(), anyLong());
        }

        @Test
        @DisplayName("EBADF while the socket is fine (a passed fd is closed) → -EBADF, socket kept, no resend")
        void badPassedFd() {
            sendResults.add(-9);
            assertEquals(-9, daemon.pidNotifyWithFds(0, false, b("FDSTORE=1"), new int[] {99}, 1));
            assertEquals(1, sends.size());
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            verify(posix, times(1)).openUnixDatagramSocket();
        }

        @Test
        @DisplayName("NOTIFY_SOCKET is parsed again when its value changes")
        void addressFollowsVariable() {
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            env.put(NS, b("@other"));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            env.put(NS, b("relative"));
            assertEquals(-71, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            assertEquals(2, sends.size());
            assertEquals(2 + S.length() + 1, sends.get(0).addressLength());
            assertEquals(2 + "@other".length(), sends.get(1).addressLength());
            assertEquals(0, sends.get(1).sunPath()[0]);
        }
    }

    @Nested
    @DisplayName("timed sends: libsystemd's socket per message, with SO_SNDTIMEO")
    class TimedSend {

        @BeforeEach
        void socket() {
            env.put(NS, b(S));
        }

        @Test
        @DisplayName("socket, send buffer, SO_SNDTIMEO, send, close — every time")
        void order() {
            when(posix.setSendTimeout(anyInt(), anyLong())).thenReturn(0);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("WATCHDOG=1"), null, 0, 250_000L));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("WATCHDOG=1"), null, 0, 250_000L));
            InOrder order = inOrder(posix);
            for (int i = 0; i < 2; i++) {
                order.verify(posix).openUnixDatagramSocket();
                order.verify(posix).getSendBuffer(SOCKET_FD);
                order.verify(posix).setSendTimeout(SOCKET_FD, 250_000L);
                order.verify(posix).sendNotifyDatagram(eq(SOCKET_FD), any(), anyInt(), any(), anyInt(), any(),
                        anyInt(), anyBoolean(), anyInt());
                order.verify(posix).close(SOCKET_FD);
            }
        }

        @Test
        @DisplayName("the timeout expiring (EAGAIN) → -EAGAIN, socket closed, unset honoured")
        void timeoutExpires() {
            when(posix.setSendTimeout(anyInt(), anyLong())).thenReturn(0);
            sendResults.add(-11);
            assertEquals(-11, daemon.pidNotifyWithFds(0, true, b("x"), null, 0, 1000L));
            verify(posix, times(1)).close(SOCKET_FD);
            assertFalse(env.containsKey(NS));
        }

        @Test
        @DisplayName("SO_SNDTIMEO refused → its -errno, nothing sent, socket closed")
        void setTimeoutFails() {
            when(posix.setSendTimeout(anyInt(), anyLong())).thenReturn(-22);
            assertEquals(-22, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, 1000L));
            verifySendCount(0);
            verify(posix, times(1)).close(SOCKET_FD);
        }

        @Test
        @DisplayName("the barrier's message goes through the timed path too")
        void barrier() {
            when(posix.setSendTimeout(anyInt(), anyLong())).thenReturn(0);
            when(posix.pollForHangup(anyInt(), anyLong())).thenReturn(0x10);
            assertEquals(1, daemon.notifyBarrier(false, 2_000_000L, 5000L));
            verify(posix).setSendTimeout(SOCKET_FD, 5000L);
            verify(posix, times(1)).close(SOCKET_FD);
        }
    }

    @Nested
    @DisplayName("§2 step 6: send buffer growth")
    class SendBuffer {

        @BeforeEach
        void socket() {
            env.put(NS, b(S));
        }

        @Test
        @DisplayName("(a) first SO_SNDBUF already ≥ 16 MiB → no setsockopt at all")
        void alreadyLarge() {
            when(posix.getSendBuffer(SOCKET_FD)).thenReturn(MIB16);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            verify(posix, times(1)).getSendBuffer(SOCKET_FD);
            verify(posix, never()).setSendBuffer(anyInt(), anyInt(), anyBoolean());
        }

        @Test
        @DisplayName("(b) setting SO_SNDBUF fails → stop: no second get, no force; result unaffected")
        void setFails() {
            when(posix.setSendBuffer(SOCKET_FD, MIB8, false)).thenReturn(-1);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            verify(posix, times(1)).getSendBuffer(SOCKET_FD);
            verify(posix, times(1)).setSendBuffer(SOCKET_FD, MIB8, false);
            verify(posix, never()).setSendBuffer(anyInt(), anyInt(), eq(true));
        }

        @Test
        @DisplayName("(c) after SO_SNDBUF the value is ≥ 16 MiB → no SO_SNDBUFFORCE")
        void setSuffices() {
            when(posix.getSendBuffer(SOCKET_FD)).thenReturn(212992, MIB16);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            InOrder order = inOrder(posix);
            order.verify(posix).getSendBuffer(SOCKET_FD);
            order.verify(posix).setSendBuffer(SOCKET_FD, MIB8, false);
            order.verify(posix).getSendBuffer(SOCKET_FD);
            verify(posix, times(2)).getSendBuffer(SOCKET_FD);
            verify(posix, never()).setSendBuffer(anyInt(), anyInt(), eq(true));
        }

        @Test
        @DisplayName("(d) still < 16 MiB → SO_SNDBUFFORCE 8 MiB before the send; its EPERM is ignored")
        void force() {
            when(posix.getSendBuffer(SOCKET_FD)).thenReturn(212992, MIB16 - 1);
            when(posix.setSendBuffer(SOCKET_FD, MIB8, true)).thenReturn(-1);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            InOrder order = inOrder(posix);
            order.verify(posix).getSendBuffer(SOCKET_FD);
            order.verify(posix).setSendBuffer(SOCKET_FD, MIB8, false);
            order.verify(posix).getSendBuffer(SOCKET_FD);
            order.verify(posix).setSendBuffer(SOCKET_FD, MIB8, true);
            order.verify(posix).sendNotifyDatagram(anyInt(), any(), anyInt(), any(), anyInt(), any(), anyInt(),
                    anyBoolean(), anyInt());
            verify(posix, times(2)).setSendBuffer(anyInt(), anyInt(), anyBoolean());
        }

        @Test
        @DisplayName("getsockopt errors are ignored: the send still happens and its result stands")
        void getFails() {
            when(posix.getSendBuffer(SOCKET_FD)).thenReturn(-9);
            when(posix.setSendBuffer(anyInt(), anyInt(), anyBoolean())).thenReturn(-9);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0));
            verifySendCount(1);
        }
    }

    static Stream<Arguments> credentialCases() {
        // pid, uid, euid, gid, egid, sendCredentials, credPid (checked only when sent)
        return Stream.of(
                Arguments.of("pid 0, same ids", 0, 1000, 1000, 1000, 1000, false, 0),
                Arguments.of("pid == own pid", OWN_PID, 1000, 1000, 1000, 1000, false, 0),
                Arguments.of("other pid", 777, 1000, 1000, 1000, 1000, true, 777),
                Arguments.of("negative pid", -5, 1000, 1000, 1000, 1000, true, -5),
                Arguments.of("pid 0, uid != euid", 0, 65534, 0, 1000, 1000, true, OWN_PID),
                Arguments.of("pid 0, gid != egid", 0, 1000, 1000, 65534, 0, true, OWN_PID),
                Arguments.of("own pid, uid != euid", OWN_PID, 65534, 0, 1000, 1000, true, OWN_PID));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("credentialCases")
    @DisplayName("§2 step 7: when SCM_CREDENTIALS is sent, and with which pid")
    void credentials(String name, int pid, int uid, int euid, int gid, int egid, boolean expectCreds,
            int expectPid) {
        env.put(NS, b(S));
        when(posix.getuid()).thenReturn(uid);
        when(posix.geteuid()).thenReturn(euid);
        when(posix.getgid()).thenReturn(gid);
        when(posix.getegid()).thenReturn(egid);
        assertEquals(1, daemon.pidNotifyWithFds(pid, false, b("P"), null, 0));
        assertEquals(1, sends.size());
        assertEquals(expectCreds, sends.get(0).creds());
        if (expectCreds) {
            assertEquals(expectPid, sends.get(0).credPid());
        }
    }

    @Nested
    @DisplayName("§2 step 10: retry without credentials")
    class Retry {

        @BeforeEach
        void socket() {
            env.put(NS, b(S));
        }

        @ParameterizedTest(name = "first send -{0}")
        @ValueSource(ints = {1, 3, 2, 111})
        @DisplayName("N17: with credentials, any first error → one retry without them, same fds → 1")
        void retrySucceeds(int errno) {
            sendResults.add(-errno);
            sendResults.add(1);
            assertEquals(1, daemon.pidNotifyWithFds(777, false, b("P"), new int[] {5, 6}, 2));
            assertEquals(2, sends.size());
            Sent first = sends.get(0);
            Sent second = sends.get(1);
            assertTrue(first.creds());
            assertEquals(777, first.credPid());
            assertFalse(second.creds());
            assertEquals(2, second.nFds());
            assertArrayEquals(new int[] {5, 6}, Arrays.copyOf(second.fds(), 2));
            assertEquals("P", second.payloadText());
            assertArrayEquals(first.sunPath(), second.sunPath());
            assertEquals(first.addressLength(), second.addressLength());
            InOrder order = inOrder(posix);
            order.verify(posix).sendNotifyDatagram(anyInt(), any(), anyInt(), any(), anyInt(), any(), eq(2),
                    eq(true), eq(777));
            order.verify(posix).sendNotifyDatagram(anyInt(), any(), anyInt(), any(), anyInt(), any(), eq(2),
                    eq(false), anyInt());
            verify(posix, never()).close(anyInt());
        }

        @ParameterizedTest(name = "first send -{0}")
        @ValueSource(ints = {1, 3, 2, 111})
        @DisplayName("N25: both attempts fail → the second attempt's errno")
        void retryFails(int errno) {
            sendResults.add(-errno);
            sendResults.add(-91);
            assertEquals(-91, daemon.pidNotifyWithFds(777, false, b("P"), null, 0));
            assertEquals(2, sends.size());
            assertFalse(sends.get(1).creds());
            verify(posix, never()).close(anyInt());
        }

        @ParameterizedTest(name = "send -{0}")
        @ValueSource(ints = {1, 3, 2, 111})
        @DisplayName("without credentials: exactly one send, its errno returned")
        void noRetryWithoutCredentials(int errno) {
            sendResults.add(-errno);
            assertEquals(-errno, daemon.pidNotifyWithFds(0, false, b("P"), null, 0));
            verifySendCount(1);
            verify(posix, never()).close(anyInt());
        }

        @Test
        @DisplayName("retry path with unset → NOTIFY_SOCKET unset once")
        void retryUnset() {
            sendResults.add(-3);
            sendResults.add(-2);
            assertEquals(-2, daemon.pidNotifyWithFds(777, true, b("P"), null, 0));
            verify(posix, times(1)).unsetenv(NS);
        }
    }

    // ---------------------------------------------------------------- §3 barrier

    @Nested
    @DisplayName("§3 notifyBarrier")
    class Barrier {

        @Test
        @DisplayName("B1: pipe2 first even with NOTIFY_SOCKET unset → 0, both ends closed, no wait")
        void unsetSocket() {
            assertEquals(0, daemon.notifyBarrier(false, 1_000_000L));
            InOrder order = inOrder(posix);
            order.verify(posix).pipeCloexec(any());
            order.verify(posix).getenv(NS);
            verify(posix, times(1)).close(PIPE_READ);
            verify(posix, times(1)).close(PIPE_WRITE);
            verify(posix, never()).pollForHangup(anyInt(), anyLong());
            verify(posix, never()).openUnixDatagramSocket();
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("D8: pipe2 failure → its -errno, nothing read or closed; with unset NOTIFY_SOCKET is removed")
        void pipeFails(boolean unset) {
            env.put(NS, b(S));
            // doReturn: the default answer would write into the null argument of a when() call.
            doReturn(-24).when(posix).pipeCloexec(any());
            assertEquals(-24, daemon.notifyBarrier(unset, 1_000_000L));
            verify(posix, times(unset ? 1 : 0)).unsetenv(NS);
            verify(posix, never()).getenv(anyString());
            verify(posix, never()).close(anyInt());
            assertEquals(!unset, env.containsKey(NS));
        }

        @Test
        @DisplayName("the message is exactly BARRIER=1 with one fd, the pipe's write end, pid 0")
        void message() {
            env.put(NS, b(S));
            when(posix.pollForHangup(anyInt(), anyLong())).thenReturn(0x10);
            assertEquals(1, daemon.notifyBarrier(false, 1_000_000L));
            assertEquals(1, sends.size());
            Sent s = sends.get(0);
            assertEquals(9, s.payloadLength());
            assertEquals("BARRIER=1", s.payloadText());
            assertEquals(1, s.nFds());
            assertEquals(PIPE_WRITE, s.fds()[0]);
            assertFalse(s.creds());
        }

        @Test
        @DisplayName("B2: NOTIFY_SOCKET=relative with unset → -71 (EPROTO), variable unset, both ends closed")
        void invalidAddress() {
            env.put(NS, b("relative"));
            assertEquals(-71, daemon.notifyBarrier(true, 1_000_000L));
            verify(posix, times(1)).unsetenv(NS);
            verify(posix, times(1)).close(PIPE_READ);
            verify(posix, times(1)).close(PIPE_WRITE);
            verify(posix, never()).pollForHangup(anyInt(), anyLong());
        }

        @Test
        @DisplayName("B3: send failure → its error, both ends closed, no wait")
        void sendFails() {
            env.put(NS, b(S));
            sendResults.add(-2);
            assertEquals(-2, daemon.notifyBarrier(false, 1_000_000L));
            verify(posix, times(1)).close(PIPE_READ);
            verify(posix, times(1)).close(PIPE_WRITE);
            verify(posix, never()).pollForHangup(anyInt(), anyLong());
        }

        @Test
        @DisplayName("B6: write end closed before the wait, read end after; POLLHUP → 1")
        void orderOnSuccess() {
            env.put(NS, b(S));
            when(posix.pollForHangup(anyInt(), anyLong())).thenReturn(0x10);
            assertEquals(1, daemon.notifyBarrier(false, 2_000_000L));
            InOrder order = inOrder(posix);
            order.verify(posix).pipeCloexec(any());
            order.verify(posix).sendNotifyDatagram(anyInt(), any(), anyInt(), any(), anyInt(), any(), anyInt(),
                    anyBoolean(), anyInt());
            order.verify(posix).close(PIPE_WRITE);
            order.verify(posix).pollForHangup(PIPE_READ, 2_000_000L);
            order.verify(posix).close(PIPE_READ);
            verify(posix, times(1)).close(PIPE_READ);
            verify(posix, times(1)).close(PIPE_WRITE);
            verify(posix, never()).close(SOCKET_FD);
        }

        @Test
        @DisplayName("D8/B7: with unset, NOTIFY_SOCKET is removed after the wait, once, not by the send")
        void unsetAfterWait() {
            env.put(NS, b(S));
            when(posix.pollForHangup(anyInt(), anyLong())).thenAnswer(inv -> {
                assertTrue(env.containsKey(NS), "NOTIFY_SOCKET is still set during the wait");
                return 0x10;
            });
            assertEquals(1, daemon.notifyBarrier(true, -1L));
            InOrder order = inOrder(posix);
            order.verify(posix).sendNotifyDatagram(anyInt(), any(), anyInt(), any(), anyInt(), any(), anyInt(),
                    anyBoolean(), anyInt());
            order.verify(posix).pollForHangup(PIPE_READ, -1L);
            order.verify(posix).unsetenv(NS);
            verify(posix, times(1)).unsetenv(NS);
            assertFalse(env.containsKey(NS));
        }

        @ParameterizedTest(name = "revents {0}")
        @ValueSource(ints = {0, 0x20, -4})
        @DisplayName("D8: unset after a timeout, POLLNVAL or EINTR too")
        void unsetOnEveryWaitOutcome(int revents) {
            env.put(NS, b(S));
            when(posix.pollForHangup(anyInt(), anyLong())).thenReturn(revents);
            daemon.notifyBarrier(true, 1000L);
            InOrder order = inOrder(posix);
            order.verify(posix).pollForHangup(PIPE_READ, 1000L);
            order.verify(posix).unsetenv(NS);
            verify(posix, times(1)).unsetenv(NS);
        }

        @Test
        @DisplayName("D8: the static barrier sends through the given sender with unset false, and unsets itself")
        void staticBarrierSendsWithoutUnset() {
            env.put(NS, b(S));
            SdDaemon sender = org.mockito.Mockito.mock(SdDaemon.class);
            when(sender.pidNotifyWithFds(anyInt(), anyBoolean(), any(), any(), anyInt(), anyLong())).thenReturn(1);
            when(posix.pollForHangup(anyInt(), anyLong())).thenReturn(0x10);
            assertEquals(1, JavaDaemon.barrier(posix, sender, 77, true, 1000L, SdDaemon.BLOCKING, true));
            verify(sender).pidNotifyWithFds(eq(77), eq(false), any(), any(), eq(1), eq(SdDaemon.BLOCKING));
            verify(posix, times(1)).unsetenv(NS);
        }

        @Test
        @DisplayName("retryInterrupted: EINTR from the wait repeats it on the same pipe; unset once, at the end")
        void retryInterruptedWaitsAgain() {
            env.put(NS, b(S));
            when(posix.pollForHangup(anyInt(), anyLong())).thenReturn(-4, 0x10);
            assertEquals(1, JavaDaemon.barrier(posix, daemon, 0, true, -1L, SdDaemon.BLOCKING, true));
            verify(posix, times(2)).pollForHangup(PIPE_READ, -1L);
            verify(posix, times(1)).unsetenv(NS);
            verify(posix, times(1)).pipeCloexec(any());
        }

        @Test
        @DisplayName("B4/B5: poll returns 0 → -110 (ETIMEDOUT), read end closed")
        void timeout() {
            env.put(NS, b(S));
            when(posix.pollForHangup(anyInt(), anyLong())).thenReturn(0);
            assertEquals(-110, daemon.notifyBarrier(false, 0L));
            verify(posix, times(1)).close(PIPE_READ);
            verify(posix, times(1)).close(PIPE_WRITE);
        }

        @Test
        @DisplayName("B10: poll -4 (EINTR) → -4, not retried")
        void interrupted() {
            env.put(NS, b(S));
            when(posix.pollForHangup(anyInt(), anyLong())).thenReturn(-4);
            assertEquals(-4, daemon.notifyBarrier(false, 5_000_000L));
            verify(posix, times(1)).pollForHangup(anyInt(), anyLong());
            verify(posix, times(1)).close(PIPE_READ);
        }

        @ParameterizedTest(name = "revents 0x{0}")
        @ValueSource(ints = {0x20, 0x30})
        @DisplayName("POLLNVAL in revents → -9 (EBADF)")
        void pollNval(int revents) {
            env.put(NS, b(S));
            when(posix.pollForHangup(anyInt(), anyLong())).thenReturn(revents);
            assertEquals(-9, daemon.notifyBarrier(false, 1_000_000L));
            verify(posix, times(1)).close(PIPE_READ);
        }

        @ParameterizedTest(name = "revents 0x{0}")
        @ValueSource(ints = {0x10, 0x08, 0x18})
        @DisplayName("any other revents (POLLHUP, POLLERR) → 1")
        void pollHangup(int revents) {
            env.put(NS, b(S));
            when(posix.pollForHangup(anyInt(), anyLong())).thenReturn(revents);
            assertEquals(1, daemon.notifyBarrier(false, 1_000_000L));
        }

        @ParameterizedTest(name = "timeout {0}")
        @ValueSource(longs = {0L, 100_000L, 200_000L, -1L, -2L, Long.MAX_VALUE})
        @DisplayName("B4/B7/B9: the timeout reaches ppoll unchanged (-1 = UINT64_MAX, -2 = UINT64_MAX-1)")
        void timeoutPassedThrough(long timeout) {
            env.put(NS, b(S));
            when(posix.pollForHangup(anyInt(), anyLong())).thenReturn(0x10);
            assertEquals(1, daemon.notifyBarrier(false, timeout));
            verify(posix).pollForHangup(PIPE_READ, timeout);
        }
    }

    // ---------------------------------------------------------------- §4 watchdog

    static final String OWN = Integer.toString(OWN_PID);

    /** usec, pid, expected result, expected *usec (null = untouched), vector id. */
    static Stream<Arguments> watchdogRows() {
        return Stream.of(
                row("W1", null, null, 0, null),
                row("W2", null, OWN, 0, null),
                row("W3", "5000000", null, 1, 5000000L),
                row("W4", "5000000", OWN, 1, 5000000L),
                row("W4", "5000000", " \t" + OWN, 1, 5000000L),
                row("W4", "5000000", "0x" + Integer.toHexString(OWN_PID), 1, 5000000L),
                row("W4", "5000000", "0" + Integer.toOctalString(OWN_PID), 1, 5000000L),
                row("W5", "5000000", Integer.toString(OTHER_PID), 0, null),
                row("W6", "5000000", "abc", -22, null),
                row("W6", "5000000", "", -22, null),
                row("W6", "5000000", " ", -22, null),
                row("W7", "5000000", "0", -34, null),
                row("W7", "5000000", "-1", -34, null),
                row("W7", "5000000", "2147483648", -34, null),
                row("W8", "0", OWN, -22, null),
                row("W8", "0", "abc", -22, null),
                row("W8", "0", null, -22, null),
                row("W9", "1", null, 1, 1L),
                row("W9", "18446744073709551614", null, 1, -2L),
                row("W10", "18446744073709551615", null, -22, null),
                row("W11", "18446744073709551616", null, -34, null),
                row("W11", "-5", null, -34, null),
                row("W12", "abc", null, -22, null),
                row("W12", "", null, -22, null),
                row("W12", "5 ", null, -22, null),
                row("W12", "1e6", null, -22, null),
                row("W12", "-0", null, -22, null),
                row("W12", "08", null, -22, null),
                row("W13", "0x10", null, 1, 16L),
                row("W13", "010", null, 1, 8L),
                row("W13", "0o17", null, 1, 15L),
                row("W13", "0b101", null, 1, 5L),
                row("W13", "+5", null, 1, 5L),
                row("W13", " 5", null, 1, 5L));
    }

    static Arguments row(String id, String usec, String pid, int ret, Long written) {
        return Arguments.of(id, usec, pid, ret, written);
    }

    @Nested
    @DisplayName("§4 watchdogEnabled")
    class WatchdogEnabled {

        @ParameterizedTest(name = "{0}: USEC={1} PID={2} → {3}")
        @MethodSource("dev.sdnotify.internal.backend.JavaDaemonTest#watchdogRows")
        void withoutUnset(String id, String usec, String pid, int ret, Long written) {
            putIfSet("WATCHDOG_USEC", usec);
            putIfSet("WATCHDOG_PID", pid);
            long[] out = {SENTINEL};
            assertEquals(ret, daemon.watchdogEnabled(false, out));
            assertEquals(written == null ? SENTINEL : written, out[0]);
            verify(posix, never()).unsetenv(anyString());
        }

        @ParameterizedTest(name = "{0}: USEC={1} PID={2} → {3}, both unset")
        @MethodSource("dev.sdnotify.internal.backend.JavaDaemonTest#watchdogRows")
        void withUnset(String id, String usec, String pid, int ret, Long written) {
            putIfSet("WATCHDOG_USEC", usec);
            putIfSet("WATCHDOG_PID", pid);
            long[] out = {SENTINEL};
            assertEquals(ret, daemon.watchdogEnabled(true, out));
            assertEquals(written == null ? SENTINEL : written, out[0]);
            verify(posix, times(1)).unsetenv("WATCHDOG_USEC");
            verify(posix, times(1)).unsetenv("WATCHDOG_PID");
            assertFalse(env.containsKey("WATCHDOG_USEC"));
            assertFalse(env.containsKey("WATCHDOG_PID"));
        }

        @ParameterizedTest(name = "{0}: USEC={1} PID={2} → {3} with usec NULL")
        @MethodSource("dev.sdnotify.internal.backend.JavaDaemonTest#watchdogRows")
        @DisplayName("W14: usecOut null is allowed on every row")
        void nullOut(String id, String usec, String pid, int ret, Long written) {
            putIfSet("WATCHDOG_USEC", usec);
            putIfSet("WATCHDOG_PID", pid);
            assertEquals(ret, daemon.watchdogEnabled(false, null));
        }

        @Test
        @DisplayName("W14: USEC=77, usec NULL → 1")
        void w14() {
            env.put("WATCHDOG_USEC", b("77"));
            assertEquals(1, daemon.watchdogEnabled(false, null));
        }

        @Test
        @DisplayName("W5: other pid with unset → 0, untouched, both unset")
        void w5Unset() {
            env.put("WATCHDOG_USEC", b("5000000"));
            env.put("WATCHDOG_PID", b(Integer.toString(OTHER_PID)));
            long[] out = {SENTINEL};
            assertEquals(0, daemon.watchdogEnabled(true, out));
            assertEquals(SENTINEL, out[0]);
            assertTrue(env.isEmpty());
        }
    }

    void putIfSet(String name, String value) {
        if (value != null) {
            env.put(name, b(value));
        }
    }

    // ---------------------------------------------------------------- §5 booted

    static Stream<Arguments> bootedRows() {
        return Stream.of(Arguments.of("K2", 0, 1), Arguments.of("K1", -2, 0), Arguments.of("K5", -20, -20),
                Arguments.of("K6", -13, -13));
    }

    @ParameterizedTest(name = "{0}: access {1} → {2}")
    @MethodSource("bootedRows")
    @DisplayName("§5 booted: one access of \"/run/systemd/system/\" with its trailing slash")
    void booted(String id, int access, int ret) {
        when(posix.accessNoFollow(anyString())).thenReturn(access);
        assertEquals(ret, daemon.booted());
        verify(posix, times(1)).accessNoFollow("/run/systemd/system/");
        verify(posix, times(1)).accessNoFollow(anyString());
        verify(posix, never()).getenv(anyString());
    }

    // ---------------------------------------------------------------- §6 listen fds

    static final String[] LISTEN_VARS = {"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"};

    void listen(String pid, String fds, String names) {
        putIfSet("LISTEN_PID", pid);
        putIfSet("LISTEN_FDS", fds);
        putIfSet("LISTEN_FDNAMES", names);
    }

    void verifyListenUnset(boolean unset) {
        for (String v : LISTEN_VARS) {
            verify(posix, times(unset ? 1 : 0)).unsetenv(v);
        }
        if (unset) {
            assertTrue(env.isEmpty(), "left: " + env.keySet());
        }
    }

    void verifyFdsUntouched() {
        verify(posix, never()).getFdFlags(anyInt());
        verify(posix, never()).setFdFlags(anyInt(), anyInt());
    }

    static List<String> strings(List<byte[]> names) {
        return names.stream().map(n -> new String(n, StandardCharsets.ISO_8859_1)).collect(Collectors.toList());
    }

    /** LISTEN_PID, LISTEN_FDS, getFdFlags failure fd (0 = none), expected result, vector id. */
    static Stream<Arguments> listenRows() {
        String other = Integer.toString(OTHER_PID);
        return Stream.of(
                Arguments.of("L1", null, "2", 0, 0),
                Arguments.of("L2", other, "2", 0, 0),
                Arguments.of("L3", OWN, null, 0, 0),
                Arguments.of("L4", OWN, "2", 0, 2),
                Arguments.of("L4", OWN, " 2", 0, 2),
                Arguments.of("L4", OWN, "+2", 0, 2),
                Arguments.of("L4", OWN, "0x2", 0, 2),
                Arguments.of("L5", OWN, "1", 0, 1),
                Arguments.of("L6", OWN, "0", 0, -22),
                Arguments.of("L6", OWN, "-1", 0, -22),
                Arguments.of("L6", OWN, "2147483645", 0, -22),
                Arguments.of("L7", OWN, "abc", 0, -22),
                Arguments.of("L8", OWN, "3", 5, -9),
                Arguments.of("L9", OWN, "2147483644", 5, -9),
                Arguments.of("L10", OWN, "2147483648", 0, -34),
                Arguments.of("L11", "abc", "2", 0, -22),
                Arguments.of("L11", "0", "2", 0, -34),
                Arguments.of("L11", "-1", "2", 0, -34),
                Arguments.of("L11", "", "2", 0, -22));
    }

    @Nested
    @DisplayName("§6 listenFds")
    class ListenFds {

        @BeforeEach
        void flags() {
            when(posix.getFdFlags(anyInt())).thenReturn(0);
            when(posix.setFdFlags(anyInt(), anyInt())).thenReturn(0);
        }

        @ParameterizedTest(name = "{0}: PID={1} FDS={2} → {4} (unset={5})")
        @MethodSource("rows")
        void vectors(String id, String pid, String fds, int badFd, int ret, boolean unset) {
            listen(pid, fds, "x:y");
            if (badFd != 0) {
                when(posix.getFdFlags(badFd)).thenReturn(-9);
            }
            assertEquals(ret, daemon.listenFds(unset));
            verifyListenUnset(unset);
            if (ret > 0) {
                for (int fd = 3; fd < 3 + ret; fd++) {
                    verify(posix).setFdFlags(fd, 1);
                }
                verify(posix, times(ret)).setFdFlags(anyInt(), anyInt());
                verify(posix, never()).getFdFlags(3 + ret);
            } else if (badFd == 0) {
                verifyFdsUntouched();
            }
        }

        static Stream<Arguments> rows() {
            return listenRows().flatMap(a -> Stream.of(false, true).map(u -> {
                Object[] v = Arrays.copyOf(a.get(), 6);
                v[5] = u;
                return Arguments.of(v);
            }));
        }

        @Test
        @DisplayName("L8: fd 5 fails with EBADF → -9; fds 3 and 4 already CLOEXEC")
        void partialEffect() {
            listen(OWN, "3", null);
            when(posix.getFdFlags(5)).thenReturn(-9);
            assertEquals(-9, daemon.listenFds(false));
            InOrder order = inOrder(posix);
            order.verify(posix).setFdFlags(3, 1);
            order.verify(posix).setFdFlags(4, 1);
            order.verify(posix).getFdFlags(5);
            verify(posix, never()).setFdFlags(eq(5), anyInt());
            verify(posix, never()).getFdFlags(6);
        }

        @Test
        @DisplayName("§6 step 7: F_SETFD failure → its -errno, later fds untouched")
        void setFails() {
            listen(OWN, "3", null);
            when(posix.setFdFlags(4, 1)).thenReturn(-9);
            assertEquals(-9, daemon.listenFds(false));
            verify(posix, never()).getFdFlags(5);
        }

        @Test
        @DisplayName("§6 step 7: FD_CLOEXEC already set → no F_SETFD")
        void alreadyCloexec() {
            listen(OWN, "2", null);
            when(posix.getFdFlags(anyInt())).thenReturn(1);
            assertEquals(2, daemon.listenFds(false));
            verify(posix).getFdFlags(3);
            verify(posix).getFdFlags(4);
            verify(posix, never()).setFdFlags(anyInt(), anyInt());
        }

        @Test
        @DisplayName("§6 step 7: other flag bits are kept when FD_CLOEXEC is OR-ed in")
        void flagsPreserved() {
            listen(OWN, "1", null);
            when(posix.getFdFlags(3)).thenReturn(0x80);
            assertEquals(1, daemon.listenFds(false));
            verify(posix).setFdFlags(3, 0x81);
        }

        @Test
        @DisplayName("L2: other pid → 0; LISTEN_FDS is not consulted, fds untouched")
        void otherPidStops() {
            listen(Integer.toString(OTHER_PID), "2", null);
            assertEquals(0, daemon.listenFds(false));
            verify(posix, never()).getenv("LISTEN_FDS");
            verifyFdsUntouched();
        }
    }

    @Nested
    @DisplayName("§6 listenFdsWithNames")
    class ListenFdsWithNames {
        final List<byte[]> names = new ArrayList<>();
        final byte[] marker = b("marker");

        @BeforeEach
        void flags() {
            when(posix.getFdFlags(anyInt())).thenReturn(0);
            when(posix.setFdFlags(anyInt(), anyInt())).thenReturn(0);
            names.add(marker);
        }

        /** The names added after the pre-filled marker. */
        List<String> added() {
            assertSame(marker, names.get(0));
            return strings(names.subList(1, names.size()));
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("L12: LISTEN_FDNAMES unset → every name is \"unknown\"")
        void unknownNames(boolean unset) {
            listen(OWN, "2", null);
            assertEquals(2, daemon.listenFdsWithNames(unset, names));
            assertEquals(List.of("unknown", "unknown"), added());
            verifyListenUnset(unset);
        }

        @Test
        @DisplayName("L13: a:b with unset → 2, [a, b], all three unset")
        void twoNames() {
            listen(OWN, "2", "a:b");
            assertEquals(2, daemon.listenFdsWithNames(true, names));
            assertEquals(List.of("a", "b"), added());
            verifyListenUnset(true);
            verify(posix).setFdFlags(3, 1);
            verify(posix).setFdFlags(4, 1);
        }

        @Test
        @DisplayName("§9: LISTEN_FDNAMES is read before LISTEN_PID")
        void namesReadFirst() {
            listen(OWN, "2", "a:b");
            assertEquals(2, daemon.listenFdsWithNames(false, names));
            InOrder order = inOrder(posix);
            order.verify(posix).getenv("LISTEN_FDNAMES");
            order.verify(posix).getenv("LISTEN_PID");
        }

        @ParameterizedTest(name = "L14 \"{0}\", unset={1}")
        @MethodSource("mismatchValues")
        @DisplayName("L14: name count ≠ LISTEN_FDS → -22 after fds were made CLOEXEC, names untouched")
        void countMismatch(String value, boolean unset) {
            listen(OWN, "2", value);
            assertEquals(-22, daemon.listenFdsWithNames(unset, names));
            assertEquals(List.of(), added());
            InOrder order = inOrder(posix);
            order.verify(posix).setFdFlags(3, 1);
            order.verify(posix).setFdFlags(4, 1);
            verifyListenUnset(unset);
        }

        static Stream<Arguments> mismatchValues() {
            return Stream.of("a", "a:b:c", "").flatMap(v -> Stream.of(Arguments.of(v, false), Arguments.of(v, true)));
        }

        @Test
        @DisplayName("L15: LISTEN_FDNAMES empty with one fd → [\"\"]")
        void emptyName() {
            listen(OWN, "1", "");
            assertEquals(1, daemon.listenFdsWithNames(false, names));
            assertEquals(List.of(""), added());
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("L16: trailing lone backslash → -22, fd untouched, names untouched")
        void trailingBackslashOwnPid(boolean unset) {
            listen(OWN, "1", "a\\");
            assertEquals(-22, daemon.listenFdsWithNames(unset, names));
            assertEquals(List.of(), added());
            verifyFdsUntouched();
            verifyListenUnset(unset);
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("L17: trailing lone backslash → -22 even when LISTEN_PID is another pid")
        void trailingBackslashOtherPid(boolean unset) {
            listen(Integer.toString(OTHER_PID), "1", "a\\");
            assertEquals(-22, daemon.listenFdsWithNames(unset, names));
            assertEquals(List.of(), added());
            verifyFdsUntouched();
            verifyListenUnset(unset);
        }

        @Test
        @DisplayName("L17: trailing backslash with LISTEN_PID unset → -22")
        void trailingBackslashNoPid() {
            listen(null, null, "a\\");
            assertEquals(-22, daemon.listenFdsWithNames(false, names));
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("L18: other pid with a:b → 0, names untouched")
        void otherPid(boolean unset) {
            listen(Integer.toString(OTHER_PID), "1", "a:b");
            assertEquals(0, daemon.listenFdsWithNames(unset, names));
            assertEquals(List.of(), added());
            verifyFdsUntouched();
            verifyListenUnset(unset);
        }

        @Test
        @DisplayName("L8 with names: fd error → -9, names untouched")
        void fdErrorKeepsNames() {
            listen(OWN, "2", "a:b");
            when(posix.getFdFlags(4)).thenReturn(-9);
            assertEquals(-9, daemon.listenFdsWithNames(false, names));
            assertEquals(List.of(), added());
        }

        @ParameterizedTest(name = "L11 with names, PID=\"{0}\" → {1}")
        @MethodSource("badPids")
        void badPidKeepsNames(String pid, int ret) {
            listen(pid, "1", "a");
            assertEquals(ret, daemon.listenFdsWithNames(false, names));
            assertEquals(List.of(), added());
        }

        static Stream<Arguments> badPids() {
            return Stream.of(Arguments.of("abc", -22), Arguments.of("0", -34), Arguments.of("-1", -34),
                    Arguments.of("", -22));
        }

        @ParameterizedTest(name = "\"{0}\" → {2}")
        @MethodSource("splits")
        @DisplayName("§6 step 2: colons separate without coalescing, backslash escapes, quotes are literal")
        void splitting(String value, String fds, List<String> expected) {
            listen(OWN, fds, value);
            assertEquals(expected.size(), daemon.listenFdsWithNames(false, names));
            assertEquals(expected, added());
        }

        static Stream<Arguments> splits() {
            return Stream.of(
                    Arguments.of(":", "2", List.of("", "")),
                    Arguments.of("a:", "2", List.of("a", "")),
                    Arguments.of("a::b", "3", List.of("a", "", "b")),
                    Arguments.of("a\\:b", "1", List.of("a:b")),
                    Arguments.of("a\\\\b", "1", List.of("a\\b")),
                    Arguments.of("a\\nb", "1", List.of("anb")),
                    Arguments.of("\"a:b\"", "2", List.of("\"a", "b\"")));
        }

        @Test
        @DisplayName("namesOut null → plain listenFds: LISTEN_FDNAMES is not even read")
        void nullNames() {
            listen(OWN, "2", "a\\");
            assertEquals(2, daemon.listenFdsWithNames(false, null));
            verify(posix, never()).getenv("LISTEN_FDNAMES");
            verify(posix).setFdFlags(3, 1);
            verify(posix).setFdFlags(4, 1);
        }

        @Test
        @DisplayName("namesOut null with unset → all three variables unset")
        void nullNamesUnset() {
            listen(Integer.toString(OTHER_PID), "2", "a:b");
            assertEquals(0, daemon.listenFdsWithNames(true, null));
            verifyListenUnset(true);
        }
    }

    @Test
    @DisplayName("§5 booted reads no environment and makes no other call")
    void bootedTouchesOnlyAccess() {
        when(posix.accessNoFollow(anyString())).thenReturn(0);
        assertEquals(1, daemon.booted());
        verify(posix).accessNoFollow("/run/systemd/system/");
        verifyNoMoreInteractions(posix);
    }
}
