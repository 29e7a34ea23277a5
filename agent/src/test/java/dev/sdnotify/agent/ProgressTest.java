package dev.sdnotify.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    /** A JVM whose numbers the test sets. */
    private static final class Numbers implements Progress.Sample {
        long classes = 1000;
        final Map<Long, Long> cpu = new HashMap<>(Map.of(1L, 5 * SECOND, 2L, SECOND));
        long now;

        @Override
        public long loadedClasses() {
            return classes;
        }

        @Override
        public Map<Long, Long> threadCpuNanos() {
            return new HashMap<>(cpu);
        }
    }

    @Test
    void anIdleStartDoesNotMoveAndAWorkingOneDoes() {
        Numbers n = new Numbers();
        Progress p = new Progress(n, () -> n.now);
        long first = p.getAsLong();
        // Ten seconds with 500 ms of CPU (5 % of a core) and a few classes: an idle server's background work.
        n.now += 10 * SECOND;
        n.cpu.merge(1L, SECOND / 2, Long::sum);
        n.classes += 2;
        assertEquals(first, p.getAsLong(), "5 % of a core and two classes are no progress");
        // Ten seconds of computing.
        n.now += 10 * SECOND;
        n.cpu.merge(2L, 9 * SECOND, Long::sum);
        long worked = p.getAsLong();
        assertTrue(worked > first, "a computing thread is progress");
        // Classes loaded, no CPU to speak of.
        n.now += 10 * SECOND;
        n.classes += 40;
        long loaded = p.getAsLong();
        assertTrue(loaded > worked, "loading classes is progress");
        n.now += 10 * SECOND;
        assertEquals(loaded, p.getAsLong(), "nothing happened");
    }

    @Test
    void aNewThreadCountsWithItsTimeAndAnEndedOneDoesNotGoBackwards() {
        Numbers n = new Numbers();
        Progress p = new Progress(n, () -> n.now);
        long first = p.getAsLong();
        n.now += 10 * SECOND;
        n.cpu.remove(1L);
        assertEquals(first, p.getAsLong(), "a thread that ended is no progress");
        n.now += 10 * SECOND;
        n.cpu.put(3L, 2 * SECOND);
        assertTrue(p.getAsLong() > first, "a new thread that worked 20 % of the time is progress");
    }

    @Test
    void theAgentsOwnThreadsAreNotCounted() throws InterruptedException {
        Progress.JvmSample sample = new Progress.JvmSample();
        Thread own = new Thread(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // ends
            }
        }, "sdnotify-test");
        own.setDaemon(true);
        own.start();
        try {
            Map<Long, Long> counted = sample.threadCpuNanos();
            assertTrue(counted.containsKey(Thread.currentThread().getId()), "the application's thread is counted");
            assertTrue(!counted.containsKey(own.getId()), "an sdnotify-* thread is not counted");
        } finally {
            own.interrupt();
            own.join();
        }
    }
}
