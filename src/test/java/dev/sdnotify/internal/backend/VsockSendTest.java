package dev.sdnotify.internal.backend;

import static dev.sdnotify.internal.backend.MockedPosix.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.sdnotify.internal.protocol.VsockAddress;
import dev.sdnotify.internal.protocol.VsockAddress.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
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
 * D2/D3: notifications to an AF_VSOCK NOTIFY_SOCKET, against a mocked {@link Posix} only. No test may reach
 * AF_VSOCK for real (CID 2 is the hypervisor on these machines): every socket, bind, connect and send here is
 * Mockito's.
 */
class VsockSendTest {
    static final String NS = "NOTIFY_SOCKET";
    static final int VSOCK_FD = 20;
    MockedPosix m;
    Posix posix;
    JavaDaemon daemon;
    /** Results of successive sendVsock calls; the whole rest once empty. */
    final Deque<Integer> sendResults = new ArrayDeque<>();
    final List<Sent> sends = new ArrayList<>();

    record Sent(int fd, VsockAddress to, String payload, int offset, int length, int[] fds, int nFds, boolean creds,
            int credPid) {}

    @BeforeEach
    void setUp() {
        m = new MockedPosix();
        posix = m.posix;
        daemon = new JavaDaemon(posix);
        when(posix.openVsockSocket(any())).thenReturn(VSOCK_FD);
        when(posix.bindVsock(anyInt(), anyInt())).thenReturn(0);
        when(posix.connectVsock(anyInt(), any())).thenReturn(0);
        when(posix.shutdownWrite(anyInt())).thenReturn(0);
        when(posix.receiveByte(anyInt())).thenReturn(0);
        when(posix.sendVsock(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(), anyInt()))
                .thenAnswer(inv -> {
                    byte[] payload = inv.getArgument(2);
                    int offset = inv.getArgument(3);
                    int length = inv.getArgument(4);
                    int[] fds = inv.getArgument(5);
                    sends.add(new Sent(inv.getArgument(0), inv.getArgument(1),
                            new String(payload, offset, length, java.nio.charset.StandardCharsets.ISO_8859_1),
                            offset, length, fds == null ? null : fds.clone(), inv.getArgument(6), inv.getArgument(7),
                            inv.getArgument(8)));
                    Integer r = sendResults.poll();
                    return r == null ? length : r;
                });
    }

    int notify(String socket, String state) {
        m.env.put(NS, b(socket));
        return daemon.pidNotifyWithFds(0, false, b(state), null, 0);
    }

    void verifyNoUnixSocket() {
        verify(posix, never()).openUnixDatagramSocket();
        verify(posix, never()).sendNotifyDatagram(anyInt(), any(), anyInt(), any(), anyInt(), any(), anyInt(),
                anyBoolean(), anyInt());
    }

    @Test
    @DisplayName("vsock: a datagram socket of its own: socket, privileged port, send buffer, sendmsg to the address, "
            + "close; no connect, no end-of-message")
    void datagram() {
        assertEquals(1, notify("vsock-dgram:host:7", "READY=1"));
        InOrder order = inOrder(posix);
        order.verify(posix).openVsockSocket(Type.DGRAM);
        order.verify(posix).bindVsock(VSOCK_FD, 1023);
        order.verify(posix).getSendBuffer(VSOCK_FD);
        order.verify(posix).sendVsock(eq(VSOCK_FD), any(), any(), eq(0), eq(7), any(), eq(0), eq(false), anyInt());
        order.verify(posix).close(VSOCK_FD);
        verify(posix, never()).connectVsock(anyInt(), any());
        verify(posix, never()).shutdownWrite(anyInt());
        verify(posix, never()).receiveByte(anyInt());
        VsockAddress to = sends.get(0).to();
        assertEquals(2, to.cid());
        assertEquals(7, to.port());
        assertEquals("READY=1", sends.get(0).payload());
        verifyNoUnixSocket();
    }

    @Test
    @DisplayName("vsock: every message opens its own socket, never the kept AF_UNIX one")
    void aSocketPerMessage() {
        assertEquals(1, notify("vsock:1:5", "A"));
        assertEquals(1, notify("vsock:1:5", "B"));
        verify(posix, times(2)).openVsockSocket(Type.DGRAM);
        verify(posix, times(2)).close(VSOCK_FD);
        verifyNoUnixSocket();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vsock-seqpacket:3:9", "vsock-stream:3:9"})
    @DisplayName("seqpacket and stream: connect, send with no address, shut down for writing, wait for EOF, close")
    void connection(String socket) {
        Type type = socket.startsWith("vsock-stream") ? Type.STREAM : Type.SEQPACKET;
        assertEquals(1, notify(socket, "READY=1"));
        InOrder order = inOrder(posix);
        order.verify(posix).openVsockSocket(type);
        order.verify(posix).bindVsock(VSOCK_FD, 1023);
        order.verify(posix).connectVsock(eq(VSOCK_FD), any());
        order.verify(posix).getSendBuffer(VSOCK_FD);
        order.verify(posix).sendVsock(eq(VSOCK_FD), eq(null), any(), eq(0), eq(7), any(), eq(0), eq(false), anyInt());
        order.verify(posix).shutdownWrite(VSOCK_FD);
        order.verify(posix).receiveByte(VSOCK_FD);
        order.verify(posix).close(VSOCK_FD);
        assertNull(sends.get(0).to());
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
        when(posix.openVsockSocket(any())).thenReturn(results.get(0), rest);
        assertEquals(expected, notify("vsock:1:5", "X"));
        InOrder order = inOrder(posix);
        for (Type t : tried) {
            order.verify(posix).openVsockSocket(t);
        }
        verify(posix, times(tried.size())).openVsockSocket(any());
        if (expected < 0) {
            verify(posix, never()).bindVsock(anyInt(), anyInt());
            verify(posix, never()).close(anyInt());
        }
    }

    @ParameterizedTest(name = "{0}: -{1}")
    @MethodSource("forcedTypes")
    @DisplayName("a forced type has no fallback")
    void forcedTypeHasNoFallback(String socket, int errno) {
        when(posix.openVsockSocket(any())).thenReturn(-errno);
        assertEquals(-errno, notify(socket, "X"));
        verify(posix, times(1)).openVsockSocket(any());
    }

    static Stream<Arguments> forcedTypes() {
        return Stream.of(Arguments.of("vsock-dgram:1:5", 19), Arguments.of("vsock-seqpacket:1:5", 93),
                Arguments.of("vsock-stream:1:5", 97));
    }

    @Test
    @DisplayName("the source port: 1023, then one lower while it is taken")
    void privilegedPortCountsDown() {
        when(posix.bindVsock(anyInt(), anyInt())).thenReturn(-98, -98, 0);
        assertEquals(1, notify("vsock:1:5", "X"));
        InOrder order = inOrder(posix);
        order.verify(posix).bindVsock(VSOCK_FD, 1023);
        order.verify(posix).bindVsock(VSOCK_FD, 1022);
        order.verify(posix).bindVsock(VSOCK_FD, 1021);
        order.verify(posix).sendVsock(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(),
                anyInt());
    }

    @Test
    @DisplayName("every port 1023..1 taken → -98 (EADDRINUSE), nothing sent, socket closed")
    void noPrivilegedPortLeft() {
        when(posix.bindVsock(anyInt(), anyInt())).thenReturn(-98);
        assertEquals(-98, notify("vsock:1:5", "X"));
        verify(posix, times(1023)).bindVsock(anyInt(), anyInt());
        verify(posix).bindVsock(VSOCK_FD, 1);
        verify(posix, never()).bindVsock(VSOCK_FD, 0);
        assertTrue(sends.isEmpty());
        verify(posix).close(VSOCK_FD);
    }

    @ParameterizedTest(name = "bind -{0}: sent unbound")
    @ValueSource(ints = {1, 13})
    @DisplayName("no privilege for a port below 1024 (EPERM, EACCES): sent from an ordinary port")
    void unprivileged(int errno) {
        when(posix.bindVsock(anyInt(), anyInt())).thenReturn(-errno);
        assertEquals(1, notify("vsock:1:5", "X"));
        verify(posix, times(1)).bindVsock(anyInt(), anyInt());
        assertEquals(1, sends.size());
    }

    @Test
    @DisplayName("any other bind error stands: -22, nothing sent, socket closed")
    void bindFails() {
        when(posix.bindVsock(anyInt(), anyInt())).thenReturn(-22);
        assertEquals(-22, notify("vsock:1:5", "X"));
        assertTrue(sends.isEmpty());
        verify(posix).close(VSOCK_FD);
    }

    @Test
    @DisplayName("connect fails → its errno, nothing sent, socket closed")
    void connectFails() {
        when(posix.connectVsock(anyInt(), any())).thenReturn(-111);
        assertEquals(-111, notify("vsock-stream:1:5", "X"));
        assertTrue(sends.isEmpty());
        verify(posix, never()).getSendBuffer(anyInt());
        verify(posix).close(VSOCK_FD);
    }

    @Test
    @DisplayName("the end of a message: shutdown fails → its errno")
    void shutdownFails() {
        when(posix.shutdownWrite(anyInt())).thenReturn(-107);
        assertEquals(-107, notify("vsock-seqpacket:1:5", "X"));
        verify(posix, never()).receiveByte(anyInt());
        verify(posix).close(VSOCK_FD);
    }

    @ParameterizedTest(name = "recv {0} → {1}")
    @MethodSource("receives")
    @DisplayName("the end of a message: EOF → 1, a byte back → -71 (EPROTO), an error → its errno")
    void endOfMessage(int received, int expected) {
        when(posix.receiveByte(anyInt())).thenReturn(received);
        assertEquals(expected, notify("vsock-stream:1:5", "X"));
        verify(posix).close(VSOCK_FD);
    }

    static Stream<Arguments> receives() {
        return Stream.of(Arguments.of(0, 1), Arguments.of(1, -71), Arguments.of(-104, -104), Arguments.of(-4, -4));
    }

    @Test
    @DisplayName("D6: a stream sends the rest of a partial write, fds and credentials with the first part only")
    void streamPartialWrites() {
        sendResults.add(1);
        sendResults.add(1);
        m.env.put(NS, b("vsock-stream:1:5"));
        assertEquals(1, daemon.pidNotifyWithFds(777, false, b("ABC"), new int[] {5}, 1));
        assertEquals(3, sends.size());
        assertEquals("ABC", sends.get(0).payload());
        assertEquals(1, sends.get(0).nFds());
        assertTrue(sends.get(0).creds());
        assertEquals(777, sends.get(0).credPid());
        assertEquals("BC", sends.get(1).payload());
        assertEquals(1, sends.get(1).offset());
        assertEquals(0, sends.get(1).nFds());
        assertFalse(sends.get(1).creds());
        assertEquals("C", sends.get(2).payload());
        verify(posix).shutdownWrite(VSOCK_FD);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vsock-seqpacket:1:5", "vsock-dgram:1:5"})
    @DisplayName("D5: a partial write on seqpacket or datagram → -5 (EIO), no end-of-message")
    void shortWriteIsEio(String socket) {
        sendResults.add(1);
        assertEquals(-5, notify(socket, "XY"));
        assertEquals(1, sends.size());
        verify(posix, never()).shutdownWrite(anyInt());
        verify(posix).close(VSOCK_FD);
    }

    @Test
    @DisplayName("credentials: a failed send is retried once without them on the same socket, fds kept")
    void credentialRetry() {
        sendResults.add(-3);
        m.env.put(NS, b("vsock:1:5"));
        assertEquals(1, daemon.pidNotifyWithFds(777, false, b("P"), new int[] {5, 6}, 2));
        assertEquals(2, sends.size());
        assertTrue(sends.get(0).creds());
        assertFalse(sends.get(1).creds());
        assertArrayEquals(new int[] {5, 6}, Arrays.copyOf(sends.get(1).fds(), 2));
        verify(posix, times(1)).openVsockSocket(any());
    }

    @Test
    @DisplayName("D7: an empty state whose send with credentials fails ends with 1, and the message is still ended")
    void emptyStateWithCredentials() {
        sendResults.add(-3);
        m.env.put(NS, b("vsock-seqpacket:1:5"));
        assertEquals(1, daemon.pidNotifyWithFds(777, false, b(""), null, 0));
        assertEquals(1, sends.size());
        verify(posix).shutdownWrite(VSOCK_FD);
        verify(posix).receiveByte(VSOCK_FD);
    }

    @Test
    @DisplayName("a timed send sets SO_SNDTIMEO after the send buffer; the timeout expiring is its errno")
    void timed() {
        when(posix.setSendTimeout(anyInt(), anyLong())).thenReturn(0);
        sendResults.add(-11);
        m.env.put(NS, b("vsock:1:5"));
        assertEquals(-11, daemon.pidNotifyWithFds(0, false, b("X"), null, 0, 5000L));
        InOrder order = inOrder(posix);
        order.verify(posix).getSendBuffer(VSOCK_FD);
        order.verify(posix).setSendTimeout(VSOCK_FD, 5000L);
        order.verify(posix).sendVsock(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(),
                anyInt());
        order.verify(posix).close(VSOCK_FD);
    }

    @ParameterizedTest(name = "unset={0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("a failure over vsock honours unset like any other")
    void unsetHonoured(boolean unset) {
        when(posix.connectVsock(anyInt(), any())).thenReturn(-111);
        m.env.put(NS, b("vsock-stream:1:5"));
        assertEquals(-111, daemon.pidNotifyWithFds(0, unset, b("X"), null, 0));
        assertEquals(!unset, m.env.containsKey(NS));
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @MethodSource("refused")
    @DisplayName("D2: an address refused while parsing opens no socket")
    void refusedWhileParsing(String socket, int expected) {
        assertEquals(expected, notify(socket, "X"));
        verify(posix, never()).openVsockSocket(any());
        verifyNoUnixSocket();
    }

    static Stream<Arguments> refused() {
        return Stream.of(Arguments.of("vsock::5", -22), Arguments.of("vsock:any:5", -22), Arguments.of("vsock:-1:5", -22),
                Arguments.of("vsock:4294967295:5", -22), Arguments.of("vsock:1:4294967295", -22),
                Arguments.of("vsock:-2:5", -34), Arguments.of("vsock:1:x", -22), Arguments.of("vsock:1", -22));
    }

    @Test
    @DisplayName("the barrier over vsock: BARRIER=1 with the pipe's write end, then the wait")
    void barrier() {
        when(posix.pollForHangup(anyInt(), anyLong())).thenReturn(0x10);
        m.env.put(NS, b("vsock-stream:1:5"));
        assertEquals(1, daemon.notifyBarrier(false, 1_000_000L));
        assertEquals("BARRIER=1", sends.get(0).payload());
        assertEquals(MockedPosix.PIPE_WRITE, sends.get(0).fds()[0]);
        verify(posix).pollForHangup(MockedPosix.PIPE_READ, 1_000_000L);
    }
}
