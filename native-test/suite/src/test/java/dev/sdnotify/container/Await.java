package dev.sdnotify.container;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Bounded polls: every wait of a case names what it waited for and what it saw last. */
final class Await {
    private static final long POLL_MILLIS = 50;

    private Await() {}

    /**
     * Reads {@code probe} every 50 ms until {@code done} accepts a value, and returns that value; after
     * {@code within}, fails with {@code failure} applied to the last value read.
     */
    static <T> T until(Duration within, Supplier<T> probe, Predicate<T> done, Function<T, String> failure) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            T value = probe.get();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(failure.apply(value));
            }
            pause(Duration.ofMillis(POLL_MILLIS));
        }
    }

    /**
     * Lets time pass on purpose: for the checks that a unit stays as it is over an interval (kept alive by
     * keep-alives, no restart), where there is nothing to await.
     */
    static void observeFor(Duration duration) {
        pause(duration);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
