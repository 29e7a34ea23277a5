package dev.sdnotify.internal.core;

import dev.sdnotify.Notifier;
import dev.sdnotify.internal.protocol.CNumbers;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.LongConsumer;

/**
 * New watchdog timeouts ({@code WATCHDOG_USEC=}) handed to the kernel for a supervisor, passed to the keepers that
 * feed the same supervisor, whichever notifier or method sent them. A message is read as the manager reads it: at
 * most 4096 bytes without a NUL, lines split at newline and carriage return, the first {@code WATCHDOG_USEC=} line
 * parsed by {@code safe_atou64}; a message the manager would drop, or a value it would not parse, is not followed,
 * nor one with a backslash, which the manager reads as an escape. A timeout of 0 or 18446744073709551615 switches
 * the watchdog off.
 */
public final class WatchdogTimeouts {
    private static final byte[] PREFIX = "WATCHDOG_USEC=".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final Map<Object, Set<LongConsumer>> FOLLOWERS = new ConcurrentHashMap<>();

    private WatchdogTimeouts() {}

    /**
     * Tells {@code follower} each timeout sent to the supervisor {@code notifier} talks to, in microseconds
     * (unsigned); a notifier of this library's own. Returns false, following nothing, for any other notifier.
     */
    public static boolean follow(Notifier notifier, LongConsumer follower) {
        Object supervisor = DaemonNotifier.supervisorOf(notifier);
        if (supervisor == null) {
            return false;
        }
        FOLLOWERS.computeIfAbsent(supervisor, k -> new CopyOnWriteArraySet<>()).add(follower);
        return true;
    }

    public static void unfollow(Notifier notifier, LongConsumer follower) {
        Object supervisor = DaemonNotifier.supervisorOf(notifier);
        Set<LongConsumer> set = supervisor == null ? null : FOLLOWERS.get(supervisor);
        if (set != null) {
            set.remove(follower);
        }
    }

    /** A message {@code payload} reached the kernel for {@code supervisor}. */
    static void sent(Object supervisor, byte[] payload) {
        Set<LongConsumer> set = supervisor == null ? null : FOLLOWERS.get(supervisor);
        if (set == null || set.isEmpty() || payload.length > DaemonNotifier.MESSAGE_MAX) {
            return;
        }
        int end = payload.length;
        for (int i = 0; i < end; i++) {
            if (payload[i] == '\\' || payload[i] == 0 && i != end - 1) {
                return;
            }
            if (payload[i] == 0) {
                end = i;
            }
        }
        for (int start = 0; start < end; ) {
            int stop = start;
            while (stop < end && payload[stop] != '\n' && payload[stop] != '\r') {
                stop++;
            }
            if (stop - start >= PREFIX.length
                    && Arrays.equals(payload, start, start + PREFIX.length, PREFIX, 0, PREFIX.length)) {
                long[] usec = new long[1];
                if (CNumbers.parseU64(Arrays.copyOfRange(payload, start + PREFIX.length, stop), usec) == 0) {
                    set.forEach(f -> f.accept(usec[0]));
                }
                return;
            }
            start = stop + 1;
        }
    }

    /** An unsigned count of microseconds as a Duration. */
    public static Duration duration(long usec) {
        return Duration.ofSeconds(Long.divideUnsigned(usec, 1_000_000L), Long.remainderUnsigned(usec, 1_000_000L) * 1000L);
    }
}
