package dev.sdnotify.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.HealthCheck;
import dev.sdnotify.WatchdogKeeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ServiceLifecycleTest {
    private static final HealthCheck HEALTHY = () -> true;

    private final RecordingNotifier systemd = new RecordingNotifier();
    /** Holds the extension timer far in the future: the tests call {@code tick()} as its rounds. */
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong progress = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private ServiceLifecycle.Builder lifecycle() {
        return ServiceLifecycle.builder(systemd).progress(progress::get).clock(nanos::get, scheduler);
    }

    /** Built, and its first load done: the scheduler has run what was due before this. */
    private ServiceLifecycle built(ServiceLifecycle.Builder b) {
        ServiceLifecycle life = b.build();
        drain();
        return life;
    }

    private void drain() {
        try {
            scheduler.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void statusesWhileTheFirstLoadRunsReturnAtOnceAndReadyWaitsForIt() throws Exception {
        CountDownLatch load = new CountDownLatch(1);
        systemd.loadGate.set(load);
        systemd.watchdog = Duration.ofHours(2);
        ServiceLifecycle life = lifecycle().build();
        life.starting("a");
        life.starting("b");
        assertEquals(List.of(), systemd.messages(), "nothing while the library loads");
        Thread ready = new Thread(() -> life.ready("up", HEALTHY));
        ready.start();
        ready.join(300);
        assertTrue(ready.isAlive(), "READY=1 waits for the load");
        load.countDown();
        ready.join(10_000);
        assertEquals(List.of("STATUS=Starting: a", "STATUS=Starting: b", "READY=1\nSTATUS=up"), systemd.messages());
        WatchdogKeeper keeper = life.keeper().orElseThrow();
        assertTrue(keeper.isRunning(), "the keeper runs once ready() returns");
        life.stopping("bye");
        assertFalse(keeper.isRunning());
    }

    @Test
    void statusesWhileStartingThenReadyOnceThenOnlyStatuses() {
        ServiceLifecycle life = built(lifecycle());
        life.starting("loading the configuration");
        life.ready("Serving on port 8080", HEALTHY);
        life.starting("late phase");
        life.ready("Serving on port 8081", HEALTHY);
        assertEquals(List.of("STATUS=Starting: loading the configuration", "READY=1\nSTATUS=Serving on port 8080",
                "STATUS=Serving on port 8081"), systemd.messages());
        assertEquals(1, systemd.readyCalls.get(), "READY=1 through ready(), which signals a readiness fd too");
        assertTrue(life.isReady());
    }

    @Test
    void theStartTimeIsTheFrameworksOrTheLifecyclesAge() {
        ServiceLifecycle life = built(lifecycle());
        nanos.addAndGet(Duration.ofMillis(2_340).toNanos());
        life.readyAfterStart("Serving", null, HEALTHY);
        life.readyAfterStart("Serving again", Duration.ofMillis(1_250), HEALTHY);
        assertEquals(List.of("READY=1\nSTATUS=Serving (started in 2.3 s)", "STATUS=Serving again (started in 1.3 s)"),
                systemd.messages());
    }

    @Test
    void everySendIsBoundedByTheSendTimeout() {
        ServiceLifecycle life = built(lifecycle().sendTimeout(Duration.ofMillis(250)));
        life.starting("a");
        life.ready("b", HEALTHY);
        life.stopping("c");
        assertEquals(List.of(Duration.ofMillis(250), Duration.ofMillis(250), Duration.ofMillis(250)), systemd.timeouts);
    }

    @Test
    void extensionsWhileTheStartMovesAndStatusesWhileItStandsStill() {
        ServiceLifecycle life = built(lifecycle().extendTimeout(Duration.ofSeconds(30)));
        life.starting("initializing beans");
        progress.incrementAndGet();
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        life.tick();
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        life.tick();
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        life.tick();
        assertEquals(List.of("STATUS=Starting: initializing beans",
                "EXTEND_TIMEOUT_USEC=30000000\nSTATUS=Starting: initializing beans",
                "STATUS=Starting: initializing beans: no progress for 10 s",
                "STATUS=Starting: initializing beans: no progress for 20 s"), systemd.messages());
    }

    @Test
    void noExtensionOnceReadyOrFailed() {
        ServiceLifecycle ready = built(lifecycle().extendTimeout(Duration.ofSeconds(30)));
        ready.ready("up", HEALTHY);
        progress.incrementAndGet();
        ready.tick();
        ServiceLifecycle failed = built(lifecycle().extendTimeout(Duration.ofSeconds(30)));
        failed.failed("port 8080 is in use");
        progress.incrementAndGet();
        failed.tick();
        failed.ready("up", HEALTHY);
        failed.stopping("bye");
        assertEquals(List.of("READY=1\nSTATUS=up", "STATUS=Start failed: port 8080 is in use"), systemd.messages());
    }

    @Test
    void theStartThreadExistsForTheFirstLoadAndWhileExtensionsAreDue() throws InterruptedException {
        ServiceLifecycle none = ServiceLifecycle.builder(systemd).build();
        assertTrue(gone("sdnotify-start"), "no extension asked for: the thread ends with the first load");
        none.close();
        ServiceLifecycle some = ServiceLifecycle.builder(systemd).extendTimeout(Duration.ofHours(1)).build();
        Thread.sleep(100);
        assertTrue(threadNamed("sdnotify-start"), "extensions are due");
        some.ready("up", HEALTHY);
        assertTrue(gone("sdnotify-start"), "the thread ends with the start");
    }

    /** Whether no thread of that name lives, within five seconds. */
    private static boolean gone(String name) throws InterruptedException {
        for (int i = 0; i < 500 && threadNamed(name); i++) {
            Thread.sleep(10);
        }
        return !threadNamed(name);
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void stoppingOnlyAfterReadyAndOnce() {
        ServiceLifecycle neverReady = built(lifecycle());
        neverReady.stopping("Shutting down");
        assertEquals(List.of(), systemd.messages(), "a process that never was ready has nothing to take back");
        ServiceLifecycle life = built(lifecycle());
        life.ready("up", HEALTHY);
        life.stopping("Shutting down");
        life.stopping("again");
        life.status("after");
        assertEquals(List.of("READY=1\nSTATUS=up", "STOPPING=1\nSTATUS=Shutting down", "STATUS=after"),
                systemd.messages());
        assertFalse(life.isReady());
    }

    @Test
    void aSecondStoppingReturnsOnlyOnceTheFirstHasSent() throws Exception {
        ServiceLifecycle life = built(lifecycle());
        life.ready("up", HEALTHY);
        CountDownLatch gate = new CountDownLatch(1);
        systemd.gate.set(gate);
        Thread signal = new Thread(() -> life.stopping("SIGTERM received"));
        signal.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (signal.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(Thread.State.WAITING, signal.getState(), "the first STOPPING=1 waits for the supervisor");
        Thread hook = new Thread(() -> life.stopping("Stopping"));
        hook.start();
        hook.join(300);
        assertTrue(hook.isAlive(), "the hook waits while the first STOPPING=1 is on its way");
        gate.countDown();
        hook.join(5000);
        signal.join(5000);
        assertFalse(hook.isAlive());
        assertEquals(List.of("READY=1\nSTATUS=up", "STOPPING=1\nSTATUS=SIGTERM received"), systemd.messages());
    }

    @Test
    void partsSwitchedOff() {
        ServiceLifecycle life = built(lifecycle().sendReady(false).sendStopping(false));
        life.ready("up", HEALTHY);
        life.stopping("bye");
        assertEquals(List.of("STATUS=up"), systemd.messages());
    }

    @Test
    void mainPidWithReadyWhenAnnounced() {
        built(lifecycle().announceMainPid(true)).ready("up", HEALTHY);
        assertEquals(List.of("MAINPID=" + ProcessHandle.current().pid(), "READY=1\nSTATUS=up"), systemd.messages());
    }

    @Test
    void statusTextIsMadeSafe() {
        ServiceLifecycle life = built(lifecycle());
        life.starting("C:\\temp\nsecond line");
        life.failed("x".repeat(500));
        List<String> m = systemd.messages();
        assertFalse(m.get(0).contains("\n"), m.get(0));
        assertFalse(m.get(0).contains("\\"), m.get(0));
        assertTrue(m.get(1).length() < 260, m.get(1));
    }

    @Test
    void aFailedSendIsLoggedNotThrown() {
        systemd.failure = RecordingNotifier.refused();
        ServiceLifecycle life = built(lifecycle());
        life.starting("a");
        life.ready("b", HEALTHY);
        life.stopping("c");
        assertEquals(List.of(), systemd.messages());
    }

    @Test
    void aKeeperFromReadyUntilStopping() {
        systemd.watchdog = Duration.ofHours(2);
        ServiceLifecycle life = built(lifecycle().keeper(b -> b.failuresBeforeStopping(3)));
        assertTrue(life.keeper().isEmpty());
        life.ready("up", HEALTHY);
        WatchdogKeeper keeper = life.keeper().orElseThrow();
        assertTrue(keeper.isRunning());
        assertEquals(Duration.ofHours(2), keeper.interval().orElseThrow());
        life.stopping("bye");
        assertFalse(keeper.isRunning());
        assertTrue(life.keeper().isEmpty() || !life.keeper().get().isRunning());
        List<String> m = systemd.messages();
        assertEquals("STOPPING=1\nSTATUS=bye", m.get(m.size() - 1), "no keep-alive after STOPPING=1: " + m);
    }

    @Test
    void noKeeperWithoutWatchdogOrWhenSwitchedOff() {
        ServiceLifecycle plain = built(lifecycle());
        plain.ready("up", HEALTHY);
        assertTrue(plain.keeper().isEmpty());
        systemd.watchdog = Duration.ofHours(2);
        ServiceLifecycle off = built(lifecycle().watchdog(false));
        off.ready("up", HEALTHY);
        assertTrue(off.keeper().isEmpty());
    }

    @Test
    void closeEndsTheKeeperAndSendsNothing() {
        systemd.watchdog = Duration.ofHours(2);
        ServiceLifecycle life = built(lifecycle());
        life.ready("up", HEALTHY);
        WatchdogKeeper keeper = life.keeper().orElseThrow();
        int sent = systemd.messages().size();
        life.close();
        assertFalse(keeper.isRunning());
        life.stopping("bye");
        assertEquals(sent, systemd.messages().size());
    }

    @Test
    void theKeeperForgivesFailedChecksAsSet() throws InterruptedException {
        systemd.watchdog = Duration.ofSeconds(1);
        ServiceLifecycle life = built(lifecycle().failuresBeforeStopping(2));
        life.ready("up", () -> false);
        for (int i = 0; i < 400 && systemd.messages().size() < 3; i++) {
            Thread.sleep(25);
        }
        List<String> m = systemd.messages();
        assertEquals(List.of("READY=1\nSTATUS=up", "WATCHDOG=1"), m.subList(0, 2), "one failed check forgiven: " + m);
        assertTrue(m.size() == 3 && m.get(2).endsWith(" (2 checks in a row)"), "the second stops them: " + m);
        life.close();
    }

    private static String refused(Executable setting) {
        return assertThrows(IllegalArgumentException.class, setting).getMessage();
    }

    @Test
    void settingsAreCheckedWithTheirNames() {
        ServiceLifecycle.Builder b = ServiceLifecycle.builder(systemd).extendTimeout(Duration.ofNanos(3_000));
        assertEquals("extendTimeout must be 0 (no extensions) or at least 3 µs, got PT-1S",
                refused(() -> b.extendTimeout(Duration.ofSeconds(-1))));
        assertEquals("sendTimeout must be positive, got PT0S", refused(() -> b.sendTimeout(Duration.ZERO)));
    }

    @Test
    void anAdaptersSettingsAreCheckedWithItsPropertiesNames() {
        ServiceLifecycle.Builder b = ServiceLifecycle.builder(systemd, "sdnotify.");
        assertEquals("sdnotify.startup.extend-timeout must be 0 (no extensions) or at least 3 µs, got PT0.000002999S",
                refused(() -> b.extendTimeout(Duration.ofNanos(2_999))));
        assertEquals("sdnotify.send-timeout must be positive, got PT0S", refused(() -> b.sendTimeout(Duration.ZERO)));
        assertEquals("sdnotify.watchdog.failures-before-stopping must be at least 1 (the first failed check stops the "
                + "keep-alives), got 0", refused(() -> b.failuresBeforeStopping(0)));
    }

    @Test
    void jvmProgressMovesWithWork() {
        long before = ServiceLifecycle.jvmProgress();
        long spin = System.nanoTime() + Duration.ofMillis(300).toNanos();
        long x = 0;
        while (System.nanoTime() < spin) {
            x += Long.numberOfTrailingZeros(System.nanoTime());
        }
        assertTrue(ServiceLifecycle.jvmProgress() > before, "300 ms of CPU time moves it (" + x + ")");
    }
}
