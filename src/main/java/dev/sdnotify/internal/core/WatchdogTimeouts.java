package dev.sdnotify.internal.core;

import dev.sdnotify.Notifier;
import dev.sdnotify.internal.protocol.CNumbers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
    private WatchdogTimeouts() {}

    private static final String PREFIX = "WATCHDOG_USEC=";
    private static final Map<Object, Set<LongConsumer>> FOLLOWERS = new ConcurrentHashMap<>();

    /**
     * Tells {@code follower} each timeout sent to the supervisor {@code notifier} talks to, in microseconds
     * (unsigned); a notifier of this library's own. Returns false, following nothing, for any other notifier.
     */
    public static void follow(Notifier notifier, LongConsumer follower) {
        Object supervisor = DaemonNotifier.supervisorOf(notifier);
        if (supervisor != null) {
            FOLLOWERS.computeIfAbsent(supervisor, k -> new CopyOnWriteArraySet<>()).add(follower);
        }
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
        // The bytes as characters of their own, up to a last NUL.
        int length = payload.length > 0 && payload[payload.length - 1] == 0 ? payload.length - 1 : payload.length;
        String text = new String(payload, 0, length, StandardCharsets.ISO_8859_1);
        if (text.indexOf('\\') >= 0 || text.indexOf(0) >= 0) {
            return;
        }
        for (int start = 0, end; start <= text.length(); start = end + 1) {
            end = lineEnd(text, start);
            if (text.startsWith(PREFIX, start)) {
                byte[] value = text.substring(start + PREFIX.length(), end).getBytes(StandardCharsets.ISO_8859_1);
                long[] usec = new long[1];
                if (CNumbers.parseU64(value, usec) == 0) {
                    set.forEach(f -> f.accept(usec[0]));
                }
                return;
            }
        }
    }

    /** Where the line from {@code start} ends: the next newline or carriage return, or the text's end. */
    private static int lineEnd(String text, int start) {
        int end = start;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
            end++;
        }
        return end;
    }

    /** An unsigned count of microseconds as a Duration. */
    public static Duration duration(long usec) {
        return Duration.ofSeconds(Long.divideUnsigned(usec, 1_000_000L), Long.remainderUnsigned(usec, 1_000_000L) * 1000L);
    }
}
