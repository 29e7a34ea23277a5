package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.expectBackend;
import static dev.sdnotify.container.Cases.seconds;
import static dev.sdnotify.container.Cases.unit;

import org.junit.jupiter.api.Order;

/** Socket activation: two sockets with FileDescriptorName= reach the service with their names. */
@ContainerCase("activation")
@Order(12)
class ActivationCase {
    @OnEachBackend
    void namedSocketsReachTheService(Backend backend, CaseLog log) {
        Unit service = unit("sdn-act@", backend);
        String alpha = "sdn-act-a@" + backend + ".socket";
        String beta = "sdn-act-b@" + backend + ".socket";
        Cases.container().check("systemctl", "start", alpha, beta);
        service.expectProp("ActiveState", "inactive");
        expectServedAs(backend.port(7), "alpha");
        expectServedAs(backend.port(8), "beta");
        // The service answers before READY=1 reaches the manager: wait for the manager to process it.
        service.awaitProp("ActiveState", "active", seconds(5));
        String status = service.prop("StatusText");
        if (!status.matches(".*alpha.*beta.*|.*beta.*alpha.*")) {
            throw new AssertionError(service + ": StatusText '" + status + "' lacks a name");
        }
        expectBackend(service, backend);
        log.note(status);
        Cases.container().check("systemctl", "stop", service.name(), alpha, beta);
    }

    private static void expectServedAs(int port, String name) {
        Container.Result reply = Cases.firstLine(port);
        if (!reply.ok()) {
            throw new AssertionError("connecting to the " + name + " socket failed: " + reply.describe());
        }
        if (!reply.text().equals(name)) {
            throw new AssertionError("the " + name + " socket was served as '" + reply.text() + "'");
        }
    }
}
