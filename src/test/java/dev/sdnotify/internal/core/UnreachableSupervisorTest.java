package dev.sdnotify.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.Backend;
import dev.sdnotify.Notifier;
import dev.sdnotify.SdNotifyException;
import dev.sdnotify.internal.daemon.Backends;
import dev.sdnotify.internal.daemon.ChosenBackend;
import dev.sdnotify.internal.daemon.Gateways;
import dev.sdnotify.internal.kernel.Gateway;
import dev.sdnotify.internal.kernel.LinuxAbi;
import dev.sdnotify.internal.kernel.Loaded;
import dev.sdnotify.internal.protocol.Errno;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A process started by a supervisor whose native access failed: calls that would talk to the supervisor throw
 * ELIBACC with the reason, never answer "no supervisor"; what needs no kernel answers; without supervisor variables
 * {@code none} stands.
 */
class UnreachableSupervisorTest {
    private static final String WHY = "JNA cannot load its native stub (test)";
    private static final LinuxAbi ABI = LinuxAbi.CURRENT;

    private static ChosenBackend choose(Map<String, String> env) {
        return Backends.choose(null, () -> Loaded.failed(WHY), ABI, env);
    }

    private static void assertUnreachable(Runnable call) {
        SdNotifyException e = assertThrows(SdNotifyException.class, call::run);
        assertEquals(Errno.ELIBACC, e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains(WHY), e.getMessage());
    }

    @Test
    void withoutSupervisorVariablesNoneTellsTheTruth() {
        ChosenBackend b = choose(Map.of("HOME", "/root"));
        Notifier n = DaemonNotifier.over(b);
        assertEquals(Backend.NONE, b.info().backend());
        assertFalse(b.info().isSupervisorUnreachable(), b.toString());
        assertFalse(n.ready());
        assertFalse(n.isAvailable());
        assertEquals(Optional.empty(), n.watchdogInterval());
    }

    @Test
    void notifySocketSetMakesEverySendThrowWithTheCause() {
        ChosenBackend b = choose(Map.of("NOTIFY_SOCKET", "/run/systemd/notify"));
        assertEquals(Backend.NONE, b.info().backend());
        assertTrue(b.info().isSupervisorUnreachable(), b.toString());
        assertTrue(b.info().reason().startsWith("NOTIFY_SOCKET is set, so a supervisor started this process, but native "
                + "access failed: " + WHY), b.info().reason());
        Notifier n = DaemonNotifier.over(b);
        assertTrue(n.isAvailable(), "sends are attempted");
        for (Runnable call : new Runnable[] {() -> n.status("x"), n::watchdog, n::reloading, n::stopping,
            () -> n.barrier(Duration.ofSeconds(1)), () -> n.sendRaw("READY=1"), () -> n.storeFds("a", 3)}) {
            assertUnreachable(call);
        }
        // Nothing says a watchdog or sockets were passed: those answer as every backend would.
        assertEquals(Optional.empty(), n.watchdogInterval());
        assertEquals(List.of(), n.listenFds());
    }

    @Test
    void theWatchdogIntervalNeedsNoKernelButPassedFdsDo() {
        ChosenBackend b = choose(Map.of("WATCHDOG_USEC", "2000000", "LISTEN_FDS", "1",
                "LISTEN_PID", String.valueOf(ProcessHandle.current().pid())));
        Notifier n = DaemonNotifier.over(b);
        assertTrue(b.info().reason().startsWith("WATCHDOG_USEC, LISTEN_FDS are set"), b.info().reason());
        assertEquals(Optional.of(Duration.ofSeconds(2)), n.watchdogInterval(), "read from the JVM's environment");
        assertUnreachable(n::listenFds);
        assertFalse(n.status("x"), "no NOTIFY_SOCKET: a send is truly not applicable");
    }

    @Test
    void readinessFdAloneThrowsOnReady() {
        ChosenBackend b = choose(Map.of("READY_FD", "3"));
        SdNotifyException e = assertThrows(SdNotifyException.class, () -> new ReadinessFd().ready(b, () -> false));
        assertEquals(ReadinessFd.OPERATION, e.operation());
        assertEquals(Errno.ELIBACC, e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains("READY_FD is set"), e.getMessage());
    }

    @Test
    void explicitBackendStillFailsFast() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Backends.choose(Backend.JAVA, () -> Loaded.failed(WHY), ABI, Map.of("NOTIFY_SOCKET", "/x")));
        assertTrue(e.getMessage().contains(WHY), e.getMessage());
    }

    @Test
    void unverifiedArchitectureRefusesTheJavaBackend() {
        LinuxAbi mips = LinuxAbi.forArch("mips64el");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Backends.choose(Backend.JAVA, Gateways::get, mips, Map.of()));
        assertTrue(e.getMessage().contains("os.arch=mips64el"), e.getMessage());
        Gateway real = Gateways.get().value();
        Gateway withoutLibsystemd = new Gateway(real.name(), real.libc(), () -> Loaded.failed("no libsystemd (test)"));
        ChosenBackend b = Backends.choose(null, () -> Loaded.of(withoutLibsystemd, ""), mips,
                Map.of("NOTIFY_SOCKET", "/x"));
        assertTrue(b.info().isSupervisorUnreachable(), b.toString());
        assertTrue(b.info().reason().contains("os.arch=mips64el"), b.info().reason());
    }
}
