package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.expectBackend;
import static dev.sdnotify.container.Cases.seconds;
import static dev.sdnotify.container.Cases.unit;

import java.util.Map;
import org.junit.jupiter.api.Order;

/**
 * Barrier: a helper that sends STATUS and exits has it accounted when it waits on a barrier first; without
 * one, behind SDN_AHEAD messages of its own, the manager reads it after the helper is reaped and drops it, at
 * least once in SDN_TRIALS (the control arm, without which the barrier proves nothing). The unit's main
 * process is native-test/services/barrier-trials.sh.
 */
@ContainerCase("barrier")
@Order(4)
class BarrierCase {
    @OnEachBackend
    void barrierAccountsShortLivedHelpers(Backend backend, CaseLog log) {
        Unit service = unit("sdn-barrier@", backend);
        Map<String, String> env = Cases.environment(service);
        int trials = Integer.parseInt(env.get("SDN_TRIALS"));
        service.start();
        service.awaitExit("success exited 0", seconds(5));
        String outcome = Cases.container().read(service.file(".trials"));
        long accounted = outcome.lines().filter(l -> l.matches("barrier .* accounted \\(status: .*")).count();
        if (accounted != trials) {
            throw new AssertionError("with a barrier only " + accounted + "/" + trials + " helpers' STATUS were accounted: "
                    + outcome.replace('\n', '|'));
        }
        // The control arm: without a barrier the manager must have lost the helper's message at least once (it
        // read the messages queued ahead, then not the helper's), or the arm with a barrier proves nothing.
        long lost = outcome.lines().filter(l -> l.matches("none .* lost \\(status: queued ahead .*")).count();
        if (lost < 1) {
            throw new AssertionError("without a barrier no helper's STATUS was lost in " + trials
                    + " trials, so the barrier's value is not shown: " + outcome.replace('\n', '|'));
        }
        expectBackend(service, backend);
        log.note("with barrier " + accounted + "/" + trials + " accounted; without barrier " + lost + "/" + trials
                + " lost (each helper queues " + env.get("SDN_AHEAD") + " messages ahead of its own)");
    }
}
