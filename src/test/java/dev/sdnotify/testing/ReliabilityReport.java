package dev.sdnotify.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The figures of the reliability tests: each is printed as one {@code RELIABILITY name=value} line and
 * appended to {@code target/reliability-report.txt}, so a run leaves its numbers next to the test reports.
 */
public final class ReliabilityReport {
    public static final String PREFIX = "RELIABILITY ";

    private ReliabilityReport() {}

    /** The report file: under the module's {@code target}, which surefire passes as {@code basedir}. */
    public static Path file() {
        return Path.of(System.getProperty("basedir", "."), "target", "reliability-report.txt");
    }

    public static synchronized void figure(String name, Object value) {
        String line = PREFIX + name + "=" + value;
        System.out.println(line);
        try {
            Path file = file();
            Files.createDirectories(file.getParent());
            Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("appending to " + file(), e);
        }
    }
}
