package dev.sdnotify.micronaut;

import dev.sdnotify.lifecycle.ServiceLifecycle;
import io.micronaut.context.condition.Condition;
import io.micronaut.context.condition.ConditionContext;

/**
 * Matches when the process has a supervisor: {@code NOTIFY_SOCKET} (systemd's {@code Type=notify}) or
 * {@code READY_FD} (a readiness fd, as s6 gives) is set. Reads the environment only, and loads no native code.
 */
public final class Supervised implements Condition {
    @Override
    @SuppressWarnings("rawtypes") // as Micronaut declares it
    public boolean matches(ConditionContext context) {
        if (ServiceLifecycle.supervised()) {
            return true;
        }
        context.fail("neither NOTIFY_SOCKET nor READY_FD is set: no supervisor to notify");
        return false;
    }
}
