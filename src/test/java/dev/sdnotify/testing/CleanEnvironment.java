package dev.sdnotify.testing;

import dev.sdnotify.SupervisorEnvironment;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Removes the supervisor's variables ({@link SupervisorEnvironment#names()}) from the C environment before and after
 * each test, through the tests' own libc ({@link CEnv}), so that no test sees what another set. Register it with
 * {@code @ExtendWith(CleanEnvironment.class)}.
 */
public final class CleanEnvironment implements BeforeEachCallback, AfterEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        clear();
    }

    /** Unsets every supervisor variable now, for a test that needs a clean environment in the middle. */
    public static void clear() {
        SupervisorEnvironment.names().forEach(CEnv::unset);
    }
}
