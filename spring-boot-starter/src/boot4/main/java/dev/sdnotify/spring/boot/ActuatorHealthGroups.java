package dev.sdnotify.spring.boot;

import java.util.Set;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** With Actuator (Spring Boot 4's packages): its health groups, for the watchdog. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.boot.health.actuate.endpoint.HealthEndpoint")
class ActuatorHealthGroups {
    @Bean
    @ConditionalOnBean({HealthEndpoint.class, HealthEndpointGroups.class})
    HealthGroups sdNotifyHealthGroups(HealthEndpoint endpoint, HealthEndpointGroups groups) {
        return new HealthGroups() {
            @Override
            public Set<String> names() {
                return groups.getNames();
            }

            @Override
            public String status(String group) {
                HealthDescriptor d = endpoint.healthForPath(group);
                return d == null ? "missing" : d.getStatus().getCode();
            }
        };
    }
}
