package dev.sdnotify.agent;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Whether the application's start is moving, for the extensions of the start's timeout: a number that grows by one
 * at each look (the lifecycle looks every third of {@code extend=}) at which, since the previous look, the JVM
 * loaded at least {@value #MIN_CLASSES} classes or the application's threads used at least
 * {@value #MIN_CPU_PERCENT} % of one core. The CPU time counted is that of the JVM's Java threads but the agent's
 * own ({@code sdnotify-*}); the JIT compiler and the garbage collector are not Java threads. Measured on an idle
 * Kafka broker waiting for a port that never opens: the agent's thread about 6 % of a core (it reads the kernel's
 * TCP tables every 50 ms), the broker's threads about 3 %, so that the process's CPU time moved at every look and
 * the start was extended forever; a start that waits must still meet {@code TimeoutStartSec=}.
 */
final class Progress implements LongSupplier {
    static final int MIN_CPU_PERCENT = 10;
    static final int MIN_CLASSES = 10;

    /** What one look sees: classes loaded so far, and the CPU time of each application thread (nanoseconds). */
    interface Sample {
        long loadedClasses();

        Map<Long, Long> threadCpuNanos();
    }

    private final Sample sample;
    private final LongSupplier clock;
    private long classes;
    private final Map<Long, Long> cpu = new HashMap<>();
    private long lookedAt;
    private long count;

    Progress() {
        this(new JvmSample(), System::nanoTime);
    }

    Progress(Sample sample, LongSupplier clock) {
        this.sample = sample;
        this.clock = clock;
        this.classes = sample.loadedClasses();
        this.cpu.putAll(sample.threadCpuNanos());
        this.lookedAt = clock.getAsLong();
    }

    @Override
    public synchronized long getAsLong() {
        long now = clock.getAsLong();
        long loaded = sample.loadedClasses();
        Map<Long, Long> threads = sample.threadCpuNanos();
        long used = 0;
        for (Map.Entry<Long, Long> t : threads.entrySet()) {
            // A thread new since the last look counts with all its time.
            used += Math.max(0, t.getValue() - cpu.getOrDefault(t.getKey(), 0L));
        }
        long elapsed = now - lookedAt;
        boolean moved = loaded - classes >= MIN_CLASSES || elapsed > 0 && used * 100 >= elapsed * MIN_CPU_PERCENT;
        classes = loaded;
        cpu.clear();
        cpu.putAll(threads);
        lookedAt = now;
        if (moved) {
            count++;
        }
        return count;
    }

    /** The running JVM's numbers. */
    static final class JvmSample implements Sample {
        private final ClassLoadingMXBean classLoading = ManagementFactory.getClassLoadingMXBean();
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        @Override
        public long loadedClasses() {
            return classLoading.getTotalLoadedClassCount();
        }

        @Override
        public Map<Long, Long> threadCpuNanos() {
            Map<Long, Long> out = new HashMap<>();
            if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
                return out;
            }
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
                if (info == null || info.getThreadName().startsWith("sdnotify-")) {
                    continue;
                }
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    out.put(info.getThreadId(), nanos);
                }
            }
            return out;
        }
    }
}
