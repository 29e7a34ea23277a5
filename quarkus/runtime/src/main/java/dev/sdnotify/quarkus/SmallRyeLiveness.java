package dev.sdnotify.quarkus;

import dev.sdnotify.HealthCheck;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * SmallRye Health's liveness checks, or one health group, asked before each keep-alive: the only class that touches
 * SmallRye Health, made only where the application has it. The reporter applies the application's own settings
 * (checks switched off, the timeout); a check of a request-scoped bean finds the request context it would find behind
 * {@code /q/health/live}.
 */
final class SmallRyeLiveness implements HealthCheck {
    /** The gating group, or null for the liveness checks. */
    private final String group;
    private SmallRyeHealthReporter reporter;

    SmallRyeLiveness(String group) {
        this.group = group;
    }

    @Override
    public boolean isHealthy() {
        ManagedContext request = Arc.container().requestContext();
        request.activate();
        try {
            SmallRyeHealth health = group == null ? reporter().getLiveness() : reporter().getHealthGroup(group);
            if (health.isDown()) {
                throw new IllegalStateException(this + " DOWN: " + String.join(", ", down(health.getPayload())));
            }
            return true;
        } finally {
            request.terminate();
        }
    }

    private SmallRyeHealthReporter reporter() {
        // Looked up on the keeper's thread, once the application runs: the checks are beans of its own.
        if (reporter == null) {
            reporter = Arc.container().instance(SmallRyeHealthReporter.class).get();
        }
        return reporter;
    }

    /** The names of the checks that are DOWN. */
    private static List<String> down(JsonObject payload) {
        List<String> names = new ArrayList<>();
        for (JsonValue check : payload.getJsonArray("checks")) {
            JsonObject c = check.asJsonObject();
            if ("DOWN".equals(c.getString("status", ""))) {
                names.add(c.getString("name", "?"));
            }
        }
        return names;
    }

    @Override
    public String toString() {
        return group == null ? "liveness checks" : "health group '" + group + "'";
    }
}
