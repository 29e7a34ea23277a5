package dev.sdnotify.micronaut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sdnotify.Notifier;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Without a supervisor (surefire's "unsupervised" run clears NOTIFY_SOCKET and READY_FD), an application with an HTTP
 * server and micronaut-management has none of the module's beans, no thread of it, and no native code it loaded.
 */
class UnsupervisedTest {
    @Test
    void nothingHappens() throws Exception {
        try (EmbeddedServer app = TestApp.server(Map.of("test.checks", true))) {
            ApplicationContext context = app.getApplicationContext();
            assertEquals(List.of(), List.of(MicronautLifecycle.class, SdNotifyConfiguration.class, Notifier.class)
                    .stream().filter(type -> context.findBean(type).isPresent()).toList(), "beans made");
            assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(name -> name.startsWith("sdnotify")).toList(), "threads started");
            assertFalse(TestApp.mapped("libsystemd"), "libsystemd loaded");
            assertFalse(TestApp.mapped("jnidispatch"), "JNA loaded");
        }
    }
}
