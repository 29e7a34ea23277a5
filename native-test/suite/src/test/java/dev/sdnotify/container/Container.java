package dev.sdnotify.container;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The container native-test/run.sh booted: commands run in all of its namespaces, as {@code ct_exec} in
 * native-test/lib/container.sh runs them (nsenter into its PID 1), with the C.UTF-8 locale and no pager or
 * colours, so that systemctl and journalctl print plain text.
 */
final class Container {
    /** A command that outlives this is stuck: the cases' own waits are all shorter. */
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    /** What a command did. */
    record Result(List<String> command, int exitCode, String out, String err) {
        boolean ok() {
            return exitCode == 0;
        }

        /** Standard output without its last newline. */
        String text() {
            return out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
        }

        String describe() {
            return String.join(" ", command) + " exited " + exitCode + (err.isBlank() ? "" : ": " + err.strip());
        }
    }

    private final long pid;

    Container(long pid) {
        this.pid = pid;
    }

    /**
     * Runs a command in the container and waits for it. Its standard error goes to a file, read afterwards: a
     * reader thread per call would do, a shared pool would make the cases wait on each other's commands.
     */
    Result run(String... command) {
        Path errFile;
        try {
            errFile = Files.createTempFile("sdn-ct-", ".err");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Process process = start(builder(command).redirectError(errFile.toFile()));
            String out = read(process.getInputStream());
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": still running after "
                        + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return new Result(List.of(command), process.exitValue(), out, Files.readString(errFile, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + ": interrupted", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            errFile.toFile().delete();
        }
    }

    /** Runs a command that must succeed; returns its output without the last newline. */
    String check(String... command) {
        Result result = run(command);
        if (!result.ok()) {
            throw new AssertionError(result.describe());
        }
        return result.text();
    }

    /**
     * Starts a command in the container and returns at once; the caller reads its output (standard error
     * merged into it) and waits for it.
     */
    Process start(String... command) {
        return start(builder(command).redirectErrorStream(true));
    }

    private ProcessBuilder builder(String... command) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-a", "--"));
        argv.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("LC_ALL", "C.UTF-8");
        builder.environment().put("SYSTEMD_PAGER", "");
        builder.environment().put("SYSTEMD_COLORS", "0");
        return builder;
    }

    private static Process start(ProcessBuilder builder) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + String.join(" ", builder.command()), e);
        }
    }

    /** Whether a path exists in the container. */
    boolean exists(String path) {
        return run("test", "-e", path).ok();
    }

    /** A file's content in the container, or "" if it cannot be read. */
    String read(String path) {
        Result result = run("cat", path);
        return result.ok() ? result.out() : "";
    }

    /** Writes a file in the container (its content passed as an argument, never through a shell). */
    void write(String path, String content) {
        check("sh", "-c", "printf '%s' \"$1\" > \"$2\"", "write", content, path);
    }

    static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
