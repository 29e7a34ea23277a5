package dev.sdnotify.quarkus.deployment;

import static dev.sdnotify.quarkus.deployment.Messages.indexOf;
import static dev.sdnotify.quarkus.deployment.Messages.takeUntil;
import static dev.sdnotify.quarkus.deployment.Messages.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An application with an HTTP server, SmallRye Health and a start that computes for a while, under a supervisor
 * with a watchdog (surefire's NOTIFY_SOCKET and WATCHDOG_USEC of 1 s): its start-up phases and an extension, then
 * READY=1 only once the HTTP port accepts connections; keep-alives that a DOWN readiness check leaves and a DOWN
 * liveness check ends; and, on shutdown, STOPPING=1 while the port still accepts connections (Quarkus's shutdown
 * delay holds the server open for a second after it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SupervisedTest {
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private static final int PORT = NotifySocket.freePort();

    @RegisterExtension
    @Order(1)
    static final NotifySocket SUPERVISOR = new NotifySocket(PORT);

    @RegisterExtension
    @Order(2)
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Checks.class, SlowStart.class, NotifySocket.class, Messages.class))
            .overrideConfigKey("quarkus.http.test-port", String.valueOf(PORT))
            .overrideConfigKey("quarkus.shutdown.delay-enabled", "true")
            .overrideRuntimeConfigKey("quarkus.shutdown.delay", "1s")
            .overrideRuntimeConfigKey("quarkus.sdnotify.startup.extend-timeout", "300ms")
            .setAfterUndeployListener(SupervisedTest::stoppingWhileTheServerListened);

    @Test
    @Order(1)
    void readyOnceTheHttpPortAcceptsConnections(BlockingQueue<Map.Entry<String, Boolean>> messages) throws Exception {
        List<Map.Entry<String, Boolean>> start = takeUntil(messages, m -> m.contains("READY=1"), WITHIN);
        Map.Entry<String, Boolean> ready = start.get(start.size() - 1);
        assertTrue(ready.getValue(), "READY=1 came while the HTTP port refused connections: " + texts(start));
        assertTrue(ready.getKey().startsWith("READY=1\nSTATUS=Accepting HTTP traffic (started in "), ready.getKey());

        List<String> before = texts(start);
        int initializing = indexOf(before, "STATUS=Starting: initializing");
        int observers = indexOf(before, "STATUS=Starting: running start-up observers");
        int opening = indexOf(before, "STATUS=Starting: opening the HTTP server");
        assertTrue(0 <= initializing && initializing < observers && observers < opening, "phases out of order: " + before);
        assertTrue(indexOf(before, "EXTEND_TIMEOUT_USEC=300000\n") >= 0, "no extension while the start computed: " + before);
        assertTrue(Files.readString(Path.of("/proc/self/maps")).contains("libsystemd"),
                "the libsystemd backend was not loaded, so the unsupervised test's check for it proves nothing");
    }

    @Test
    @Order(2)
    void aReadinessCheckDownLeavesTheKeepAlives(BlockingQueue<Map.Entry<String, Boolean>> messages) throws Exception {
        Checks.READY.set(false);
        // One keep-alive may have been checked before the switch; the second was checked after it.
        takeUntil(messages, m -> m.equals("WATCHDOG=1"), WITHIN);
        takeUntil(messages, m -> m.equals("WATCHDOG=1"), WITHIN);
    }

    @Test
    @Order(3)
    void aLivenessCheckDownEndsTheKeepAlives(BlockingQueue<Map.Entry<String, Boolean>> messages) throws Exception {
        Checks.ALIVE.set(false);
        List<Map.Entry<String, Boolean>> taken = takeUntil(messages, m -> m.startsWith("STATUS=Watchdog:"), WITHIN);
        assertEquals("STATUS=Watchdog: the health check failed: liveness checks DOWN: alive",
                taken.get(taken.size() - 1).getKey());
        // Keep-alives came every 500 ms: none for three times that is none at all (until STOPPING=1, checked below).
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        for (Map.Entry<String, Boolean> m = messages.poll(1500, TimeUnit.MILLISECONDS); m != null;
                m = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            assertTrue(!m.getKey().contains("WATCHDOG=1"), "a keep-alive after the liveness check went DOWN");
        }
    }

    /** After the application stopped: STOPPING=1 came while the HTTP port still accepted connections. */
    private static void stoppingWhileTheServerListened() {
        Map.Entry<String, Boolean> stopping = SUPERVISOR.awaitReceived(m -> m.contains("STOPPING=1"), WITHIN);
        assertEquals("STOPPING=1\nSTATUS=Shutting down", stopping.getKey());
        assertTrue(stopping.getValue(), "STOPPING=1 came after the HTTP server closed");
        List<String> all = SUPERVISOR.texts();
        assertTrue(all.subList(indexOf(all, "STATUS=Watchdog:"), all.size()).stream().noneMatch(m -> m.contains("WATCHDOG=1")),
                "a keep-alive after the liveness check went DOWN: " + all);
    }

    /** A liveness and a readiness check, each switched by the test. */
    @ApplicationScoped
    static class Checks {
        static final AtomicBoolean ALIVE = new AtomicBoolean(true);
        static final AtomicBoolean READY = new AtomicBoolean(true);

        @Produces
        @Liveness
        HealthCheck alive() {
            return () -> HealthCheckResponse.named("alive").status(ALIVE.get()).build();
        }

        @Produces
        @Readiness
        HealthCheck database() {
            return () -> HealthCheckResponse.named("database").status(READY.get()).build();
        }
    }

    /** A start-up observer that computes for 400 ms: progress that earns an extension. */
    @ApplicationScoped
    static class SlowStart {
        void compute(@Observes StartupEvent event) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }
    }
}
