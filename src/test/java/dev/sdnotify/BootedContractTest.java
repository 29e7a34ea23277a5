package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sdnotify.internal.core.Backends;
import dev.sdnotify.testing.Capabilities;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** sd_booted on this host (§5, K1/K2): both backends agree with each other and with the directory's state. */
class BootedContractTest {

    @Test
    void bothBackendsReadTheSameRunDirectory() {
        Capabilities.requireLibsystemd();
        int oracle = Backends.choose(Backend.LIBSYSTEMD).daemon().booted();
        int ours = Backends.choose(Backend.JAVA).daemon().booted();
        int expected = Files.isDirectory(Path.of("/run/systemd/system")) ? 1
                : Files.exists(Path.of("/run/systemd/system")) ? -20 : 0;
        assertEquals(expected, oracle, "libsystemd against the state of /run/systemd/system");
        assertEquals(oracle, ours, "java backend against libsystemd");
    }
}
