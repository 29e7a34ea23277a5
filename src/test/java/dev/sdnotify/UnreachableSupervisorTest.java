package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.internal.core.Backends;
import dev.sdnotify.internal.core.ChosenBackend;
import dev.sdnotify.internal.core.DaemonNotifier;
import dev.sdnotify.internal.core.ReadinessFd;
import dev.sdnotify.internal.nativeaccess.Gateways;
import dev.sdnotify.internal.nativeaccess.LinuxAbi;
import dev.sdnotify.internal.nativeaccess.Loaded;
import dev.sdnotify.internal.nativeaccess.NativeGateway;
import dev.sdnotify.internal.protocol.Errno;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A process started by a supervisor whose native access failed: calls that would talk to the supervisor
 * throw with the reason, never answer "no supervisor"; without supervisor variables {@code none} stands.
 */
class UnreachableSupervisorTest {
    private static final String WHY = "JNA cannot load its native stub (test)";
    private static final Loaded<NativeGateway> NO_GATEWAY = Loaded.failed(WHY);
    private static final LinuxAbi ABI = LinuxAbi.current();

    private static ChosenBackend choose(Map<String, String> env) {
        return Backends.choose(null, NO_GATEWAY, ABI, env);
    }

    @Test
    void withoutSupervisorVariablesNoneTellsTheTruth() {
        ChosenBackend b = choose(Map.of("HOME", "/root"));
        assertEquals(Backend.NONE, b.info().backend());
        assertFalse(b.info().isSupervisorUnreachable(), b.toString());
        assertEquals(WHY, b.info().reason());
        Notifier n = new DaemonNotifier(b);
        assertFalse(n.ready());
        assertFalse(n.isAvailable());
        assertEquals(java.util.Optional.empty(), new DaemonNotifier(b).watchdogInterval());
    }

    @Test
    void notifySocketSetMakesEverySendThrowWithTheCause() {
        ChosenBackend b = choose(Map.of("NOTIFY_SOCKET", "/run/systemd/notify"));
        assertTrue(b.info().isSupervisorUnreachable(), b.toString());
        assertTrue(b.info().reason().startsWith("NOTIFY_SOCKET is set, so a supervisor started this process, but native "
                + "access failed: " + WHY), b.info().reason());
        Notifier n = new DaemonNotifier(b);
        assertTrue(n.isAvailable(), "sends are attempted");
        for (Runnable call : new Runnable[] {n::ready, () -> n.status("x"), n::watchdog, n::reloading, n::stopping,
            () -> n.barrier(Duration.ofSeconds(1)), () -> n.notify("READY=1"), () -> n.storeFds("a", 3)}) {
            SdNotifyException e = assertThrows(SdNotifyException.class, call::run);
            assertEquals(Errno.ELIBACC, e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains(WHY), e.getMessage());
        }
        // Nothing says a watchdog or sockets were passed: those answer as every backend would.
        assertEquals(java.util.Optional.empty(), new DaemonNotifier(b).watchdogInterval());
        assertEquals(java.util.List.of(), new DaemonNotifier(b).listenFds());
    }

    @Test
    void watchdogAndListenVariablesThrowToo() {
        ChosenBackend b = choose(Map.of("WATCHDOG_USEC", "2000000", "LISTEN_FDS", "1", "LISTEN_PID", "1"));
        assertTrue(b.info().isSupervisorUnreachable(), b.toString());
        assertTrue(b.info().reason().startsWith("WATCHDOG_USEC, LISTEN_FDS are set"), b.info().reason());
        SdNotifyException e = assertThrows(SdNotifyException.class, () -> new DaemonNotifier(b).watchdogInterval());
        assertEquals("sd_watchdog_enabled", e.operation());
        assertThrows(SdNotifyException.class, () -> new DaemonNotifier(b).listenFds());
        // No NOTIFY_SOCKET: a send is truly not applicable.
        assertFalse(new DaemonNotifier(b).status("x"));
    }

    @Test
    void readinessFdAloneThrowsOnReady() {
        ChosenBackend b = choose(Map.of("READY_FD", "3"));
        DaemonNotifier n = new DaemonNotifier(b, new ReadinessFd());
        SdNotifyException e = assertThrows(SdNotifyException.class, n::ready);
        assertEquals(ReadinessFd.OPERATION, e.operation());
        assertTrue(e.getMessage().contains("READY_FD is set"), e.getMessage());
    }

    @Test
    void explicitBackendStillFailsFast() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Backends.choose(Backend.JAVA, NO_GATEWAY, ABI, Map.of("NOTIFY_SOCKET", "/x")));
        assertTrue(e.getMessage().contains(WHY), e.getMessage());
    }

    @Test
    void unverifiedArchitectureRefusesTheJavaBackend() {
        Loaded<NativeGateway> gateway = Gateways.get();
        LinuxAbi mips = LinuxAbi.forArch("mips64el");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Backends.choose(Backend.JAVA, gateway, mips, Map.of()));
        assertTrue(e.getMessage().contains("os.arch=mips64el"), e.getMessage());
        ChosenBackend b = Backends.choose(null, failingLibsystemd(gateway), mips,
                Map.of("NOTIFY_SOCKET", "/x"));
        assertTrue(b.info().isSupervisorUnreachable(), b.toString());
        assertTrue(b.info().reason().contains("os.arch=mips64el"), b.info().reason());
    }

    /** The process's gateway, but with libsystemd missing, so auto would fall to the Java backend. */
    private static Loaded<NativeGateway> failingLibsystemd(Loaded<NativeGateway> real) {
        NativeGateway g = real.value();
        return Loaded.of(new NativeGateway() {
            @Override
            public String name() {
                return g.name();
            }

            @Override
            public dev.sdnotify.internal.backend.Posix libc() {
                return g.libc();
            }

            @Override
            public Loaded<dev.sdnotify.internal.backend.SdDaemon> libsystemd() {
                return Loaded.failed("libsystemd cannot be loaded (test)");
            }
        }, "");
    }
}
