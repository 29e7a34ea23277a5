package dev.sdnotify.localsupervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionsTest {
    @Test
    void readsEveryOptionAndTheCommandAfterTheSeparator() throws Exception {
        Options options = Options.parse(new String[] {"--watchdog", "4s", "--timeout-start=1min", "--ready-fd",
            "--listen", "8080:http", "--listen=0", "--", "java", "-jar", "app.jar", "--watchdog"});
        assertEquals(4_000_000_000L, options.watchdog());
        assertEquals(60_000_000_000L, options.startTimeout());
        assertTrue(options.readyFd());
        assertEquals(List.of(new Options.Listen(8080, "http"), new Options.Listen(0, null)), options.listens());
        assertEquals(List.of("java", "-jar", "app.jar", "--watchdog"), options.command());
    }

    @Test
    void defaultsToSystemdsDefaults() throws Exception {
        Options options = Options.parse(new String[] {"--", "true"});
        assertEquals(0, options.watchdog());
        assertEquals(90_000_000_000L, options.startTimeout());
        assertFalse(options.readyFd());
        assertEquals(List.of(), options.listens());
    }

    @Test
    void zeroAndInfinityTurnTheWatchdogAndTheStartTimeoutOffAsInAUnit() throws Exception {
        for (String off : List.of("0", "infinity")) {
            Options options = Options.parse(new String[] {"--watchdog", off, "--timeout-start", off, "--", "true"});
            assertEquals(0, options.watchdog(), off);
            assertEquals(Durations.INFINITE, options.startTimeout(), off);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                                 | missing -- and the command",
        "java -jar app.jar                  | missing -- before the command (at java)",
        "--watchdog 4s                      | missing -- and the command",
        "--                                 | no COMMAND after --",
        "--frobnicate -- true               | unknown option --frobnicate",
        "-x -- true                         | unknown option -x",
        "--ready-fd=1 -- true               | unknown option --ready-fd=1",
        "--watchdog                         | --watchdog needs a value",
        "--watchdog 4x -- true              | bad duration for --watchdog: '4x'",
        "--timeout-start soon -- true       | bad duration for --timeout-start: 'soon'",
        "--listen 70000 -- true             | bad port for --listen: '70000'",
        "--listen http -- true              | bad port for --listen: 'http'",
        "--listen 8080:a:b -- true          | bad name for --listen: 'a:b'",
    })
    void namesWhatIsWrong(String commandLine, String problem) {
        String[] args = commandLine.isEmpty() ? new String[0] : commandLine.split(" ");
        Options.UsageException e = assertThrows(Options.UsageException.class, () -> Options.parse(args));
        assertTrue(e.getMessage().startsWith(problem), e.getMessage());
    }

    @Test
    void helpIsAnOptionOnlyBeforeTheSeparator() {
        assertTrue(Options.wantsHelp(new String[] {"--watchdog", "4s", "--help"}));
        assertTrue(Options.wantsHelp(new String[] {"-h"}));
        assertFalse(Options.wantsHelp(new String[] {"--", "grep", "--help"}));
    }
}
