package dev.sdnotify.internal;

import java.lang.System.Logger.Level;
import java.text.MessageFormat;
import java.util.function.BiConsumer;

/**
 * Where the library's messages go: {@code System.Logger} "dev.sdnotify", looked up on each message, or the sink a
 * host sets instead (the agent writes to standard error: it must not start the JVM's logging before the
 * application does).
 */
public final class Log {
    private static volatile BiConsumer<Level, String> sink;

    private Log() {}

    /** Sends every later message to {@code to}, with its level and its formatted text. */
    public static void to(BiConsumer<Level, String> to) {
        sink = to;
    }

    /** {@code pattern} with {@link MessageFormat}'s {@code {0}} placeholders. */
    public static void log(Level level, String pattern, Object... arguments) {
        BiConsumer<Level, String> s = sink;
        if (s == null) {
            System.getLogger("dev.sdnotify").log(level, pattern, arguments);
        } else {
            s.accept(level, arguments.length == 0 ? pattern : MessageFormat.format(pattern, arguments));
        }
    }
}
