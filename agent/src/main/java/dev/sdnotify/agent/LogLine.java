package dev.sdnotify.agent;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * {@code log:REGEX}: a line this JVM wrote to {@code System.out} or {@code System.err} matched REGEX (once it has,
 * the check holds for good). The lines come from the tap {@code premain} put in front of both streams before the
 * application wrote any.
 */
final class LogLine implements Check {
    private final Pattern pattern;
    private volatile boolean seen;

    LogLine(Pattern pattern) {
        this.pattern = pattern;
    }

    @Override
    public String failure() {
        return seen ? null : "no line matching " + pattern + " yet";
    }

    @Override
    public String toString() {
        return "a line matching " + pattern;
    }

    /**
     * Gives {@code tap} (null where the options name no {@code log:}) the matcher of {@code lines}: it answers true,
     * and the tap stops looking, once every one has matched.
     */
    static void watch(List<LogLine> lines, Consumer<Predicate<String>> tap) {
        if (tap == null) {
            return;
        }
        tap.accept(text -> {
            boolean all = true;
            for (LogLine l : lines) {
                if (!l.seen && l.pattern.matcher(text).find()) {
                    l.seen = true;
                }
                all &= l.seen;
            }
            return all;
        });
    }
}
