package dev.sdnotify.micronaut;

import static dev.sdnotify.micronaut.NotifySocket.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.micronaut.NotifySocket.Message;
import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An application without an HTTP server or micronaut-management (surefire's "bare" run leaves both off the class
 * path), under a supervisor with a watchdog: READY=1 once the context has started, keep-alives with nothing to gate
 * them, STOPPING=1 when it stops.
 */
class BareTest {
    private static final Duration WITHIN = Duration.ofSeconds(10);

    @Test
    void readyOnceTheContextHasStarted() throws Exception {
        try (NotifySocket supervisor = new NotifySocket(0);
                ApplicationContext context = TestApp.context(Map.of())) {
            List<Message> start = supervisor.takeUntil(m -> m.contains("READY=1"), WITHIN);
            assertEquals("STATUS=Starting: creating beans", start.get(0).text(), texts(start).toString());
            assertTrue(start.get(start.size() - 1).text().startsWith("READY=1\nSTATUS=Running (started in "),
                    texts(start).toString());
            supervisor.takeUntil(m -> m.equals("WATCHDOG=1"), WITHIN);
            supervisor.takeUntil(m -> m.equals("WATCHDOG=1"), WITHIN);

            context.stop();
            List<String> stop = texts(supervisor.takeUntil(m -> m.contains("STOPPING=1"), WITHIN));
            assertEquals("STOPPING=1\nSTATUS=Shutting down", stop.get(stop.size() - 1));
        }
    }
}
