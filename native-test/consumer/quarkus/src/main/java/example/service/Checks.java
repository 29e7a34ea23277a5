package example.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Two checks the tests switch from outside: a liveness one and a readiness-only one, as a database would be. */
final class Checks {
    private Checks() {}

    /** DOWN while the file demo.down-file exists. */
    @Liveness
    @ApplicationScoped
    static class Alive implements HealthCheck {
        @ConfigProperty(name = "demo.down-file")
        Optional<String> file;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("alive").status(!Service.exists(file)).build();
        }
    }

    /** DOWN while the file demo.unready-file exists; readiness only. */
    @Readiness
    @ApplicationScoped
    static class Database implements HealthCheck {
        @ConfigProperty(name = "demo.unready-file")
        Optional<String> file;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("database").status(!Service.exists(file)).build();
        }
    }
}
