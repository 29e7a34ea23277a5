package example.service;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.health.HealthStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import io.micronaut.runtime.Micronaut;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * A Micronaut web service with no code for systemd: the module sends READY=1, the keep-alives and STOPPING=1.
 * For the tests it can start slowly (a bean taking demo.start-ms), report its liveness indicator DOWN while the
 * file demo.down-file exists and its readiness-only indicator DOWN while demo.unready-file exists, and take
 * demo.stop-ms to stop.
 */
@Controller
public class Application {
    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }

    @Get(produces = "text/plain")
    String hello() {
        return "hello from micronaut";
    }

    static Publisher<HealthResult> fileCheck(String name, String file) {
        boolean down = !file.isEmpty() && Files.exists(Path.of(file));
        return Mono.just(HealthResult.builder(name, down ? HealthStatus.DOWN : HealthStatus.UP).build());
    }

    /** A liveness indicator: DOWN while the file exists. */
    @Singleton
    @Liveness
    static class Alive implements HealthIndicator {
        @Value("${demo.down-file:}")
        String file;

        @Override
        public Publisher<HealthResult> getResult() {
            return fileCheck("alive", file);
        }
    }

    /** A readiness indicator only (not a liveness one), as a database would be: DOWN while the file exists. */
    @Singleton
    static class Database implements HealthIndicator {
        @Value("${demo.unready-file:}")
        String file;

        @Override
        public Publisher<HealthResult> getResult() {
            return fileCheck("database", file);
        }
    }

    /** A slow start: a bean made with the context that takes its time; and work on the way down. */
    @Context
    static class SlowStartAndStop {
        private final long stopMs;

        SlowStartAndStop(@Value("${demo.start-ms:0}") long startMs, @Value("${demo.stop-ms:0}") long stopMs)
                throws InterruptedException {
            this.stopMs = stopMs;
            Thread.sleep(startMs);
        }

        @PreDestroy
        void close() throws InterruptedException {
            Thread.sleep(stopMs);
        }
    }
}
