package dev.sdnotify.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.Receiver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JVMs run with the packaged agent against a real notify socket: what a supervisor receives from them, and when.
 * Each runs on the JDK of each gateway: JNA below 22, FFM from 22 ({@code sdnotify.test.jdk.jna} and {@code .ffm}).
 */
class AgentIT {
    private static final String JAR = System.getProperty("sdnotify.agent.jar");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir Path dir;

    static Stream<String> jdks() {
        return Stream.of(System.getProperty("sdnotify.test.jdk.jna", System.getProperty("java.home")),
                System.getProperty("sdnotify.test.jdk.ffm", System.getProperty("java.home"))).distinct();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void statusWhileWaitingThenReadyThenStoppingBeforeTheApplicationsHooks(String jdk) throws Exception {
        int port = freePort();
        Path hookRan = dir.resolve("hook");
        try (Supervisor s = new Supervisor(dir); Child c = s.start(jdk, "ready=port:" + port, Map.of(),
                "hook:" + hookRan, "sleep:" + (Startup.QUIET_MILLIS + 3000), "listen:" + port, "wait")) {
            String status = s.await(t -> t.startsWith("STATUS=Starting: waiting for port " + port));
            assertTrue(status.contains("does not listen on port " + port + " yet"), status);
            s.await(t -> t.startsWith("READY=1\nSTATUS=Ready: port " + port));
            assertTrue(c.line("listening ") > 0, "READY=1 came after the port listened");
            c.process.destroy();
            assertTrue(c.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(143, c.process.exitValue(), "the JVM's own SIGTERM handling went on");
            long stopping = s.queued(t -> t.startsWith("STOPPING=1\nSTATUS=Stopping: SIGTERM received"));
            long hook = Long.parseLong(Files.readString(hookRan));
            assertTrue(stopping < hook,
                    "STOPPING=1 was sent " + (stopping - hook) + " ns after the application's hook ran");
            assertEquals(List.of(), s.from(other(c)), "every message from the JVM itself");
            assertEquals("", c.stderr(), "nothing on stderr");
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aHelperJvmOfAScriptStaysSilent(String jdk) throws Exception {
        int port = freePort();
        try (Supervisor s = new Supervisor(dir); Child c = s.start(jdk, "ready=port:" + port,
                Map.of("SYSTEMD_EXEC_PID", "1"), "listen:" + port, "sleep:2500")) {
            assertEquals(0, c.process.waitFor(), c.stderr());
            assertEquals(List.of(), s.texts());
            assertEquals("", c.stderr());
        }
    }

    @Test
    void mainSelfAnnouncesItsPidWithReady() throws Exception {
        int port = freePort();
        try (Supervisor s = new Supervisor(dir); Child c = s.start(null, "ready=port:" + port + ";main=self",
                Map.of("SYSTEMD_EXEC_PID", "1"), "listen:" + port, "wait")) {
            s.await(t -> t.startsWith("READY=1"));
            List<String> texts = s.texts();
            assertEquals("MAINPID=" + c.process.pid(), texts.get(texts.indexOf(s.await(t -> t.startsWith("READY=1"))) - 1));
            assertTrue(c.stderr().contains("NotifyAccess=all"), c.stderr());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aToolJvmThatSystemdStartsSendsNothingWhileItWorks(String jdk) throws Exception {
        int port = freePort();
        try (Supervisor s = new Supervisor(dir)) {
            // As Kafka's storage format in ExecStartPre=: systemd started it, and it works for seconds, then ends.
            Process p = s.builder(List.of("sh", "-c", "SYSTEMD_EXEC_PID=$$ exec \"$0\" \"$@\"", java(jdk),
                    "-javaagent:" + JAR + "=ready=port:" + port, "-cp", System.getProperty("java.class.path"),
                    TestServer.class.getName(), "sleep:3000")).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertEquals(List.of(), s.texts());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aJvmThatLivesAMomentSendsNothing(String jdk) throws Exception {
        try (Supervisor s = new Supervisor(dir)) {
            // As a unit's ExecStartPre=java -version: systemd started it, so it finds its own pid there.
            Process p = s.builder(List.of("sh", "-c", "SYSTEMD_EXEC_PID=$$ exec \"$0\" \"$@\"", java(jdk),
                    "-javaagent:" + JAR, "-version")).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertFalse(out.contains("sdnotify"), out);
            assertEquals(List.of(), s.texts());
        }
    }

    @Test
    void aMalformedOptionStopsTheJvmWithOneLine() throws Exception {
        try (Supervisor s = new Supervisor(dir); Child c = s.start(null, "ready=port:80x", Map.of(), "wait")) {
            assertTrue(c.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(Agent.BAD_OPTIONS, c.process.exitValue());
            assertEquals("<3>sdnotify-agent: bad option 'ready=port:80x': port:N takes a port number from 1 to 65535; "
                    + "predicates: " + Options.FORMS + "\n", c.stderr());
            assertEquals(List.of(), s.texts());
        }
    }

    @Test
    void aLineOnStandardOutputCanBeTheSign() throws Exception {
        try (Supervisor s = new Supervisor(dir); Child c = s.start(null, "ready=log:Server started in \\d+ ms",
                Map.of(), "print:Server started in 12 ms", "wait")) {
            // The line is main's first act, long before the agent's thread has loaded its classes.
            // STATUS= takes no backslash: the pattern's are spaces there.
            s.await(t -> t.startsWith("READY=1\nSTATUS=Ready: a line matching Server started in  d+ ms"));
            assertTrue(c.line("Server started in 12 ms") >= 0, "the line still reaches standard output");
        }
    }

    @Test
    void theApplicationInstallsItsOwnLogManagerFirst() throws Exception {
        int port = freePort();
        // Every kind of predicate, looked at for a while before the application touches logging.
        try (Supervisor s = new Supervisor(dir); Child c = s.start(null, "ready=jmx:app:type=Missing#State=UP;"
                + "ready=http:http://127.0.0.1:" + port + "/health;ready=log:never;ready=port:" + port,
                Map.of("WATCHDOG_USEC", "2000000"), "sleep:1500", "logmanager", "wait")) {
            assertTrue(c.line("logmanager " + TestServer.CustomLogManager.class.getName()) > 0, c.stdout());
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aFailingHealthCheckEndsTheKeepAlivesAndSaysWhy(String jdk) throws Exception {
        int port = freePort();
        Path down = dir.resolve("down");
        try (Supervisor s = new Supervisor(dir); Child c = s.start(jdk, "ready=port:" + port + ";health=http:"
                + "http://127.0.0.1:" + port + "/health", Map.of("WATCHDOG_USEC", "2000000"),
                "http:" + port + ":" + down, "wait")) {
            s.await(t -> t.startsWith("READY=1"));
            s.await(t -> t.equals("WATCHDOG=1"));
            Files.createFile(down);
            String status = s.await(t -> t.startsWith("STATUS=Watchdog: "));
            assertEquals("STATUS=Watchdog: the health check failed: http://127.0.0.1:" + port + "/health answered 503",
                    status);
            s.await(t -> t.equals("WATCHDOG=trigger"));
            int after = s.texts().size();
            Thread.sleep(1500);
            assertFalse(s.texts().subList(after, s.texts().size()).contains("WATCHDOG=1"), s.texts().toString());
        }
    }

    @Test
    void deadlockedThreadsFailTheHealthCheck() throws Exception {
        int port = freePort();
        Path trigger = dir.resolve("deadlock");
        try (Supervisor s = new Supervisor(dir); Child c = s.start(null, "ready=port:" + port,
                Map.of("WATCHDOG_USEC", "2000000"), "listen:" + port, "deadlock:" + trigger, "wait")) {
            s.await(t -> t.equals("WATCHDOG=1"));
            Files.createFile(trigger);
            String status = s.await(t -> t.startsWith("STATUS=Watchdog: "));
            assertTrue(status.startsWith("STATUS=Watchdog: the health check failed: threads deadlocked: Thread-"), status);
        }
    }

    @Test
    void withoutASupervisorTheAgentLoadsNothing() throws Exception {
        Process p = new ProcessBuilder(java(null), "-Xlog:class+load=info", "-javaagent:" + JAR + "=ready=port:1",
                "-cp", System.getProperty("java.class.path"), TestServer.class.getName(), "print:done")
                .redirectError(dir.resolve("err").toFile()).redirectOutput(dir.resolve("out").toFile()).start();
        assertEquals(0, p.waitFor());
        List<String> out = Files.readAllLines(dir.resolve("out"));
        assertTrue(out.contains("done"), out.toString());
        assertEquals(List.of(" dev.sdnotify.agent.boot.AgentMain "), out.stream()
                .filter(l -> l.contains(" dev.sdnotify") && !l.contains(TestServer.class.getName()))
                .map(l -> l.replaceAll(".*\\]( dev\\.sdnotify\\S*) .*", "$1 ")).collect(Collectors.toList()));
        assertEquals("", Files.readString(dir.resolve("err")));
    }

    private static Predicate<Receiver.Datagram> other(Child c) {
        return d -> d.pid() != c.process.pid();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String java(String jdk) {
        return Path.of(jdk != null ? jdk : System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A notify socket and what arrives on it. */
    private static final class Supervisor implements AutoCloseable {
        private final Path dir;
        private final Receiver receiver;
        private final List<Receiver.Datagram> arrivals = new ArrayList<>();
        private final Thread thread;
        private final List<Child> children = new ArrayList<>();

        Supervisor(Path dir) {
            this.dir = dir;
            receiver = Receiver.bindPath(dir.resolve("notify"));
            thread = new Thread(() -> {
                while (true) {
                    Receiver.Datagram d = receiver.receiveBlocking(true);
                    if (d.text().equals("END")) {
                        return;
                    }
                    synchronized (arrivals) {
                        arrivals.add(d);
                        arrivals.notifyAll();
                    }
                }
            });
            thread.start();
        }

        /** A process under this supervisor: NOTIFY_SOCKET set, as systemd sets it. */
        ProcessBuilder builder(List<String> command) {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("NOTIFY_SOCKET", receiver.address());
            pb.environment().remove("SYSTEMD_EXEC_PID");
            return pb;
        }

        Child start(String jdk, String options, Map<String, String> env, String... steps) throws IOException {
            List<String> command = new ArrayList<>(List.of(java(jdk), "-javaagent:" + JAR + (options == null ? ""
                    : "=" + options), "-cp", System.getProperty("java.class.path"), TestServer.class.getName()));
            command.addAll(List.of(steps));
            ProcessBuilder pb = builder(command);
            pb.environment().putAll(env);
            Path err = Files.createTempFile(dir, "stderr", ".txt");
            Child c = new Child(pb.redirectError(err.toFile()).start(), err);
            children.add(c);
            return c;
        }

        List<String> texts() {
            synchronized (arrivals) {
                return arrivals.stream().map(Receiver.Datagram::text).collect(Collectors.toList());
            }
        }

        List<String> from(Predicate<Receiver.Datagram> which) {
            synchronized (arrivals) {
                return arrivals.stream().filter(which).map(Receiver.Datagram::text)
                        .collect(Collectors.toList());
            }
        }

        /** The first datagram whose text matches, waiting for it. */
        String await(Predicate<String> text) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            synchronized (arrivals) {
                while (true) {
                    for (Receiver.Datagram a : arrivals) {
                        String t = a.text();
                        if (text.test(t)) {
                            return t;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("no such message within " + WAIT + "; got " + texts());
                    }
                    arrivals.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
            }
        }

        /** When the first datagram whose text matches was queued, in nanoseconds since the epoch. */
        long queued(Predicate<String> text) throws InterruptedException {
            String t = await(text);
            synchronized (arrivals) {
                long queued = arrivals.stream().filter(a -> a.text().equals(t))
                        .mapToLong(Receiver.Datagram::queuedNanos).findFirst().orElseThrow();
                assertTrue(queued > 0, "the kernel stamped the datagram");
                return queued;
            }
        }

        @Override
        public void close() throws InterruptedException {
            for (Child c : children) {
                c.close();
            }
            receiver.inject("END".getBytes(StandardCharsets.UTF_8));
            thread.join();
            receiver.close();
        }
    }

    /** A JVM with the agent: its standard output as it comes, its standard error once it ended. */
    private static final class Child implements AutoCloseable {
        final Process process;
        private final Path stderr;
        private final List<String> stdout = new ArrayList<>();
        private final Thread reader;

        Child(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (stdout) {
                            stdout.add(line);
                            stdout.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // ended
                }
            });
            reader.start();
        }

        /** The number after {@code prefix} on the first line that starts with it, waiting for it; 0 if none. */
        long line(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            synchronized (stdout) {
                while (true) {
                    for (String l : stdout) {
                        if (l.startsWith(prefix)) {
                            String rest = l.substring(prefix.length());
                            return rest.matches("\\d+") ? Long.parseLong(rest) : 1;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                        return -1;
                    }
                    stdout.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }

        String stdout() {
            synchronized (stdout) {
                return String.join("\n", stdout);
            }
        }

        /** Standard error so far. */
        String stderr() throws IOException {
            return Files.readString(stderr);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
            process.destroyForcibly();
            reader.join();
        }
    }
}
