package dev.sdnotify.quarkus.deployment;

import static dev.sdnotify.quarkus.deployment.Messages.indexOf;
import static dev.sdnotify.quarkus.deployment.Messages.takeUntil;
import static dev.sdnotify.quarkus.deployment.Messages.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.Notifier;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An application whose HTTP server is switched off: READY=1 once its start-up observers have run, with no phase for
 * a server; and with {@code quarkus.sdnotify.stopping.enabled=false}, no STOPPING=1.
 */
class NoHttpServerTest {
    @RegisterExtension
    @Order(1)
    static final NotifySocket SUPERVISOR = new NotifySocket(0);

    @RegisterExtension
    @Order(2)
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Observer.class, NotifySocket.class, Messages.class))
            .overrideRuntimeConfigKey("quarkus.http.host-enabled", "false")
            .overrideRuntimeConfigKey("quarkus.sdnotify.stopping.enabled", "false")
            .setAfterUndeployListener(NoHttpServerTest::noStopping);

    @Test
    void readyOnceTheStartUpObserversHaveRun(BlockingQueue<Map.Entry<String, Boolean>> messages) throws Exception {
        List<String> start = texts(takeUntil(messages, m -> m.contains("READY=1"), Duration.ofSeconds(10)));
        assertTrue(start.get(start.size() - 1).startsWith("READY=1\nSTATUS=Running (started in "), start.toString());
        assertEquals(start.size() - 2, indexOf(start, "STATUS=the application's observer ran"), start.toString());
        assertEquals(-1, indexOf(start, "opening the HTTP server"), start.toString());
    }

    private static void noStopping() {
        List<String> all = SUPERVISOR.texts();
        assertEquals(-1, indexOf(all, "STOPPING=1"), all.toString());
        assertTrue(indexOf(all, "READY=1") >= 0, "the application never was ready, so no STOPPING=1 proves nothing");
    }

    /** A start-up observer of the application's, which says when it ran. */
    @ApplicationScoped
    static class Observer {
        void started(@Observes StartupEvent event) {
            Notifier.fromEnvironment().status("the application's observer ran");
        }
    }
}
