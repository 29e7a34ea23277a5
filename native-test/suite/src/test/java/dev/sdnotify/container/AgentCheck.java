package dev.sdnotify.container;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One check of an {@link AgentCase}, run once per gateway (JNA, then FFM): its result row is
 * {@code <product>-<value>}, as in {@code tomcat-ready}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@EnumSource(AgentGateway.class)
@interface AgentCheck {
    String value();
}
