package dev.sdnotify;

import dev.sdnotify.testing.CEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The service {@link S6ReadinessTest} runs under s6-supervise: waits a while, records the time, calls
 * {@link SdNotify#ready()}, records what followed, then lives until the supervisor stops it.
 *
 * <p>Arguments: the directory to write {@value #READY_AT} and {@value #RESULT} to, and {@code env} (the run
 * script exported READY_FD) or {@code api:N} (the fd is given with {@link SdNotify#useReadinessFd(int)}).
 */
public final class S6ReadyService {
    static final String READY_AT = "ready-at";
    static final String RESULT = "result";
    static final long DELAY_MILLIS = 1000;

    private S6ReadyService() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Path dir = Path.of(args[0]);
        Thread.sleep(DELAY_MILLIS);
        if (args[1].startsWith("api:")) {
            SdNotify.useReadinessFd(Integer.parseInt(args[1].substring(4)));
        }
        String variable = CEnv.getString("READY_FD");
        // Chosen before the clock starts, so the times measure the notification, not loading the backend.
        SdNotify.backend();
        // The readiness pipe by identity: once closed, the JVM may open another file as fd 3 at any moment.
        String pipe = fdTarget(3);
        write(dir.resolve(READY_AT), Long.toString(nowMicros()));
        boolean ready = SdNotify.ready();
        long returned = nowMicros();
        String after = fdTarget(3);
        String fd3 = pipe == null || !pipe.startsWith("pipe:") ? "not a pipe before ready(): " + pipe
                : after != null && after.equals(pipe) ? "open" : "closed";
        write(dir.resolve(RESULT), "ready=" + ready + "\nfd3=" + fd3 + "\nREADY_FD before=" + variable
                + "\nREADY_FD after=" + CEnv.getString("READY_FD") + "\npid=" + ProcessHandle.current().pid()
                + "\nreturned=" + returned + "\n");
        Thread.sleep(60_000);
    }

    /** What /proc/self/fd/N names (pipe:[inode], a path, ...), or null if fd N is not open. */
    static String fdTarget(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return null;
        }
    }

    static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    /** Whole or not at all: the test may read while this runs. */
    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
