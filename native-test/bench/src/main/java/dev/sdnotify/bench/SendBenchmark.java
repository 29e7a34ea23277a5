package dev.sdnotify.bench;

import com.sun.jna.Native;
import dev.sdnotify.Backend;
import dev.sdnotify.BackendInfo;
import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import dev.sdnotify.SdNotify;
import dev.sdnotify.Watchdog;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The public API's calls, one at a time, on each backend, against the receiver named by
 * {@value BenchEnvironment#SOCKET_VARIABLE}. Each backend runs in its own forked JVM, chosen in set-up
 * with {@link SdNotify#useBackend(Backend)} as an application would; the native gateway is the JDK's
 * (JNA below JDK 22, FFM from 22 on), and set-up fails if it is not.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 7, time = 1)
public class SendBenchmark {
    private static final String STATUS = "Serving 42 connections";
    private static final NotifyState FD_NAME = NotifyState.fdName("bench");
    private static final Duration BARRIER_TIMEOUT = Duration.ofSeconds(10);

    @Param({"java", "libsystemd"})
    public String backend;

    private Notifier notifier;
    private int[] fds;

    @Setup(Level.Trial)
    public void setUp() {
        BenchEnvironment.install();
        Backend wanted = Backend.valueOf(backend.toUpperCase(Locale.ROOT));
        BackendInfo info = SdNotify.useBackend(wanted);
        if (info.backend() != wanted) {
            throw new IllegalStateException("asked for backend " + wanted + ", got " + info);
        }
        // The gateway the JDK should give (run.sh runs one JDK of each kind): FFM from JDK 22 on, if the
        // shaded jar kept the library's versioned classes.
        String gateway = Runtime.version().feature() >= 22 ? "FFM" : "JNA";
        if (!info.gateway().equals(Optional.of(gateway))) {
            throw new IllegalStateException("JDK " + Runtime.version() + " should use the " + gateway
                    + " gateway, but this is " + info);
        }
        notifier = Notifier.fromEnvironment();
        int fd = CLib.INSTANCE.open("/dev/null", CLib.O_RDONLY | CLib.O_CLOEXEC);
        if (fd < 0) {
            throw new IllegalStateException("open /dev/null failed with errno " + Native.getLastError());
        }
        fds = new int[] {fd};
        // Every benchmark must take the sending path, not the "no supervisor" one.
        if (!SdNotify.watchdog()) {
            throw new IllegalStateException("watchdog() sent nothing: NOTIFY_SOCKET is not visible to " + info);
        }
        if (Watchdog.interval().isEmpty()) {
            throw new IllegalStateException("Watchdog.interval() is empty with WATCHDOG_USEC set");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        CLib.INSTANCE.close(fds[0]);
    }

    /** The keep-alive: WATCHDOG=1, the message the C baselines send. */
    @Benchmark
    public boolean watchdog() {
        return SdNotify.watchdog();
    }

    @Benchmark
    public boolean status() {
        return SdNotify.status(STATUS);
    }

    /** FDSTORE=1 and FDNAME=bench with one fd attached; the receiver closes its copy. */
    @Benchmark
    public boolean notifyWithFd() {
        return notifier.sendWithFds(fds, NotifyState.FDSTORE, FD_NAME);
    }

    @Benchmark
    public Optional<Duration> interval() {
        return Watchdog.interval();
    }

    /** BARRIER=1 with a pipe's write end; returns when the receiver has closed it. */
    @Benchmark
    public boolean barrier() {
        return SdNotify.barrier(BARRIER_TIMEOUT);
    }
}
