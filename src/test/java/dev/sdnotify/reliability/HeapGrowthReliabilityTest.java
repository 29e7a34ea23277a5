package dev.sdnotify.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.Backend;
import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.ReliabilityReport;
import dev.sdnotify.testing.Resources;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Heap growth over many keep-alives, measured after forced collections in a fresh JVM that does nothing else,
 * so that no other test's garbage or caches count.
 */
@Tag("reliability")
class HeapGrowthReliabilityTest {
    static final int KEEP_ALIVES = 300_000;
    /** Live heap a long run of keep-alives may add: the send path keeps nothing per message. */
    static final long HEAP_TOLERANCE = 256L << 10;

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void keepAlivesLeaveNoLiveHeap(Backend backend) throws Exception {
        Capabilities.requireLibsystemd();
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            Thread drain = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    receiver.receiveBlocking(true);
                }
            }, "heap-drain");
            drain.setDaemon(true);
            drain.start();
            ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    "-Xmx64m", "-XX:+UseSerialGC", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), HeapGrowthMain.class.getName(), backend.name(),
                    Integer.toString(KEEP_ALIVES)).redirectErrorStream(true);
            pb.environment().put("NOTIFY_SOCKET", receiver.address());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
            assertEquals(0, p.exitValue(), out);
            Matcher m = Pattern.compile("before=(\\d+) after=(\\d+) sent=(\\d+)").matcher(out);
            assertTrue(m.find(), out);
            long before = Long.parseLong(m.group(1));
            long after = Long.parseLong(m.group(2));
            String id = "heap.freshJvm." + backend.name().toLowerCase(java.util.Locale.ROOT);
            ReliabilityReport.figure(id + ".before", Resources.mib(before));
            ReliabilityReport.figure(id + ".after", Resources.mib(after));
            assertEquals(KEEP_ALIVES, Integer.parseInt(m.group(3)), "keep-alives sent");
            assertTrue(after - before <= HEAP_TOLERANCE, "live heap grew by " + (after - before) + " bytes over "
                    + KEEP_ALIVES + " keep-alives, more than " + HEAP_TOLERANCE + ": " + out);
        }
    }
}
