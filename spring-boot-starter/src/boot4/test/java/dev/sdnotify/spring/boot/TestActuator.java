package dev.sdnotify.spring.boot;

import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Actuator in Spring Boot 4's packages, for the tests both starters share. */
final class TestActuator {
    /** The packages to hide for an application without Actuator's health. */
    static final String[] PACKAGES = {"org.springframework.boot.health", "org.springframework.boot.actuate"};

    private TestActuator() {}

    static ApplicationContextRunner with(ApplicationContextRunner runner) {
        return runner.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
                HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class));
    }

    /** A health indicator bean named {@code name}, UP while {@code up} is true. */
    static ApplicationContextRunner withIndicator(ApplicationContextRunner runner, String name, AtomicBoolean up) {
        return runner.withBean(name, HealthIndicator.class,
                () -> () -> up.get() ? Health.up().build() : Health.down().withDetail("switched", "off").build());
    }
}
