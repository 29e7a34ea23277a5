package dev.sdnotify.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.stream.Collectors;

/** No thread of this JVM is deadlocked ({@link ThreadMXBean#findDeadlockedThreads()}): part of every health check. */
final class DeadlockedThreads implements Check {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Override
    public String failure() {
        long[] ids = threads.findDeadlockedThreads();
        if (ids == null) {
            return null;
        }
        return "threads deadlocked: " + Arrays.stream(threads.getThreadInfo(ids)).filter(t -> t != null)
                .map(ThreadInfo::getThreadName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "no deadlocked threads";
    }
}
