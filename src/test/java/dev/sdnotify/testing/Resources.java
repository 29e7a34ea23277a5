package dev.sdnotify.testing;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.management.ObjectName;

/**
 * What a process holds, to compare before and after a long run: fds, heap after GC (as the memory bean
 * reports it, and the live bytes per class from a class histogram), threads.
 */
public record Resources(int fds, long heapUsed, Map<String, Long> liveBytesByClass, Set<String> threadNames,
        long threadsStarted) {

    /**
     * Measures after full collections, repeated until the used heap settles: native memory is freed by a
     * cleaner thread after a collection, and what it has not reached yet still counts as live.
     */
    public static Resources measure() {
        long heap = usedAfterGc();
        for (int i = 0; i < 100; i++) {
            long again = usedAfterGc();
            boolean settled = Math.abs(again - heap) < SETTLED;
            heap = again;
            if (settled) {
                break;
            }
        }
        Set<String> names = new TreeSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
        return new Resources(ProcFds.count(), heap, histogram(), names,
                ManagementFactory.getThreadMXBean().getTotalStartedThreadCount());
    }

    private static final long SETTLED = 64 << 10;

    private static long usedAfterGc() {
        System.gc();
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Live bytes per class, from HotSpot's class histogram (which collects first); empty elsewhere. */
    static Map<String, Long> histogram() {
        Map<String, Long> out = new HashMap<>();
        String text;
        try {
            text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {null}, new String[] {String[].class.getName()});
        } catch (Exception | LinkageError e) {
            return out;
        }
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                out.merge(f[3], Long.parseLong(f[2]), Long::sum);
            }
        }
        return out;
    }

    public long liveBytes() {
        return liveBytesByClass.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The classes whose live bytes grew most from {@code before} to this, e.g. {@code [B +1.20 MiB}. */
    public String growthSince(Resources before) {
        List<Map.Entry<String, Long>> growth = new ArrayList<>();
        liveBytesByClass.forEach((k, v) -> growth.add(Map.entry(k, v - before.liveBytesByClass.getOrDefault(k, 0L))));
        growth.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        List<String> top = new ArrayList<>();
        for (Map.Entry<String, Long> e : growth.subList(0, Math.min(3, growth.size()))) {
            top.add(e.getKey() + " " + (e.getValue() >= 0 ? "+" : "") + mib(e.getValue()));
        }
        return "live " + mib(before.liveBytes()) + " -> " + mib(liveBytes()) + ", most growth: " + top;
    }

    public static String mib(long bytes) {
        return String.format("%.2f MiB", bytes / 1048576.0);
    }
}
