package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sdnotify.testing.Capabilities;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The readiness fd against a real s6-supervise: a service directory with {@code notification-fd} 3 runs a JVM
 * that calls {@link SdNotify#ready()} when the test tells it to ({@link S6ReadyService}'s handshake). s6 must report
 * the service up but not ready until then, and up and ready (the U event s6-svwait -U waits for) only after it.
 */
class S6ReadinessTest {
    static final int NOTIFICATION_FD = 3;
    static final long TIMEOUT_MILLIS = S6ReadyService.TIMEOUT_MILLIS;
    /** Shorter than {@link #TIMEOUT_MILLIS}, so that s6-svwait reports its own timeout (exit 99). */
    static final long WAIT_MILLIS = 10_000;

    @TempDir Path dir;

    static void requireS6() {
        for (String tool : List.of("s6-supervise", "s6-svwait", "s6-svstat", "s6-svc")) {
            Capabilities.require(Capabilities.onPath(tool), "needs " + tool + " (Debian package s6)");
        }
    }

    static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The run script: exec the service's JVM, telling it the fd number as {@code mode} says. */
    static String runScript(Path work, String mode) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        StringBuilder run = new StringBuilder("#!/bin/sh\n");
        if (mode.equals("env")) {
            run.append("# s6 gives the number only in notification-fd: pass the same one on.\n")
                    .append("READY_FD=").append(NOTIFICATION_FD).append("\nexport READY_FD\n");
        }
        run.append("exec ").append(quote(java)).append(" -Xshare:off -cp ")
                .append(quote(System.getProperty("java.class.path"))).append(' ')
                .append(S6ReadyService.class.getName()).append(' ').append(quote(work.toString())).append(' ')
                .append(mode.equals("env") ? "env" : "api:" + NOTIFICATION_FD).append('\n');
        return run.toString();
    }

    /** Runs a short s6 command: its exit code and output. */
    static Result run(String... command) throws IOException, InterruptedException {
        return finish(new ProcessBuilder(command).redirectErrorStream(true).start(), command);
    }

    /** Waits for an s6 command started earlier: its exit code and output. */
    static Result finish(Process p, String... command) throws IOException, InterruptedException {
        if (!p.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within " + TIMEOUT_MILLIS + " ms");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    }

    record Result(int exit, String output) {}

    /** {@code s6-svstat -o up,ready,pid}: for example "true false 1234"; empty while s6-supervise starts. */
    static Optional<String[]> status(Path svc) throws IOException, InterruptedException {
        Result r = run("s6-svstat", "-o", "up,ready,pid", svc.toString());
        return r.exit() == 0 ? Optional.of(r.output().split(" ")) : Optional.empty();
    }

    @ParameterizedTest(name = "fd named by {0}")
    @ValueSource(strings = {"env", "api"})
    void readyOnlyAfterReadyWasCalled(String mode) throws Exception {
        requireS6();
        Path svc = Files.createDirectory(dir.resolve("svc"));
        Path work = Files.createDirectory(dir.resolve("work"));
        Files.writeString(svc.resolve("run"), runScript(work, mode));
        Files.setPosixFilePermissions(svc.resolve("run"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(svc.resolve("notification-fd"), NOTIFICATION_FD + "\n");

        ProcessBuilder pb = new ProcessBuilder("s6-supervise", svc.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("supervise.log").toFile());
        SupervisorEnvironment.removeFrom(pb);
        long start = nowMicros();
        Process supervise = pb.start();
        long servicePid = -1;
        try {
            try {
                servicePid = Long.parseLong(S6ReadyService.await(work, S6ReadyService.HERE));
            } catch (IOException e) {
                fail("the service never ran: " + e.getMessage() + log());
            }
            long upSeen = nowMicros();
            Optional<String[]> status = status(svc);
            assertTrue(status.isPresent(), "s6-svstat reports nothing" + log());
            String[] up = status.get();
            assertEquals("true", up[0], "up: the service is running");
            assertEquals(Long.toString(servicePid), up[2], "s6's process is the service");
            assertEquals("false", up[1], "up but not yet ready: the service waits for the test before calling ready()");
            assertFalse(Files.exists(work.resolve(S6ReadyService.READY_AT)), "the check ran before ready()");

            long waitStart = nowMicros();
            String[] svwait = {"s6-svwait", "-U", "-t", Long.toString(WAIT_MILLIS), svc.toString()};
            Process waiting = new ProcessBuilder(svwait).redirectErrorStream(true).start();
            S6ReadyService.signal(work, S6ReadyService.GO, "");
            Result waited = finish(waiting, svwait);
            long readySeen = nowMicros();
            assertEquals(0, waited.exit(), "s6-svwait -U exit code (99: timed out, the service never became ready): "
                    + waited.output() + log());

            long readyAt = Long.parseLong(Files.readString(work.resolve(S6ReadyService.READY_AT)).strip());
            assertTrue(waitStart < readyAt, "s6-svwait was waiting before ready() was called");
            assertTrue(readySeen >= readyAt, "U observed " + (readySeen - readyAt) + " us after ready()");
            String[] after = status(svc).orElseThrow();
            assertEquals("true", after[1], "s6-svstat shows ready afterwards");
            assertEquals(Long.toString(servicePid), after[2], "the same process");

            String result = S6ReadyService.await(work, S6ReadyService.RESULT);
            assertTrue(result.contains("ready=true\n"), "SdNotify.ready() returned true: " + result);
            assertTrue(result.contains("fd3=closed\n"), "the readiness fd was closed: " + result);
            assertTrue(result.contains("READY_FD after=null\n"), "READY_FD was removed: " + result);
            assertTrue(result.contains("READY_FD before=" + (mode.equals("env") ? NOTIFICATION_FD : "null") + "\n"),
                    result);
            long returned = Long.parseLong(result.substring(result.indexOf("returned=") + 9).strip());
            System.out.printf("s6 readiness (%s): up seen at +%.1f ms, ready() called at +%.1f ms and returned at "
                    + "+%.1f ms, U observed at +%.1f ms: %.1f ms after the call%n", mode, (upSeen - start) / 1e3,
                    (readyAt - start) / 1e3, (returned - start) / 1e3, (readySeen - start) / 1e3,
                    (readySeen - readyAt) / 1e3);
        } finally {
            stop(svc, supervise, servicePid);
        }
    }

    private String log() throws IOException {
        Path log = dir.resolve("supervise.log");
        return Files.exists(log) ? "\ns6-supervise's output:\n" + Files.readString(log) : "";
    }

    /** s6-svc -xd: down, and s6-supervise exits once the service is gone. Nothing may be left running. */
    private static void stop(Path svc, Process supervise, long servicePid) throws Exception {
        List<String> problems = new ArrayList<>();
        Result r = run("s6-svc", "-xd", svc.toString());
        if (r.exit() != 0) {
            problems.add("s6-svc -xd: exit " + r.exit() + " " + r.output());
        }
        if (!supervise.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
            problems.add("s6-supervise did not exit after s6-svc -xd");
            supervise.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        if (servicePid > 0) {
            Optional<ProcessHandle> service = ProcessHandle.of(servicePid);
            if (service.isPresent() && service.get().isAlive()) {
                problems.add("the service, pid " + servicePid + ", outlived s6-supervise");
                service.get().destroyForcibly();
                service.get().onExit().get(5, TimeUnit.SECONDS);
            }
        }
        assertEquals(List.of(), problems, "teardown");
    }
}
