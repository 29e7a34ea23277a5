package dev.sdnotify.quarkus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sdnotify.Notifier;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every value the extension checks, out of range, fails with the property's name; the defaults pass. Read as Quarkus reads them. */
class SettingsTest {
    private static SdNotifyConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(SdNotifyConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build()
                .getConfigMapping(SdNotifyConfig.class);
    }

    private static String rejected(String property, String value, boolean smallRyeHealth) {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> Settings.lifecycle(config(Map.of(property, value)), smallRyeHealth, Set.of("watchdog"),
                        Notifier.noop()));
        assertEquals(Set.of(property), e.getConfigKeys());
        return e.getMessage();
    }

    @Test
    void theDefaultsPass() {
        Settings.lifecycle(config(Map.of()), false, Set.of(), Notifier.noop()).close();
    }

    @Test
    void outOfRangeValuesNameTheirProperty() {
        assertEquals("quarkus.sdnotify.send-timeout must be positive, got PT0S",
                rejected("quarkus.sdnotify.send-timeout", "0s", true));
        assertEquals("quarkus.sdnotify.startup.extend-timeout must be 0 (no extensions) or at least 3 µs, got "
                + "PT0.000002S", rejected("quarkus.sdnotify.startup.extend-timeout", "0.000002s", true));
        assertEquals("quarkus.sdnotify.watchdog.failures-before-stopping must be at least 1 (the first failed check "
                + "stops the keep-alives), got 0", rejected("quarkus.sdnotify.watchdog.failures-before-stopping", "0", true));
    }

    @Test
    void theHealthGroupMustExist() {
        assertEquals("quarkus.sdnotify.watchdog.health-group is 'db', but no health check belongs to it; the "
                + "application's groups are [watchdog] (@HealthGroup)", rejected("quarkus.sdnotify.watchdog.health-group", "db", true));
        assertEquals("quarkus.sdnotify.watchdog.health-group is 'watchdog', but the application has no SmallRye Health "
                + "to ask: add quarkus-smallrye-health, or leave the property unset",
                rejected("quarkus.sdnotify.watchdog.health-group", "watchdog", false));
        Settings.lifecycle(config(Map.of("quarkus.sdnotify.watchdog.health-group", "watchdog")), true,
                Set.of("watchdog"), Notifier.noop()).close();
    }
}
