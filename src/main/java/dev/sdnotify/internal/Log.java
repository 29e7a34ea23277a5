package dev.sdnotify.internal;

import java.lang.System.Logger.Level;

/** Where the library's messages go: {@code System.Logger} "dev.sdnotify", looked up on each message. */
public final class Log {
    /** {@code pattern} with {@link java.text.MessageFormat}'s {@code {0}} placeholders. */
    public static void log(Level level, String pattern, Object... arguments) {
        System.getLogger("dev.sdnotify").log(level, pattern, arguments);
    }
}
