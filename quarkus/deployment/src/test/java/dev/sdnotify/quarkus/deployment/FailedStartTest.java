package dev.sdnotify.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A start-up observer that throws: the start fails, the supervisor is told so, and never READY=1 nor STOPPING=1. */
class FailedStartTest {
    @RegisterExtension
    @Order(1)
    static final NotifySocket SUPERVISOR = new NotifySocket(0);

    @RegisterExtension
    @Order(2)
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Failing.class))
            .overrideRuntimeConfigKey("quarkus.http.host-enabled", "false")
            .assertException(e -> assertInstanceOf(IllegalStateException.class, e))
            .setAfterUndeployListener(FailedStartTest::theSupervisorWasToldTheStartFailed);

    @Test
    void theStartFails() {
        // The assertions are after the application is gone.
    }

    private static void theSupervisorWasToldTheStartFailed() {
        SUPERVISOR.awaitReceived(m -> m.startsWith("STATUS=Start failed:"), Duration.ofSeconds(10));
        List<String> all = SUPERVISOR.texts();
        assertEquals("STATUS=Start failed: the application stopped before it was ready (the log says why)",
                all.get(all.size() - 1), all.toString());
        assertEquals(-1, Messages.indexOf(all, "READY=1"), all.toString());
        assertEquals(-1, Messages.indexOf(all, "STOPPING=1"), all.toString());
    }

    @ApplicationScoped
    static class Failing {
        void start(@Observes StartupEvent event) {
            throw new IllegalStateException("no database");
        }
    }
}
