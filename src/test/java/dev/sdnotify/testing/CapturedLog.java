package dev.sdnotify.testing;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every record the library logs through {@code System.Logger} ("dev.sdnotify", backed by java.util.logging
 * in tests) while open, at every level.
 */
public final class CapturedLog extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.sdnotify");
    private final Level previous;
    private final List<LogRecord> records = new ArrayList<>();

    public CapturedLog() {
        previous = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(this);
    }

    public synchronized List<LogRecord> records() {
        return new ArrayList<>(records);
    }

    /** The formatted messages at {@code atLeast} or above, in order. */
    public synchronized List<String> messages(Level atLeast) {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records) {
            if (r.getLevel().intValue() >= atLeast.intValue()) {
                out.add(MessageFormat.format(r.getMessage(), r.getParameters()));
            }
        }
        return out;
    }

    @Override
    public synchronized void publish(LogRecord r) {
        records.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }
}
