package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.Receiver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host libsystemd older than some functions. The barrier runs in Java over libsystemd's send, so one without
 * {@code sd_notify_barrier} and {@code sd_pid_notify_barrier} (systemd 239 of RHEL 8; 252 lacks the second) is the
 * libsystemd backend unchanged; one without {@code sd_listen_fds_with_names} (before 227) is not used, and the
 * reason says so. The old library is built here, forwarding what it has to the real one, and found first through
 * LD_LIBRARY_PATH by a child JVM.
 */
class OldLibsystemdTest {
    @TempDir Path dir;

    @Test
    void aLibsystemdWithoutBarrierFunctionsIsTheLibsystemdBackendAndItsBarriersWork() throws Exception {
        Path libs = build(false);
        try (Receiver manager = Receiver.bindPath(dir.resolve("notify"))) {
            CompletableFuture<List<String>> received = receive(manager, 3);
            String out = runChild(manager, libs, "-Dsdnotify.backend=libsystemd");
            String backend = out.lines().findFirst().orElse("");
            assertTrue(backend.startsWith("libsystemd via "), out);
            assertTrue(backend.contains("loaded " + libs.resolve("libsystemd.so.0").toRealPath()), out);
            assertTrue(out.contains("barrier true\n") && out.contains("ready true\n")
                    && out.contains("barrierAsPid true\n"), out);
            assertEquals(List.of("BARRIER=1 +1 fd", "READY=1", "BARRIER=1 +1 fd"), received.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aLibsystemdWithoutListenFdsWithNamesIsRefusedWithTheReason() throws Exception {
        Path libs = build(true);
        try (Receiver manager = Receiver.bindPath(dir.resolve("notify"))) {
            CompletableFuture<List<String>> received = receive(manager, 3);
            String out = runChild(manager, libs);
            String backend = out.lines().findFirst().orElse("");
            assertTrue(backend.startsWith("java via "), out);
            assertTrue(backend.contains("it lacks sd_listen_fds_with_names"), out);
            assertTrue(out.contains("ready true\n"), out);
            assertEquals(List.of("BARRIER=1 +1 fd", "READY=1", "BARRIER=1 +1 fd"), received.get(10, TimeUnit.SECONDS));
        }
    }

    private Path build(boolean withoutNames) throws IOException, InterruptedException {
        Capabilities.requireLibsystemd();
        Capabilities.require(Capabilities.onPath("gcc"), "needs gcc (Debian package gcc) to build the old library");
        Path real = Path.of("/lib/x86_64-linux-gnu/libsystemd.so.0").toRealPath();
        Path source = dir.resolve("old-libsystemd.c");
        try (InputStream in = OldLibsystemdTest.class.getResourceAsStream("/native/old-libsystemd.c")) {
            Files.copy(in, source);
        }
        Path libs = Files.createDirectory(dir.resolve("lib"));
        List<String> gcc = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-Wall", "-Werror",
                "-DREAL_LIBSYSTEMD=\"" + real + "\"", "-Wl,-soname,libsystemd.so.0", "-o",
                libs.resolve("libsystemd.so.0").toString(), source.toString(), "-ldl"));
        if (withoutNames) {
            gcc.add(1, "-DWITHOUT_NAMES");
        }
        run(gcc);
        return libs;
    }

    /**
     * What the manager receives, the fds it got closed at once, as it closes a barrier's: complete once {@code count}
     * datagrams arrived.
     */
    private static CompletableFuture<List<String>> receive(Receiver manager, int count) {
        CompletableFuture<List<String>> received = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            List<String> texts = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    Receiver.Datagram d = manager.receiveBlocking(true);
                    texts.add(d.text() + (d.fds().isEmpty() ? "" : " +" + d.fds().size() + " fd"));
                }
                received.complete(texts);
            } catch (RuntimeException e) {
                received.completeExceptionally(e);
            }
        }, "manager");
        reader.setDaemon(true);
        reader.start();
        return received;
    }

    private static String runChild(Receiver manager, Path libs, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(List.of(options));
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), OldLibsystemdMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        SupervisorEnvironment.removeFrom(pb);
        pb.environment().put("NOTIFY_SOCKET", manager.address());
        pb.environment().put("LD_LIBRARY_PATH", libs.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, command + ": " + out);
    }
}
