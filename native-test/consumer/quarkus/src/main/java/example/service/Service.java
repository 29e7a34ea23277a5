package example.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A Quarkus web service with no code for systemd: the extension sends READY=1, the keep-alives and STOPPING=1.
 * For the tests it can start slowly (a start-up observer taking demo.start-ms) and take demo.stop-ms to stop;
 * its health checks are {@link Checks}.
 */
@ApplicationScoped
public class Service {
    @ConfigProperty(name = "demo.start-ms", defaultValue = "0")
    long startMs;

    @ConfigProperty(name = "demo.stop-ms", defaultValue = "0")
    long stopMs;

    void routes(@Observes Router router) {
        router.get("/").handler(rc -> rc.response().end("hello from quarkus"));
    }

    void onStart(@Observes StartupEvent event) throws InterruptedException {
        Thread.sleep(startMs);
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        Thread.sleep(stopMs);
    }

    static boolean exists(Optional<String> file) {
        return file.filter(f -> new java.io.File(f).exists()).isPresent();
    }
}
