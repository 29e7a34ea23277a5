package dev.sdnotify.internal.daemon;

import static dev.sdnotify.internal.daemon.MockedKernel.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** libsystemd 262's send loop on its own: streams, short writes, the credential-less retry. */
class SendLoopTest {
    record Call(int offset, int length, int[] fds, int nFds, boolean creds) {}

    /** Records each send and answers from {@code results}; the whole rest once they run out. */
    static final class Recorder implements SendLoop.Sender {
        final Deque<Integer> results = new ArrayDeque<>();
        final List<Call> calls = new ArrayList<>();

        @Override
        public int send(byte[] payload, int offset, int length, int[] fds, int nFds, boolean creds, int credPid) {
            calls.add(new Call(offset, length, fds, nFds, creds));
            Integer r = results.poll();
            return r == null ? length : r;
        }
    }

    final Recorder s = new Recorder();
    final int[] fds = {5};

    @Test
    void streamSendsTheRestWithoutFdsOrCredentials() {
        s.results.add(1);
        s.results.add(1);
        assertEquals(1, SendLoop.run(s, true, b("ABC"), fds, 1, true, 777));
        assertEquals(3, s.calls.size());
        assertEquals(new Call(0, 3, fds, 1, true), s.calls.get(0));
        assertEquals(1, s.calls.get(1).offset());
        assertEquals(2, s.calls.get(1).length());
        assertNull(s.calls.get(1).fds());
        assertEquals(0, s.calls.get(1).nFds());
        assertEquals(false, s.calls.get(1).creds());
        assertEquals(2, s.calls.get(2).offset());
        assertEquals(1, s.calls.get(2).length());
    }

    @Test
    void aShortDatagramIsEio() {
        s.results.add(1);
        assertEquals(-5, SendLoop.run(s, false, b("XY"), fds, 1, false, 0));
        assertEquals(1, s.calls.size());
    }

    @Test
    void aFailureWithCredentialsIsRetriedOnceWithoutThemKeepingTheFds() {
        s.results.add(-3);
        assertEquals(1, SendLoop.run(s, false, b("P"), fds, 1, true, 777));
        assertEquals(2, s.calls.size());
        assertEquals(new Call(0, 1, fds, 1, true), s.calls.get(0));
        assertEquals(new Call(0, 1, fds, 1, false), s.calls.get(1));
    }

    @Test
    void theRetrysFailureStands() {
        s.results.add(-3);
        s.results.add(-111);
        assertEquals(-111, SendLoop.run(s, true, b("P"), null, 0, true, 777));
    }

    @Test
    void anEmptyStateEndsAfterAFailureWithCredentials() {
        s.results.add(-3);
        assertEquals(1, SendLoop.run(s, true, b(""), fds, 1, true, 777));
        assertEquals(1, s.calls.size());
    }

    @Test
    void aFailureWithoutCredentialsStands() {
        s.results.add(-32);
        assertEquals(-32, SendLoop.run(s, true, b("X"), null, 0, false, 0));
        assertEquals(1, s.calls.size());
    }

    @Test
    void aStreamsLaterFailureStands() {
        s.results.add(1);
        s.results.add(-104);
        assertEquals(-104, SendLoop.run(s, true, b("ABC"), null, 0, true, 777));
        assertEquals(2, s.calls.size());
    }

    @Test
    void aFailureTheSenderCallsSocketGoneStandsWithoutTheCredentialLessRetry() {
        SendLoop.Sender gone = new SendLoop.Sender() {
            @Override
            public int send(byte[] payload, int offset, int length, int[] fds, int nFds, boolean creds, int credPid) {
                return s.send(payload, offset, length, fds, nFds, creds, credPid);
            }

            @Override
            public boolean socketGone(int error) {
                return error == -9;
            }
        };
        s.results.add(-9);
        assertEquals(-9, SendLoop.run(gone, false, b("P"), fds, 1, true, 777));
        assertEquals(1, s.calls.size());
    }

    @Test
    void theStateEndsAtItsNul() {
        assertEquals(1, SendLoop.run(s, false, new byte[] {'A', 0, 'B'}, null, 0, false, 0));
        assertEquals(1, s.calls.get(0).length());
    }
}
