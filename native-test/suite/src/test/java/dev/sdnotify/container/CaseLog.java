package dev.sdnotify.container;

import java.util.ArrayList;
import java.util.List;

/**
 * What a case says besides its verdict: the one-line note of its result row, and lines for its log, printed
 * only when it fails. A case gets one as a parameter.
 */
final class CaseLog {
    private final List<String> lines = new ArrayList<>();
    private String note = "";

    /** The result row's note: what the case measured. */
    void note(String text) {
        note = text;
    }

    /** A line for the log shown if the case fails. */
    void log(String line) {
        lines.add(line);
    }

    String note() {
        return note;
    }

    List<String> lines() {
        return List.copyOf(lines);
    }
}
