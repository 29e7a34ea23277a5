package dev.sdnotify.quarkus.deployment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Waits on the messages a {@link NotifySocket} hands a test method. */
final class Messages {
    private Messages() {
    }

    /** The messages up to and including the first that {@code matches}, which must come within {@code within}. */
    static List<Map.Entry<String, Boolean>> takeUntil(BlockingQueue<Map.Entry<String, Boolean>> messages,
            Predicate<String> matches, Duration within) throws InterruptedException {
        List<Map.Entry<String, Boolean>> taken = new ArrayList<>();
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Map.Entry<String, Boolean> m = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no such message within " + within + "; took " + texts(taken));
            }
            taken.add(m);
            if (matches.test(m.getKey())) {
                return taken;
            }
        }
    }

    /** The texts of {@code messages}, in order. */
    static List<String> texts(List<Map.Entry<String, Boolean>> messages) {
        return messages.stream().map(Map.Entry::getKey).toList();
    }

    /** The index of the first text containing {@code part}, or -1. */
    static int indexOf(List<String> texts, String part) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
