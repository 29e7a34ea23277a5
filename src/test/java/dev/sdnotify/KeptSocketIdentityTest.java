package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.ProcFds;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.Sockets;
import dev.sdnotify.testing.TestLibc;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.sdnotify.internal.core.DaemonNotifier;
import dev.sdnotify.internal.daemon.ChosenBackend;
import dev.sdnotify.internal.daemon.Gateways;
import dev.sdnotify.internal.daemon.JavaDaemon;
import dev.sdnotify.internal.daemon.KeptSocket;
import dev.sdnotify.internal.kernel.Environment;
import dev.sdnotify.internal.kernel.Gateway;
import dev.sdnotify.internal.kernel.GivenEnvironment;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java backend keeps one socket for its blocking sends. Other code may close that number and get it back for
 * a datagram socket of its own; the next send must not go out through it, and must not close it.
 */
class KeptSocketIdentityTest {
    private static final TestLibc C = TestLibc.INSTANCE;

    @TempDir Path dir;

    @Test
    void aNumberTakenOverByAnotherDatagramSocketIsNeitherUsedNorClosed() {
        try (Receiver manager = Receiver.bindPath(dir.resolve("notify"));
                Receiver elsewhere = Receiver.bindPath(dir.resolve("elsewhere"))) {
            // A kept socket of the test's own: the process's may have been opened by an earlier test.
            Gateway g = Gateways.get().value();
            Environment env = new GivenEnvironment(Map.of("NOTIFY_SOCKET", manager.address()));
            Notifier notifier = DaemonNotifier.over(new ChosenBackend(BackendInfo.of(Backend.JAVA, g.name(), "test",
                    false), new JavaDaemon(env, g.kernel(), new KeptSocket(g.kernel())), env, g.kernel()));
            Map<Integer, String> before = ProcFds.open();
            assertTrue(notifier.status("one"));
            int kept = newSocket(before, ProcFds.open());
            assertEquals(List.of("STATUS=one"), texts(manager));

            // Connected elsewhere, and shut for sending: a send through it would fail with EPIPE. dup2 closes the
            // kept socket and puts this one on its number, as other code closing it and opening its own can.
            int foreign = Sockets.unixDatagramConnectedAndShut(dir.resolve("elsewhere"));
            String foreignSocket = ProcFds.open().get(foreign);
            Sockets.moveTo(foreign, kept);
            assertEquals(foreignSocket, ProcFds.open().get(kept));
            try {
                assertTrue(notifier.status("two"), "sent on a socket of the backend's own");
                assertTrue(notifier.status("three"));
                assertEquals(List.of("STATUS=two", "STATUS=three"), texts(manager));
                assertEquals(List.of(), texts(elsewhere));
                assertEquals(foreignSocket, ProcFds.open().get(kept), "the other socket is still open at " + kept);
            } finally {
                C.close(kept);
            }
        }
    }

    /** The one socket opened between the two listings: the backend's kept socket. */
    private static int newSocket(Map<Integer, String> before, Map<Integer, String> after) {
        List<Integer> opened = new ArrayList<>();
        after.forEach((fd, target) -> {
            if (target.startsWith("socket:") && !target.equals(before.get(fd))) {
                opened.add(fd);
            }
        });
        assertEquals(1, opened.size(), "sockets opened by the first send: " + opened);
        return opened.get(0);
    }

    private static List<String> texts(Receiver r) {
        return r.drain().stream().map(Receiver.Datagram::text).collect(Collectors.toList());
    }
}
