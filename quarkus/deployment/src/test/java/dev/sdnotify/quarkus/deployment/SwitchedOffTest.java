package dev.sdnotify.quarkus.deployment;

import static dev.sdnotify.quarkus.deployment.Messages.takeUntil;
import static dev.sdnotify.quarkus.deployment.Messages.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.QuarkusUnitTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Under a supervisor with a watchdog, the start-up statuses, READY=1 and the keep-alives switched off: the ready
 * status alone, then nothing until STOPPING=1, which is still on.
 */
class SwitchedOffTest {
    @RegisterExtension
    @Order(1)
    static final NotifySocket SUPERVISOR = new NotifySocket(0);

    @RegisterExtension
    @Order(2)
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(NotifySocket.class, Messages.class))
            .overrideRuntimeConfigKey("quarkus.http.host-enabled", "false")
            .overrideRuntimeConfigKey("quarkus.sdnotify.startup.enabled", "false")
            .overrideRuntimeConfigKey("quarkus.sdnotify.ready.enabled", "false")
            .overrideRuntimeConfigKey("quarkus.sdnotify.watchdog.enabled", "false")
            .setAfterUndeployListener(SwitchedOffTest::stoppingIsStillSent);

    @Test
    void theReadyStatusAloneThenNothing(BlockingQueue<Map.Entry<String, Boolean>> messages) throws Exception {
        List<String> start = texts(takeUntil(messages, m -> m.startsWith("STATUS=Running"), Duration.ofSeconds(10)));
        assertEquals(1, start.size(), start.toString());
        // Keep-alives would come every 500 ms.
        Map.Entry<String, Boolean> next = messages.poll(1500, TimeUnit.MILLISECONDS);
        assertNull(next, "a message after the ready status: " + next);
    }

    private static void stoppingIsStillSent() {
        SUPERVISOR.awaitReceived(m -> m.equals("STOPPING=1\nSTATUS=Shutting down"), Duration.ofSeconds(10));
        List<String> all = SUPERVISOR.texts();
        assertTrue(all.stream().noneMatch(m -> m.contains("READY=1") || m.contains("WATCHDOG=1")), all.toString());
    }
}
