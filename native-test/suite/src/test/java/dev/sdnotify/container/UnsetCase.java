package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.expectBackend;
import static dev.sdnotify.container.Cases.seconds;
import static dev.sdnotify.container.Cases.unit;

import org.junit.jupiter.api.Order;

/** After a send that unsets NOTIFY_SOCKET, children started from the C environment cannot notify. */
@ContainerCase("unset")
@Order(11)
class UnsetCase {
    @OnEachBackend
    void childrenAfterTheUnsetCannotNotify(Backend backend, CaseLog log) {
        Unit service = unit("sdn-unset@", backend);
        // The service sends READY=1 only after the gate: do not wait for the start job.
        service.startNoBlock();
        service.awaitJournal("child before: NOTIFY_SOCKET=/run/systemd/notify", seconds(5));
        service.awaitProp("StatusText", "set by the child before", seconds(5));
        Cases.container().check("touch", service.file(".go"));
        service.awaitJournal("unset-env: children done", seconds(10));
        // The journal line and READY=1 travel to different readers; either may be processed first.
        service.awaitProp("ActiveState", "active", seconds(5));
        service.expectProp("StatusText", "ready, NOTIFY_SOCKET unset");
        String journal = service.journal();
        service.expectLine(journal, "child after: NOTIFY_SOCKET=<unset>");
        service.expectLine(journal, "child after: systemd-notify exit 1");
        expectBackend(service, backend);
        log.note("the child before the unset set StatusText; the child after it saw no NOTIFY_SOCKET and could not");
        service.stop();
    }
}
