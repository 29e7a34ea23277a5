package dev.sdnotify;

import dev.sdnotify.testing.CEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

/**
 * The service {@link S6ReadinessTest} runs under s6-supervise: says it is running ({@value #HERE}), waits for the
 * test's {@value #GO}, records the time, calls {@link SdNotify#ready()}, records what followed, then lives until the
 * supervisor stops it. The two sides tell each other by files they watch, so nothing waits for a fixed time.
 *
 * <p>Arguments: the directory for the files, and {@code env} (the run script exported READY_FD) or {@code api:N}
 * (the fd is given with {@link SdNotify#useReadinessFd(int)}).
 */
public final class S6ReadyService {
    static final String HERE = "here";
    static final String GO = "go";
    static final String READY_AT = "ready-at";
    static final String RESULT = "result";
    /** How long either side waits for the other. */
    static final long TIMEOUT_MILLIS = 20_000;

    private S6ReadyService() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Path dir = Path.of(args[0]);
        signal(dir, HERE, Long.toString(ProcessHandle.current().pid()));
        await(dir, GO);
        if (args[1].startsWith("api:")) {
            SdNotify.useReadinessFd(Integer.parseInt(args[1].substring(4)));
        }
        String variable = CEnv.getString("READY_FD");
        // Chosen before the clock starts, so the times measure the notification, not loading the backend.
        SdNotify.backend();
        // The readiness pipe by identity: once closed, the JVM may open another file as fd 3 at any moment.
        String pipe = fdTarget(3);
        signal(dir, READY_AT, Long.toString(nowMicros()));
        boolean ready = SdNotify.ready();
        long returned = nowMicros();
        String after = fdTarget(3);
        String fd3 = pipe == null || !pipe.startsWith("pipe:") ? "not a pipe before ready(): " + pipe
                : after != null && after.equals(pipe) ? "open" : "closed";
        signal(dir, RESULT, "ready=" + ready + "\nfd3=" + fd3 + "\nREADY_FD before=" + variable
                + "\nREADY_FD after=" + CEnv.getString("READY_FD") + "\npid=" + ProcessHandle.current().pid()
                + "\nreturned=" + returned + "\n");
        // Until s6-svc stops it.
        Thread.currentThread().join();
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

    /** Creates {@code name} in {@code dir}, whole or not at all: the other side may be reading. */
    static void signal(Path dir, String name, String text) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Returns the text of {@code name} once the other side has {@linkplain #signal signaled} it, told by the file
     * system as the file appears; fails after {@link #TIMEOUT_MILLIS}.
     */
    static String await(Path dir, String name) throws IOException, InterruptedException {
        Path file = dir.resolve(name);
        try (WatchService watch = dir.getFileSystem().newWatchService()) {
            // Watched before the first look, so that a file made in between is not missed.
            dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
            while (!Files.exists(file)) {
                WatchKey key = watch.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (key == null) {
                    throw new IOException("no " + name + " in " + dir + " within " + TIMEOUT_MILLIS + " ms");
                }
                key.pollEvents();
                key.reset();
            }
        }
        return Files.readString(file);
    }
}
