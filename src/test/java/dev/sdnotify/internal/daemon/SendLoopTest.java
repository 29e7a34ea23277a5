package dev.sdnotify.internal.daemon;

import static dev.sdnotify.internal.daemon.MockedKernel.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.internal.daemon.MockedKernel.Sent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** libsystemd 262's send loop on its own: streams, short writes, the credential-less retry. */
class SendLoopTest {
    /** A pid other than this process's: the message carries credentials. */
    static final int OTHER_PID = 777;

    final MockedKernel m = new MockedKernel();
    final List<Sent> sends = m.sends;
    final int[] fds = {5};

    int run(boolean stream, byte[] state, int[] fds, int nFds, int pid) {
        return JavaDaemon.sendLoop(m.kernel, 9, null, stream, false, null, pid, state, fds, nFds);
    }

    @Test
    void streamSendsTheRestWithoutFdsOrCredentials() {
        m.sendResults.add(1);
        m.sendResults.add(1);
        assertEquals(1, run(true, b("ABC"), fds, 1, OTHER_PID));
        assertEquals(3, sends.size());
        assertEquals(0, sends.get(0).offset());
        assertEquals(3, sends.get(0).length());
        assertEquals(1, sends.get(0).nFds());
        assertTrue(sends.get(0).creds());
        assertEquals(OTHER_PID, sends.get(0).credPid());
        assertEquals(1, sends.get(1).offset());
        assertEquals(2, sends.get(1).length());
        assertNull(sends.get(1).fds());
        assertEquals(0, sends.get(1).nFds());
        assertFalse(sends.get(1).creds());
        assertEquals(2, sends.get(2).offset());
        assertEquals(1, sends.get(2).length());
    }

    @Test
    void aShortDatagramIsEio() {
        m.sendResults.add(1);
        assertEquals(-5, run(false, b("XY"), fds, 1, 0));
        assertEquals(1, sends.size());
    }

    @Test
    void aFailureWithCredentialsIsRetriedOnceWithoutThemKeepingTheFds() {
        m.sendResults.add(-3);
        assertEquals(1, run(false, b("P"), fds, 1, OTHER_PID));
        assertEquals(2, sends.size());
        assertTrue(sends.get(0).creds());
        assertFalse(sends.get(1).creds());
        assertEquals(1, sends.get(1).nFds());
        assertEquals(5, sends.get(1).fds()[0]);
    }

    @Test
    void theRetrysFailureStands() {
        m.sendResults.add(-3);
        m.sendResults.add(-111);
        assertEquals(-111, run(true, b("P"), null, 0, OTHER_PID));
    }

    @Test
    void anEmptyStateEndsAfterAFailureWithCredentials() {
        m.sendResults.add(-3);
        assertEquals(1, run(true, b(""), fds, 1, OTHER_PID));
        assertEquals(1, sends.size());
    }

    @Test
    void aFailureWithoutCredentialsStands() {
        m.sendResults.add(-32);
        assertEquals(-32, run(true, b("X"), null, 0, 0));
        assertEquals(1, sends.size());
    }

    @Test
    void aStreamsLaterFailureStands() {
        m.sendResults.add(1);
        m.sendResults.add(-104);
        assertEquals(-104, run(true, b("ABC"), null, 0, OTHER_PID));
        assertEquals(2, sends.size());
    }

    @Test
    void aFailureOfASocketNoLongerKeptStandsWithoutTheCredentialLessRetry() {
        m.sendResults.add(-9);
        KeptSocket forgotten = new KeptSocket(m.kernel);
        assertEquals(-9, JavaDaemon.sendLoop(m.kernel, 9, null, false, false, forgotten, OTHER_PID, b("P"), fds, 1));
        assertEquals(1, sends.size());
    }

    @Test
    void aFullQueueOfASendThatMustNotWaitStandsWithoutTheCredentialLessRetry() {
        m.sendResults.add(-11);
        assertEquals(-11, JavaDaemon.sendLoop(m.kernel, 9, null, false, true, null, OTHER_PID, b("P"), fds, 1));
        assertEquals(1, sends.size());
        m.sendResults.add(-11);
        assertEquals(1, run(false, b("P"), fds, 1, OTHER_PID), "a blocking send's EAGAIN is retried as any error");
    }

    @Test
    void theStateEndsAtItsNul() {
        assertEquals(1, run(false, new byte[] {'A', 0, 'B'}, null, 0, 0));
        assertEquals(1, sends.get(0).length());
    }
}
