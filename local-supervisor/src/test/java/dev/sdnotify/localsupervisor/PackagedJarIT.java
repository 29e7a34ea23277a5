package dev.sdnotify.localsupervisor;

import static dev.sdnotify.localsupervisor.SupervisorRun.arguments;
import static dev.sdnotify.localsupervisor.SupervisorRun.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The jar as shipped, run with {@code java -jar} and nothing else: what the manifest and the shading must give. It
 * runs on each JDK in the comma-separated {@code local-supervisor.jdks} (by default the one running the tests):
 * a JDK 17 checks the release, a JDK 22 or later the manifest's native access.
 */
class PackagedJarIT {
    private static final Path JAR = Path.of(System.getProperty("local-supervisor.jar"));

    @TempDir
    Path tmp;

    static Stream<Path> jdks() {
        return Stream.of(System.getProperty("local-supervisor.jdks", System.getProperty("java.home")).split(","))
                .map(Path::of);
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void runsAServiceWithNothingButTheJarAndNoWarning(Path javaHome) throws Exception {
        try (SupervisorRun run = SupervisorRun.start(SupervisorRun.fromJar(javaHome, JAR), tmp, arguments(List.of(),
                service("ready")))) {
            run.await("(main): READY=1 | STATUS=Serving");
            assertEquals(0, run.exitCode());
            // JDK 22 and later warn about JNA's native access unless the manifest enables it.
            assertTrue(run.stderr().stream().noneMatch(line -> line.contains("WARNING")), run.stderr()::toString);
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList());
        }
    }

    @Test
    void carriesJnaForLinuxOnly() throws Exception {
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            assertTrue(jar.getEntry("com/sun/jna/linux-x86-64/libjnidispatch.so") != null);
            assertTrue(jar.getEntry("com/sun/jna/linux-aarch64/libjnidispatch.so") != null);
            assertTrue(jar.stream().noneMatch(entry -> entry.getName().contains("win32-")
                    || entry.getName().contains("darwin-")));
        }
    }
}
