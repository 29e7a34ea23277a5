package dev.sdnotify.localsupervisor;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The supervisor's report, on its stderr so that the command's stdout stays the command's own: one line per
 * event, stamped with the time since the start, and below it what systemd would make of it.
 */
final class Console {
    private static final String NOTE_INDENT = "           -> ";

    private final PrintStream out;
    private final long start = System.nanoTime();

    Console(PrintStream out) {
        this.out = out;
    }

    /** Nanoseconds since this console was made, just before the command: the clock of every line and deadline. */
    long elapsed() {
        return System.nanoTime() - start;
    }

    void line(String text) {
        line(text, List.of());
    }

    /** One event and its notes, written at once so that the command's output cannot come between them. */
    void line(String text, List<String> notes) {
        StringBuilder lines = new StringBuilder(String.format(Locale.ROOT, "[%6.3f s] ", elapsed() / 1e9));
        lines.append(text).append('\n');
        notes.forEach(note -> lines.append(NOTE_INDENT).append(note).append('\n'));
        synchronized (out) {
            out.print(lines);
            out.flush();
        }
    }
}
