package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Pipe;
import dev.sdnotify.testing.Receiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Notifier#forEnvironment(Map)}: a supervisor handed in as variables, read and changed in the notifier's
 * copy, never in the C environment, over the real kernel.
 */
@ExtendWith(CleanEnvironment.class)
class GivenEnvironmentTest {
    private static final String SELF = Long.toString(ProcessHandle.current().pid());

    @TempDir Path dir;

    @Test
    void sendsGoToTheGivenSocketAndUnsetOnlyChangesTheCopy() {
        try (Receiver r = Receiver.bindPath(dir.resolve("notify"))) {
            Map<String, String> variables = new HashMap<>(Map.of("NOTIFY_SOCKET", r.address()));
            Notifier n = Notifier.forEnvironment(variables);
            variables.clear();
            assertTrue(n.isAvailable(), "the map was copied");
            assertTrue(n.ready("up"));
            assertTrue(n.sendAndUnsetEnvironment(NotifyState.status("last")));
            assertFalse(n.isAvailable());
            assertFalse(n.status("after"), "NOTIFY_SOCKET is gone from the copy");
            assertEquals(List.of("READY=1\nSTATUS=up", "STATUS=last"),
                    r.drain().stream().map(Receiver.Datagram::text).collect(Collectors.toList()));
            assertNull(CEnv.get("NOTIFY_SOCKET"), "the C environment is not touched");
            assertFalse(Notifier.fromEnvironment().isAvailable(), "nor the process-wide notifier");
        }
    }

    @Test
    void theWatchdogIntervalFollowsTheGivenVariables() {
        assertEquals(Optional.of(Duration.ofSeconds(2)),
                Notifier.forEnvironment(Map.of("WATCHDOG_USEC", "2000000")).watchdogInterval());
        assertEquals(Optional.of(Duration.ofMillis(1500)),
                Notifier.forEnvironment(Map.of("WATCHDOG_USEC", "1500000", "WATCHDOG_PID", SELF)).watchdogInterval());
        assertEquals(Optional.empty(),
                Notifier.forEnvironment(Map.of("WATCHDOG_USEC", "2000000", "WATCHDOG_PID", "1")).watchdogInterval(),
                "meant for another process");
        SdNotifyException e = assertThrows(SdNotifyException.class,
                () -> Notifier.forEnvironment(Map.of("WATCHDOG_USEC", "soon")).watchdogInterval());
        assertTrue(e.getMessage().contains("WATCHDOG_USEC=\"soon\""), e.getMessage());
        Notifier once = Notifier.forEnvironment(Map.of("WATCHDOG_USEC", "2000000"));
        assertEquals(Optional.of(Duration.ofSeconds(2)), once.watchdogIntervalAndUnsetEnvironment());
        assertEquals(Optional.empty(), once.watchdogInterval());
    }

    @Test
    void aKeeperTakesItsIntervalFromTheGivenSupervisor() {
        try (Receiver r = Receiver.bindPath(dir.resolve("notify"))) {
            Notifier n = Notifier.forEnvironment(Map.of("NOTIFY_SOCKET", r.address(), "WATCHDOG_USEC", "4000000"));
            try (WatchdogKeeper k = Watchdog.keeper(() -> true).notifier(n).start()) {
                assertEquals(Optional.of(Duration.ofSeconds(4)), k.interval());
                Receiver.Datagram first = r.receiveBlocking(true);
                assertEquals("WATCHDOG=1", first.text());
            }
        }
    }

    @Test
    void passedFdsAreTheGivenOnes() {
        Notifier mine = Notifier.forEnvironment(Map.of("LISTEN_PID", SELF, "LISTEN_FDS", "1",
                "LISTEN_FDNAMES", "http"));
        assertEquals(List.of(ListenFd.of(3, "http")), mine.listenFds());
        Notifier other = Notifier.forEnvironment(Map.of("LISTEN_PID", "1", "LISTEN_FDS", "1"));
        assertEquals(List.of(), other.listenFds(), "meant for another process");
        assertEquals(List.of(ListenFd.of(3, "http")), mine.listenFdsAndUnsetEnvironment());
        assertEquals(List.of(), mine.listenFds(), "removed from the copy");
    }

    @Test
    void aGivenReadinessFdIsTheNotifiersOwn() {
        try (Pipe pipe = Pipe.open()) {
            int writeEnd = pipe.giveWriteEnd();
            Notifier n = Notifier.forEnvironment(Map.of("READY_FD", Integer.toString(writeEnd)));
            assertTrue(n.ready(), "the readiness fd was signaled");
            assertEquals("\n<EOF>", pipe.drain(), "a newline, then the fd closed");
            assertFalse(n.ready(), "once");
        }
        assertNull(CEnv.get("READY_FD"));
    }
}
