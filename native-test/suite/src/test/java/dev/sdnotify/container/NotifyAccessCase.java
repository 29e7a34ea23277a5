package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.expectBackend;
import static dev.sdnotify.container.Cases.seconds;
import static dev.sdnotify.container.Cases.unit;

import org.junit.jupiter.api.Order;

/**
 * NOTIFYACCESS= (systemd 254): the main process of a NotifyAccess=main unit sends NOTIFYACCESS=all, and a
 * child's STATUS from its own pid counts from then on. Before 254 the field is ignored: NotifyAccess= stays
 * main and the child's STATUS too is ignored.
 */
@ContainerCase("notifyaccess")
@Order(10)
class NotifyAccessCase {
    @OnEachBackend
    void notifyAccessChangedByTheService(Backend backend, CaseLog log) {
        int systemd = ContainerCases.suite().systemd();
        Unit service = unit("sdn-nacc@", backend);
        service.start();
        service.awaitJournal("^notifyaccess: NOTIFYACCESS=all processed$", seconds(10));
        // The child's barrier returns once the manager has read its STATUS (and taken it or not).
        service.awaitJournal("^notifyaccess-child: status processed$", seconds(15));
        if (systemd >= 254) {
            service.expectProp("NotifyAccess", "all");
            service.expectProp("StatusText", "from the child's own pid");
            log.note("NotifyAccess=main -> all on NOTIFYACCESS=all; the child's own STATUS then counted");
        } else {
            service.expectProp("NotifyAccess", "main");
            service.expectProp("StatusText", "main ready");
            log.note("systemd " + systemd + " ignores NOTIFYACCESS= (254): NotifyAccess stays main, the child's STATUS is ignored");
        }
        expectBackend(service, backend);
        service.stop();
    }
}
