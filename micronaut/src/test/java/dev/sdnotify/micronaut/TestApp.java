package dev.sdnotify.micronaut;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/** The application under test, and its start as Micronaut's launcher makes it: the context, then the server. */
final class TestApp {
    private TestApp() {
    }

    /** The context with {@code properties}, started. */
    static ApplicationContext context(Map<String, Object> properties) {
        return ApplicationContext.builder().deduceEnvironment(false).properties(properties).start();
    }

    /** The context with {@code properties}, then its HTTP server, started: on a free port unless they name one. */
    static EmbeddedServer server(Map<String, Object> properties) {
        Map<String, Object> p = new HashMap<>(properties);
        p.putIfAbsent("micronaut.server.port", -1);
        return context(p).getBean(EmbeddedServer.class).start();
    }

    /** Whether a library of that name is mapped into this JVM. */
    static boolean mapped(String library) throws IOException {
        return Files.readString(Path.of("/proc/self/maps")).contains(library);
    }

    /** A liveness indicator the test switches; with {@code test.checks}. */
    @Singleton
    @Liveness
    @Requires(property = "test.checks")
    static class Alive implements HealthIndicator {
        static final AtomicBoolean UP = new AtomicBoolean(true);

        @Override
        public Publisher<HealthResult> getResult() {
            return Mono.just(HealthResult.builder("alive", UP.get() ? HealthStatus.UP : HealthStatus.DOWN).build());
        }
    }

    /** A readiness indicator (not a liveness one) the test switches, as a database would; with {@code test.checks}. */
    @Singleton
    @Requires(property = "test.checks")
    static class Database implements HealthIndicator {
        static final AtomicBoolean UP = new AtomicBoolean(true);

        @Override
        public Publisher<HealthResult> getResult() {
            return Mono.just(HealthResult.builder("database", UP.get() ? HealthStatus.UP : HealthStatus.DOWN).build());
        }
    }

    /** A bean made after the lifecycle that computes for 400 ms: progress that earns an extension. */
    @Context
    @Requires(property = "test.slow-start")
    static class SlowStart {
        SlowStart(MicronautLifecycle after) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }
    }
}
