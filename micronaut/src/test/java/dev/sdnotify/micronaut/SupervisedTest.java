package dev.sdnotify.micronaut;

import static dev.sdnotify.micronaut.NotifySocket.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.micronaut.NotifySocket.Message;
import io.micronaut.runtime.server.EmbeddedServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An application with an HTTP server, micronaut-management and a start that computes for a while, under a supervisor
 * with a watchdog (surefire's NOTIFY_SOCKET and WATCHDOG_USEC of 1 s): its start-up phases and an extension, then
 * READY=1 only once the HTTP port accepts connections; keep-alives that a DOWN readiness indicator leaves and a DOWN
 * liveness indicator ends; STOPPING=1 once when it stops.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SupervisedTest {
    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final int PORT = NotifySocket.freePort();

    private static NotifySocket supervisor;
    private static EmbeddedServer app;

    @BeforeAll
    static void start() throws Exception {
        supervisor = new NotifySocket(PORT);
        app = TestApp.server(Map.of("micronaut.server.port", PORT, "test.checks", true, "test.slow-start", true,
                "sdnotify.startup.extend-timeout", "300ms"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.stop();
        }
        supervisor.close();
    }

    @Test
    @Order(1)
    void readyOnceTheHttpPortAcceptsConnections() throws Exception {
        List<Message> start = supervisor.takeUntil(m -> m.contains("READY=1"), WITHIN);
        Message ready = start.get(start.size() - 1);
        assertTrue(ready.portOpen(), "READY=1 came while the HTTP port refused connections: " + texts(start));
        assertTrue(ready.text().startsWith("READY=1\nSTATUS=Accepting HTTP traffic on port " + PORT + " (started in "),
                ready.text());

        List<String> before = texts(start);
        int beans = before.indexOf("STATUS=Starting: creating beans");
        int server = before.indexOf("STATUS=Starting: starting the server");
        assertTrue(0 <= beans && beans < server, "phases missing or out of order: " + before);
        assertTrue(before.stream().anyMatch(m -> m.startsWith("EXTEND_TIMEOUT_USEC=300000\n")),
                "no extension while the start computed: " + before);
        assertTrue(TestApp.mapped("libsystemd"),
                "the libsystemd backend was not loaded, so the unsupervised test's check for it proves nothing");
    }

    @Test
    @Order(2)
    void aReadinessIndicatorDownLeavesTheKeepAlives() throws Exception {
        TestApp.Database.UP.set(false);
        // One keep-alive may have been checked before the switch; the second was checked after it.
        supervisor.takeUntil(m -> m.equals("WATCHDOG=1"), WITHIN);
        supervisor.takeUntil(m -> m.equals("WATCHDOG=1"), WITHIN);
    }

    @Test
    @Order(3)
    void aLivenessIndicatorDownEndsTheKeepAlives() throws Exception {
        TestApp.Alive.UP.set(false);
        List<Message> taken = supervisor.takeUntil(m -> m.startsWith("STATUS=Watchdog:"), WITHIN);
        assertEquals("STATUS=Watchdog: the health check failed: liveness indicators DOWN: alive",
                taken.get(taken.size() - 1).text());
        // Keep-alives came every 500 ms: none for three times that is none at all.
        List<String> after = supervisor.takeFor(Duration.ofMillis(1500));
        assertTrue(after.stream().noneMatch(m -> m.contains("WATCHDOG=1")), "keep-alives after it went DOWN: " + after);
    }

    @Test
    @Order(4)
    void stoppingOnceWhenTheApplicationStops() throws Exception {
        app.stop();
        List<Message> taken = supervisor.takeUntil(m -> m.contains("STOPPING=1"), WITHIN);
        assertEquals("STOPPING=1\nSTATUS=Shutting down", taken.get(taken.size() - 1).text());
        List<String> rest = supervisor.takeAll();
        assertEquals(List.of(), rest, "after STOPPING=1");
    }
}
