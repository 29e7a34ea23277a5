package dev.sdnotify.micronaut;

import dev.sdnotify.HealthCheck;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.endpoint.health.HealthLevelOfDetail;
import io.micronaut.management.health.aggregator.HealthAggregator;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * The {@link Liveness} health indicators, asked before each keep-alive as {@code /health/liveness} asks them: the
 * only class that touches micronaut-management, a bean only where the health endpoint exists. An indicator whose
 * status is not operational (DOWN) fails the check, named in the reason.
 */
@Singleton
@Requires(classes = HealthEndpoint.class)
@Requires(beans = HealthEndpoint.class)
final class LivenessIndicators implements HealthCheck {
    private final HealthAggregator<HealthResult> aggregator;
    private final HealthIndicator[] indicators;

    LivenessIndicators(HealthAggregator<HealthResult> aggregator, @Liveness HealthIndicator[] indicators) {
        this.aggregator = aggregator;
        this.indicators = indicators;
    }

    @Override
    public boolean isHealthy() {
        HealthResult result = Mono.from(aggregator.aggregate(indicators, HealthLevelOfDetail.STATUS_DESCRIPTION_DETAILS))
                .block();
        if (result == null || operational(result.getStatus())) {
            return true;
        }
        String down = result.getDetails() instanceof Map<?, ?> details ? details.entrySet().stream()
                .filter(e -> e.getValue() instanceof HealthResult r && !operational(r.getStatus()))
                .map(e -> String.valueOf(e.getKey())).collect(Collectors.joining(", ")) : "";
        throw new IllegalStateException("liveness indicators " + result.getStatus() + ": " + down);
    }

    private static boolean operational(HealthStatus status) {
        return status.getOperational().orElse(true);
    }

    @Override
    public String toString() {
        return "liveness indicators";
    }
}
