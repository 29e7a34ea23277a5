package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.TestLibc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A JVM cannot mask signals, so any thread may take SIGHUP, SIGTERM or a profiler's timer signal. A storm of
 * signals at the waiting thread, for the whole life of a barrier or a timed send, must not end either early:
 * only the manager, or the timeout, does. The seam keeps libsystemd's EINTR (see BarrierContractTest, B10);
 * the API retries it with the time that is left.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@ExtendWith(CleanEnvironment.class)
class SignalStormTest {
    static final TestLibc C = TestLibc.INSTANCE;
    /** Between two signals at the waiting thread. */
    static final long PERIOD_MICROS = 2000;

    @TempDir Path dir;

    @BeforeAll
    static void oracle() {
        Capabilities.requireLibsystemd();
    }

    /** The result of {@code call} on its own thread, with SIGUSR2 sent at that thread until it returns. */
    static <T> Stormed<T> underStorm(Callable<T> call) throws Exception {
        CompletableFuture<Integer> tid = new CompletableFuture<>();
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicBoolean done = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            tid.complete(C.gettid());
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                done.set(true);
            }
        }, "storm-target");
        long start = System.nanoTime();
        caller.start();
        int target = tid.get(10, TimeUnit.SECONDS);
        int pid = C.getpid();
        AtomicInteger sent = new AtomicInteger();
        // The JVM handles SIGUSR2 on every thread (its own suspend signal) and ignores a stray one.
        while (!done.get()) {
            if (C.tgkill(pid, target, TestLibc.SIGUSR2) == 0) {
                sent.incrementAndGet();
            }
            TimeUnit.MICROSECONDS.sleep(PERIOD_MICROS);
        }
        caller.join(10_000);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return new Stormed<>(result, sent.get(), millis);
    }

    record Stormed<T>(CompletableFuture<T> result, int signals, long millis) {
        T get() throws Exception {
            try {
                return result.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Exception x) {
                    throw x;
                }
                throw e;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void barrierLastsUntilTheManagerHasRead(Backend backend) throws Exception {
        try (Receiver r = Receiver.bindPath(dir.resolve("barrier"))) {
            CEnv.set("NOTIFY_SOCKET", r.address());
            Thread manager = new Thread(() -> {
                sleep(300);
                Receiver.Datagram got = r.receiveBlocking(false);
                sleep(300);
                got.fds().forEach(C::close);
            });
            manager.start();
            Notifier n = Notifier.withBackend(backend);
            Stormed<Boolean> s = underStorm(() -> n.barrier(Duration.ofSeconds(20)));
            assertTrue(s.get(), "the barrier completes");
            assertTrue(s.signals() >= 50, "a storm reached the waiting thread: " + s.signals() + " signals");
            assertTrue(s.millis() >= 550, "it lasted until the manager closed the pipe: " + s.millis() + " ms");
            manager.join(5000);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void barrierTimesOutOnTimeNotEarly(Backend backend) throws Exception {
        try (Receiver r = Receiver.bindPath(dir.resolve("never"))) {
            CEnv.set("NOTIFY_SOCKET", r.address());
            Notifier n = Notifier.withBackend(backend);
            Stormed<Boolean> s = underStorm(() -> n.barrier(Duration.ofMillis(800)));
            SdNotifyException e = assertThrows(SdNotifyException.class, s::get);
            assertEquals("ETIMEDOUT", e.errnoName(), e.getMessage());
            assertTrue(s.signals() >= 50, s.signals() + " signals");
            assertTrue(s.millis() >= 790 && s.millis() < 5000, "the timeout, not longer: " + s.millis() + " ms");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void timedSendGivesUpAfterItsTimeout(Backend backend) throws Exception {
        try (Receiver r = Receiver.bindPath(dir.resolve("full"))) {
            CEnv.set("NOTIFY_SOCKET", r.address());
            Notifier timed = Notifier.withBackend(backend).withSendTimeout(Duration.ofMillis(600));
            SendTimeoutTest.fill(Notifier.withBackend(backend).withSendTimeout(Duration.ofMillis(100)));
            Stormed<Boolean> s = underStorm(timed::watchdog);
            SdNotifyException e = assertThrows(SdNotifyException.class, s::get);
            assertEquals("EAGAIN", e.errnoName(), e.getMessage());
            assertTrue(s.signals() >= 50, s.signals() + " signals");
            assertTrue(s.millis() >= 590 && s.millis() < 5000, "the timeout, not longer: " + s.millis() + " ms");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
