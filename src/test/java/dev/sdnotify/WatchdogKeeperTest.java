package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import dev.sdnotify.internal.core.WatchdogTimeouts;
import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.CapturedLog;
import dev.sdnotify.testing.Receiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The keeper on a fake clock and a hand-driven scheduler: no sleeps, every round run by the test. */
class WatchdogKeeperTest {
    static final Duration INTERVAL = Duration.ofSeconds(10);
    static final long SECOND = 1_000_000_000L;

    final AtomicLong now = new AtomicLong(1_000 * SECOND);
    final FakeScheduler scheduler = new FakeScheduler();
    final Notifier notifier = mock(Notifier.class);
    final AtomicBoolean healthy = new AtomicBoolean(true);

    CapturedLog log;

    @TempDir Path dir;

    /** Captures what the keeper schedules; {@link #runNext()} advances the clock by the delay and runs it. */
    final class FakeScheduler {
        final ScheduledExecutorService service = mock(ScheduledExecutorService.class);
        record Task(Runnable round, long delay) {}

        final Deque<Task> tasks = new ArrayDeque<>();
        final List<Long> delays = new ArrayList<>();
        final List<ScheduledFuture<?>> futures = new ArrayList<>();

        FakeScheduler() {
            when(service.schedule(any(Runnable.class), anyLong(), any(TimeUnit.class))).thenAnswer(inv -> {
                long delay = inv.<TimeUnit>getArgument(2).toNanos(inv.getArgument(1));
                tasks.add(new Task(inv.getArgument(0), delay));
                delays.add(delay);
                ScheduledFuture<?> f = mock(ScheduledFuture.class);
                futures.add(f);
                return f;
            });
        }

        void runNext() {
            Task task = tasks.poll();
            assertNotNull(task, "a round is scheduled");
            now.addAndGet(task.delay());
            task.round().run();
        }

        long lastDelay() {
            return delays.get(delays.size() - 1);
        }
    }

    @BeforeEach
    void setUp() {
        when(notifier.watchdog()).thenReturn(true);
        when(notifier.status(anyString())).thenReturn(true);
        when(notifier.watchdogTrigger()).thenReturn(true);
        log = new CapturedLog();
    }

    @AfterEach
    void tearDown() {
        log.close();
        CEnv.unset("WATCHDOG_USEC");
        CEnv.unset("WATCHDOG_PID");
        CEnv.unset("NOTIFY_SOCKET");
    }

    WatchdogKeeper.Builder keeper(WatchdogKeeper.HealthCheck check) {
        return Watchdog.keeper(check).interval(INTERVAL).notifier(notifier).ticker(now::get)
                .scheduler(scheduler.service);
    }

    WatchdogKeeper start() {
        return keeper(healthy::get).start();
    }

    List<String> messages(Level atLeast) {
        return log.messages(atLeast);
    }

    @Test
    void keepAlivesAtHalfTheIntervalWhileHealthy() {
        WatchdogKeeper k = start();
        assertEquals(0, scheduler.lastDelay(), "the first round runs at once");
        for (int i = 1; i <= 4; i++) {
            scheduler.runNext();
            verify(notifier, times(i)).watchdog();
            assertEquals(5 * SECOND, scheduler.lastDelay());
        }
        assertTrue(k.isRunning());
        assertEquals(INTERVAL, k.interval().orElseThrow());
        verify(notifier, never()).status(anyString());
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
        verify(notifier).status("Watchdog: the health check reported unhealthy");
        verify(notifier, never()).watchdogTrigger();
        assertTrue(scheduler.tasks.isEmpty(), "no further round");
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
        verify(notifier).status("Watchdog: the health check reported unhealthy (3 checks in a row)");
        assertTrue(scheduler.tasks.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> keeper(healthy::get).failuresBeforeStopping(0));
    }

    @Test
    void aNewTimeoutSentByTheServiceIsFollowed() {
        WatchdogKeeper k = start();
        scheduler.runNext();
        assertEquals(5 * SECOND, scheduler.lastDelay());
        WatchdogTimeouts.sent(Duration.ofSeconds(4));
        verify(scheduler.futures.get(1)).cancel(false);
        assertEquals(2 * SECOND, scheduler.lastDelay(), "the next round half the new interval from now");
        scheduler.tasks.poll();
        scheduler.runNext();
        assertEquals(2 * SECOND, scheduler.lastDelay(), "and every round after it");
        assertEquals(Duration.ofSeconds(4), k.interval().orElseThrow());
        k.close();
    }

    @Test
    void sendingWatchdogUsecThroughANotifierReachesRunningKeepers() {
        try (Receiver r = Receiver.bindPath(dir.resolve("notify"))) {
            CEnv.set("NOTIFY_SOCKET", r.address());
            WatchdogKeeper k = start();
            scheduler.runNext();
            assertTrue(Notifier.withBackend(Backend.JAVA).send(NotifyState.watchdogTimeout(Duration.ofSeconds(6))));
            assertEquals("WATCHDOG_USEC=6000000", r.drain().get(0).text());
            assertEquals(Duration.ofSeconds(6), k.interval().orElseThrow());
            assertEquals(3 * SECOND, scheduler.lastDelay());
            k.close();
            Notifier.withBackend(Backend.JAVA).send(NotifyState.watchdogTimeout(Duration.ofSeconds(8)));
            assertEquals(Duration.ofSeconds(6), k.interval().orElseThrow(), "a closed keeper follows nothing");
        }
    }

    @Test
    void aThrowingCheckCountsAsUnhealthyAndItsTextIsMadeSafeForStatus() {
        WatchdogKeeper k = keeper(() -> {
            throw new IllegalStateException("pool\\exhausted\nsecond line");
        }).triggerOnFailure(true).start();
        scheduler.runNext();
        verify(notifier, never()).watchdog();
        verify(notifier).status("Watchdog: the health check threw java.lang.IllegalStateException: pool exhausted second line");
        verify(notifier).watchdogTrigger();
        assertTrue(k.failure().orElseThrow().contains("pool\\exhausted\nsecond line"));
    }

    @Test
    void aCheckAnsweringAfterAWholeIntervalCountsAsFailed() {
        WatchdogKeeper k = keeper(() -> {
            now.addAndGet(INTERVAL.toNanos());
            return true;
        }).statusOnFailure(false).start();
        scheduler.runNext();
        verify(notifier, never()).watchdog();
        verify(notifier, never()).status(anyString());
        assertEquals("the health check took PT10S, not less than the watchdog interval PT10S",
                k.failure().orElseThrow());
    }

    @Test
    void aCheckJustUnderTheIntervalStillFeeds() {
        keeper(() -> {
            now.addAndGet(INTERVAL.toNanos() - 1);
            return true;
        }).start();
        scheduler.runNext();
        verify(notifier).watchdog();
        assertEquals(0, scheduler.lastDelay(), "late: the next round is due at once");
    }

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
        assertEquals(1, scheduler.tasks.size());
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
        ScheduledFuture<?> pending = scheduler.futures.get(scheduler.futures.size() - 1);
        k.close();
        k.close();
        verify(pending, times(1)).cancel(false);
        verify(scheduler.service, never()).shutdownNow();
        assertFalse(k.isRunning());
        scheduler.runNext();
        verify(notifier, times(1)).watchdog();
    }

    @Test
    void withoutAWatchdogTheKeeperIsIdleAndStartsNothing() {
        WatchdogKeeper k = Watchdog.keeper(healthy::get).notifier(notifier).ticker(now::get)
                .scheduler(scheduler.service).start();
        assertFalse(k.isRunning());
        assertTrue(k.interval().isEmpty());
        assertTrue(k.toString().contains("no watchdog is configured"), k.toString());
        verify(notifier).watchdogInterval();
        verifyNoMoreInteractions(notifier);
        verifyNoInteractions(scheduler.service);
        k.close();
    }

    @Test
    void theIntervalComesFromTheInjectedNotifier() {
        when(notifier.watchdogInterval()).thenReturn(Optional.of(Duration.ofSeconds(6)));
        WatchdogKeeper k = Watchdog.keeper(healthy::get).notifier(notifier).ticker(now::get)
                .scheduler(scheduler.service).start();
        assertEquals(Optional.of(Duration.ofSeconds(6)), k.interval());
        scheduler.runNext();
        verify(notifier).watchdog();
        assertEquals(3 * SECOND, scheduler.lastDelay(), "half the interval the notifier reported");
        k.close();
    }

    @Test
    void theDefaultThreadIsCreatedOnlyWhenNeededAndEndsOnClose() throws Exception {
        WatchdogKeeper idle = Watchdog.start(healthy::get);
        assertFalse(threadExists(), "no watchdog, no thread");
        idle.close();

        CEnv.set("WATCHDOG_USEC", "60000000");
        try (WatchdogKeeper k = Watchdog.start(healthy::get)) {
            assertEquals(Duration.ofSeconds(60), k.interval().orElseThrow());
            assertTrue(threadExists());
            Thread t = thread();
            assertTrue(t.isDaemon());
            k.close();
            t.join(10_000);
            assertFalse(t.isAlive(), "close() ends the keeper's thread");
        }
    }

    @Test
    void malformedVariablesFailAtStart() {
        CEnv.set("WATCHDOG_USEC", "soon");
        SdNotifyException e = assertThrows(SdNotifyException.class, () -> Watchdog.start(healthy::get));
        assertTrue(e.getMessage().contains("WATCHDOG_USEC"), e.getMessage());
    }

    @Test
    void settingsAreChecked() {
        assertThrows(NullPointerException.class, () -> Watchdog.keeper(null));
        assertThrows(IllegalArgumentException.class, () -> Watchdog.keeper(healthy::get).interval(Duration.ZERO));
    }

    /** End to end on the real clock and thread, against a real socket; blocking receives, no sleeps. */
    @Test
    @Timeout(30)
    void endToEndKeepAlivesThenTheReason() {
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

    static boolean threadExists() {
        return thread() != null;
    }

    static Thread thread() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("sdnotify-watchdog"))
                .filter(Thread::isAlive).findFirst().orElse(null);
    }
}
