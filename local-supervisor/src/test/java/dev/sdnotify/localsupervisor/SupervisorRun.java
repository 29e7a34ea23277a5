package dev.sdnotify.localsupervisor;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The supervisor run as a user runs it: in a JVM of its own, its stderr read line by line as it comes. Lines are
 * awaited in order, each after the last one found, so that a test states the order it expects.
 */
final class SupervisorRun implements AutoCloseable {
    /** How long any one thing may take on a busy machine; only a failing test waits this long. */
    static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Pattern STAMP = Pattern.compile("^\\[ *(\\d+\\.\\d{3}) s\\] ");
    private static final String END = "\u0000end of stderr";
    private static final Path THIS_JDK = Path.of(System.getProperty("java.home"));

    private final Process process;
    private final BlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<String> stdout;

    private SupervisorRun(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    stderr.add(line);
                    pending.add(line);
                }
            } catch (IOException e) {
                // Closed by close(): nothing more to read.
            } finally {
                pending.add(END);
            }
        }, "supervisor-stderr");
        reader.setDaemon(true);
        reader.start();
        stdout = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The supervisor from the compiled classes, on this JVM's class path. */
    static List<String> fromClasses() {
        return java(THIS_JDK, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                LocalSupervisor.class.getName());
    }

    /** The supervisor as shipped, on the JDK in {@code javaHome}: {@code java -jar} with no option. */
    static List<String> fromJar(Path javaHome, Path jar) {
        return java(javaHome, "-jar", jar.toString());
    }

    /** A {@link TryService} command, as a JVM on this JVM's class path. */
    static List<String> service(String... args) {
        List<String> command = java(THIS_JDK, "--enable-native-access=ALL-UNNAMED", "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                TryService.class.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** A JDK's java, without the shared memory file it would leave in /tmp if killed. */
    private static List<String> java(Path javaHome, String... args) {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin/java").toString());
        command.add("-XX:-UsePerfData");
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code supervisor} with {@code tmp} as its java.io.tmpdir and {@code arguments}. */
    static SupervisorRun start(List<String> supervisor, Path tmp, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(supervisor);
        command.add(1, "-Djava.io.tmpdir=" + tmp);
        command.addAll(arguments);
        return new SupervisorRun(new ProcessBuilder(command).start());
    }

    /** {@code options -- command}, as one list. */
    static List<String> arguments(List<String> options, List<String> command) {
        return Stream.of(options, List.of("--"), command).flatMap(List::stream).toList();
    }

    /** The next line that contains {@code fragment}; fails if none comes. */
    String await(String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        for (String line = next(deadline); line != null && !line.equals(END); line = next(deadline)) {
            if (line.contains(fragment)) {
                return line;
            }
        }
        return fail("no line with '" + fragment + "' in the supervisor's stderr:\n" + String.join("\n", stderr));
    }

    /** The lines read after the last one awaited and up to the next with {@code fragment}, that one included. */
    List<String> linesUntil(String fragment) throws InterruptedException {
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        for (String line = next(deadline); line != null && !line.equals(END); line = next(deadline)) {
            lines.add(line);
            if (line.contains(fragment)) {
                return lines;
            }
        }
        return fail("no line with '" + fragment + "' in the supervisor's stderr:\n" + String.join("\n", stderr));
    }

    /** The time a line was stamped with, in seconds since the command started. */
    static double stamp(String line) {
        Matcher stamp = STAMP.matcher(line);
        return stamp.find() ? Double.parseDouble(stamp.group(1)) : fail("no time stamp: " + line);
    }

    /** Ends a line on the supervisor's stdin, which the command shares. */
    void writeLine() throws IOException {
        process.getOutputStream().write('\n');
        process.getOutputStream().flush();
    }

    /** Sends SIGTERM to the supervisor; unlike Process.destroy(), leaves its output to be read. */
    void terminate() {
        process.toHandle().destroy();
    }

    int exitCode() throws InterruptedException {
        if (!process.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("the supervisor is still running:\n" + String.join("\n", stderr));
        }
        return process.exitValue();
    }

    String stdout() throws InterruptedException {
        exitCode();
        return stdout.join();
    }

    List<String> stderr() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    private String next(long deadline) throws InterruptedException {
        return pending.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    /** Stops what a failed test left running; the supervisor passes the SIGTERM on to its command. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
