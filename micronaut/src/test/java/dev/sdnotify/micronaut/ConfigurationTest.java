package dev.sdnotify.micronaut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.Notifier;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Under a supervisor with a watchdog, each part switched off by its property, and values that fail the start. */
class ConfigurationTest {
    /** What a server with {@code properties} sends from its start to its stop, read once it has stopped. */
    private static List<String> lifeWith(Map<String, Object> properties, Duration running) throws Exception {
        try (NotifySocket supervisor = new NotifySocket(0)) {
            EmbeddedServer app = TestApp.server(properties);
            Thread.sleep(running.toMillis());
            app.stop();
            return supervisor.takeAll();
        }
    }

    @Test
    void enabledFalseMakesNoBeanAndSendsNothing() throws Exception {
        try (NotifySocket supervisor = new NotifySocket(0);
                ApplicationContext context = TestApp.context(Map.of("sdnotify.enabled", false))) {
            assertTrue(context.findBean(MicronautLifecycle.class).isEmpty());
            assertTrue(context.findBean(Notifier.class).isEmpty());
            context.stop();
            assertEquals(List.of(), supervisor.takeAll());
        }
    }

    @Test
    void readyEnabledFalseSendsTheStatusAlone() throws Exception {
        List<String> sent = lifeWith(Map.of("sdnotify.ready.enabled", false), Duration.ZERO);
        assertTrue(sent.stream().anyMatch(m -> m.startsWith("STATUS=Accepting HTTP traffic on port ")), sent.toString());
        assertTrue(sent.stream().noneMatch(m -> m.contains("READY=1")), sent.toString());
    }

    @Test
    void startupEnabledFalseSendsNoPhases() throws Exception {
        List<String> sent = lifeWith(Map.of("sdnotify.startup.enabled", false), Duration.ZERO);
        assertTrue(sent.get(0).startsWith("READY=1\n"), sent.toString());
    }

    @Test
    void watchdogEnabledFalseSendsNoKeepAlives() throws Exception {
        // Keep-alives would come every 500 ms.
        List<String> sent = lifeWith(Map.of("sdnotify.watchdog.enabled", false), Duration.ofMillis(1500));
        assertTrue(sent.stream().anyMatch(m -> m.contains("READY=1")), sent.toString());
        assertTrue(sent.stream().noneMatch(m -> m.contains("WATCHDOG=1")), sent.toString());
    }

    @Test
    void stoppingEnabledFalseSendsNoStopping() throws Exception {
        List<String> sent = lifeWith(Map.of("sdnotify.stopping.enabled", false), Duration.ZERO);
        assertTrue(sent.stream().anyMatch(m -> m.contains("READY=1")), sent.toString());
        assertTrue(sent.stream().noneMatch(m -> m.contains("STOPPING=1")), sent.toString());
    }

    @ParameterizedTest
    @CsvSource({
        "sdnotify.send-timeout, 0s, must be positive",
        "sdnotify.send-timeout, soon, soon",
        "sdnotify.startup.extend-timeout, -1s, must be 0 (no extensions) or at least 3 µs",
        "sdnotify.watchdog.failures-before-stopping, 0, must be at least 1",
    })
    void aWrongValueFailsTheStartNamingTheProperty(String property, String value, String why) throws Exception {
        try (NotifySocket supervisor = new NotifySocket(0)) {
            Exception e = assertThrows(Exception.class, () -> TestApp.server(Map.of(property, value)));
            String message = e.getMessage();
            assertTrue(message.contains(property) && message.contains(why), message);
            assertEquals(List.of(), supervisor.takeAll());
        }
    }

    @Test
    void theMetadataListsEveryProperty() throws Exception {
        String json = Files.readString(Path.of("target/classes/META-INF/spring-configuration-metadata.json"));
        List<String> names = Pattern.compile("\"name\": ?\"(sdnotify\\.[^\"]+)\"").matcher(json).results()
                .map(m -> m.group(1)).filter(n -> !List.of("sdnotify.ready", "sdnotify.startup", "sdnotify.stopping",
                        "sdnotify.watchdog").contains(n)).sorted().toList();
        assertEquals(List.of("sdnotify.enabled", "sdnotify.ready.enabled", "sdnotify.send-timeout",
                "sdnotify.startup.enabled", "sdnotify.startup.extend-timeout", "sdnotify.stopping.enabled",
                "sdnotify.watchdog.enabled", "sdnotify.watchdog.failures-before-stopping",
                "sdnotify.watchdog.trigger-on-failure"), names);
    }
}
