package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.expectBackend;
import static dev.sdnotify.container.Cases.seconds;
import static dev.sdnotify.container.Cases.unit;

import org.junit.jupiter.api.Order;

/**
 * NotifyAccess=main: a child's own STATUS is ignored, its STATUS sent as the main pid is accepted, and
 * MAINPID= moves the main pid.
 */
@ContainerCase("access")
@Order(9)
class AccessCase {
    @OnEachBackend
    void onlyTheMainPidCounts(Backend backend, CaseLog log) {
        Unit service = unit("sdn-access@", backend);
        service.start();
        String pid = service.prop("MainPID");
        service.awaitJournal("access-child: own-pid status processed", seconds(10));
        service.expectProp("StatusText", "main ready");
        Cases.container().check("touch", service.file(".go"));
        service.awaitProp("StatusText", "from the child as the main pid", seconds(10));
        String newPid = Await.until(seconds(10), () -> service.prop("MainPID"),
                p -> !p.equals(pid) && Cases.container().read("/proc/" + p + "/comm").strip().equals("sleep"),
                p -> service + ": MainPID is " + p + ", not the sleep the service handed over to");
        expectBackend(service, backend);
        log.note("child's own STATUS ignored, as main pid accepted; MainPID " + pid + " -> " + newPid + " (sleep)");
        service.stop();
    }
}
