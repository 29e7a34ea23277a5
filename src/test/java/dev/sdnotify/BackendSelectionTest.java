package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sdnotify.internal.core.DaemonNotifier;
import dev.sdnotify.internal.daemon.Backends;
import dev.sdnotify.internal.daemon.ChosenBackend;
import dev.sdnotify.internal.daemon.Gateways;
import dev.sdnotify.internal.daemon.SdDaemon;
import dev.sdnotify.internal.kernel.LinuxAbi;
import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.TestGateway;
import dev.sdnotify.testing.TestLibc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the backend is chosen: in this JVM through {@link Backends#choose}, and in child JVMs through the
 * {@value Backend#PROPERTY} property, including one where libsystemd is made unloadable.
 */
@ExtendWith(CleanEnvironment.class)
class BackendSelectionTest {
    private static final List<String> LIBSYSTEMD_CANDIDATES = List.of("/usr/lib/x86_64-linux-gnu/libsystemd.so.0",
            "/usr/lib/aarch64-linux-gnu/libsystemd.so.0", "/lib64/libsystemd.so.0", "/usr/lib64/libsystemd.so.0");
    private static final long CHILD_TIMEOUT_SECONDS = 60;
    private static final String READY = "READY=1\nSTATUS=hidden";

    @TempDir Path dir;

    /** The file behind libsystemd.so.0, with every symlink resolved. */
    private static Path realLibsystemd() throws IOException {
        for (String candidate : LIBSYSTEMD_CANDIDATES) {
            Path p = Path.of(candidate);
            if (Files.exists(p)) {
                return p.toRealPath();
            }
        }
        throw new IllegalStateException("no libsystemd.so.0 in " + LIBSYSTEMD_CANDIDATES);
    }

    // ---- in this JVM ----

    @Test
    void javaWhenAskedFor() {
        ChosenBackend b = Backends.choose(Backend.JAVA);
        assertEquals(Backend.JAVA, b.info().backend(), b.toString());
        assertEquals("chosen explicitly", b.info().reason());
        assertEquals(TestGateway.expected(), b.info().gateway().orElseThrow(), b.toString());
        assertNotNull(b.kernel(), "the Java backend needs libc");
    }

    @Test
    void libsystemdWhenAskedFor() {
        Capabilities.requireLibsystemd();
        ChosenBackend b = Backends.choose(Backend.LIBSYSTEMD);
        assertEquals(Backend.LIBSYSTEMD, b.info().backend(), b.toString());
        assertTrue(b.info().reason().startsWith("loaded ") && b.info().reason().contains("libsystemd"), b.info().reason());
        assertNotNull(b.kernel(), "libc is loaded alongside, for the readiness fd and the barrier's pipe");
    }

    @Test
    void autoPrefersLibsystemdUnderASupervisor() {
        Capabilities.requireLibsystemd();
        ChosenBackend b = Backends.choose(null, Gateways::get, LinuxAbi.CURRENT, Map.of("NOTIFY_SOCKET", "/run/x"));
        assertEquals(Backend.LIBSYSTEMD, b.info().backend(), b.toString());
        assertEquals(Backends.choose(Backend.LIBSYSTEMD).info().reason(), b.info().reason(), "auto reports the same load");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOTIFY_SOCKET", "WATCHDOG_USEC", "LISTEN_FDS", "READY_FD"})
    void autoTakesEachSupervisorVariableForASupervisor(String variable) {
        ChosenBackend b = Backends.choose(null, Gateways::get, LinuxAbi.CURRENT, Map.of(variable, "3"));
        assertNotNull(b.kernel(), variable + " alone must load native access: " + b);
    }

    @Test
    void autoWithoutASupervisorVariableIsNoneAndLoadsNothing() {
        ChosenBackend b = Backends.choose(null, () -> {
            throw new AssertionError("no gateway may be loaded without a supervisor");
        }, LinuxAbi.CURRENT, Map.of("WATCHDOG_PID", "1", "LISTEN_PID", "1", "PATH", "/bin"));
        assertEquals(Backend.NONE, b.info().backend(), b.toString());
        assertNull(b.kernel(), b.toString());
        assertTrue(b.info().reason().contains("nothing native was loaded"), b.info().reason());
        assertFalse(b.info().isSupervisorUnreachable(), b.toString());
    }

    @Test
    void libsystemdOnAnUnverifiedArchitectureSaysItsSendsCannotBeBounded() {
        Capabilities.requireLibsystemd();
        ChosenBackend b = Backends.choose(Backend.LIBSYSTEMD, Gateways::get, LinuxAbi.forArch("arm"), Map.of());
        assertEquals(Backend.LIBSYSTEMD, b.info().backend(), b.toString());
        assertTrue(b.info().reason().contains("sends cannot be bounded here") && b.info().reason().contains("os.arch=arm"),
                b.info().reason());
    }

    /** BackendInfo documents the reason as "loaded /usr/lib/.../libsystemd.so.0": the file, not the soname. */
    @Test
    void libsystemdReasonNamesTheFileMappedIntoThisProcess() throws IOException {
        Capabilities.requireLibsystemd();
        String reason = Backends.choose(Backend.LIBSYSTEMD).info().reason();
        Path mapped = mappedLibsystemd();
        assertEquals(realLibsystemd(), mapped, "the libsystemd mapped into this JVM");
        assertTrue(reason.startsWith("loaded /"), "reason should name the loaded file by its path, got: " + reason
                + " (mapped: " + mapped + ")");
        String named = reason.substring("loaded ".length()).split(";", 2)[0];
        assertEquals(mapped, Path.of(named).toRealPath(), "file named in: " + reason);
    }

    /** The one libsystemd file in this process's mappings, found without asking JNA. */
    private static Path mappedLibsystemd() throws IOException {
        Set<Path> files = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash >= 0 && line.substring(slash).contains("/libsystemd.so")) {
                files.add(Path.of(line.substring(slash)).toRealPath());
            }
        }
        assertEquals(1, files.size(), "libsystemd files mapped: " + files);
        return files.iterator().next();
    }

    @Test
    void noneFindsNoSupervisorEvenWhenOneListens() {
        ChosenBackend b = Backends.choose(Backend.NONE);
        assertEquals(Backend.NONE, b.info().backend(), b.toString());
        assertEquals("chosen explicitly", b.info().reason());
        assertNull(b.kernel(), "NONE loads no libc");
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            CEnv.set("NOTIFY_SOCKET", receiver.address());
            CEnv.set("WATCHDOG_USEC", "1000000");
            CEnv.set("LISTEN_PID", String.valueOf(ProcessHandle.current().pid()));
            CEnv.set("LISTEN_FDS", "1");
            Notifier n = DaemonNotifier.over(b);
            assertEquals(0, b.daemon().pidNotifyWithFds(0, false, "READY=1".getBytes(StandardCharsets.UTF_8),
                    new int[0], 0, SdDaemon.BLOCKING), "pidNotifyWithFds");
            assertFalse(n.barrier(Duration.ofSeconds(1)), "barrier");
            assertEquals(0, b.daemon().watchdogEnabled(false, new long[1]), "watchdogEnabled");
            assertEquals(0, b.daemon().listenFdsWithNames(false, null), "listenFds");
            assertEquals(0, b.daemon().listenFdsWithNames(false, new ArrayList<>()), "listenFdsWithNames");
            assertFalse(n.ready(), "ready");
            assertFalse(n.isAvailable(), "isAvailable");
            assertEquals(List.of(), receiver.drain(), "NONE must send nothing");
            assertEquals(receiver.address(), CEnv.getString("NOTIFY_SOCKET"), "NONE must leave the variable");
        } finally {
            for (String v : List.of("WATCHDOG_USEC", "LISTEN_PID", "LISTEN_FDS")) {
                CEnv.unset(v);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"auto,", "AUTO,", "Auto,", "' auto ',", "' java ',JAVA", "libsystemd,LIBSYSTEMD", "LIBSYSTEMD,LIBSYSTEMD",
        "LibSystemd,LIBSYSTEMD", "java,JAVA", "JAVA,JAVA", "Java,JAVA", "none,NONE", "NONE,NONE", "None,NONE"})
    void parseIgnoresCase(String value, Backend expected) {
        assertEquals(expected, Backends.parse(value), "parse(\"" + value + "\")");
    }

    @Test
    void parseOfAbsentPropertyIsAuto() {
        assertNull(Backends.parse(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"systemd", "", "jav", "libsystemd0"})
    void parseRejectsOtherNamesNamingTheProperty(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.parse(value));
        assertTrue(e.getMessage().contains("sdnotify.backend"), e.getMessage());
        assertTrue(e.getMessage().contains("=" + value + " "), "the message should quote the value: " + e.getMessage());
    }

    // ---- in child JVMs ----

    /** What a finished child JVM left. */
    private static final class Child {
        final long pid;
        final int exit;
        final List<String> stdout;
        final String stderr;
        final long millis;

        Child(long pid, int exit, List<String> stdout, String stderr, long millis) {
            this.pid = pid;
            this.exit = exit;
            this.stdout = stdout;
            this.stderr = stderr;
            this.millis = millis;
        }

        @Override
        public String toString() {
            return "child " + pid + " exit " + exit + " after " + millis + " ms\nstdout: " + stdout + "\nstderr: "
                    + stderr;
        }
    }

    private Child runMain(Receiver receiver, Path hide, String... jvmOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (hide != null) {
            // A private mount namespace: the bind mount dies with the child and the host never sees it.
            command.addAll(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    "mount --bind /dev/null \"$1\" && shift && exec \"$@\"", "sh", hide.toString()));
        }
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(Arrays.asList(jvmOptions));
        command.add(HiddenLibsystemdMain.class.getName());

        Path out = Files.createTempFile(dir, "child", ".out");
        Path err = Files.createTempFile(dir, "child", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("NOTIFY_SOCKET", receiver.address());
        long start = System.nanoTime();
        Process p = pb.start();
        try {
            if (!p.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("child did not finish within " + CHILD_TIMEOUT_SECONDS + " s: " + command + "\nstdout: "
                        + Files.readString(out) + "\nstderr: " + Files.readString(err));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return new Child(p.pid(), p.exitValue(), Files.readAllLines(out), Files.readString(err), millis);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void assertDeliveredOnce(Receiver receiver, Child child) {
        List<Receiver.Datagram> got = receiver.drain();
        assertEquals(1, got.size(), () -> "datagrams " + got + "\n" + child);
        Receiver.Datagram d = got.get(0);
        assertEquals(READY, d.text(), "payload");
        assertEquals(child.pid, d.pid(), "sender pid: unshare and sh exec, so the JVM keeps the started pid");
        assertEquals(TestLibc.INSTANCE.getuid(), d.uid(), "sender uid");
        assertEquals(List.of(), d.fdTargets(), "no fds were sent");
    }

    private static void hiddenPreconditions() {
        Capabilities.requireRoot();
        Capabilities.require(Capabilities.onPath("unshare"), "needs unshare (util-linux) for a private mount namespace");
        Capabilities.require(Capabilities.onPath("mount"), "needs mount (util-linux) to hide libsystemd");
        Capabilities.requireLibsystemd();
    }

    /** The host's copy must be exactly as before: same size, same leading bytes, no mount over it. */
    private static void assertHostLibraryUntouched(Path lib, long sizeBefore, byte[] headBefore) throws IOException {
        assertTrue(Files.isReadable(lib), lib + " must stay readable");
        assertEquals(sizeBefore, Files.size(lib), lib + " size");
        assertTrue(sizeBefore > 0, lib + " must be non-empty");
        assertArrayEquals(headBefore, head(lib), lib + " first bytes");
        String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
        assertFalse(mounts.contains(lib.toString()), "a mount over " + lib + " leaked into the host:\n" + mounts);
    }

    private static byte[] head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(64);
        }
    }

    @Test
    void hiddenLibsystemdFallsBackToJava() throws IOException, InterruptedException {
        hiddenPreconditions();
        Path lib = realLibsystemd();
        long size = Files.size(lib);
        byte[] head = head(lib);
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(head, 4), lib + " should be ELF");

        Child child;
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            child = runMain(receiver, lib);
            assertEquals(0, child.exit, child::toString);
            assertEquals(2, child.stdout.size(), child::toString);
            String backend = child.stdout.get(0);
            assertTrue(backend.startsWith(TestGateway.prefix("java")), "backend line: " + backend);
            assertTrue(backend.substring(TestGateway.prefix("java").length()).contains("libsystemd"),
                    "the reason should say libsystemd could not be had: " + backend);
            assertTrue(backend.contains("file too short"),
                    "the reason should keep the dynamic linker's cause (/dev/null is bound over the file): " + backend);
            assertEquals("true", child.stdout.get(1), "SdNotify.ready result");
            assertDeliveredOnce(receiver, child);
        }
        assertHostLibraryUntouched(lib, size, head);
    }

    @Test
    void javaByPropertyWithLibsystemdPresent() throws IOException, InterruptedException {
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            Child child = runMain(receiver, null, "-D" + Backend.PROPERTY + "=java");
            assertEquals(0, child.exit, child::toString);
            assertEquals(2, child.stdout.size(), child::toString);
            assertTrue(child.stdout.get(0).startsWith(TestGateway.prefix("java") + "chosen explicitly"), "backend line: "
                    + child.stdout.get(0));
            assertEquals("true", child.stdout.get(1), "SdNotify.ready result");
            assertDeliveredOnce(receiver, child);
        }
    }

    @Test
    void libsystemdByPropertyWhileHiddenFails() throws IOException, InterruptedException {
        hiddenPreconditions();
        Path lib = realLibsystemd();
        long size = Files.size(lib);
        byte[] head = head(lib);
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            Child child = runMain(receiver, lib, "-D" + Backend.PROPERTY + "=libsystemd");
            assertEquals(HiddenLibsystemdMain.FAILURE_EXIT, child.exit, child::toString);
            assertEquals(1, child.stdout.size(), child::toString);
            String line = child.stdout.get(0);
            String prefix = HiddenLibsystemdMain.FAILURE + IllegalStateException.class.getName() + ": ";
            assertTrue(line.startsWith(prefix), "expected " + prefix + "..., got " + line);
            // Not just the echo of the property: the loader's own failure for libsystemd.so.0.
            assertTrue(line.contains("libsystemd.so.0"), "the reason should name the library tried: " + line);
            assertEquals(List.of(), receiver.drain(), "nothing may be sent when the backend cannot load");
        }
        assertHostLibraryUntouched(lib, size, head);
    }
}
