package dev.sdnotify.internal.daemon;

import static dev.sdnotify.internal.daemon.MockedKernel.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What libsystemd 262's send loop makes of a send's result on AF_UNIX (v254 and later): a short datagram is
 * EIO, and an empty state whose send with credentials fails ends with 1 and no second send.
 */
class SendResultTest {
    static final String NS = "NOTIFY_SOCKET";
    static final long BLOCKING = SdDaemon.BLOCKING;
    MockedKernel m;
    JavaDaemon daemon;

    @BeforeEach
    void setUp() {
        m = new MockedKernel();
        m.env.put(NS, b("/run/systemd/notify"));
        daemon = m.daemon();
    }

    @ParameterizedTest(name = "unset={0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("D5: fewer bytes sent than the state holds → -5 (EIO), no resend, unset honoured")
    void shortDatagramIsEio(boolean unset) {
        m.sendResults.add(3);
        assertEquals(-5, daemon.pidNotifyWithFds(0, unset, b("READY=1"), null, 0, BLOCKING));
        assertEquals(1, m.sends.size());
        assertEquals(!unset, m.env.containsKey(NS));
        verify(m.kernel, never()).close(MockedKernel.SOCKET_FD);
    }

    @Test
    @DisplayName("D5: a short datagram on the credential-less retry is EIO too")
    void shortRetryIsEio() {
        m.sendResults.add(-1);
        m.sendResults.add(0);
        assertEquals(-5, daemon.pidNotifyWithFds(777, false, b("P"), null, 0, BLOCKING));
        assertEquals(2, m.sends.size());
    }

    @Test
    @DisplayName("D5: a bounded send's short datagram is EIO, not retried (only EAGAIN is); the kept socket stays")
    void shortBoundedSend() {
        m.sendResults.add(1);
        assertEquals(-5, daemon.pidNotifyWithFds(0, false, b("XY"), null, 0, 1_000_000L));
        assertEquals(1, m.sends.size());
        assertTrue(m.sends.get(0).dontWait());
        verify(m.kernel, never()).close(anyInt());
    }

    @ParameterizedTest(name = "unset={0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("D7: empty state, credentials, first send fails → 1, no retry, nothing delivered")
    void emptyStateWithCredentialsEndsAfterTheFailure(boolean unset) {
        m.sendResults.add(-2);
        assertEquals(1, daemon.pidNotifyWithFds(777, unset, b(""), new int[] {5}, 1, BLOCKING));
        assertEquals(1, m.sends.size());
        assertTrue(m.sends.get(0).creds());
        assertEquals(!unset, m.env.containsKey(NS));
    }

    @Test
    @DisplayName("D7: a state that is empty up to its NUL counts as empty")
    void emptyUpToNul() {
        m.sendResults.add(-3);
        assertEquals(1, daemon.pidNotifyWithFds(777, false, new byte[] {0, 'X'}, null, 0, BLOCKING));
        assertEquals(1, m.sends.size());
    }

    @Test
    @DisplayName("D7: credentials from differing real and effective ids take the same path")
    void emptyStateWithIdCredentials() {
        when(m.kernel.realAndEffectiveIdsDiffer()).thenReturn(true);
        m.sendResults.add(-1);
        assertEquals(1, daemon.pidNotifyWithFds(0, false, b(""), null, 0, BLOCKING));
        assertEquals(1, m.sends.size());
        assertEquals(MockedKernel.OWN_PID, m.sends.get(0).credPid());
    }

    @Test
    @DisplayName("D7: empty state without credentials: the failure stands")
    void emptyStateWithoutCredentials() {
        m.sendResults.add(-2);
        assertEquals(-2, daemon.pidNotifyWithFds(0, false, b(""), null, 0, BLOCKING));
        assertEquals(1, m.sends.size());
    }

    @Test
    @DisplayName("D7: empty state with credentials that go through → 1, one send")
    void emptyStateDelivered() {
        assertEquals(1, daemon.pidNotifyWithFds(777, false, b(""), null, 0, BLOCKING));
        assertEquals(1, m.sends.size());
        assertTrue(m.sends.get(0).creds());
    }

    @Test
    @DisplayName("D7 on the kept socket: a socket other code closed is still replaced, and the message sent")
    void emptyStateOnAGoneSocket() {
        when(m.kernel.socket(anyInt(), anyInt())).thenReturn(MockedKernel.SOCKET_FD, MockedKernel.SOCKET_FD + 1);
        when(m.kernel.socketCookie(MockedKernel.SOCKET_FD)).thenReturn(7L, -9L);
        when(m.kernel.socketCookie(MockedKernel.SOCKET_FD + 1)).thenReturn(8L);
        m.sendResults.add(-9);
        assertEquals(1, daemon.pidNotifyWithFds(777, false, b(""), null, 0, BLOCKING));
        assertEquals(2, m.sends.size());
        assertEquals(MockedKernel.SOCKET_FD + 1, m.sends.get(1).fd());
        assertTrue(m.sends.get(1).creds(), "the new socket gets the whole attempt, credentials first");
        verify(m.kernel, times(2)).socket(anyInt(), anyInt());
    }

    @Test
    @DisplayName("D7 on the kept socket: EBADF from a passed fd (the socket is ours) ends with 1 as in 262")
    void emptyStateBadPassedFd() {
        when(m.kernel.socketCookie(MockedKernel.SOCKET_FD)).thenReturn(7L);
        m.sendResults.add(-9);
        assertEquals(1, daemon.pidNotifyWithFds(777, false, b(""), new int[] {99}, 1, BLOCKING));
        assertEquals(1, m.sends.size());
    }

    @Test
    @DisplayName("D7 with a bounded send: EAGAIN is not the end of an empty state; the whole message is sent again")
    void emptyStateEagainRetried() {
        m.sendResults.add(-11);
        assertEquals(1, daemon.pidNotifyWithFds(777, false, b(""), null, 0, 1_000_000L));
        assertEquals(2, m.sends.size());
        assertTrue(m.sends.get(1).creds());
    }
}
