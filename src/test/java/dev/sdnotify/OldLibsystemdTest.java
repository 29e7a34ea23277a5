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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host libsystemd older than some functions (systemd 239 of RHEL 8 has no {@code sd_notify_barrier}, 252 no
 * {@code sd_pid_notify_barrier}) still gives the libsystemd backend: libsystemd does what it has, the Java
 * protocol the rest, and {@code backend()} says which. The old library is built here: a libsystemd.so.0 without
 * the two barrier functions, forwarding the others to the real one, found first through LD_LIBRARY_PATH by a
 * child JVM.
 */
class OldLibsystemdTest {
    @TempDir Path dir;

    @Test
    void theBarriersMissingFromLibsystemdAreDoneByTheJavaProtocol() throws Exception {
        Capabilities.requireLibsystemd();
        Capabilities.require(Capabilities.onPath("gcc"), "needs gcc (Debian package gcc) to build the old library");
        Path real = Path.of("/lib/x86_64-linux-gnu/libsystemd.so.0").toRealPath();
        Path source = dir.resolve("old-libsystemd.c");
        try (InputStream in = OldLibsystemdTest.class.getResourceAsStream("/native/old-libsystemd.c")) {
            Files.copy(in, source);
        }
        Path libs = Files.createDirectory(dir.resolve("lib"));
        run(List.of("gcc", "-shared", "-fPIC", "-Wall", "-Werror", "-DREAL_LIBSYSTEMD=\"" + real + "\"",
                "-Wl,-soname,libsystemd.so.0", "-o", libs.resolve("libsystemd.so.0").toString(), source.toString(),
                "-ldl"));

        List<String> received = new CopyOnWriteArrayList<>();
        try (Receiver manager = Receiver.bindPath(dir.resolve("notify"))) {
            Thread reader = new Thread(() -> {
                // The four messages the child sends; the barrier's fd is closed, as the manager does once it has
                // read the message.
                for (int i = 0; i < 4; i++) {
                    Receiver.Datagram d = manager.receiveBlocking(true);
                    received.add(d.text() + (d.fds().isEmpty() ? "" : " +" + d.fds().size() + " fd"));
                }
            }, "manager");
            reader.setDaemon(true);
            reader.start();

            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Dsdnotify.backend=libsystemd"));
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

            String backend = out.lines().findFirst().orElse("");
            assertTrue(backend.startsWith("libsystemd via "), out);
            assertTrue(backend.contains("loaded " + libs.resolve("libsystemd.so.0").toRealPath()), out);
            assertTrue(backend.contains("it lacks sd_notify_barrier, sd_pid_notify_barrier: the java protocol does "
                    + "their work"), out);
            assertTrue(out.contains("missing [sd_notify_barrier, sd_pid_notify_barrier]"), out);
            assertTrue(out.contains("sd_notify_barrier 1\n"), out);
            assertTrue(out.contains("sd_pid_notify_barrier 1\n"), out);
            assertTrue(out.contains("ready true\n"), out);
            assertTrue(out.contains("barrierAsPid true\n"), out);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.size() < 4 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(List.of("BARRIER=1 +1 fd", "BARRIER=1 +1 fd", "READY=1", "BARRIER=1 +1 fd"), received);
            reader.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, command + ": " + out);
    }
}
