package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.Receiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child JVMs in which JNA's own stub directories cannot be used, as in hardened units: a private mount
 * namespace puts a noexec or read-only tmpfs over the home and temporary directories the child is given,
 * and over /dev/shm. Without a granted directory the JNA gateway fails, and a process with
 * {@code NOTIFY_SOCKET} must throw, naming the directory and the fixes, never answer "no supervisor"; with
 * {@code RUNTIME_DIRECTORY} it unpacks there and works; the FFM gateway needs no directory at all.
 */
class HardenedJnaTest {
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir Path dir;
    private Path blocked;

    @BeforeEach
    void preconditions() throws IOException {
        Capabilities.requireRoot();
        Capabilities.require(Capabilities.onPath("unshare") && Capabilities.onPath("mount"),
                "needs unshare and mount (util-linux) for a private mount namespace");
        blocked = Files.createDirectory(dir.resolve("blocked"));
    }

    private static final class Child {
        final List<String> stdout;
        final String stderr;
        final int exit;

        Child(List<String> stdout, String stderr, int exit) {
            this.stdout = stdout;
            this.stderr = stderr;
            this.exit = exit;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    /** Runs {@link HiddenLibsystemdMain} with {@code blocked} and /dev/shm mounted with {@code options}. */
    private Child run(String java, String options, Map<String, String> env, String... jvmOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs -o \"$1\" tmpfs \"$2\" && mount -t tmpfs -o \"$1\" tmpfs /dev/shm && shift 2 "
                        + "&& exec \"$@\"", "sh", options, blocked.toString(), java));
        command.add("-Duser.home=" + blocked.resolve("home"));
        command.add("-Djava.io.tmpdir=" + blocked);
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), HiddenLibsystemdMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command);
        for (String v : new String[] {"XDG_CACHE_HOME", "XDG_RUNTIME_DIR", "RUNTIME_DIRECTORY", "STATE_DIRECTORY",
            "CACHE_DIRECTORY", "HOME"}) {
            pb.environment().remove(v);
        }
        pb.environment().putAll(env);
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("child did not finish: " + command + "\n" + Files.readString(err));
            }
            return new Child(Files.readAllLines(out), Files.readString(err), p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    private static String currentJava() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    private void assertThrowsNamingTheStub(String mountOptions, String why) throws Exception {
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            Child c = run(currentJava(), mountOptions, Map.of("NOTIFY_SOCKET", receiver.address()),
                    "-Dsdnotify.native=jna");
            assertEquals(HiddenLibsystemdMain.FAILURE_EXIT, c.exit, c::toString);
            String backend = c.stdout.get(0);
            assertTrue(backend.startsWith("none: NOTIFY_SOCKET is set, so a supervisor started this process, but "
                    + "native access failed: "), backend);
            assertTrue(backend.contains("JNA cannot load its native stub"), backend);
            assertTrue(backend.contains(blocked + " " + why), "names the directory and why: " + backend);
            assertTrue(backend.contains("RuntimeDirectory=") && backend.contains("-Djna.tmpdir=")
                    && backend.contains("JDK 22"), "names the fixes: " + backend);
            String failure = c.stdout.get(1);
            assertTrue(failure.startsWith(HiddenLibsystemdMain.FAILURE + SdNotifyException.class.getName()
                    + ": sd_notify failed with ELIBACC (errno 79): NOTIFY_SOCKET is set"), failure);
            assertEquals(1, count(c.stderr, "sdnotify cannot reach the supervisor"), "one WARNING: " + c.stderr);
            assertTrue(c.stderr.contains("WARNING"), c.stderr);
            assertEquals(List.of(), receiver.drain(), "nothing can have been sent");
        }
    }

    @Test
    void noexecDirectoriesThrowInsteadOfNoSupervisor() throws Exception {
        assertThrowsNamingTheStub("noexec", "is on a noexec mount (" + blocked + ")");
    }

    @Test
    void readOnlyDirectoriesThrowInsteadOfNoSupervisor() throws Exception {
        assertThrowsNamingTheStub("ro", "is not writable");
    }

    @Test
    void withoutSupervisorNothingIsLoadedSoNothingFails() throws Exception {
        Child c = run(currentJava(), "noexec", Map.of(), "-Dsdnotify.native=jna");
        assertEquals(0, c.exit, c::toString);
        assertTrue(c.stdout.get(0).startsWith("none: no supervisor started this process")
                && c.stdout.get(0).contains("nothing native was loaded"), c.toString());
        assertEquals("false", c.stdout.get(1), c.toString());
        assertEquals(0, count(c.stderr, "sdnotify cannot reach"), "no warning without a supervisor: " + c.stderr);
    }

    @Test
    void aRuntimeDirectoryTheUnitGrantsHoldsTheStub() throws Exception {
        Path runtime = Files.createDirectory(dir.resolve("runtime"));
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            Child c = run(currentJava(), "noexec", Map.of("NOTIFY_SOCKET", receiver.address(),
                    "RUNTIME_DIRECTORY", runtime.toString()), "-Dsdnotify.native=jna");
            assertEquals(0, c.exit, c::toString);
            assertTrue(c.stdout.get(0).startsWith("libsystemd via JNA: loaded /"), c.toString());
            assertEquals("true", c.stdout.get(1), c.toString());
            assertTrue(c.stderr.contains("INFO") && c.stderr.contains("JNA unpacks its native stub into " + runtime
                    + " ($RUNTIME_DIRECTORY)"), "the choice is logged at INFO: " + c.stderr);
            assertEquals(List.of("READY=1\nSTATUS=hidden"), receiver.drain().stream().map(Receiver.Datagram::text)
                    .collect(java.util.stream.Collectors.toList()));
        }
    }

    @Test
    void theFfmGatewayNeedsNoDirectory() throws Exception {
        String jdk = System.getProperty("sdnotify.test.jdk.ffm");
        Capabilities.require(jdk != null && Files.isExecutable(Path.of(jdk, "bin", "java")),
                "needs a JDK 22 or later named by -Dsdnotify.test.jdk.ffm (the build sets it)");
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            Child c = run(Path.of(jdk, "bin", "java").toString(), "noexec,ro",
                    Map.of("NOTIFY_SOCKET", receiver.address()), "--enable-native-access=ALL-UNNAMED");
            assertEquals(0, c.exit, c::toString);
            assertTrue(c.stdout.get(0).startsWith("libsystemd via FFM: loaded /"), c.toString());
            assertEquals("true", c.stdout.get(1), c.toString());
            assertEquals(1, receiver.drain().size(), c::toString);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
