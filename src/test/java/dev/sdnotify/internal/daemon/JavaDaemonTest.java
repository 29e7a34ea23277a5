package dev.sdnotify.internal.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.AdditionalMatchers.aryEq;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.sdnotify.internal.daemon.MockedKernel.Sent;
import dev.sdnotify.internal.kernel.Environment;
import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.kernel.LinuxAbi;
import dev.sdnotify.internal.protocol.NotifyAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.InOrder;
import org.mockito.MockedStatic;

/**
 * {@link JavaDaemon} and {@link Barrier} against a mocked {@link Kernel}: the order, arguments and results of every
 * step.
 */
class JavaDaemonTest {
    static final int OWN_PID = MockedKernel.OWN_PID;
    static final int OTHER_PID = OWN_PID + 1;
    static final int SOCKET_FD = MockedKernel.SOCKET_FD;
    static final int PIPE_READ = MockedKernel.PIPE_READ;
    static final int PIPE_WRITE = MockedKernel.PIPE_WRITE;
    static final int SO_SNDBUF = MockedKernel.SO_SNDBUF;
    static final int SO_SNDBUFFORCE = MockedKernel.SO_SNDBUFFORCE;
    static final int MIB16 = 16 * 1024 * 1024;
    static final int MIB8 = 8 * 1024 * 1024;
    static final long SENTINEL = 0x5e5e5e5eL;
    static final long BLOCKING = SdDaemon.BLOCKING;
    static final String NS = "NOTIFY_SOCKET";
    static final String S = "/run/systemd/notify";

    Kernel kernel;
    Environment environment;
    JavaDaemon daemon;
    Map<String, byte[]> env;
    /** Results the successive sendmsg calls return; the whole payload sent once exhausted. */
    Deque<Integer> sendResults;
    List<Sent> sends;

    static byte[] b(String s) {
        return MockedKernel.b(s);
    }

    @BeforeEach
    void setUp() {
        MockedKernel m = new MockedKernel();
        kernel = m.kernel;
        environment = m.environment;
        env = m.env;
        sendResults = m.sendResults;
        sends = m.sends;
        daemon = m.daemon();
    }

    void verifySendCount(int n) {
        verify(kernel, times(n)).sendmsg(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(),
                anyInt(), anyBoolean());
    }

    void verifyNoSocket() {
        verify(kernel, never()).socket(anyInt(), anyInt());
    }

    /** {@code struct sockaddr_un} for {@code sunPath}: the family in native order, then the path bytes. */
    static byte[] sockaddrUn(byte[] sunPath) {
        return ByteBuffer.allocate(2 + sunPath.length).order(ByteOrder.nativeOrder())
                .putShort((short) LinuxAbi.AF_UNIX).put(sunPath).array();
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
            assertEquals(-22, daemon.pidNotifyWithFds(0, unset, null, null, 0, BLOCKING));
            verify(environment, never()).getenv(anyString());
            verifyNoSocket();
            verify(environment, times(unset ? 1 : 0)).unsetenv(NS);
            assertEquals(!unset, env.containsKey(NS));
        }

        @Test
        @DisplayName("N3: state null with NOTIFY_SOCKET unset → -22, not 0")
        void nullStateWithoutSocket() {
            assertEquals(-22, daemon.pidNotifyWithFds(0, false, null, null, 0, BLOCKING));
            verify(environment, never()).getenv(anyString());
            verify(environment, never()).unsetenv(anyString());
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("N4/N11: nFds > 0 with fds null → -22 before NOTIFY_SOCKET is read")
        void nFdsWithoutArray(boolean unset) {
            env.put(NS, b(S));
            assertEquals(-22, daemon.pidNotifyWithFds(0, unset, b("X"), null, 2, BLOCKING));
            verify(environment, never()).getenv(anyString());
            verifyNoSocket();
            verify(environment, times(unset ? 1 : 0)).unsetenv(NS);
        }

        @Test
        @DisplayName("N4: nFds 1 with fds null and NOTIFY_SOCKET unset → -22")
        void nFdsWithoutArrayNoSocket() {
            assertEquals(-22, daemon.pidNotifyWithFds(0, false, b("X"), null, 1, BLOCKING));
            verify(environment, never()).getenv(anyString());
        }

        @Test
        @DisplayName("N12: fds non-null with nFds 0 is accepted and sends no fds")
        void fdsWithZeroCount() {
            env.put(NS, b(S));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("FDSTORE=1"), new int[] {5, 6}, 0, BLOCKING));
            assertEquals(1, sends.size());
            assertEquals(0, sends.get(0).nFds());
            assertEquals("FDSTORE=1", sends.get(0).payloadText());
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("N1/N2: NOTIFY_SOCKET unset → 0, no socket and no unsetenv")
        void socketUnset(boolean unset) {
            assertEquals(0, daemon.pidNotifyWithFds(0, unset, b("READY=1"), null, 0, BLOCKING));
            verify(environment).getenv(NS);
            verify(environment, never()).unsetenv(anyString());
            verifyNoSocket();
            verifySendCount(0);
        }

        @ParameterizedTest(name = "nFds {0}, unset={1}")
        @MethodSource("dev.sdnotify.internal.daemon.JavaDaemonTest#tooManyFds")
        @DisplayName("D4: more than 253 fds (n_fds unsigned) → -7 (E2BIG) before NOTIFY_SOCKET is read; unset honoured")
        void moreThanTheKernelPasses(int nFds, boolean unset) {
            env.put(NS, b("relative"));
            assertEquals(-7, daemon.pidNotifyWithFds(0, unset, b("X"), new int[300], nFds, BLOCKING));
            verify(environment, never()).getenv(anyString());
            verifyNoSocket();
            verify(environment, times(unset ? 1 : 0)).unsetenv(NS);
        }

        @Test
        @DisplayName("D4: E2BIG with NOTIFY_SOCKET unset too (v252 returned 0)")
        void tooManyFdsWithoutSocket() {
            assertEquals(-7, daemon.pidNotifyWithFds(0, false, b("X"), new int[1000], 1000, BLOCKING));
        }

        @Test
        @DisplayName("D4: the NULL checks come first: fds null with 254 → -22")
        void nullFdsBeforeTheCount() {
            assertEquals(-22, daemon.pidNotifyWithFds(0, false, b("X"), null, 254, BLOCKING));
            assertEquals(-22, daemon.pidNotifyWithFds(0, false, null, new int[254], 254, BLOCKING));
        }

        @Test
        @DisplayName("D4: 253 fds are sent")
        void kernelMaximumIsSent() {
            env.put(NS, b(S));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("FDSTORE=1"), new int[253], 253, BLOCKING));
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
        @MethodSource("dev.sdnotify.internal.daemon.JavaDaemonTest#badAddresses")
        @DisplayName("N19: invalid NOTIFY_SOCKET → -71 or -22, no socket, variable kept")
        void invalidKept(String value, int expected) {
            env.put(NS, b(value));
            assertEquals(expected, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            verifyNoSocket();
            verify(environment, never()).unsetenv(anyString());
            verify(kernel, never()).close(anyInt());
        }

        @ParameterizedTest(name = "B2-like \"{0}\" → {1}")
        @MethodSource("dev.sdnotify.internal.daemon.JavaDaemonTest#badAddresses")
        @DisplayName("N19 with unset: invalid NOTIFY_SOCKET → -71 or -22 and the variable is unset")
        void invalidUnset(String value, int expected) {
            env.put(NS, b(value));
            assertEquals(expected, daemon.pidNotifyWithFds(0, true, b("x"), null, 0, BLOCKING));
            verifyNoSocket();
            verify(environment, times(1)).unsetenv(NS);
            assertFalse(env.containsKey(NS));
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("N20: '/' + 107 bytes (108 total) → -36, no socket")
        void pathTooLong(boolean unset) {
            env.put(NS, b("/" + "a".repeat(107)));
            assertEquals(-36, daemon.pidNotifyWithFds(0, unset, b("x"), null, 0, BLOCKING));
            verifyNoSocket();
            verify(environment, times(unset ? 1 : 0)).unsetenv(NS);
        }

        @Test
        @DisplayName("N21: '/' path of 107 bytes → sent, msg_namelen 2+107+1")
        void longestPath() {
            env.put(NS, b("/" + "a".repeat(106)));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            assertEquals(110, sends.get(0).address().length);
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("N22: '@' + 107 bytes → -22, no socket")
        void abstractTooLong(boolean unset) {
            env.put(NS, b("@" + "a".repeat(107)));
            assertEquals(-22, daemon.pidNotifyWithFds(0, unset, b("x"), null, 0, BLOCKING));
            verifyNoSocket();
            verify(environment, times(unset ? 1 : 0)).unsetenv(NS);
        }

        @Test
        @DisplayName("N22: '@' + 106 bytes → sent, msg_namelen 2+107 (no NUL counted)")
        void longestAbstract() {
            env.put(NS, b("@" + "a".repeat(106)));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            assertEquals(109, sends.get(0).address().length);
        }

        @Test
        @DisplayName("N5: \"/run/x\" → AF_UNIX, the path and its NUL, as NotifyAddress builds them (2+6+1)")
        void pathAddress() throws Exception {
            env.put(NS, b("/run/x"));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("READY=1"), null, 0, BLOCKING));
            byte[] sent = sends.get(0).address();
            assertArrayEquals(NotifyAddress.parse(b("/run/x")).sockaddr(), sent);
            assertArrayEquals(sockaddrUn(b("/run/x\0")), sent);
            assertEquals(9, sent.length);
        }

        @Test
        @DisplayName("N23: \"@abs\" → AF_UNIX, \\0abs, msg_namelen 2+4")
        void abstractAddress() throws Exception {
            env.put(NS, b("@abs"));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            byte[] sent = sends.get(0).address();
            assertArrayEquals(NotifyAddress.parse(b("@abs")).sockaddr(), sent);
            assertArrayEquals(sockaddrUn(new byte[] {0, 'a', 'b', 's'}), sent);
            assertEquals(6, sent.length);
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
            when(kernel.socket(anyInt(), anyInt())).thenReturn(-24);
            assertEquals(-24, daemon.pidNotifyWithFds(0, unset, b("READY=1"), null, 0, BLOCKING));
            verify(kernel, never()).close(anyInt());
            verify(kernel, never()).getOption(anyInt(), anyInt());
            verifySendCount(0);
            verify(environment, times(unset ? 1 : 0)).unsetenv(NS);
        }

        @Test
        @DisplayName("N5: success → 1, one datagram on an AF_UNIX SOCK_DGRAM socket, socket kept open, variable kept")
        void success() {
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("READY=1"), null, 0, BLOCKING));
            assertEquals(1, sends.size());
            Sent s = sends.get(0);
            assertEquals(SOCKET_FD, s.fd());
            assertEquals("READY=1", s.payloadText());
            assertEquals(0, s.offset());
            assertEquals(7, s.length());
            assertEquals(0, s.nFds());
            assertFalse(s.creds());
            InOrder order = inOrder(kernel);
            order.verify(kernel).socket(LinuxAbi.AF_UNIX, LinuxAbi.SOCK_DGRAM);
            order.verify(kernel).sendmsg(eq(SOCKET_FD), any(), any(), anyInt(), anyInt(), any(), anyInt(),
                    anyBoolean(), anyInt(), anyBoolean());
            verify(kernel, never()).close(anyInt());
            verify(environment, never()).unsetenv(anyString());
            assertTrue(env.containsKey(NS));
        }

        @Test
        @DisplayName("N18: success with unset → NOTIFY_SOCKET unset after the send")
        void successUnset() {
            assertEquals(1, daemon.pidNotifyWithFds(0, true, b("U"), null, 0, BLOCKING));
            InOrder order = inOrder(kernel, environment);
            order.verify(kernel).sendmsg(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(),
                    anyInt(), anyBoolean());
            order.verify(environment).unsetenv(NS);
            verify(environment, times(1)).unsetenv(NS);
            assertFalse(env.containsKey(NS));
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("N24/N26: send failure → its -errno, socket kept, unset honoured")
        void sendFails(boolean unset) {
            sendResults.add(-2);
            assertEquals(-2, daemon.pidNotifyWithFds(0, unset, b("X"), null, 0, BLOCKING));
            verifySendCount(1);
            verify(kernel, never()).close(anyInt());
            verify(environment, times(unset ? 1 : 0)).unsetenv(NS);
        }

        @Test
        @DisplayName("§1.3: payload length is the C length, up to the first NUL")
        void payloadStopsAtNul() {
            byte[] state = {'R', 'E', 'A', 'D', 'Y', '=', '1', 0, 'j', 'u', 'n', 'k'};
            assertEquals(1, daemon.pidNotifyWithFds(0, false, state, null, 0, BLOCKING));
            assertEquals(7, sends.get(0).length());
            assertEquals("READY=1", sends.get(0).payloadText());
        }

        @Test
        @DisplayName("N6: empty state → 0-byte datagram, result 1")
        void emptyPayload() {
            assertEquals(1, daemon.pidNotifyWithFds(0, false, new byte[0], null, 0, BLOCKING));
            assertEquals(0, sends.get(0).length());
        }

        @Test
        @DisplayName("N7/N8: newlines and non-UTF-8 bytes pass verbatim, full length")
        void payloadVerbatim() {
            byte[] state = {(byte) 0xff, (byte) 0xfe, '\n', 'A', '=', '1', '\n', 0x01};
            assertEquals(1, daemon.pidNotifyWithFds(0, false, state, null, 0, BLOCKING));
            Sent s = sends.get(0);
            assertEquals(8, s.length());
            assertArrayEquals(state, Arrays.copyOfRange(s.payload(), s.offset(), s.offset() + s.length()));
        }

        @Test
        @DisplayName("N13: fds are passed verbatim with their count")
        void fdsPassed() {
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("FDSTORE=1"), new int[] {5, 999}, 2, BLOCKING));
            Sent s = sends.get(0);
            assertEquals(2, s.nFds());
            assertArrayEquals(new int[] {5, 999}, Arrays.copyOf(s.fds(), 2));
        }

        @Test
        @DisplayName("an unbounded send waits: sendmsg without MSG_DONTWAIT, and no SO_SNDTIMEO")
        void unboundedWaits() {
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            assertFalse(sends.get(0).dontWait());
            verify(kernel, never()).setSendTimeout(anyInt(), anyLong());
        }
    }

    @Nested
    @DisplayName("one kept socket for every AF_UNIX send, blocking or bounded")
    class KeptSocketSends {

        @BeforeEach
        void socket() {
            env.put(NS, b(S));
        }

        @Test
        @DisplayName("opened and tuned once, then every send uses it, whatever its bound")
        void openedOnce() {
            long[] bounds = {BLOCKING, 250_000L, BLOCKING, 1L};
            for (long bound : bounds) {
                assertEquals(1, daemon.pidNotifyWithFds(0, false, b("WATCHDOG=1"), null, 0, bound));
            }
            verify(kernel, times(1)).socket(anyInt(), anyInt());
            verify(kernel, times(1)).setOption(SOCKET_FD, SO_SNDBUF, MIB8);
            assertEquals(4, sends.size());
            assertTrue(sends.stream().allMatch(s -> s.fd() == SOCKET_FD));
            assertEquals(List.of(false, true, false, true),
                    sends.stream().map(Sent::dontWait).collect(Collectors.toList()));
            verify(kernel, never()).close(anyInt());
            verify(kernel, never()).setSendTimeout(anyInt(), anyLong());
        }

        @Test
        @DisplayName("its SO_COOKIE is compared before each send")
        void cookieCheckedBeforeEachSend() {
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("y"), null, 0, 1000L));
            InOrder order = inOrder(kernel);
            for (int i = 0; i < 2; i++) {
                order.verify(kernel).socketCookie(SOCKET_FD);
                order.verify(kernel).sendmsg(eq(SOCKET_FD), any(), any(), anyInt(), anyInt(), any(), anyInt(),
                        anyBoolean(), anyInt(), anyBoolean());
            }
        }

        @Test
        @DisplayName("a failed socket() is not kept: the next send tries again")
        void socketFailureNotKept() {
            when(kernel.socket(anyInt(), anyInt())).thenReturn(-24, SOCKET_FD);
            assertEquals(-24, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            verify(kernel, times(2)).socket(anyInt(), anyInt());
        }

        @ParameterizedTest(name = "-{0}")
        @ValueSource(ints = {9, 88})
        @DisplayName("closed between the check and the send (EBADF/ENOTSOCK, then no cookie): reopen, resend, "
                + "old number not closed")
        void reopenedWhenGone(int errno) {
            when(kernel.socket(anyInt(), anyInt())).thenReturn(SOCKET_FD, SOCKET_FD + 1);
            when(kernel.socketCookie(SOCKET_FD)).thenReturn(7L, (long) -errno);
            when(kernel.socketCookie(SOCKET_FD + 1)).thenReturn(8L);
            sendResults.add(-errno);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            assertEquals(2, sends.size());
            assertEquals(SOCKET_FD + 1, sends.get(1).fd());
            verify(kernel, never()).close(anyInt());
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("y"), null, 0, BLOCKING));
            assertEquals(SOCKET_FD + 1, sends.get(2).fd());
        }

        @ParameterizedTest(name = "bound {0}")
        @ValueSource(longs = {BLOCKING, 1_000_000L})
        @DisplayName("the number now names another socket (its cookie differs): a new socket, the number left alone")
        void numberTakenOverBeforeASend(long bound) {
            when(kernel.socket(anyInt(), anyInt())).thenReturn(SOCKET_FD, SOCKET_FD + 1);
            when(kernel.socketCookie(SOCKET_FD)).thenReturn(7L, 99L);
            when(kernel.socketCookie(SOCKET_FD + 1)).thenReturn(8L);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, bound));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("y"), null, 0, bound));
            assertEquals(SOCKET_FD, sends.get(0).fd());
            assertEquals(SOCKET_FD + 1, sends.get(1).fd(), "not sent through the other socket");
            assertEquals(2, sends.size());
            verify(kernel, never()).close(anyInt());
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("z"), null, 0, bound));
            assertEquals(SOCKET_FD + 1, sends.get(2).fd());
            verify(kernel, times(2)).socket(anyInt(), anyInt());
        }

        @ParameterizedTest(name = "bound {0}")
        @ValueSource(longs = {BLOCKING, 1_000_000L})
        @DisplayName("no SO_COOKIE (a kernel before 4.12, ENOPROTOOPT): a socket per message, tuned and closed, "
                + "as libsystemd does")
        void withoutCookiesEveryMessageHasItsOwnSocket(long bound) {
            when(kernel.socket(anyInt(), anyInt())).thenReturn(SOCKET_FD, SOCKET_FD + 1, SOCKET_FD + 2);
            when(kernel.socketCookie(anyInt())).thenReturn(-92L);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, bound));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("y"), null, 0, bound));
            assertEquals(List.of(SOCKET_FD + 1, SOCKET_FD + 2), sends.stream().map(Sent::fd)
                    .collect(Collectors.toList()));
            verify(kernel).close(SOCKET_FD);
            InOrder order = inOrder(kernel);
            for (int fd = SOCKET_FD + 1; fd <= SOCKET_FD + 2; fd++) {
                order.verify(kernel).socket(LinuxAbi.AF_UNIX, LinuxAbi.SOCK_DGRAM);
                order.verify(kernel).getOption(fd, SO_SNDBUF);
                order.verify(kernel).sendmsg(eq(fd), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(),
                        anyInt(), eq(bound != BLOCKING));
                order.verify(kernel).close(fd);
            }
            verify(kernel, times(1)).socketCookie(anyInt());
            verify(kernel, never()).setSendTimeout(anyInt(), anyLong());
        }

        @Test
        @DisplayName("EBADF while the socket is fine (a passed fd is closed) → -EBADF, socket kept, no resend")
        void badPassedFd() {
            sendResults.add(-9);
            assertEquals(-9, daemon.pidNotifyWithFds(0, false, b("FDSTORE=1"), new int[] {99}, 1, BLOCKING));
            assertEquals(1, sends.size());
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            verify(kernel, times(1)).socket(anyInt(), anyInt());
        }

        @Test
        @DisplayName("NOTIFY_SOCKET is parsed again when its value changes")
        void addressFollowsVariable() {
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            env.put(NS, b("@other"));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            env.put(NS, b("relative"));
            assertEquals(-71, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            assertEquals(2, sends.size());
            assertEquals(2 + S.length() + 1, sends.get(0).address().length);
            assertEquals(2 + "@other".length(), sends.get(1).address().length);
            assertEquals(0, sends.get(1).address()[2]);
        }

        @Test
        @DisplayName("the parsed address is kept by the variable's bytes, not its array: bytes changed in place are "
                + "parsed again")
        void addressComparedByContent() {
            byte[] variable = b("/run/a");
            env.put(NS, variable);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            variable[5] = 'b';
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            assertArrayEquals(sockaddrUn(b("/run/a\0")), sends.get(0).address());
            assertArrayEquals(sockaddrUn(b("/run/b\0")), sends.get(1).address());
        }

        @Test
        @DisplayName("equal bytes in a new array (each getenv of the C environment makes one) are not parsed again")
        void equalValueInANewArrayIsNotParsedAgain() {
            try (MockedStatic<NotifyAddress> parse = mockStatic(NotifyAddress.class, CALLS_REAL_METHODS)) {
                env.put(NS, b("/run/a"));
                assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
                env.put(NS, b("/run/a"));
                assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
                parse.verify(() -> NotifyAddress.parse(any()), times(1));
                env.put(NS, b("/run/b"));
                assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
                parse.verify(() -> NotifyAddress.parse(any()), times(2));
            }
            assertArrayEquals(sends.get(0).address(), sends.get(1).address());
            assertArrayEquals(sockaddrUn(b("/run/b\0")), sends.get(2).address());
        }
    }

    @Nested
    @DisplayName("bounded sends: MSG_DONTWAIT on the kept socket, retried while the queue is full")
    class BoundedSend {

        @BeforeEach
        void socket() {
            env.put(NS, b(S));
        }

        @Test
        @DisplayName("socket and send buffer once, then each send with MSG_DONTWAIT; no SO_SNDTIMEO, nothing closed")
        void order() {
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("WATCHDOG=1"), null, 0, 250_000L));
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("WATCHDOG=1"), null, 0, 250_000L));
            InOrder order = inOrder(kernel);
            order.verify(kernel).socket(LinuxAbi.AF_UNIX, LinuxAbi.SOCK_DGRAM);
            order.verify(kernel).getOption(SOCKET_FD, SO_SNDBUF);
            order.verify(kernel, times(2)).sendmsg(eq(SOCKET_FD), any(), any(), anyInt(), anyInt(), any(), anyInt(),
                    anyBoolean(), anyInt(), eq(true));
            verify(kernel, times(1)).socket(anyInt(), anyInt());
            verify(kernel, never()).setSendTimeout(anyInt(), anyLong());
            verify(kernel, never()).close(anyInt());
        }

        @ParameterizedTest(name = "unset={0}")
        @ValueSource(booleans = {false, true})
        @DisplayName("the queue staying full (EAGAIN) → -EAGAIN once the bound has passed, after more than one try; "
                + "socket kept, unset honoured")
        void timeoutExpires(boolean unset) {
            when(kernel.sendmsg(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(), anyInt(),
                    anyBoolean())).thenReturn(-11);
            long start = System.nanoTime();
            assertEquals(-11, daemon.pidNotifyWithFds(0, unset, b("x"), null, 0, 30_000L));
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= TimeUnit.MICROSECONDS.toNanos(30_000L), "gave up after " + elapsed + " ns");
            verify(kernel, atLeast(2)).sendmsg(eq(SOCKET_FD), any(), any(), anyInt(), anyInt(), any(),
                    anyInt(), anyBoolean(), anyInt(), eq(true));
            verify(kernel, never()).sendmsg(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(),
                    anyBoolean(), anyInt(), eq(false));
            verify(kernel, never()).close(anyInt());
            assertEquals(!unset, env.containsKey(NS));
            verify(environment, times(unset ? 1 : 0)).unsetenv(NS);
        }

        @Test
        @DisplayName("EAGAIN, then room → 1: the same message sent again on the same socket after a short pause")
        void retriedAfterAShortPause() {
            sendResults.add(-11);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("WATCHDOG=1"), null, 0, 10_000_000L));
            assertEquals(2, sends.size());
            assertEquals(SOCKET_FD, sends.get(1).fd());
            assertEquals("WATCHDOG=1", sends.get(1).payloadText());
            long pause = sends.get(1).nanoTime() - sends.get(0).nanoTime();
            // The first pause is 1 ms; even a loaded machine wakes well before the 50 ms a later one may take.
            assertTrue(pause < TimeUnit.MILLISECONDS.toNanos(40), "the first pause took " + pause + " ns");
        }

        @Test
        @Timeout(10)
        @DisplayName("the pause doubles from 1 ms and stops growing at 50 ms: 14 to 60 tries in a 1 s bound")
        void backoffDoublesUpToFiftyMilliseconds() {
            AtomicInteger count = new AtomicInteger();
            when(kernel.sendmsg(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(), anyInt(),
                    anyBoolean())).thenAnswer(inv -> {
                        count.incrementAndGet();
                        return -11;
                    });
            assertEquals(-11, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, 1_000_000L));
            // 1+2+...+32 ms take 7 tries, then one every 50 ms: about 26. Without the cap: 11; with a fixed
            // 1 ms pause: hundreds.
            int tries = count.get();
            assertTrue(tries >= 14 && tries <= 60, tries + " tries");
        }

        @Test
        @DisplayName("EAGAIN with credentials: the whole message again later, never resent without credentials")
        void credentialsKeptAcrossRetries() {
            sendResults.add(-11);
            sendResults.add(-11);
            assertEquals(1, daemon.pidNotifyWithFds(777, false, b("P"), new int[] {5, 6}, 2, 10_000_000L));
            assertEquals(3, sends.size());
            for (Sent s : sends) {
                assertTrue(s.creds());
                assertEquals(777, s.credPid());
                assertEquals(2, s.nFds());
                assertArrayEquals(new int[] {5, 6}, Arrays.copyOf(s.fds(), 2));
                assertTrue(s.dontWait());
            }
        }

        @Test
        @DisplayName("another error with credentials is resent at once without them, still without waiting")
        void otherErrorDropsCredentials() {
            sendResults.add(-1);
            assertEquals(1, daemon.pidNotifyWithFds(777, false, b("P"), null, 0, 10_000_000L));
            assertEquals(2, sends.size());
            assertTrue(sends.get(0).creds());
            assertFalse(sends.get(1).creds());
            assertTrue(sends.get(1).dontWait());
        }

        @Test
        @DisplayName("only EAGAIN is retried: another error stands after one send")
        void otherErrorsStand() {
            sendResults.add(-111);
            assertEquals(-111, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, 10_000_000L));
            verifySendCount(1);
        }

        @Test
        @DisplayName("an unbounded send's EAGAIN is returned at once, not retried")
        void unboundedEagainNotRetried() {
            sendResults.add(-11);
            assertEquals(-11, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            assertEquals(1, sends.size());
            assertFalse(sends.get(0).dontWait());
        }

        @Test
        @DisplayName("an interrupted thread ends the retries with -EINTR and keeps its interrupt")
        void interruptEndsRetries() {
            when(kernel.sendmsg(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(), anyInt(),
                    anyBoolean())).thenReturn(-11);
            Thread.currentThread().interrupt();
            try {
                assertEquals(-4, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, 10_000_000L));
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
            verifySendCount(1);
        }

        @Test
        @DisplayName("without SO_COOKIE each try has a socket of its own, closed after it")
        void retriesOnOwnSockets() {
            when(kernel.socketCookie(anyInt())).thenReturn(-92L);
            when(kernel.socket(anyInt(), anyInt())).thenReturn(SOCKET_FD, SOCKET_FD + 1, SOCKET_FD + 2);
            sendResults.add(-11);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, 10_000_000L));
            assertEquals(List.of(SOCKET_FD + 1, SOCKET_FD + 2), sends.stream().map(Sent::fd)
                    .collect(Collectors.toList()));
            assertTrue(sends.stream().allMatch(Sent::dontWait));
            verify(kernel).close(SOCKET_FD + 1);
            verify(kernel).close(SOCKET_FD + 2);
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
            when(kernel.getOption(SOCKET_FD, SO_SNDBUF)).thenReturn(MIB16);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            verify(kernel, times(1)).getOption(SOCKET_FD, SO_SNDBUF);
            verify(kernel, never()).setOption(anyInt(), anyInt(), anyInt());
        }

        @Test
        @DisplayName("(b) setting SO_SNDBUF fails → stop: no second get, no force; result unaffected")
        void setFails() {
            when(kernel.setOption(SOCKET_FD, SO_SNDBUF, MIB8)).thenReturn(-1);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            verify(kernel, times(1)).getOption(SOCKET_FD, SO_SNDBUF);
            verify(kernel, times(1)).setOption(SOCKET_FD, SO_SNDBUF, MIB8);
            verify(kernel, never()).setOption(anyInt(), eq(SO_SNDBUFFORCE), anyInt());
        }

        @Test
        @DisplayName("(c) after SO_SNDBUF the value is ≥ 16 MiB → no SO_SNDBUFFORCE")
        void setSuffices() {
            when(kernel.getOption(SOCKET_FD, SO_SNDBUF)).thenReturn(212992, MIB16);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            InOrder order = inOrder(kernel);
            order.verify(kernel).getOption(SOCKET_FD, SO_SNDBUF);
            order.verify(kernel).setOption(SOCKET_FD, SO_SNDBUF, MIB8);
            order.verify(kernel).getOption(SOCKET_FD, SO_SNDBUF);
            verify(kernel, times(2)).getOption(SOCKET_FD, SO_SNDBUF);
            verify(kernel, never()).setOption(anyInt(), eq(SO_SNDBUFFORCE), anyInt());
        }

        @Test
        @DisplayName("(d) still < 16 MiB → SO_SNDBUFFORCE 8 MiB before the send; its EPERM is ignored")
        void force() {
            when(kernel.getOption(SOCKET_FD, SO_SNDBUF)).thenReturn(212992, MIB16 - 1);
            when(kernel.setOption(SOCKET_FD, SO_SNDBUFFORCE, MIB8)).thenReturn(-1);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            InOrder order = inOrder(kernel);
            order.verify(kernel).getOption(SOCKET_FD, SO_SNDBUF);
            order.verify(kernel).setOption(SOCKET_FD, SO_SNDBUF, MIB8);
            order.verify(kernel).getOption(SOCKET_FD, SO_SNDBUF);
            order.verify(kernel).setOption(SOCKET_FD, SO_SNDBUFFORCE, MIB8);
            order.verify(kernel).sendmsg(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(),
                    anyInt(), anyBoolean());
            verify(kernel, times(2)).setOption(anyInt(), anyInt(), anyInt());
        }

        @Test
        @DisplayName("getsockopt errors are ignored: the send still happens and its result stands")
        void getFails() {
            when(kernel.getOption(anyInt(), anyInt())).thenReturn(-9);
            when(kernel.setOption(anyInt(), anyInt(), anyInt())).thenReturn(-9);
            assertEquals(1, daemon.pidNotifyWithFds(0, false, b("x"), null, 0, BLOCKING));
            verifySendCount(1);
        }
    }

    static Stream<Arguments> credentialCases() {
        // pid, real and effective ids differ, sendCredentials, credPid (checked only when sent)
        return Stream.of(
                Arguments.of("pid 0, same ids", 0, false, false, 0),
                Arguments.of("pid == own pid", OWN_PID, false, false, 0),
                Arguments.of("other pid", 777, false, true, 777),
                Arguments.of("negative pid", -5, false, true, -5),
                Arguments.of("pid 0, ids differ", 0, true, true, OWN_PID),
                Arguments.of("own pid, ids differ", OWN_PID, true, true, OWN_PID),
                Arguments.of("other pid, ids differ", 777, true, true, 777));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("credentialCases")
    @DisplayName("§2 step 7: when SCM_CREDENTIALS is sent, and with which pid")
    void credentials(String name, int pid, boolean idsDiffer, boolean expectCreds, int expectPid) {
        env.put(NS, b(S));
        when(kernel.realAndEffectiveIdsDiffer()).thenReturn(idsDiffer);
        assertEquals(1, daemon.pidNotifyWithFds(pid, false, b("P"), null, 0, BLOCKING));
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
            assertEquals(1, daemon.pidNotifyWithFds(777, false, b("P"), new int[] {5, 6}, 2, BLOCKING));
            assertEquals(2, sends.size());
            Sent first = sends.get(0);
            Sent second = sends.get(1);
            assertTrue(first.creds());
            assertEquals(777, first.credPid());
            assertFalse(second.creds());
            assertEquals(2, second.nFds());
            assertArrayEquals(new int[] {5, 6}, Arrays.copyOf(second.fds(), 2));
            assertEquals("P", second.payloadText());
            assertArrayEquals(first.address(), second.address());
            assertEquals(first.fd(), second.fd());
            InOrder order = inOrder(kernel);
            order.verify(kernel).sendmsg(anyInt(), any(), any(), anyInt(), anyInt(), any(), eq(2), eq(true), eq(777),
                    anyBoolean());
            order.verify(kernel).sendmsg(anyInt(), any(), any(), anyInt(), anyInt(), any(), eq(2), eq(false),
                    anyInt(), anyBoolean());
            verify(kernel, never()).close(anyInt());
        }

        @ParameterizedTest(name = "first send -{0}")
        @ValueSource(ints = {1, 3, 2, 111})
        @DisplayName("N25: both attempts fail → the second attempt's errno")
        void retryFails(int errno) {
            sendResults.add(-errno);
            sendResults.add(-91);
            assertEquals(-91, daemon.pidNotifyWithFds(777, false, b("P"), null, 0, BLOCKING));
            assertEquals(2, sends.size());
            assertFalse(sends.get(1).creds());
            verify(kernel, never()).close(anyInt());
        }

        @ParameterizedTest(name = "send -{0}")
        @ValueSource(ints = {1, 3, 2, 111})
        @DisplayName("without credentials: exactly one send, its errno returned")
        void noRetryWithoutCredentials(int errno) {
            sendResults.add(-errno);
            assertEquals(-errno, daemon.pidNotifyWithFds(0, false, b("P"), null, 0, BLOCKING));
            verifySendCount(1);
            verify(kernel, never()).close(anyInt());
        }

        @Test
        @DisplayName("retry path with unset → NOTIFY_SOCKET unset once")
        void retryUnset() {
            sendResults.add(-3);
            sendResults.add(-2);
            assertEquals(-2, daemon.pidNotifyWithFds(777, true, b("P"), null, 0, BLOCKING));
            verify(environment, times(1)).unsetenv(NS);
        }
    }

    // ---------------------------------------------------------------- §3 barrier

    @Nested
    @DisplayName("§3 Barrier.run with the Java protocol as sender")
    class BarrierRun {

        int barrier(long timeoutUsec) {
            return Barrier.run(kernel, daemon, 0, timeoutUsec, BLOCKING);
        }

        @Test
        @DisplayName("B1: pipe2 first even with NOTIFY_SOCKET unset → 0, both ends closed, no wait")
        void unsetSocket() {
            assertEquals(0, barrier(1_000_000L));
            InOrder order = inOrder(kernel, environment);
            order.verify(kernel).pipeCloexec(any());
            order.verify(environment).getenv(NS);
            verify(kernel, times(1)).close(PIPE_READ);
            verify(kernel, times(1)).close(PIPE_WRITE);
            verify(kernel, never()).pollForHangup(anyInt(), anyLong());
            verifyNoSocket();
        }

        @Test
        @DisplayName("D8: pipe2 failure → its -errno, nothing read, sent or closed")
        void pipeFails() {
            env.put(NS, b(S));
            // doReturn: the default answer would write into the null argument of a when() call.
            doReturn(-24).when(kernel).pipeCloexec(any());
            assertEquals(-24, barrier(1_000_000L));
            verify(environment, never()).getenv(anyString());
            verify(kernel, never()).close(anyInt());
            verifySendCount(0);
        }

        @Test
        @DisplayName("the message is exactly BARRIER=1 with one fd, the pipe's write end, pid 0")
        void message() {
            env.put(NS, b(S));
            when(kernel.pollForHangup(anyInt(), anyLong())).thenReturn(0x10);
            assertEquals(1, barrier(1_000_000L));
            assertEquals(1, sends.size());
            Sent s = sends.get(0);
            assertEquals(9, s.length());
            assertEquals("BARRIER=1", s.payloadText());
            assertEquals(1, s.nFds());
            assertEquals(PIPE_WRITE, s.fds()[0]);
            assertFalse(s.creds());
        }

        @Test
        @DisplayName("B2: NOTIFY_SOCKET=relative → -71 (EPROTO), both ends closed, no wait")
        void invalidAddress() {
            env.put(NS, b("relative"));
            assertEquals(-71, barrier(1_000_000L));
            verify(kernel, times(1)).close(PIPE_READ);
            verify(kernel, times(1)).close(PIPE_WRITE);
            verify(kernel, never()).pollForHangup(anyInt(), anyLong());
        }

        @Test
        @DisplayName("B3: send failure → its error, both ends closed, no wait")
        void sendFails() {
            env.put(NS, b(S));
            sendResults.add(-2);
            assertEquals(-2, barrier(1_000_000L));
            verifySendCount(1);
            verify(kernel, times(1)).close(PIPE_READ);
            verify(kernel, times(1)).close(PIPE_WRITE);
            verify(kernel, never()).pollForHangup(anyInt(), anyLong());
        }

        @Test
        @DisplayName("B6: write end closed before the wait, read end after; POLLHUP → 1; the wait's slice is 100 ms")
        void orderOnSuccess() {
            env.put(NS, b(S));
            when(kernel.pollForHangup(anyInt(), anyLong())).thenReturn(0x10);
            assertEquals(1, barrier(2_000_000L));
            InOrder order = inOrder(kernel);
            order.verify(kernel).pipeCloexec(any());
            order.verify(kernel).sendmsg(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(),
                    anyInt(), anyBoolean());
            order.verify(kernel).close(PIPE_WRITE);
            order.verify(kernel).pollForHangup(PIPE_READ, 100_000L);
            order.verify(kernel).close(PIPE_READ);
            verify(kernel, times(1)).close(PIPE_READ);
            verify(kernel, times(1)).close(PIPE_WRITE);
            verify(kernel, never()).close(SOCKET_FD);
        }

        @ParameterizedTest(name = "revents {0}")
        @ValueSource(ints = {0x10, 0, 0x20, -9})
        @DisplayName("the barrier leaves the environment alone, whatever the wait's outcome: unsetting is the caller's")
        void neverUnsets(int revents) {
            env.put(NS, b(S));
            when(kernel.pollForHangup(anyInt(), anyLong())).thenReturn(revents);
            Barrier.run(kernel, daemon, 0, 1000L, BLOCKING);
            verify(environment, never()).unsetenv(anyString());
            assertTrue(env.containsKey(NS));
        }

        @Test
        @DisplayName("D8: the barrier sends through the given sender as the given pid, with unset false and the "
                + "send bound")
        void sendsThroughTheSender() {
            SdDaemon sender = mock(SdDaemon.class);
            when(sender.pidNotifyWithFds(anyInt(), anyBoolean(), any(), any(), anyInt(), anyLong())).thenReturn(1);
            when(kernel.pollForHangup(anyInt(), anyLong())).thenReturn(0x10);
            assertEquals(1, Barrier.run(kernel, sender, 77, 1000L, 5000L));
            verify(sender).pidNotifyWithFds(eq(77), eq(false), aryEq(b("BARRIER=1")), aryEq(new int[] {PIPE_WRITE}),
                    eq(1), eq(5000L));
            verify(environment, never()).unsetenv(anyString());
        }

        @Test
        @DisplayName("a bounded barrier's message goes through the kept socket without waiting, no SO_SNDTIMEO")
        void boundedMessage() {
            env.put(NS, b(S));
            when(kernel.pollForHangup(anyInt(), anyLong())).thenReturn(0x10);
            assertEquals(1, Barrier.run(kernel, daemon, 0, 2_000_000L, 5000L));
            assertEquals(SOCKET_FD, sends.get(0).fd());
            assertTrue(sends.get(0).dontWait());
            verify(kernel, never()).setSendTimeout(anyInt(), anyLong());
            verify(kernel, never()).close(SOCKET_FD);
        }

        @Test
        @DisplayName("EINTR from the send (nothing queued) → sent again while time is left")
        void interruptedSendIsRepeated() {
            env.put(NS, b(S));
            sendResults.add(-4);
            sendResults.add(-4);
            when(kernel.pollForHangup(anyInt(), anyLong())).thenReturn(0x10);
            assertEquals(1, barrier(10_000_000L));
            verifySendCount(3);
            verify(kernel, times(1)).pipeCloexec(any());
            verify(kernel, times(1)).close(PIPE_WRITE);
        }

        @Test
        @DisplayName("EINTR from the send once the time is up → -EINTR, no wait")
        void interruptedSendAtTheDeadline() {
            env.put(NS, b(S));
            sendResults.add(-4);
            assertEquals(-4, barrier(0L));
            verifySendCount(1);
            verify(kernel, never()).pollForHangup(anyInt(), anyLong());
            verify(kernel, times(1)).close(PIPE_READ);
            verify(kernel, times(1)).close(PIPE_WRITE);
        }

        @Test
        @DisplayName("EINTR from the send on an interrupted thread → -EINTR, not repeated")
        void interruptedSendOnInterruptedThread() {
            env.put(NS, b(S));
            sendResults.add(-4);
            Thread.currentThread().interrupt();
            try {
                assertEquals(-4, barrier(10_000_000L));
            } finally {
                Thread.interrupted();
            }
            verifySendCount(1);
        }

        @Test
        @DisplayName("EINTR from the wait repeats it on the same pipe")
        void interruptedWaitWaitsAgain() {
            env.put(NS, b(S));
            when(kernel.pollForHangup(anyInt(), anyLong())).thenReturn(-4, 0x10);
            assertEquals(1, barrier(-1L));
            verify(kernel, times(2)).pollForHangup(PIPE_READ, 100_000L);
            verify(kernel, times(1)).pipeCloexec(any());
            verifySendCount(1);
        }

        @Test
        @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
        @DisplayName("B10: EINTR from every wait does not restart the timeout: -110 at the deadline, each slice "
                + "no longer than the time left")
        void interruptedWaitsKeepTheDeadline() {
            env.put(NS, b(S));
            List<Long> slices = new ArrayList<>();
            when(kernel.pollForHangup(anyInt(), anyLong())).thenAnswer(inv -> {
                slices.add(inv.getArgument(1));
                Thread.sleep(5);
                return -4;
            });
            long start = System.nanoTime();
            assertEquals(-110, barrier(50_000L));
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(50), "ended after " + elapsed + " ns");
            assertTrue(elapsed < TimeUnit.SECONDS.toNanos(5), "ended after " + elapsed + " ns");
            assertTrue(slices.size() >= 2, slices.toString());
            for (int i = 0; i < slices.size(); i++) {
                assertTrue(slices.get(i) <= 50_000L, slices.toString());
                if (i > 0) {
                    assertTrue(slices.get(i) <= slices.get(i - 1), "a slice grew: " + slices);
                }
            }
            verify(kernel, times(1)).close(PIPE_READ);
        }

        @Test
        @DisplayName("B4/B5: poll returns 0 at the deadline → -110 (ETIMEDOUT), both ends closed")
        void timeout() {
            env.put(NS, b(S));
            when(kernel.pollForHangup(anyInt(), anyLong())).thenReturn(0);
            assertEquals(-110, barrier(0L));
            verify(kernel).pollForHangup(PIPE_READ, 0L);
            verify(kernel, times(1)).close(PIPE_READ);
            verify(kernel, times(1)).close(PIPE_WRITE);
        }

        @Test
        @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
        @DisplayName("a wait without limit polls in 100 ms slices and notices the thread's interrupt: -EINTR, "
                + "interrupt kept")
        void unlimitedWaitNoticesInterrupt() {
            env.put(NS, b(S));
            int[] polls = {0};
            when(kernel.pollForHangup(anyInt(), anyLong())).thenAnswer(inv -> {
                if (++polls[0] == 3) {
                    Thread.currentThread().interrupt();
                }
                return 0;
            });
            try {
                assertEquals(-4, barrier(-1L));
                assertTrue(Thread.currentThread().isInterrupted());
            } finally {
                Thread.interrupted();
            }
            verify(kernel, times(3)).pollForHangup(PIPE_READ, 100_000L);
            verify(kernel, times(1)).close(PIPE_READ);
        }

        @ParameterizedTest(name = "revents 0x{0}")
        @ValueSource(ints = {0x20, 0x30})
        @DisplayName("POLLNVAL in revents → -9 (EBADF)")
        void pollNval(int revents) {
            env.put(NS, b(S));
            when(kernel.pollForHangup(anyInt(), anyLong())).thenReturn(revents);
            assertEquals(-9, barrier(1_000_000L));
            verify(kernel, times(1)).close(PIPE_READ);
        }

        @ParameterizedTest(name = "revents 0x{0}")
        @ValueSource(ints = {0x10, 0x08, 0x18})
        @DisplayName("any other revents (POLLHUP, POLLERR) → 1")
        void pollHangup(int revents) {
            env.put(NS, b(S));
            when(kernel.pollForHangup(anyInt(), anyLong())).thenReturn(revents);
            assertEquals(1, barrier(1_000_000L));
        }

        @Test
        @DisplayName("a poll error other than EINTR stands")
        void pollError() {
            env.put(NS, b(S));
            when(kernel.pollForHangup(anyInt(), anyLong())).thenReturn(-12);
            assertEquals(-12, barrier(-1L));
            verify(kernel, times(1)).pollForHangup(anyInt(), anyLong());
        }

        @ParameterizedTest(name = "timeout {0}")
        @ValueSource(longs = {0L, 100_000L, 200_000L, -1L, Long.MAX_VALUE})
        @DisplayName("B4/B7/B9: the first slice is the timeout, at most 100 ms (-1: no limit)")
        void firstSlice(long timeout) {
            env.put(NS, b(S));
            List<Long> slices = new ArrayList<>();
            when(kernel.pollForHangup(anyInt(), anyLong())).thenAnswer(inv -> {
                slices.add(inv.getArgument(1));
                return 0x10;
            });
            assertEquals(1, barrier(timeout));
            long slice = slices.get(0);
            if (timeout == -1L || timeout > 100_000L) {
                assertEquals(100_000L, slice);
            } else if (timeout == 0L) {
                assertEquals(0L, slice);
            } else {
                // The time since the start is already gone from a short timeout, but not all of it.
                assertTrue(slice > 0 && slice <= timeout, "slice " + slice);
            }
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
        @MethodSource("dev.sdnotify.internal.daemon.JavaDaemonTest#watchdogRows")
        void withoutUnset(String id, String usec, String pid, int ret, Long written) {
            putIfSet("WATCHDOG_USEC", usec);
            putIfSet("WATCHDOG_PID", pid);
            long[] out = {SENTINEL};
            assertEquals(ret, daemon.watchdogEnabled(false, out));
            assertEquals(written == null ? SENTINEL : written, out[0]);
            verify(environment, never()).unsetenv(anyString());
        }

        @ParameterizedTest(name = "{0}: USEC={1} PID={2} → {3}, both unset")
        @MethodSource("dev.sdnotify.internal.daemon.JavaDaemonTest#watchdogRows")
        void withUnset(String id, String usec, String pid, int ret, Long written) {
            putIfSet("WATCHDOG_USEC", usec);
            putIfSet("WATCHDOG_PID", pid);
            long[] out = {SENTINEL};
            assertEquals(ret, daemon.watchdogEnabled(true, out));
            assertEquals(written == null ? SENTINEL : written, out[0]);
            verify(environment, times(1)).unsetenv("WATCHDOG_USEC");
            verify(environment, times(1)).unsetenv("WATCHDOG_PID");
            assertFalse(env.containsKey("WATCHDOG_USEC"));
            assertFalse(env.containsKey("WATCHDOG_PID"));
        }

        @ParameterizedTest(name = "{0}: USEC={1} PID={2} → {3} with usec NULL")
        @MethodSource("dev.sdnotify.internal.daemon.JavaDaemonTest#watchdogRows")
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

    // ---------------------------------------------------------------- §6 listen fds

    static final String[] LISTEN_VARS = {"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"};

    void listen(String pid, String fds, String names) {
        putIfSet("LISTEN_PID", pid);
        putIfSet("LISTEN_FDS", fds);
        putIfSet("LISTEN_FDNAMES", names);
    }

    void verifyListenUnset(boolean unset) {
        for (String v : LISTEN_VARS) {
            verify(environment, times(unset ? 1 : 0)).unsetenv(v);
        }
        if (unset) {
            assertTrue(env.isEmpty(), "left: " + env.keySet());
        }
    }

    void verifyFdsUntouched() {
        verify(kernel, never()).fcntl(anyInt(), anyInt(), anyInt());
    }

    /** Stubs F_GETFD of {@code fd}. */
    void getFlags(int fd, int result) {
        when(kernel.fcntl(fd, LinuxAbi.F_GETFD, 0)).thenReturn(result);
    }

    void verifySetCloexec(int fd, int flags) {
        verify(kernel).fcntl(fd, LinuxAbi.F_SETFD, flags);
    }

    static List<String> strings(List<byte[]> names) {
        return names.stream().map(n -> new String(n, StandardCharsets.ISO_8859_1)).collect(Collectors.toList());
    }

    /** LISTEN_PID, LISTEN_FDS, F_GETFD failure fd (0 = none), expected result, vector id. */
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
    @DisplayName("§6 listenFds: listenFdsWithNames with names NULL")
    class ListenFds {

        int listenFds(boolean unset) {
            return daemon.listenFdsWithNames(unset, null);
        }

        @ParameterizedTest(name = "{0}: PID={1} FDS={2} → {4} (unset={5})")
        @MethodSource("rows")
        void vectors(String id, String pid, String fds, int badFd, int ret, boolean unset) {
            listen(pid, fds, "x:y");
            if (badFd != 0) {
                getFlags(badFd, -9);
            }
            assertEquals(ret, listenFds(unset));
            verifyListenUnset(unset);
            if (ret > 0) {
                for (int fd = 3; fd < 3 + ret; fd++) {
                    verifySetCloexec(fd, 1);
                }
                verify(kernel, times(ret)).fcntl(anyInt(), eq(LinuxAbi.F_SETFD), anyInt());
                verify(kernel, never()).fcntl(eq(3 + ret), anyInt(), anyInt());
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
            getFlags(5, -9);
            assertEquals(-9, listenFds(false));
            InOrder order = inOrder(kernel);
            order.verify(kernel).fcntl(3, LinuxAbi.F_SETFD, 1);
            order.verify(kernel).fcntl(4, LinuxAbi.F_SETFD, 1);
            order.verify(kernel).fcntl(5, LinuxAbi.F_GETFD, 0);
            verify(kernel, never()).fcntl(eq(5), eq(LinuxAbi.F_SETFD), anyInt());
            verify(kernel, never()).fcntl(eq(6), anyInt(), anyInt());
        }

        @Test
        @DisplayName("§6 step 7: F_SETFD failure → its -errno, later fds untouched")
        void setFails() {
            listen(OWN, "3", null);
            when(kernel.fcntl(4, LinuxAbi.F_SETFD, 1)).thenReturn(-9);
            assertEquals(-9, listenFds(false));
            verify(kernel, never()).fcntl(eq(5), anyInt(), anyInt());
        }

        @Test
        @DisplayName("§6 step 7: FD_CLOEXEC already set → no F_SETFD")
        void alreadyCloexec() {
            listen(OWN, "2", null);
            when(kernel.fcntl(anyInt(), eq(LinuxAbi.F_GETFD), anyInt())).thenReturn(1);
            assertEquals(2, listenFds(false));
            verify(kernel).fcntl(3, LinuxAbi.F_GETFD, 0);
            verify(kernel).fcntl(4, LinuxAbi.F_GETFD, 0);
            verify(kernel, never()).fcntl(anyInt(), eq(LinuxAbi.F_SETFD), anyInt());
        }

        @Test
        @DisplayName("§6 step 7: other flag bits are kept when FD_CLOEXEC is OR-ed in")
        void flagsPreserved() {
            listen(OWN, "1", null);
            getFlags(3, 0x80);
            assertEquals(1, listenFds(false));
            verifySetCloexec(3, 0x81);
        }

        @Test
        @DisplayName("L2: other pid → 0; LISTEN_FDS is not consulted, fds untouched")
        void otherPidStops() {
            listen(Integer.toString(OTHER_PID), "2", null);
            assertEquals(0, listenFds(false));
            verify(environment, never()).getenv("LISTEN_FDS");
            verifyFdsUntouched();
        }
    }

    @Nested
    @DisplayName("§6 listenFdsWithNames")
    class ListenFdsWithNames {
        final List<byte[]> names = new ArrayList<>();
        final byte[] marker = b("marker");

        @BeforeEach
        void marker() {
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
            verifySetCloexec(3, 1);
            verifySetCloexec(4, 1);
        }

        @Test
        @DisplayName("§9: LISTEN_FDNAMES is read before LISTEN_PID")
        void namesReadFirst() {
            listen(OWN, "2", "a:b");
            assertEquals(2, daemon.listenFdsWithNames(false, names));
            InOrder order = inOrder(environment);
            order.verify(environment).getenv("LISTEN_FDNAMES");
            order.verify(environment).getenv("LISTEN_PID");
        }

        @ParameterizedTest(name = "L14 \"{0}\", unset={1}")
        @MethodSource("mismatchValues")
        @DisplayName("L14: name count ≠ LISTEN_FDS → -22 after fds were made CLOEXEC, names untouched")
        void countMismatch(String value, boolean unset) {
            listen(OWN, "2", value);
            assertEquals(-22, daemon.listenFdsWithNames(unset, names));
            assertEquals(List.of(), added());
            InOrder order = inOrder(kernel);
            order.verify(kernel).fcntl(3, LinuxAbi.F_SETFD, 1);
            order.verify(kernel).fcntl(4, LinuxAbi.F_SETFD, 1);
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
            getFlags(4, -9);
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
            verify(environment, never()).getenv("LISTEN_FDNAMES");
            verifySetCloexec(3, 1);
            verifySetCloexec(4, 1);
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
    @DisplayName("the watchdog and listen calls open no socket and send nothing")
    void queriesSendNothing() {
        env.put(NS, b(S));
        env.put("WATCHDOG_USEC", b("1000"));
        listen(OWN, "1", null);
        assertEquals(1, daemon.watchdogEnabled(false, new long[1]));
        assertEquals(1, daemon.listenFdsWithNames(false, new ArrayList<>()));
        verifyNoSocket();
        verifySendCount(0);
    }
}
