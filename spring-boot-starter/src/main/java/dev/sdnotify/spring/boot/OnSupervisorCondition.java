package dev.sdnotify.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the process has a supervisor: {@code NOTIFY_SOCKET} (systemd's {@code Type=notify}) or
 * {@code READY_FD} (a readiness fd, as s6 gives) is set. Read through Spring's {@code Environment}, whose
 * system-environment source holds the process's variables, so a test can set them as properties.
 */
final class OnSupervisorCondition extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return hasSupervisor(context.getEnvironment())
                ? ConditionOutcome.match("NOTIFY_SOCKET or READY_FD is set")
                : ConditionOutcome.noMatch("neither NOTIFY_SOCKET nor READY_FD is set: no supervisor to notify");
    }

    /** Whether {@code NOTIFY_SOCKET} or {@code READY_FD} is set, and not empty, in {@code environment}. */
    static boolean hasSupervisor(Environment environment) {
        return !environment.getProperty("NOTIFY_SOCKET", "").isEmpty()
                || !environment.getProperty("READY_FD", "").isEmpty();
    }
}
