package dev.sdnotify.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.QuarkusUnitTest;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Under a supervisor, {@code quarkus.sdnotify.enabled=false}: the application starts and stops and the supervisor
 * hears nothing; an out-of-range value is not even checked.
 */
class DisabledTest {
    @RegisterExtension
    @Order(1)
    static final NotifySocket SUPERVISOR = new NotifySocket(0);

    @RegisterExtension
    @Order(2)
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(NotifySocket.class, Messages.class))
            .overrideRuntimeConfigKey("quarkus.http.host-enabled", "false")
            .overrideRuntimeConfigKey("quarkus.sdnotify.enabled", "false")
            .overrideRuntimeConfigKey("quarkus.sdnotify.watchdog.failures-before-stopping", "0")
            .setAfterUndeployListener(DisabledTest::nothingWasSent);

    @Test
    void noThreadOfItsOwn() {
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("sdnotify")).toList());
    }

    private static void nothingWasSent() {
        assertEquals(List.of(), SUPERVISOR.texts());
    }
}
