package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.TestGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a supervisor (none of NOTIFY_SOCKET, WATCHDOG_USEC, LISTEN_FDS, READY_FD), a whole JVM that uses the
 * API loads no native code, starts no thread and prints no warning, on this run's gateway and JDK; every answer
 * is "nothing here". The child runs without --enable-native-access: a restricted call would warn.
 */
class NoSupervisorTest {
    private static final List<String> SUPERVISOR = List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
            "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "READY_FD");

    @TempDir Path dir;

    @Test
    void nothingNativeNoThreadNoWarning() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-Xlog:class+load=info", "-Xshare:off", "-Dsdnotify.native=" + TestGateway.expected().toLowerCase(),
                "-cp", System.getProperty("java.class.path"), NoSupervisorMain.class.getName());
        pb.environment().keySet().removeAll(SUPERVISOR);
        Path stdout = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = pb.redirectOutput(stdout.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not end");
        List<String> out = Files.readAllLines(stdout);
        String stderr = Files.readString(err);
        assertEquals(0, p.exitValue(), stderr);
        assertEquals("", stderr, "no warning, no log line");

        List<String> all = out.stream().filter(l -> l.contains("[class,load]")).collect(Collectors.toList());
        // From the program's start on: the JVM itself preloads some classes of the FFM implementation.
        int main = all.indexOf(all.stream().filter(l -> l.contains(" dev.sdnotify.NoSupervisorMain ")).findFirst()
                .orElseThrow(() -> new AssertionError("the log lists classes: " + all.size())));
        List<String> loaded = all.subList(main, all.size());
        List<String> nativeClasses = loaded.stream().filter(l -> l.contains(" com.sun.jna.")
                || l.contains(" dev.sdnotify.internal.jna.") || l.contains(" dev.sdnotify.internal.ffm.")
                || l.contains(" java.lang.foreign.Linker ") || l.contains(" jdk.internal.foreign.abi."))
                .collect(Collectors.toList());
        assertEquals(List.of(), nativeClasses, "native access classes loaded without a supervisor");

        List<String> answers = out.stream().filter(l -> !l.contains("[class,load]")).collect(Collectors.toList());
        assertEquals(List.of("ready false", "status false", "watchdog false", "interval Optional.empty",
                "listenFds []", "barrier false", "available false", "keeper false"), answers.subList(0, 8), out::toString);
        assertTrue(answers.get(8).startsWith("backend none: ") && answers.get(8).contains("nothing native was loaded"),
                answers.get(8));
        assertEquals("threads []", answers.get(9));
        assertFalse(stderr.contains("restricted"), stderr);
    }
}
