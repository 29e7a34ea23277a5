package dev.sdnotify.internal.daemon;

import static dev.sdnotify.internal.daemon.MockedKernel.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.AdditionalMatchers.aryEq;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.sdnotify.internal.daemon.MockedKernel.Sent;
import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.kernel.LinuxAbi;
import dev.sdnotify.internal.protocol.VsockAddress;
import dev.sdnotify.internal.protocol.VsockAddress.Type;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.InOrder;

/**
 * D2/D3: notifications to an AF_VSOCK NOTIFY_SOCKET, against a mocked {@link Kernel} only. No test may reach
 * AF_VSOCK for real (CID 2 is the hypervisor on these machines): every socket, bind, connect and send here is
 * Mockito's.
 */
class VsockSendTest {
    static final String NS = "NOTIFY_SOCKET";
    static final int VSOCK_FD = 20;
    static final long BLOCKING = SdDaemon.BLOCKING;
    MockedKernel m;
    Kernel kernel;
    JavaDaemon daemon;
    List<Sent> sends;

    @BeforeEach
    void setUp() {
        m = new MockedKernel();
        kernel = m.kernel;
        sends = m.sends;
        daemon = m.daemon();
        when(kernel.socket(eq(LinuxAbi.AF_VSOCK), anyInt())).thenReturn(VSOCK_FD);
        when(kernel.bind(anyInt(), any())).thenReturn(0);
        when(kernel.connect(anyInt(), any())).thenReturn(0);
        when(kernel.shutdownWrite(anyInt())).thenReturn(0);
        when(kernel.receiveByte(anyInt())).thenReturn(0);
    }

    /** The socket type {@code socket()} is asked for. */
    static int sockType(Type type) {
        return type == Type.DGRAM ? LinuxAbi.SOCK_DGRAM
                : type == Type.SEQPACKET ? LinuxAbi.SOCK_SEQPACKET : LinuxAbi.SOCK_STREAM;
    }

    /** The source address bound: any CID, {@code port}. */
    static byte[] source(int port) {
        return VsockAddress.sockaddr(VsockAddress.ANY, port);
    }

    int notify(String socket, String state) {
        m.env.put(NS, b(socket));
        return daemon.pidNotifyWithFds(0, false, b(state), null, 0, BLOCKING);
    }

    void verifyNoUnixSocket() {
        verify(kernel, never()).socket(eq(LinuxAbi.AF_UNIX), anyInt());
        verify(kernel, never()).socketCookie(anyInt());
    }

    void verifyAnySend(InOrder order) {
        order.verify(kernel).sendmsg(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(),
                anyInt(), anyBoolean());
    }

    @Test
    @DisplayName("vsock: a datagram socket of its own: socket, privileged port, send buffer, sendmsg to the address, "
            + "close; no connect, no end-of-message")
    void datagram() {
        assertEquals(1, notify("vsock-dgram:host:7", "READY=1"));
        InOrder order = inOrder(kernel);
        order.verify(kernel).socket(LinuxAbi.AF_VSOCK, LinuxAbi.SOCK_DGRAM);
        order.verify(kernel).bind(eq(VSOCK_FD), aryEq(source(1023)));
        order.verify(kernel).getOption(VSOCK_FD, MockedKernel.SO_SNDBUF);
        order.verify(kernel).sendmsg(eq(VSOCK_FD), aryEq(VsockAddress.sockaddr(2, 7)), any(), eq(0), eq(7), any(),
                eq(0), eq(false), anyInt(), eq(false));
        order.verify(kernel).close(VSOCK_FD);
        verify(kernel, never()).connect(anyInt(), any());
        verify(kernel, never()).shutdownWrite(anyInt());
        verify(kernel, never()).receiveByte(anyInt());
        assertArrayEquals(VsockAddress.sockaddr(2, 7), sends.get(0).address());
        assertEquals("READY=1", sends.get(0).payloadText());
        verifyNoUnixSocket();
    }

    @Test
    @DisplayName("vsock: every message opens its own socket, never the kept AF_UNIX one")
    void aSocketPerMessage() {
        assertEquals(1, notify("vsock:1:5", "A"));
        assertEquals(1, notify("vsock:1:5", "B"));
        verify(kernel, times(2)).socket(LinuxAbi.AF_VSOCK, LinuxAbi.SOCK_DGRAM);
        verify(kernel, times(2)).close(VSOCK_FD);
        verifyNoUnixSocket();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vsock-seqpacket:3:9", "vsock-stream:3:9"})
    @DisplayName("seqpacket and stream: connect to the peer, send with no address, shut down for writing, wait for "
            + "EOF, close")
    void connection(String socket) {
        Type type = socket.startsWith("vsock-stream") ? Type.STREAM : Type.SEQPACKET;
        assertEquals(1, notify(socket, "READY=1"));
        InOrder order = inOrder(kernel);
        order.verify(kernel).socket(LinuxAbi.AF_VSOCK, sockType(type));
        order.verify(kernel).bind(eq(VSOCK_FD), aryEq(source(1023)));
        order.verify(kernel).connect(eq(VSOCK_FD), aryEq(VsockAddress.sockaddr(3, 9)));
        order.verify(kernel).getOption(VSOCK_FD, MockedKernel.SO_SNDBUF);
        order.verify(kernel).sendmsg(eq(VSOCK_FD), isNull(), any(), eq(0), eq(7), any(), eq(0), eq(false), anyInt(),
                eq(false));
        order.verify(kernel).shutdownWrite(VSOCK_FD);
        order.verify(kernel).receiveByte(VSOCK_FD);
        order.verify(kernel).close(VSOCK_FD);
        assertNull(sends.get(0).address());
    }

    static Stream<Arguments> fallbacks() {
        // socket() results for DGRAM, SEQPACKET, STREAM in turn; the types tried; the result.
        return Stream.of(
                Arguments.of("ENODEV → seqpacket", List.of(-19, VSOCK_FD), List.of(Type.DGRAM, Type.SEQPACKET), 1),
                Arguments.of("EOPNOTSUPP → seqpacket", List.of(-95, VSOCK_FD), List.of(Type.DGRAM, Type.SEQPACKET), 1),
                Arguments.of("EPROTONOSUPPORT twice → stream", List.of(-93, -93, VSOCK_FD),
                        List.of(Type.DGRAM, Type.SEQPACKET, Type.STREAM), 1),
                Arguments.of("ENODEV, then ESOCKTNOSUPPORT → stream", List.of(-19, -94, VSOCK_FD),
                        List.of(Type.DGRAM, Type.SEQPACKET, Type.STREAM), 1),
                Arguments.of("all three unsupported → the last errno", List.of(-93, -93, -97),
                        List.of(Type.DGRAM, Type.SEQPACKET, Type.STREAM), -97),
                Arguments.of("ENODEV twice: ENODEV does not lead to stream", List.of(-19, -19),
                        List.of(Type.DGRAM, Type.SEQPACKET), -19),
                Arguments.of("seqpacket EMFILE: no stream try", List.of(-19, -24), List.of(Type.DGRAM, Type.SEQPACKET),
                        -24),
                Arguments.of("datagram EMFILE: no fallback", List.of(-24), List.of(Type.DGRAM), -24),
                Arguments.of("datagram EACCES: no fallback", List.of(-13), List.of(Type.DGRAM), -13));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fallbacks")
    @DisplayName("vsock: the socket type falls back from datagram to seqpacket to stream")
    void fallback(String name, List<Integer> results, List<Type> tried, int expected) {
        Integer[] rest = results.subList(1, results.size()).toArray(new Integer[0]);
        when(kernel.socket(eq(LinuxAbi.AF_VSOCK), anyInt())).thenReturn(results.get(0), rest);
        assertEquals(expected, notify("vsock:1:5", "X"));
        InOrder order = inOrder(kernel);
        for (Type t : tried) {
            order.verify(kernel).socket(LinuxAbi.AF_VSOCK, sockType(t));
        }
        verify(kernel, times(tried.size())).socket(anyInt(), anyInt());
        if (expected < 0) {
            verify(kernel, never()).bind(anyInt(), any());
            verify(kernel, never()).close(anyInt());
        }
    }

    @ParameterizedTest(name = "{0}: -{1}")
    @MethodSource("forcedTypes")
    @DisplayName("a forced type has no fallback")
    void forcedTypeHasNoFallback(String socket, int errno, Type type) {
        when(kernel.socket(eq(LinuxAbi.AF_VSOCK), anyInt())).thenReturn(-errno);
        assertEquals(-errno, notify(socket, "X"));
        verify(kernel, times(1)).socket(anyInt(), anyInt());
        verify(kernel).socket(LinuxAbi.AF_VSOCK, sockType(type));
    }

    static Stream<Arguments> forcedTypes() {
        return Stream.of(Arguments.of("vsock-dgram:1:5", 19, Type.DGRAM),
                Arguments.of("vsock-seqpacket:1:5", 93, Type.SEQPACKET),
                Arguments.of("vsock-stream:1:5", 97, Type.STREAM));
    }

    @Test
    @DisplayName("the source port: 1023, then one lower while it is taken")
    void privilegedPortCountsDown() {
        when(kernel.bind(anyInt(), any())).thenReturn(-98, -98, 0);
        assertEquals(1, notify("vsock:1:5", "X"));
        InOrder order = inOrder(kernel);
        order.verify(kernel).bind(eq(VSOCK_FD), aryEq(source(1023)));
        order.verify(kernel).bind(eq(VSOCK_FD), aryEq(source(1022)));
        order.verify(kernel).bind(eq(VSOCK_FD), aryEq(source(1021)));
        verifyAnySend(order);
    }

    @Test
    @DisplayName("every port 1023..1 taken → -98 (EADDRINUSE), nothing sent, socket closed")
    void noPrivilegedPortLeft() {
        when(kernel.bind(anyInt(), any())).thenReturn(-98);
        assertEquals(-98, notify("vsock:1:5", "X"));
        verify(kernel, times(1023)).bind(anyInt(), any());
        verify(kernel).bind(eq(VSOCK_FD), aryEq(source(1)));
        verify(kernel, never()).bind(eq(VSOCK_FD), aryEq(source(0)));
        assertTrue(sends.isEmpty());
        verify(kernel).close(VSOCK_FD);
    }

    @ParameterizedTest(name = "bind -{0}: sent unbound")
    @ValueSource(ints = {1, 13})
    @DisplayName("no privilege for a port below 1024 (EPERM, EACCES): sent from an ordinary port")
    void unprivileged(int errno) {
        when(kernel.bind(anyInt(), any())).thenReturn(-errno);
        assertEquals(1, notify("vsock:1:5", "X"));
        verify(kernel, times(1)).bind(anyInt(), any());
        assertEquals(1, sends.size());
    }

    @Test
    @DisplayName("any other bind error stands: -22, nothing sent, socket closed")
    void bindFails() {
        when(kernel.bind(anyInt(), any())).thenReturn(-22);
        assertEquals(-22, notify("vsock:1:5", "X"));
        assertTrue(sends.isEmpty());
        verify(kernel).close(VSOCK_FD);
    }

    @Test
    @DisplayName("connect fails → its errno, nothing sent, socket closed")
    void connectFails() {
        when(kernel.connect(anyInt(), any())).thenReturn(-111);
        assertEquals(-111, notify("vsock-stream:1:5", "X"));
        assertTrue(sends.isEmpty());
        verify(kernel, never()).getOption(anyInt(), anyInt());
        verify(kernel).close(VSOCK_FD);
    }

    @Test
    @DisplayName("the end of a message: shutdown fails → its errno")
    void shutdownFails() {
        when(kernel.shutdownWrite(anyInt())).thenReturn(-107);
        assertEquals(-107, notify("vsock-seqpacket:1:5", "X"));
        verify(kernel, never()).receiveByte(anyInt());
        verify(kernel).close(VSOCK_FD);
    }

    @ParameterizedTest(name = "recv {0} → {1}")
    @MethodSource("receives")
    @DisplayName("the end of a message: EOF → 1, a byte back → -71 (EPROTO), an error → its errno")
    void endOfMessage(int received, int expected) {
        when(kernel.receiveByte(anyInt())).thenReturn(received);
        assertEquals(expected, notify("vsock-stream:1:5", "X"));
        verify(kernel).close(VSOCK_FD);
    }

    static Stream<Arguments> receives() {
        return Stream.of(Arguments.of(0, 1), Arguments.of(1, -71), Arguments.of(-104, -104), Arguments.of(-4, -4));
    }

    @Test
    @DisplayName("D6: a stream sends the rest of a partial write, fds and credentials with the first part only")
    void streamPartialWrites() {
        m.sendResults.add(1);
        m.sendResults.add(1);
        m.env.put(NS, b("vsock-stream:1:5"));
        assertEquals(1, daemon.pidNotifyWithFds(777, false, b("ABC"), new int[] {5}, 1, BLOCKING));
        assertEquals(3, sends.size());
        assertEquals("ABC", sends.get(0).payloadText());
        assertEquals(1, sends.get(0).nFds());
        assertTrue(sends.get(0).creds());
        assertEquals(777, sends.get(0).credPid());
        assertEquals("BC", sends.get(1).payloadText());
        assertEquals(1, sends.get(1).offset());
        assertEquals(0, sends.get(1).nFds());
        assertFalse(sends.get(1).creds());
        assertEquals("C", sends.get(2).payloadText());
        verify(kernel).shutdownWrite(VSOCK_FD);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vsock-seqpacket:1:5", "vsock-dgram:1:5"})
    @DisplayName("D5: a partial write on seqpacket or datagram → -5 (EIO), no end-of-message")
    void shortWriteIsEio(String socket) {
        m.sendResults.add(1);
        assertEquals(-5, notify(socket, "XY"));
        assertEquals(1, sends.size());
        verify(kernel, never()).shutdownWrite(anyInt());
        verify(kernel).close(VSOCK_FD);
    }

    @Test
    @DisplayName("credentials: a failed send is retried once without them on the same socket, fds kept")
    void credentialRetry() {
        m.sendResults.add(-3);
        m.env.put(NS, b("vsock:1:5"));
        assertEquals(1, daemon.pidNotifyWithFds(777, false, b("P"), new int[] {5, 6}, 2, BLOCKING));
        assertEquals(2, sends.size());
        assertTrue(sends.get(0).creds());
        assertFalse(sends.get(1).creds());
        assertEquals(VSOCK_FD, sends.get(1).fd());
        assertArrayEquals(new int[] {5, 6}, Arrays.copyOf(sends.get(1).fds(), 2));
        verify(kernel, times(1)).socket(anyInt(), anyInt());
    }

    @Test
    @DisplayName("D7: an empty state whose send with credentials fails ends with 1, and the message is still ended")
    void emptyStateWithCredentials() {
        m.sendResults.add(-3);
        m.env.put(NS, b("vsock-seqpacket:1:5"));
        assertEquals(1, daemon.pidNotifyWithFds(777, false, b(""), null, 0, BLOCKING));
        assertEquals(1, sends.size());
        verify(kernel).shutdownWrite(VSOCK_FD);
        verify(kernel).receiveByte(VSOCK_FD);
    }

    @Test
    @DisplayName("a bounded send sets SO_SNDTIMEO after the send buffer and sends without MSG_DONTWAIT; the timeout "
            + "expiring is its errno, not retried")
    void timed() {
        when(kernel.setSendTimeout(anyInt(), anyLong())).thenReturn(0);
        m.sendResults.add(-11);
        m.env.put(NS, b("vsock:1:5"));
        assertEquals(-11, daemon.pidNotifyWithFds(0, false, b("X"), null, 0, 5000L));
        InOrder order = inOrder(kernel);
        order.verify(kernel).getOption(VSOCK_FD, MockedKernel.SO_SNDBUF);
        order.verify(kernel).setSendTimeout(VSOCK_FD, 5000L);
        order.verify(kernel).sendmsg(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(),
                anyInt(), eq(false));
        order.verify(kernel).close(VSOCK_FD);
        assertEquals(1, sends.size());
        verify(kernel, times(1)).socket(anyInt(), anyInt());
    }

    @Test
    @DisplayName("SO_SNDTIMEO refused → its -errno, nothing sent, socket closed")
    void setTimeoutFails() {
        when(kernel.setSendTimeout(anyInt(), anyLong())).thenReturn(-22);
        m.env.put(NS, b("vsock:1:5"));
        assertEquals(-22, daemon.pidNotifyWithFds(0, false, b("X"), null, 0, 1000L));
        assertTrue(sends.isEmpty());
        verify(kernel, times(1)).close(VSOCK_FD);
    }

    @Test
    @DisplayName("an unbounded send sets no SO_SNDTIMEO")
    void unboundedSetsNoTimeout() {
        assertEquals(1, notify("vsock-stream:1:5", "X"));
        verify(kernel, never()).setSendTimeout(anyInt(), anyLong());
        assertFalse(sends.get(0).dontWait());
    }

    @ParameterizedTest(name = "unset={0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("a failure over vsock honours unset like any other")
    void unsetHonoured(boolean unset) {
        when(kernel.connect(anyInt(), any())).thenReturn(-111);
        m.env.put(NS, b("vsock-stream:1:5"));
        assertEquals(-111, daemon.pidNotifyWithFds(0, unset, b("X"), null, 0, BLOCKING));
        assertEquals(!unset, m.env.containsKey(NS));
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @MethodSource("refused")
    @DisplayName("D2: an address refused while parsing opens no socket")
    void refusedWhileParsing(String socket, int expected) {
        assertEquals(expected, notify(socket, "X"));
        verify(kernel, never()).socket(anyInt(), anyInt());
        verifyNoUnixSocket();
    }

    static Stream<Arguments> refused() {
        return Stream.of(Arguments.of("vsock::5", -22), Arguments.of("vsock:any:5", -22), Arguments.of("vsock:-1:5", -22),
                Arguments.of("vsock:4294967295:5", -22), Arguments.of("vsock:1:4294967295", -22),
                Arguments.of("vsock:-2:5", -34), Arguments.of("vsock:1:x", -22), Arguments.of("vsock:1", -22));
    }

    @Test
    @DisplayName("the barrier over vsock: BARRIER=1 with the pipe's write end, then the wait in slices")
    void barrier() {
        when(kernel.pollForHangup(anyInt(), anyLong())).thenReturn(0x10);
        m.env.put(NS, b("vsock-stream:1:5"));
        assertEquals(1, Barrier.run(kernel, daemon, 0, 1_000_000L, BLOCKING));
        assertEquals("BARRIER=1", sends.get(0).payloadText());
        assertEquals(MockedKernel.PIPE_WRITE, sends.get(0).fds()[0]);
        verify(kernel).pollForHangup(MockedKernel.PIPE_READ, 100_000L);
        verifyNoUnixSocket();
    }
}
