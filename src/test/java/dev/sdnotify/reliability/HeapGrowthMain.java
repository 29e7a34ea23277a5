package dev.sdnotify.reliability;

import dev.sdnotify.Backend;
import dev.sdnotify.Notifier;
import dev.sdnotify.testing.Resources;

/**
 * Run in a fresh JVM by {@link HeapGrowthReliabilityTest}: warms up, measures the heap after full
 * collections, sends {@code args[1]} keep-alives through backend {@code args[0]}, measures again, and prints
 * {@code before=B after=A sent=N}. Nothing else runs in the JVM, so the difference is the sends' own.
 */
public final class HeapGrowthMain {
    private HeapGrowthMain() {}

    public static void main(String[] args) {
        Notifier notifier = Notifier.withBackend(Backend.valueOf(args[0]));
        int count = Integer.parseInt(args[1]);
        for (int i = 0; i < 20_000; i++) {
            notifier.watchdog();
        }
        // The first measurement loads the management classes it uses; they must not count as growth.
        Resources.measure();
        long before = Resources.measure().heapUsed();
        int sent = 0;
        for (int i = 0; i < count; i++) {
            if (notifier.watchdog()) {
                sent++;
            }
        }
        long after = Resources.measure().heapUsed();
        System.out.println("before=" + before + " after=" + after + " sent=" + sent);
    }
}
