package example.service;

import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A web service with no code for systemd: the starter sends READY=1, the keep-alives and STOPPING=1. For the
 * tests it can start slowly (demo.slow-beans beans of demo.slow-bean-ms each), report its check "toggle" DOWN
 * while the file demo.down-file exists and its check "database" DOWN while demo.unready-file exists, and take
 * demo.stop-ms to stop.
 */
@SpringBootApplication
@RestController
public class ServiceApplication {
    public static void main(String[] args) {
        SpringApplication.run(ServiceApplication.class, args);
    }

    @GetMapping("/")
    String hello() {
        return "hello from spring boot";
    }

    /** Switched DOWN by a file, so that a test can make the service unhealthy from outside. */
    @Bean
    HealthIndicator toggle(@Value("${demo.down-file:}") String downFile) {
        return fileCheck(downFile);
    }

    /** Switched DOWN by another file: a check such as a database's, which a test leaves out of the watchdog's group. */
    @Bean
    HealthIndicator database(@Value("${demo.unready-file:}") String unreadyFile) {
        return fileCheck(unreadyFile);
    }

    private static HealthIndicator fileCheck(String file) {
        return () -> !file.isEmpty() && Files.exists(Path.of(file))
                ? Health.down().withDetail("file", file).build()
                : Health.up().build();
    }

    /** A slow start that makes progress: one bean after another, each taking its time. */
    @Bean
    static SlowStart slowStart(Environment env) {
        return new SlowStart(env.getProperty("demo.slow-beans", Integer.class, 0),
                env.getProperty("demo.slow-bean-ms", Long.class, 0L));
    }

    /** Work on the way down, so that the stop is seen while the process still runs. */
    @Bean(destroyMethod = "close")
    SlowStop slowStop(@Value("${demo.stop-ms:0}") long ms) {
        return new SlowStop(ms);
    }
}
