package dev.sdnotify.internal.core;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * A new watchdog timeout ({@code WATCHDOG_USEC=}) that reached the manager, passed to the running keepers
 * of the process: the manager applies it to the unit, whichever notifier sent it.
 */
public final class WatchdogTimeouts {
    private static final Set<Consumer<Duration>> FOLLOWERS = new CopyOnWriteArraySet<>();

    private WatchdogTimeouts() {}

    public static void follow(Consumer<Duration> follower) {
        FOLLOWERS.add(follower);
    }

    public static void unfollow(Consumer<Duration> follower) {
        FOLLOWERS.remove(follower);
    }

    /** Tells every follower; called for each {@code WATCHDOG_USEC=} that reached the manager. */
    public static void sent(Duration timeout) {
        for (Consumer<Duration> f : FOLLOWERS) {
            f.accept(timeout);
        }
    }
}
