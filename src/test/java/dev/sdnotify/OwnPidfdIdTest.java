package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.daemon.Backends;
import dev.sdnotify.testing.OwnPidfd;
import dev.sdnotify.testing.ProcFds;
import org.junit.jupiter.api.Test;

/**
 * D10 on the gateway in use (JNA or FFM): this process's pidfd inode id, as the Java backend compares it with
 * LISTEN_PIDFDID, is the one the tests read their own way, and no fd is left behind.
 */
class OwnPidfdIdTest {
    @Test
    void theGatewayReadsTheSameIdAndClosesThePidfd() {
        OwnPidfd.requirePidfs();
        Kernel kernel = Backends.choose(Backend.JAVA).kernel();
        assertNotNull(kernel, "the java backend has a kernel here");
        long expected = OwnPidfd.inodeId();
        int before = ProcFds.count();
        long[] out = new long[1];
        assertEquals(0, kernel.ownPidfdInodeId(out));
        assertEquals(expected, out[0], "the pidfd inode id");
        assertEquals(0, kernel.ownPidfdInodeId(out));
        assertEquals(expected, out[0], "the same process, the same id");
        assertEquals(before, ProcFds.count(), "the pidfd is closed again");
    }
}
