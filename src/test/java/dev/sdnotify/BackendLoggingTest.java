package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sdnotify.internal.daemon.Backends;
import dev.sdnotify.internal.daemon.ChosenBackend;
import dev.sdnotify.testing.CapturedLog;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The backend choice is reported once, at debug level, through System.Logger (here backed by java.util.logging). */
class BackendLoggingTest {

    @AfterEach
    void restore() {
        Backends.use(null);
    }

    @Test
    void choosingABackendLogsItOnceAtDebug() {
        ChosenBackend chosen;
        List<LogRecord> records;
        try (CapturedLog log = new CapturedLog()) {
            chosen = Backends.use(Backend.JAVA);
            SdNotify.isAvailable();
            SdNotify.backend();
            records = log.records();
        }
        assertEquals(1, records.size(), "one record for one choice, none for later calls");
        LogRecord r = records.get(0);
        assertEquals(Level.FINE, r.getLevel(), "System.Logger DEBUG maps to FINE");
        String message = java.text.MessageFormat.format(r.getMessage(), r.getParameters());
        assertEquals("sdnotify backend " + chosen.info(), message);
    }
}
