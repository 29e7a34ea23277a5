package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The backend choice is reported once, at debug level, through System.Logger (here backed by java.util.logging). */
class BackendLoggingTest {
    final Logger logger = Logger.getLogger("dev.sdnotify");
    final List<LogRecord> records = new ArrayList<>();
    final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    Level previous;

    @AfterEach
    void detach() {
        logger.removeHandler(handler);
        logger.setLevel(previous);
        Backends.use(null);
    }

    @Test
    void choosingABackendLogsItOnceAtDebug() {
        previous = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
        BackendInfo chosen = Backends.use(Backend.JAVA);
        SdNotify.isAvailable();
        SdNotify.backend();
        assertEquals(1, records.size(), "one record for one choice, none for later calls");
        LogRecord r = records.get(0);
        assertEquals(Level.FINE, r.getLevel(), "System.Logger DEBUG maps to FINE");
        String message = java.text.MessageFormat.format(r.getMessage(), r.getParameters());
        assertEquals("sdnotify backend " + chosen, message);
    }
}
