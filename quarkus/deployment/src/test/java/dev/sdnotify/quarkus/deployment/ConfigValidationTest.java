package dev.sdnotify.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Under a supervisor, a value out of range fails the start with a message naming the property. */
class ConfigValidationTest {
    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withEmptyApplication()
            .overrideRuntimeConfigKey("quarkus.sdnotify.watchdog.failures-before-stopping", "0")
            .assertException(e -> {
                assertInstanceOf(ConfigurationException.class, e);
                assertEquals("quarkus.sdnotify.watchdog.failures-before-stopping must be at least 1 (the first failed "
                        + "check stops the keep-alives), got 0", e.getMessage());
            });

    @Test
    void theStartFails() {
        // The assertion is the extension's: the application must not start.
    }
}
