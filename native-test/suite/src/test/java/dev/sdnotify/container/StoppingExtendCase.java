package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.expectBackend;
import static dev.sdnotify.container.Cases.seconds;
import static dev.sdnotify.container.Cases.unit;

import java.util.Map;
import org.junit.jupiter.api.Order;

/**
 * STOPPING=1 from the service puts the unit in "deactivating" while it still runs; EXTEND_TIMEOUT_USEC keeps
 * a slow start alive past TimeoutStartSec=, which does time out the same start without it.
 */
@ContainerCase("stopping_extend")
@Order(5)
class StoppingExtendCase {
    @OnEachBackend
    void stoppingAndExtendedStart(Backend backend, CaseLog log) {
        Unit stopping = unit("sdn-stopping@", backend);
        Unit extend = unit("sdn-extend@", backend);
        Unit noExtend = unit("sdn-noextend@", backend);
        Cases.container().check("systemctl", "start", "--no-block", extend.name(), noExtend.name());
        stopping.start();
        String pid = stopping.prop("MainPID");
        stopping.awaitProp("ActiveState", "deactivating", seconds(5));
        String sub = stopping.prop("SubState");
        if (!stopping.prop("MainPID").equals(pid) || !Cases.container().exists("/proc/" + pid)) {
            throw new AssertionError(stopping + ": main process " + pid + " gone on entering deactivating");
        }
        stopping.awaitExit("success exited 0", seconds(5));
        // By the manager's timestamps, however late the polls above ran on a busy machine: the unit left
        // active on STOPPING=1, its main process ran on for the service's 2.5 s meanwhile, and only its own
        // exit (not a kill) made the unit inactive.
        String stopped = Cases.container().read(stopping.file(".stopped"));
        Map<String, String> at = Unit.assignments(stopped);
        if (!"deactivating".equals(at.get("ActiveState"))) {
            throw new AssertionError(stopping + ": '" + at.get("ActiveState") + "' after its main process exited, not deactivating (" + stopped.replace('\n', ' ') + ")");
        }
        long activeExit = Long.parseLong(at.getOrDefault("ActiveExitTimestampMonotonic", "0"));
        long mainExit = Long.parseLong(at.getOrDefault("ExecMainExitTimestampMonotonic", "0"));
        if (activeExit == 0 || mainExit == 0) {
            throw new AssertionError(stopping + ": timestamps missing: " + stopped.replace('\n', ' '));
        }
        long ranOn = mainExit - activeExit;
        if (ranOn < 2_000_000) {
            throw new AssertionError(stopping + ": main process exited " + ranOn + " us after STOPPING=1, not after its 2.5 s");
        }
        expectBackend(stopping, backend);

        extend.awaitProp("ActiveState", "active", seconds(20));
        long took = extend.usecBetween("ExecMainStartTimestampMonotonic", extend, "ActiveEnterTimestampMonotonic");
        if (took <= 6_000_000) {
            throw new AssertionError(extend + " became active after " + took + " us, not past its 6 s start timeout");
        }
        noExtend.awaitProp("Result", "timeout", seconds(10));
        noExtend.expectProp("ActiveState", "failed");
        expectBackend(extend, backend);
        log.note("deactivating (" + sub + ") with the main process alive, which ran on " + ranOn / 1000
                + " ms; extended start took " + took / 1000 + " ms under TimeoutStartSec=6s; without extension: Result=timeout");
        extend.stop();
        noExtend.resetFailed();
    }
}
