package dev.sdnotify.spring.boot;

import java.util.Set;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HealthEndpointGroups;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** With Actuator (Spring Boot 3's packages): its health groups, for the watchdog. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthEndpoint")
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
                HealthComponent c = endpoint.healthForPath(group);
                return c == null ? "missing" : c.getStatus().getCode();
            }
        };
    }
}
