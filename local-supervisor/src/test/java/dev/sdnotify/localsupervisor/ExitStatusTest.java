package dev.sdnotify.localsupervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Wait statuses as Linux encodes them: the exit code in bits 8 to 15, else the signal, 0x80 for a core dump. */
class ExitStatusTest {
    @Test
    void exitCodes() {
        assertEquals("pid 7 exited with status 0: a clean stop (Result=success)", new ExitStatus(0).describe(7));
        assertEquals("pid 7 exited with status 3: systemd would fail the unit (Result=exit-code)",
                new ExitStatus(3 << 8).describe(7));
        assertEquals(3, new ExitStatus(3 << 8).exitCode());
    }

    @Test
    void theJvmsExitAfterSigterm() {
        assertEquals("pid 7 exited with status 143, as a JVM does after SIGTERM: systemd counts it as success only with "
                + "SuccessExitStatus=143 in the unit, else it fails the unit (Result=exit-code)",
                new ExitStatus(143 << 8).describe(7));
        assertEquals(143, new ExitStatus(143 << 8).exitCode());
    }

    @Test
    void deathsBySignalExitAsAShellWould() {
        assertEquals("pid 7 was killed by SIGTERM: systemd counts SIGHUP, SIGINT, SIGTERM and SIGPIPE as a clean stop "
                + "(Result=success)", new ExitStatus(15).describe(7));
        assertEquals("pid 7 was killed by SIGKILL: systemd would fail the unit (Result=signal)",
                new ExitStatus(9).describe(7));
        assertEquals("pid 7 was killed by SIGABRT and dumped core: systemd would fail the unit (Result=core-dump)",
                new ExitStatus(6 | 0x80).describe(7));
        assertEquals(137, new ExitStatus(9).exitCode());
    }
}
