package dev.sdnotify.localsupervisor;

import static dev.sdnotify.localsupervisor.SupervisorRun.arguments;
import static dev.sdnotify.localsupervisor.SupervisorRun.service;
import static dev.sdnotify.localsupervisor.SupervisorRun.stamp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor end to end: a JVM of its own running a {@link TryService} that uses the library. */
class LocalSupervisorTest {
    private static final Pattern STARTED = Pattern.compile("started pid (\\d+): ");
    private static final Pattern KEEP_ALIVE_GAP = Pattern.compile("no keep-alive for (\\d+\\.\\d{3}) s");
    private static final Pattern EXTENDED_UNTIL = Pattern.compile("until at least (\\d+\\.\\d{3}) s");
    private static final Pattern LISTENING = Pattern.compile("fd 3 \\(web\\): listening on 127\\.0\\.0\\.1:(\\d+)");

    /** The supervisor's java.io.tmpdir: it must be empty again once the supervisor has exited. */
    @TempDir
    Path tmp;

    private final List<SupervisorRun> runs = new ArrayList<>();

    @AfterEach
    void leavesNothingBehind() throws Exception {
        for (SupervisorRun run : runs) {
            run.close();
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void reportsReadinessFromTheMainPidAndExitsWithTheCommandsStatus() throws Exception {
        SupervisorRun run = start(List.of(), service("ready", "3"));
        String pid = pid(run);
        run.await("-> NOTIFY_SOCKET=" + tmp);
        run.await("pid " + pid + " (main): STATUS=Starting");
        run.await("pid " + pid + " (main): READY=1 | STATUS=Serving");
        run.await("-> ready: systemd would now start the units ordered after this one");
        run.await("pid " + pid + " exited with status 3: systemd would fail the unit (Result=exit-code)");
        assertEquals(3, run.exitCode());
        assertEquals("hello on stdout\n", run.stdout(), "the command's stdout, and nothing of the supervisor's");
    }

    @Test
    void watchdogFiresOnlyOnceTheKeepAlivesStop() throws Exception {
        SupervisorRun run = start(List.of("--watchdog", "2s"), service("keep-alives"));
        // The service read WATCHDOG_USEC, and WATCHDOG_PID as its own pid: the library ignores another's.
        run.await("READY=1 | STATUS=watchdog every PT2S");
        List<String> keptAlive = run.linesUntil("STATUS=keep-alives stop");
        assertTrue(keptAlive.stream().noneMatch(line -> line.contains("watchdog: no keep-alive")), keptAlive::toString);
        assertTrue(keptAlive.stream().anyMatch(line -> line.endsWith("(main): WATCHDOG=1")), keptAlive::toString);
        String fired = run.await("watchdog: no keep-alive for ");
        assertTrue(fired.contains(" s (WatchdogSec=2s): systemd would stop the service with SIGABRT now "
                + "(Result=watchdog)"), fired);
        assertTrue(seconds(fired, KEEP_ALIVE_GAP) >= 2.0, fired);
        run.writeLine();
        run.await("exited with status 0");
        assertEquals(0, run.exitCode());
    }

    @Test
    void startTimeoutFiresWithoutReady() throws Exception {
        SupervisorRun run = start(List.of("--timeout-start", "1s"), service("slow-start"));
        run.await("STATUS=Starting slowly");
        String timedOut = run.await("start timeout: no READY=1 after ");
        assertTrue(timedOut.contains("systemd would stop the service with SIGTERM now and fail the start "
                + "(Result=timeout)"), timedOut);
        assertTrue(stamp(timedOut) >= 1.0, timedOut);
        run.writeLine();
        assertEquals(0, run.exitCode());
    }

    @Test
    void extendTimeoutPostponesTheStartTimeout() throws Exception {
        SupervisorRun run = start(List.of("--timeout-start", "3s"), service("slow-start", "PT5S"));
        String extended = run.await("EXTEND_TIMEOUT_USEC=5000000");
        assumeTrue(stamp(extended) < 3, "the service took longer to start than the start timeout");
        String until = run.await("-> start timeout extended: systemd would wait for READY=1 until at least ");
        // Five seconds from its arrival, which came before the original deadline of three.
        assertTrue(seconds(until, EXTENDED_UNTIL) >= 5.0, until);
        String timedOut = run.await("start timeout: no READY=1 after ");
        assertTrue(stamp(timedOut) >= seconds(until, EXTENDED_UNTIL), until + "\n" + timedOut);
        run.writeLine();
        assertEquals(0, run.exitCode());
    }

    @Test
    void passesAListeningSocketTheServiceCanAcceptOn() throws Exception {
        SupervisorRun run = start(List.of("--listen", "0:web"), service("listen"));
        Matcher listening = LISTENING.matcher(run.await("fd 3 (web): listening on "));
        assertTrue(listening.find());
        // LISTEN_PID named the service's own pid, or the library would have passed it no fd.
        run.await("READY=1 | STATUS=accepting on fd 3 named web");
        try (SocketChannel client = SocketChannel.open(
                new InetSocketAddress("127.0.0.1", Integer.parseInt(listening.group(1))))) {
            ByteBuffer reply = ByteBuffer.allocate(16);
            while (client.read(reply) >= 0) {
                // Until the service closes the connection.
            }
            assertEquals("hello\n", new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII));
        }
        assertEquals(0, run.exitCode());
    }

    @Test
    void reportsTheNewlineOnTheReadinessFd() throws Exception {
        SupervisorRun run = start(List.of("--ready-fd"), service("ready"));
        run.await("-> READY_FD=3: a pipe");
        run.await("READY=1 | STATUS=Serving");
        run.await("readiness fd: a newline");
        assertEquals(0, run.exitCode());
    }

    @Test
    void countsAndClosesTheFdsAMessageCarries() throws Exception {
        SupervisorRun run = start(List.of(), service("store-fd"));
        String pid = pid(run);
        run.await("pid " + pid + " (main), 1 fd: FDSTORE=1 | FDNAME=kept");
        run.await("-> fd store: systemd would keep these fds only with FileDescriptorStoreMax=");
        run.await("pid " + pid + " (main), 1 fd: BARRIER=1");
        // The barrier ends only when its fd is closed.
        run.await("pid " + pid + " (main): STATUS=barrier passed");
        assertEquals(0, run.exitCode());
    }

    @Test
    void saysSystemdWouldIgnoreAnotherPidThanTheMainOne() throws Exception {
        // A shell that runs the JVM as its child rather than exec it: the wrapper mistake NotifyAccess=main punishes.
        List<String> wrapper = new ArrayList<>(List.of("/bin/sh", "-c", "\"$@\"; exit $?", "sh"));
        wrapper.addAll(service("ready"));
        SupervisorRun run = start(List.of(), wrapper);
        String pid = pid(run);
        String ready = run.await(": READY=1 | STATUS=Serving");
        assertFalse(ready.contains("(main)"), ready);
        assertNotEquals(pid, ready.replaceAll(".*pid (\\d+).*", "$1"));
        run.await("is not the main pid " + pid + ": with NotifyAccess=main, Type=notify's default, systemd would "
                + "ignore this message");
        assertEquals(0, run.exitCode());
    }

    @Test
    void passesSigtermOnAndWaitsForTheCommand() throws Exception {
        SupervisorRun run = start(List.of(), service("stop-on-term"));
        String pid = pid(run);
        run.await("READY=1 | STATUS=until SIGTERM");
        run.terminate();
        run.await("SIGTERM: passed on to pid " + pid);
        run.await("pid " + pid + " (main): STOPPING=1");
        run.await("-> stopping: systemd would show the unit as deactivating");
        run.await("pid " + pid + " exited with status 143, as a JVM does after SIGTERM: systemd counts it as success "
                + "only with SuccessExitStatus=143 in the unit");
        assertEquals(143, run.exitCode());
    }

    @Test
    void theCommandGetsNoOtherFdThanItsOwn() throws Exception {
        SupervisorRun run = start(List.of("--listen", "0:web", "--ready-fd"),
                List.of("/bin/sh", "-c", "ls -l /proc/self/fd"));
        assertEquals(0, run.exitCode());
        List<String> fds = run.stdout().lines().filter(line -> line.contains(" -> ")).toList();
        assertTrue(fds.stream().anyMatch(line -> line.matches(".* 3 -> socket:\\[\\d+\\]")), fds::toString);
        assertTrue(fds.stream().anyMatch(line -> line.matches(".* 4 -> pipe:\\[\\d+\\]")), fds::toString);
        // Beyond those two, only the listing's own directory: nothing of the JVM's (its jar, modules, /dev/random).
        assertTrue(fds.stream().filter(line -> !line.matches(".* [0-4] -> .*")).allMatch(line -> line.contains(
                " -> /proc/")), fds::toString);
    }

    @Test
    void rejectsABadCommandLineWithTheUsage() throws Exception {
        SupervisorRun run = start(List.of("--frobnicate"), List.of("true"));
        assertEquals(2, run.exitCode());
        assertEquals(List.of("local-supervisor: unknown option --frobnicate", Options.USAGE), run.stderr());
    }

    private SupervisorRun start(List<String> options, List<String> command) throws IOException {
        SupervisorRun run = SupervisorRun.start(SupervisorRun.fromClasses(), tmp, arguments(options, command));
        runs.add(run);
        return run;
    }

    private static double seconds(String line, Pattern pattern) {
        Matcher seconds = pattern.matcher(line);
        assertTrue(seconds.find(), line);
        return Double.parseDouble(seconds.group(1));
    }

    private static String pid(SupervisorRun run) throws InterruptedException {
        Matcher started = STARTED.matcher(run.await("started pid "));
        assertTrue(started.find());
        return started.group(1);
    }
}
