package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** sd_booted on this host (§5, K1/K2): the library agrees with libsystemd and with the directory's state. */
class BootedContractTest {

    @Test
    void bothBackendsReadTheSameRunDirectory() {
        BothBackends backends = BothBackends.load();
        int oracle = backends.libsystemd.booted();
        int ours = backends.java.booted();
        int expected = Files.isDirectory(Path.of("/run/systemd/system")) ? 1
                : Files.exists(Path.of("/run/systemd/system")) ? -20 : 0;
        assertEquals(expected, oracle, "libsystemd against the state of /run/systemd/system");
        assertEquals(oracle, ours, "SdNotify.isSystemdBooted against libsystemd");
    }
}
