package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.CapturedLog;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Receiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The keeper on a fake clock and a hand-driven scheduler: no sleeps, every round and timeout run by the test. */
@ExtendWith(CleanEnvironment.class)
class WatchdogKeeperTest {
    static final Duration INTERVAL = Duration.ofSeconds(10);
    static final long SECOND = 1_000_000_000L;

    final AtomicLong now = new AtomicLong(1_000 * SECOND);
    final FakeScheduler scheduler = new FakeScheduler();
    final Notifier notifier = mock(Notifier.class);
    final AtomicBoolean healthy = new AtomicBoolean(true);
    /** Checks run at once, on the caller's thread, unless a test holds them. */
    final HeldChecks checks = new HeldChecks();

    CapturedLog log;

    @TempDir Path dir;

    /** What the keeper schedules, each due at a time on the fake clock; cancelled tasks never run. */
    final class FakeScheduler {
        final ScheduledExecutorService service = mock(ScheduledExecutorService.class);

        final class Task {
            final Runnable run;
            final long due;
            final long delay;
            boolean cancelled;

            Task(Runnable run, long delay) {
                this.run = run;
                this.delay = delay;
                this.due = now.get() + delay;
            }
        }

        final List<Task> tasks = new ArrayList<>();

        FakeScheduler() {
            when(service.schedule(any(Runnable.class), anyLong(), any(TimeUnit.class))).thenAnswer(inv -> {
                Task t = new Task(inv.getArgument(0), inv.<TimeUnit>getArgument(2).toNanos(inv.getArgument(1)));
                tasks.add(t);
                ScheduledFuture<?> f = mock(ScheduledFuture.class);
                when(f.cancel(anyBoolean())).thenAnswer(c -> {
                    boolean was = !t.cancelled;
                    t.cancelled = true;
                    return was;
                });
                return f;
            });
        }

        List<Task> pending() {
            return tasks.stream().filter(t -> !t.cancelled).collect(Collectors.toList());
        }

        /** Advances the clock to the earliest pending task and runs it. */
        void runNext() {
            Task next = pending().stream().min((a, b) -> Long.compare(a.due, b.due)).orElse(null);
            assertNotNull(next, "a task is scheduled");
            tasks.remove(next);
            now.set(Math.max(now.get(), next.due));
            next.run.run();
        }

        long lastDelay() {
            return tasks.get(tasks.size() - 1).delay;
        }
    }

    /** An executor that runs checks at once, or, while {@link #hold} is set, keeps them for the test to release. */
    static final class HeldChecks implements Executor {
        final List<Runnable> held = new ArrayList<>();
        boolean hold;
        int submitted;

        @Override
        public void execute(Runnable check) {
            submitted++;
            if (hold) {
                held.add(check);
            } else {
                check.run();
            }
        }

        void release() {
            hold = false;
            List<Runnable> all = new ArrayList<>(held);
            held.clear();
            all.forEach(Runnable::run);
        }
    }

    @BeforeEach
    void setUp() {
        when(notifier.watchdog()).thenReturn(true);
        when(notifier.status(anyString())).thenReturn(true);
        when(notifier.watchdogTrigger()).thenReturn(true);
        when(notifier.withSendTimeout(any())).thenReturn(notifier);
        log = new CapturedLog();
    }

    @AfterEach
    void tearDown() {
        log.close();
        SdNotify.useBackend(null);
    }

    WatchdogKeeper.Builder keeper(HealthCheck check) {
        return keeper(check, notifier);
    }

    WatchdogKeeper.Builder keeper(HealthCheck check, Notifier n) {
        return Watchdog.keeper(check).interval(INTERVAL).notifier(n).ticker(now::get).scheduler(scheduler.service)
                .checkExecutor(checks);
    }

    WatchdogKeeper start() {
        return keeper(healthy::get).start();
    }

    List<String> messages(Level atLeast) {
        return log.messages(atLeast);
    }

    /** The rounds pending: the tasks not timing a check. */
    long pendingRounds() {
        return scheduler.pending().stream().filter(t -> t.delay != INTERVAL.toNanos() / 4).count();
    }

    /** Defect: a notifier of the caller's own was used as given, its sends unbounded. */
    @Test
    void aGivenNotifierSendsBoundedByHalfTheInterval() {
        try (WatchdogKeeper k = start()) {
            verify(notifier).withSendTimeout(INTERVAL.dividedBy(2));
            assertTrue(k.isRunning());
        }
    }

    @Test
    void keepAlivesAtHalfTheIntervalWhileHealthy() {
        WatchdogKeeper k = start();
        assertEquals(0, scheduler.lastDelay(), "the first round runs at once");
        for (int i = 1; i <= 4; i++) {
            scheduler.runNext();
            verify(notifier, times(i)).watchdog();
            assertEquals(5 * SECOND, scheduler.lastDelay());
            assertEquals(1, scheduler.pending().size(), "one task: the next round; the check's timeout is cancelled");
        }
        assertTrue(k.isRunning());
        assertEquals(INTERVAL, k.interval().orElseThrow());
        verify(notifier, never()).send(any());
    }

    @Test
    void theCheckTimeIsTakenFromTheWait() {
        keeper(() -> {
            now.addAndGet(2 * SECOND);
            return true;
        }).start();
        scheduler.runNext();
        verify(notifier).watchdog();
        assertEquals(3 * SECOND, scheduler.lastDelay(), "rounds start half an interval apart");
    }

    @Test
    void unhealthyStopsFeedingForGoodAndSaysWhy() {
        WatchdogKeeper k = start();
        scheduler.runNext();
        healthy.set(false);
        scheduler.runNext();
        verify(notifier, times(1)).watchdog();
        verify(notifier).send(NotifyState.status("Watchdog: the health check reported unhealthy"));
        verify(notifier, never()).watchdogTrigger();
        assertTrue(scheduler.pending().isEmpty(), "no further round");
        assertFalse(k.isRunning());
        assertEquals("the health check reported unhealthy", k.failure().orElseThrow());
        assertTrue(messages(Level.WARNING).get(0).contains("keep-alives stopped"), messages(Level.WARNING).toString());
        assertTrue(k.toString().contains("stopped: the health check reported unhealthy"), k.toString());
    }

    @Test
    void aThresholdLetsFailedChecksInARowPassBeforeStopping() {
        WatchdogKeeper k = keeper(healthy::get).failuresBeforeStopping(3).start();
        scheduler.runNext();
        healthy.set(false);
        scheduler.runNext();
        scheduler.runNext();
        verify(notifier, times(3)).watchdog();
        assertTrue(k.isRunning(), "two failed checks of three");
        assertEquals(2, messages(Level.WARNING).size(), messages(Level.WARNING).toString());
        assertTrue(messages(Level.WARNING).get(1).startsWith("watchdog health check failed (2 of 3 in a row"),
                messages(Level.WARNING).toString());
        healthy.set(true);
        scheduler.runNext();
        healthy.set(false);
        scheduler.runNext();
        scheduler.runNext();
        assertTrue(k.isRunning(), "a passing check started the count again");
        scheduler.runNext();
        assertFalse(k.isRunning(), "the third failure in a row stops the keep-alives");
        verify(notifier, times(6)).watchdog();
        assertEquals("the health check reported unhealthy (3 checks in a row)", k.failure().orElseThrow());
        verify(notifier).send(NotifyState.status("Watchdog: the health check reported unhealthy (3 checks in a row)"));
        assertTrue(scheduler.pending().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> keeper(healthy::get).failuresBeforeStopping(0));
    }

    @Test
    @DisplayName("a thrown check's message is the reason, in words, made safe for STATUS=")
    void aThrowingCheckCountsAsUnhealthyAndItsMessageIsTheReason() {
        WatchdogKeeper k = keeper(() -> {
            throw new IllegalStateException("pool\\exhausted\nsecond line \ud800");
        }).triggerOnFailure(true).start();
        scheduler.runNext();
        verify(notifier, never()).watchdog();
        verify(notifier).send(NotifyState.status("Watchdog: the health check failed: pool exhausted second line  "));
        verify(notifier).watchdogTrigger();
        assertEquals("the health check failed: pool\\exhausted\nsecond line \ud800", k.failure().orElseThrow());
    }

    @Test
    void aCheckThrowingWithoutMessageIsNamedByItsKind() {
        WatchdogKeeper k = keeper(() -> {
            throw new NullPointerException();
        }).start();
        scheduler.runNext();
        assertEquals("the health check failed: NullPointerException", k.failure().orElseThrow());
    }

    // ---- defect: a hung check was invisible for the whole interval ----

    @Test
    @DisplayName("a check that outlives its timeout fails at the timeout: WARNING, STATUS=, trigger, not running")
    void aHungCheckFailsAtItsTimeout() {
        checks.hold = true;
        WatchdogKeeper k = keeper(healthy::get).triggerOnFailure(true).start();
        scheduler.runNext();
        assertTrue(k.isRunning(), "the check is running, its timeout not reached");
        assertEquals(INTERVAL.toNanos() / 4, scheduler.lastDelay(), "the default timeout: a quarter of the interval");
        scheduler.runNext();
        assertFalse(k.isRunning(), "failed at the timeout");
        assertEquals("the health check did not answer within PT2.5S", k.failure().orElseThrow());
        verify(notifier).send(NotifyState.status("Watchdog: the health check did not answer within PT2.5S"));
        verify(notifier).watchdogTrigger();
        verify(notifier, never()).watchdog();
        assertTrue(messages(Level.WARNING).get(0).contains("did not answer within"), messages(Level.WARNING).toString());
        checks.release();
        verify(notifier, never()).watchdog();
        assertTrue(scheduler.pending().isEmpty(), "a stopped keeper schedules nothing, even when the check returns");
    }

    @Test
    @DisplayName("a check still running at the next round fails again without a second check being started")
    void aHungCheckIsNotStartedTwice() {
        checks.hold = true;
        WatchdogKeeper k = keeper(healthy::get).failuresBeforeStopping(3).checkTimeout(Duration.ofSeconds(1)).start();
        scheduler.runNext();
        scheduler.runNext();
        verify(notifier, times(1)).watchdog();
        assertTrue(k.isRunning(), "one failure of three: the round's keep-alive still went out");
        scheduler.runNext();
        assertTrue(messages(Level.WARNING).get(1).contains("has not answered for PT5S"), messages(Level.WARNING).toString());
        scheduler.runNext();
        assertFalse(k.isRunning(), "the third round the check has not answered");
        assertEquals("the health check has not answered for PT10S (3 checks in a row)", k.failure().orElseThrow());
        assertEquals(1, checks.submitted, "the hung check is the only one started");
    }

    // ---- defect: a new timeout while a check ran forked the schedule into two chains ----

    @Test
    @DisplayName("a new timeout sent while a check runs keeps one chain of rounds")
    void aNewTimeoutDuringACheckKeepsOneChain() {
        try (Receiver r = Receiver.bindPath(dir.resolve("notify"))) {
            Notifier n = Notifier.forEnvironment(Map.of("NOTIFY_SOCKET", r.address()));
            AtomicBoolean sendOnce = new AtomicBoolean(true);
            WatchdogKeeper k = keeper(() -> {
                if (sendOnce.getAndSet(false)) {
                    n.send(NotifyState.watchdogTimeout(Duration.ofSeconds(4)));
                }
                return true;
            }, n).start();
            for (int i = 0; i < 6; i++) {
                scheduler.runNext();
                assertEquals(1, pendingRounds(), "one round pending after round " + (i + 1));
            }
            assertEquals(Duration.ofSeconds(4), k.interval().orElseThrow());
            assertEquals(2 * SECOND, scheduler.lastDelay(), "half the new timeout");
            List<String> sent = r.drain().stream().map(Receiver.Datagram::text).collect(Collectors.toList());
            assertEquals(6, sent.stream().filter("WATCHDOG=1"::equals).count(), sent.toString());
            k.close();
        }
    }

    @Test
    void aStoppedKeeperNeverSendsAgainWhateverIsFollowed() {
        try (Receiver r = Receiver.bindPath(dir.resolve("notify"))) {
            Notifier n = Notifier.forEnvironment(Map.of("NOTIFY_SOCKET", r.address()));
            WatchdogKeeper k = keeper(healthy::get, n).start();
            healthy.set(false);
            scheduler.runNext();
            assertFalse(k.isRunning());
            r.drain();
            healthy.set(true);
            n.send(NotifyState.watchdogTimeout(Duration.ofSeconds(4)));
            assertTrue(scheduler.pending().isEmpty(), "no round after a stop");
            assertEquals(List.of("WATCHDOG_USEC=4000000"), r.drain().stream().map(Receiver.Datagram::text)
                    .collect(Collectors.toList()));
        }
    }

    // ---- defect: following was process-wide and unvalidated ----

    @Test
    @DisplayName("a keeper follows timeouts sent to its own supervisor by any method, and no one else's")
    void onlyTheSameSupervisorsTimeoutsAreFollowed() {
        try (Receiver mine = Receiver.bindPath(dir.resolve("mine")); Receiver other = Receiver.bindPath(dir.resolve("o"))) {
            Notifier n = Notifier.forEnvironment(Map.of("NOTIFY_SOCKET", mine.address()));
            Notifier elsewhere = Notifier.forEnvironment(Map.of("NOTIFY_SOCKET", other.address()));
            WatchdogKeeper k = keeper(healthy::get, n).start();
            WatchdogKeeper onNoop = keeper(healthy::get, Notifier.noop()).start();
            scheduler.runNext();
            elsewhere.send(NotifyState.watchdogTimeout(Duration.ofSeconds(3)));
            assertEquals(INTERVAL, k.interval().orElseThrow(), "another supervisor's timeout");
            int[] pipe = new int[2];
            dev.sdnotify.testing.TestLibc.INSTANCE.pipe(pipe);
            try {
                assertTrue(n.sendWithFds(new int[] {pipe[1]}, NotifyState.watchdogTimeout(Duration.ofSeconds(6))));
                assertEquals(Duration.ofSeconds(6), k.interval().orElseThrow(), "sendWithFds");
            } finally {
                dev.sdnotify.testing.TestLibc.INSTANCE.close(pipe[0]);
                dev.sdnotify.testing.TestLibc.INSTANCE.close(pipe[1]);
            }
            assertTrue(n.sendAsPid(ProcessHandle.current().pid(), NotifyState.watchdogTimeout(Duration.ofSeconds(8))));
            assertEquals(Duration.ofSeconds(8), k.interval().orElseThrow(), "sendAsPid");
            assertTrue(n.sendRaw("STATUS=x\nWATCHDOG_USEC=12000000\nWATCHDOG_USEC=1"));
            assertEquals(Duration.ofSeconds(12), k.interval().orElseThrow(), "raw text, first occurrence, as systemd reads");
            assertEquals(INTERVAL, onNoop.interval().orElseThrow(), "a keeper on noop() follows nothing");
            mine.drain(true);
            other.drain(true);
        }
    }

    @ParameterizedTest(name = "WATCHDOG_USEC={0} → {1}")
    @CsvSource({"0x1e8480,PT2S", "' 3000000',PT3S", "0,off", "18446744073709551615,off", "-5,PT10S", "abc,PT10S",
        "99999999999999999999,PT10S"})
    @DisplayName("a sent timeout is read as systemd reads it; 0 and infinity switch the watchdog off")
    void sentTimeoutsAreReadAsSystemdReadsThem(String value, String expected) {
        try (Receiver r = Receiver.bindPath(dir.resolve("notify"))) {
            Notifier n = Notifier.forEnvironment(Map.of("NOTIFY_SOCKET", r.address()));
            WatchdogKeeper k = keeper(healthy::get, n).start();
            scheduler.runNext();
            assertTrue(n.sendRaw("WATCHDOG_USEC=" + value), "delivered, and no exception for the caller");
            if (expected.equals("off")) {
                assertEquals(Optional.empty(), k.interval());
                assertFalse(k.isRunning());
                assertTrue(k.failure().isEmpty(), "switched off is not a failed check");
                assertTrue(k.toString().contains("paused"), k.toString());
                assertEquals(0, pendingRounds(), "no round while off");
                assertTrue(n.send(NotifyState.watchdogTimeout(Duration.ofSeconds(4))));
                assertTrue(k.isRunning(), "a new timeout resumes it");
                assertEquals(2 * SECOND, scheduler.lastDelay());
            } else {
                assertEquals(Duration.parse(expected), k.interval().orElseThrow());
            }
            r.drain();
        }
    }

    @Test
    void aClosedKeeperFollowsNothing() {
        try (Receiver r = Receiver.bindPath(dir.resolve("notify"))) {
            Notifier n = Notifier.forEnvironment(Map.of("NOTIFY_SOCKET", r.address()));
            WatchdogKeeper k = keeper(healthy::get, n).start();
            scheduler.runNext();
            k.close();
            n.send(NotifyState.watchdogTimeout(Duration.ofSeconds(8)));
            assertEquals(INTERVAL, k.interval().orElseThrow());
            assertTrue(scheduler.pending().isEmpty());
            r.drain();
        }
    }

    // ---- sends ----

    @Test
    void failedSendsDoNotStopTheKeeperAndRepeatedOnesAreWarned() {
        when(notifier.watchdog())
                .thenThrow(new SdNotifyException("sd_notify", 11, "sendmsg: queue full"))
                .thenThrow(new SdNotifyException("sd_notify", 11, "sendmsg: queue full"))
                .thenReturn(true);
        WatchdogKeeper k = start();
        scheduler.runNext();
        assertTrue(messages(Level.WARNING).isEmpty(), "one failure is not yet worth a warning");
        scheduler.runNext();
        List<String> warnings = messages(Level.WARNING);
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("2 in a row") && warnings.get(0).contains("EAGAIN"), warnings.get(0));
        scheduler.runNext();
        assertTrue(messages(Level.INFO).stream().anyMatch(m -> m.contains("delivered again after 2 failures")));
        assertTrue(k.isRunning());
        verify(notifier, times(3)).watchdog();
        assertEquals(1, scheduler.pending().size());
    }

    @Test
    void noSupervisorSocketIsReportedLikeAFailedSend() {
        when(notifier.watchdog()).thenReturn(false);
        start();
        scheduler.runNext();
        scheduler.runNext();
        assertTrue(messages(Level.WARNING).get(0).contains("NOTIFY_SOCKET is not set"));
    }

    @Test
    void closeCancelsTheNextRoundAndLeavesAGivenSchedulerAlone() {
        WatchdogKeeper k = start();
        scheduler.runNext();
        k.close();
        k.close();
        assertTrue(scheduler.pending().isEmpty(), "the next round is cancelled");
        verify(scheduler.service, never()).shutdownNow();
        assertFalse(k.isRunning());
        verify(notifier, times(1)).watchdog();
    }

    // ---- without a watchdog ----

    @Test
    void withoutAWatchdogTheKeeperIsIdleAndStartsNothing() {
        WatchdogKeeper k = Watchdog.keeper(healthy::get).notifier(notifier).ticker(now::get)
                .scheduler(scheduler.service).start();
        assertFalse(k.isRunning());
        assertTrue(k.interval().isEmpty());
        assertTrue(k.toString().contains("no watchdog is configured"), k.toString());
        verify(notifier).watchdogInterval();
        verify(notifier, never()).watchdog();
        verifyNoInteractions(scheduler.service);
        k.close();
    }

    @Test
    @DisplayName("WATCHDOG_PID naming another process: one WARNING saying why, and what to change in the unit")
    void aWatchdogMeantForAnotherProcessIsExplained() {
        Notifier n = Notifier.forEnvironment(Map.of("NOTIFY_SOCKET", "/nowhere", "WATCHDOG_USEC", "2000000",
                "WATCHDOG_PID", "1"));
        WatchdogKeeper k = Watchdog.keeper(healthy::get).notifier(n).scheduler(scheduler.service).start();
        assertFalse(k.isRunning());
        List<String> warnings = messages(Level.WARNING);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("WATCHDOG_PID=\"1\" is not this JVM") && warnings.get(0).contains("exec java")
                && warnings.get(0).contains("NotifyAccess=all"), warnings.get(0));
        assertTrue(k.toString().contains("WATCHDOG_PID"), k.toString());
        verifyNoInteractions(scheduler.service);
    }

    @Test
    void theIntervalComesFromTheInjectedNotifier() {
        when(notifier.watchdogInterval()).thenReturn(Optional.of(Duration.ofSeconds(6)));
        WatchdogKeeper k = Watchdog.keeper(healthy::get).notifier(notifier).ticker(now::get)
                .scheduler(scheduler.service).checkExecutor(checks).start();
        assertEquals(Optional.of(Duration.ofSeconds(6)), k.interval());
        scheduler.runNext();
        verify(notifier).watchdog();
        assertEquals(3 * SECOND, scheduler.lastDelay(), "half the interval the notifier reported");
        k.close();
    }

    @Test
    void theDefaultThreadsAreCreatedOnlyWhenNeededAndEndOnClose() throws Exception {
        SdNotify.useBackend(Backend.JAVA);
        WatchdogKeeper idle = Watchdog.start(healthy::get);
        assertTrue(threads().isEmpty(), "no watchdog, no thread");
        idle.close();

        CEnv.set("WATCHDOG_USEC", "60000000");
        try (WatchdogKeeper k = Watchdog.start(healthy::get)) {
            assertEquals(Duration.ofSeconds(60), k.interval().orElseThrow());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (threads().size() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            List<Thread> threads = threads();
            assertEquals(List.of("sdnotify-watchdog", "sdnotify-watchdog-check"), threads.stream().map(Thread::getName)
                    .sorted().collect(Collectors.toList()));
            assertTrue(threads.stream().allMatch(Thread::isDaemon));
            k.close();
            for (Thread t : threads) {
                t.join(10_000);
                assertFalse(t.isAlive(), "close() ends " + t.getName());
            }
        }
    }

    @Test
    void malformedVariablesFailAtStart() {
        SdNotify.useBackend(Backend.JAVA);
        CEnv.set("WATCHDOG_USEC", "soon");
        SdNotifyException e = assertThrows(SdNotifyException.class, () -> Watchdog.start(healthy::get));
        assertTrue(e.getMessage().contains("WATCHDOG_USEC"), e.getMessage());
    }

    @Test
    void settingsAreChecked() {
        assertThrows(NullPointerException.class, () -> Watchdog.keeper(null));
        assertThrows(IllegalArgumentException.class, () -> Watchdog.keeper(healthy::get).interval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Watchdog.keeper(healthy::get).checkTimeout(Duration.ZERO));
    }

    /** End to end on the real clock and threads, against a real socket; blocking receives, no sleeps. */
    @Test
    @Timeout(30)
    void endToEndKeepAlivesThenTheReason() {
        SdNotify.useBackend(Backend.JAVA);
        try (Receiver r = Receiver.bindPath(dir.resolve("notify"))) {
            CEnv.set("NOTIFY_SOCKET", r.address());
            CEnv.set("WATCHDOG_USEC", "200000");
            CEnv.set("WATCHDOG_PID", Long.toString(ProcessHandle.current().pid()));
            try (WatchdogKeeper k = Watchdog.start(healthy::get)) {
                for (int i = 0; i < 3; i++) {
                    assertEquals("WATCHDOG=1", r.receiveBlocking(true).text());
                }
                healthy.set(false);
                String next;
                do {
                    next = r.receiveBlocking(true).text();
                } while (next.equals("WATCHDOG=1"));
                assertEquals("STATUS=Watchdog: the health check reported unhealthy", next);
                assertFalse(k.isRunning());
            }
        }
    }

    static List<Thread> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith("sdnotify-watchdog")).collect(Collectors.toList());
    }
}
