package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.TestGateway;
import dev.sdnotify.testing.Receiver;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library as a named module on the module path: JNA must reach its structures and proxy through the opens. */
class ModulePathTest {
    @TempDir Path dir;

    @Test
    void bothBackendsWorkFromTheModulePath() throws Exception {
        Capabilities.requireLibsystemd();
        List<String> modulePath = new ArrayList<>();
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (TestGateway.isLibrary(entry) || entry.contains("/net/java/dev/jna/")) {
                modulePath.add(entry);
            } else if (entry.endsWith("target/test-classes")) {
                classPath.add(entry);
            }
        }
        assertTrue(modulePath.stream().anyMatch(TestGateway::isLibrary), "main classes on " + modulePath);
        String java = ProcessHandle.current().info().command().orElseThrow();
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=dev.sdnotify,com.sun.jna", "--module-path", String.join(File.pathSeparator, modulePath),
                    "--add-modules", "dev.sdnotify", "-cp", String.join(File.pathSeparator, classPath),
                    "modulepath.ModulePathMain").redirectErrorStream(true);
            pb.environment().put("NOTIFY_SOCKET", receiver.address());
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child finished");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("module dev.sdnotify"), "loaded as the named module: " + out);
            assertTrue(out.contains("libsystemd sent=true " + TestGateway.prefix("libsystemd") + "loaded /"), out);
            assertTrue(out.contains("java sent=true " + TestGateway.prefix("java") + "chosen explicitly"), out);
            List<String> received = new ArrayList<>();
            for (Receiver.Datagram d : receiver.drain()) {
                assertEquals(p.pid(), d.pid(), "sender");
                received.add(d.text());
            }
            assertEquals(List.of("READY=1\nSTATUS=via libsystemd", "READY=1\nSTATUS=via java"), received);
        }
        assertTrue(Files.isDirectory(dir));
    }
}
