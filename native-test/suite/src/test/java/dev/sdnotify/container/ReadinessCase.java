package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.expectBackend;
import static dev.sdnotify.container.Cases.seconds;
import static dev.sdnotify.container.Cases.unit;

import org.junit.jupiter.api.Order;

/**
 * A Type=notify unit is activating until READY=1; a unit ordered after it starts only then, and can connect
 * at once (the service binds its port a second after its start, then sends READY=1).
 */
@ContainerCase("readiness")
@Order(8)
class ReadinessCase {
    @OnEachBackend
    void orderedUnitStartsOnReady(Backend backend, CaseLog log) {
        Unit service = unit("sdn-ready@", backend);
        Unit client = unit("sdn-ready-client@", backend);
        client.startNoBlock();
        service.awaitProp("ActiveState", "activating", seconds(5));
        String left = Await.until(seconds(60), () -> {
            // The client first: if it runs while the service (read after it) is still activating, the
            // ordering was broken.
            String clientState = client.prop("ActiveState");
            String serviceState = service.prop("ActiveState");
            if (serviceState.equals("activating") && !clientState.equals("inactive")) {
                throw new AssertionError(client + " is " + clientState + " while " + service + " is still activating");
            }
            return serviceState;
        }, state -> !state.equals("activating"), state -> service + " still activating after 60 s");
        if (!left.equals("active")) {
            throw new AssertionError(service + " went from activating to " + left);
        }
        client.awaitProp("ActiveState", "active", seconds(10));
        client.expectProp("Result", "success");
        client.expectProp("ExecMainStatus", "0");
        long readyAfter = service.usecBetween("ExecMainStartTimestampMonotonic", service, "ActiveEnterTimestampMonotonic");
        if (readyAfter < 1_000_000) {
            throw new AssertionError(service + " became active " + readyAfter + " us after its start, before its 1 s bind delay");
        }
        long clientAfter = service.usecBetween("ActiveEnterTimestampMonotonic", client, "ExecMainStartTimestampMonotonic");
        if (clientAfter < 0) {
            throw new AssertionError(client + " started " + clientAfter + " us before " + service + " was ready");
        }
        expectBackend(service, backend);
        log.note("ready " + readyAfter / 1000 + " ms after start; client connected " + clientAfter / 1000 + " ms after READY");
        Cases.container().check("systemctl", "stop", client.name(), service.name());
    }
}
