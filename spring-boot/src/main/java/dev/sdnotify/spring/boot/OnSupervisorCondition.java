package dev.sdnotify.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the process has a supervisor: {@code NOTIFY_SOCKET} is set in the environment, as systemd sets
 * it for {@code Type=notify} units. Read through Spring's {@code Environment}, whose system-environment source
 * holds the process's variables, so a test can set it as a property.
 */
final class OnSupervisorCondition extends SpringBootCondition {
    private static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        if (!hasSupervisor(context.getEnvironment())) {
            return ConditionOutcome.noMatch("NOTIFY_SOCKET is not set: no supervisor to notify");
        }
        return ConditionOutcome.match("NOTIFY_SOCKET is " + context.getEnvironment().getProperty(NOTIFY_SOCKET));
    }

    /** Whether {@code NOTIFY_SOCKET} is set, and not empty, in {@code environment}. */
    static boolean hasSupervisor(Environment environment) {
        String socket = environment.getProperty(NOTIFY_SOCKET);
        return socket != null && !socket.isEmpty();
    }
}
