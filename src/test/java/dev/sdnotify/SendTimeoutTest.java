package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.internal.core.DaemonNotifier;
import dev.sdnotify.internal.daemon.Backends;
import dev.sdnotify.internal.daemon.ChosenBackend;
import dev.sdnotify.internal.daemon.Gateways;
import dev.sdnotify.internal.kernel.LinuxAbi;
import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Receiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A supervisor that stops reading: plain sends wait (as libsystemd's do), timed sends give up with EAGAIN.
 * The receiver's queue is filled until a timed send fails, so the test does not depend on the host's
 * {@code net.unix.max_dgram_qlen}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@ExtendWith(CleanEnvironment.class)
class SendTimeoutTest {
    static final Duration LIMIT = Duration.ofMillis(200);

    @TempDir Path dir;

    @BeforeAll
    static void oracle() {
        Capabilities.requireLibsystemd();
    }

    /** Sends through {@code timed} until the queue is full; returns how many fitted. */
    static int fill(Notifier timed) {
        for (int i = 0; i < 100_000; i++) {
            try {
                timed.status("fill " + i);
            } catch (SdNotifyException e) {
                assertEquals(11, e.errno(), e.getMessage());
                return i;
            }
        }
        throw new AssertionError("the receiver's queue never filled");
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void timedSendGivesUpOnFullQueue(Backend backend) throws Exception {
        try (Receiver r = Receiver.bindPath(dir.resolve("full"))) {
            CEnv.set("NOTIFY_SOCKET", r.address());
            Notifier timed = Notifier.withBackend(backend).withSendTimeout(LIMIT);
            int queued = fill(timed);
            assertTrue(queued > 0, "some messages fit before the queue filled");

            long start = System.nanoTime();
            SdNotifyException e = assertThrows(SdNotifyException.class, timed::watchdog);
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(11, e.errno());
            assertEquals("EAGAIN", e.errnoName());
            assertTrue(e.getMessage().contains("stayed full for the send timeout of PT0.2S"), e.getMessage());
            assertTrue(e.getMessage().contains(r.address()), e.getMessage());
            assertTrue(waitedMillis >= 150, "waited the timeout before giving up, waited " + waitedMillis + " ms");

            // Once the supervisor reads again, the same notifier sends.
            List<Receiver.Datagram> backlog = r.drain();
            assertEquals(queued, backlog.size());
            assertTrue(timed.watchdog());
            assertEquals("WATCHDOG=1", r.receiveBlocking(true).text());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void plainSendWaitsForTheSupervisor(Backend backend) throws Exception {
        try (Receiver r = Receiver.bindPath(dir.resolve("wait"))) {
            CEnv.set("NOTIFY_SOCKET", r.address());
            fill(Notifier.withBackend(backend).withSendTimeout(LIMIT));
            Notifier plain = Notifier.withBackend(backend);
            CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(plain::watchdog);
            assertThrows(TimeoutException.class, () -> blocked.get(500, TimeUnit.MILLISECONDS),
                    "a plain send waits while the queue is full");
            r.drain();
            assertTrue(blocked.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void barrierMessageIsTimedToo() {
        try (Receiver r = Receiver.bindPath(dir.resolve("barrier"))) {
            CEnv.set("NOTIFY_SOCKET", r.address());
            Notifier timed = Notifier.withBackend(Backend.JAVA).withSendTimeout(LIMIT);
            fill(timed);
            SdNotifyException e = assertThrows(SdNotifyException.class, () -> timed.barrier(Duration.ofSeconds(5)));
            assertEquals(11, e.errno());
            assertTrue(e.getMessage().startsWith("sd_notify_barrier"), e.getMessage());
        }
    }

    @Test
    void onAnUnverifiedArchitectureABoundedSendIsLibsystemdsOwnAndArrives() {
        // 32-bit ARM, say: libsystemd works there, the java protocol's constants are not known to.
        ChosenBackend b = Backends.choose(Backend.LIBSYSTEMD, Gateways::get, LinuxAbi.forArch("arm"), Map.of());
        assertTrue(b.info().reason().contains("sends cannot be bounded here"), b.info().reason());
        try (Receiver r = Receiver.bindPath(dir.resolve("notify"))) {
            CEnv.set("NOTIFY_SOCKET", r.address());
            Notifier timed = DaemonNotifier.over(b).withSendTimeout(LIMIT);
            assertTrue(timed.watchdog(), "delivered, not ENOSYS");
            assertEquals("WATCHDOG=1", r.drain().get(0).text());
        }
    }

    @Test
    void timeoutMustBePositive() {
        Notifier n = Notifier.withBackend(Backend.JAVA);
        assertThrows(IllegalArgumentException.class, () -> n.withSendTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> n.withSendTimeout(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> n.withSendTimeout(null));
        assertTrue(n.withSendTimeout(Duration.ofSeconds(1)).toString().contains("send timeout PT1S"));
    }

    @Test
    void noSupervisorMeansNotApplicable() {
        assertFalse(Notifier.withBackend(Backend.JAVA).withSendTimeout(LIMIT).watchdog());
        assertFalse(Notifier.noop().withSendTimeout(LIMIT).watchdog());
    }
}
