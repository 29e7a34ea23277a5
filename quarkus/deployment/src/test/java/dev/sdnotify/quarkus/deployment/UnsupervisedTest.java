package dev.sdnotify.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.QuarkusUnitTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Without a supervisor (run by surefire's execution without NOTIFY_SOCKET), the extension does nothing in a running
 * application: no thread of its own, no native library mapped into the process, and an out-of-range value unread.
 */
class UnsupervisedTest {
    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withEmptyApplication()
            .overrideRuntimeConfigKey("quarkus.sdnotify.watchdog.failures-before-stopping", "0");

    @Test
    void nothingHappens() throws Exception {
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("sdnotify")).toList());
        String maps = Files.readString(Path.of("/proc/self/maps"));
        assertFalse(maps.contains("libsystemd") || maps.contains("jnidispatch"), "native code was loaded");
    }
}
