package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.expectBackend;
import static dev.sdnotify.container.Cases.seconds;
import static dev.sdnotify.container.Cases.unit;

import org.junit.jupiter.api.Order;

/**
 * Watchdog: the interval reaches the service, keep-alives keep it alive, their absence gets it killed
 * (Result=watchdog) and restarted; WATCHDOG=trigger kills at once; WATCHDOG_USEC= changes the timeout.
 */
@ContainerCase("watchdog")
@Order(3)
class WatchdogCase {
    /** How long sdn-watchdog@.service sends keep-alives (its ExecStart= says 10000 ms). */
    private static final long KEEP_SECONDS = 10;

    @OnEachBackend
    void keepAlivesTriggerAndNewTimeout(Backend backend, CaseLog log) {
        Unit service = unit("sdn-watchdog@", backend);
        Unit trigger = unit("sdn-wdtrigger@", backend);
        Unit timeout = unit("sdn-wdtimeout@", backend);
        service.start();
        long started = System.nanoTime();
        String pid = service.prop("MainPID");
        service.expectProp("WatchdogUSec", "2s");
        service.awaitProp("StatusText", "watchdog interval 2000 ms", seconds(5));
        long w1 = service.number("WatchdogTimestampMonotonic");
        Await.observeFor(seconds(KEEP_SECONDS - 2));
        service.expectProp("ActiveState", "active");
        service.expectProp("NRestarts", "0");
        service.expectProp("MainPID", pid);
        long w2 = service.number("WatchdogTimestampMonotonic");
        if (w2 <= w1) {
            throw new AssertionError(service + ": WatchdogTimestamp did not move during keep-alives (" + w1 + ", " + w2 + ")");
        }
        service.awaitExit("watchdog killed ABRT", seconds(8));
        long killedAfter = (System.nanoTime() - started) / 1_000_000_000;
        service.awaitProp("NRestarts", "1", seconds(5));
        service.awaitProp("ActiveState", "active", seconds(10));
        expectBackend(service, backend);
        service.stop();

        Cases.container().check("systemctl", "start", trigger.name(), timeout.name());
        // systemd forgets the last keep-alive's time when the unit fails: note it while the unit is active.
        long[] lastKeepAlive = {0};
        String[] usecWhileActive = {""};
        Await.until(seconds(15), () -> timeout.props("WatchdogTimestampMonotonic", "WatchdogUSec", "ActiveState"), p -> {
            String state = p.get("ActiveState");
            if (state.equals("active")) {
                lastKeepAlive[0] = Long.parseLong(p.get("WatchdogTimestampMonotonic"));
                usecWhileActive[0] = p.get("WatchdogUSec");
            }
            return !state.equals("active") && !state.equals("activating");
        }, p -> timeout + ": still " + p.get("ActiveState") + " after 15 s; WATCHDOG_USEC=1000000 had no effect");
        if (!usecWhileActive[0].equals("1s")) {
            throw new AssertionError(timeout + ": WatchdogUSec was '" + usecWhileActive[0] + "' while active, expected 1s after WATCHDOG_USEC=1000000");
        }
        // The trigger's outcome stays in its properties: read after the timeout unit's, which do not.
        trigger.awaitProp("Result", "watchdog", seconds(5));
        trigger.awaitProp("ActiveState", "failed", seconds(5));
        long triggered = trigger.usecBetween("ActiveEnterTimestampMonotonic", trigger, "ActiveExitTimestampMonotonic");
        if (triggered >= 5_000_000) {
            throw new AssertionError(trigger + ": killed " + triggered + " us after READY, not at once (WatchdogSec=30s)");
        }
        timeout.awaitProp("Result", "watchdog", seconds(5));
        timeout.awaitProp("ActiveState", "failed", seconds(5));
        // From the last keep-alive systemd received to the kill: the new 1 s, not the configured 30 s.
        long over = timeout.timestamp("ActiveExitTimestampMonotonic") - lastKeepAlive[0];
        if (over < 900_000 || over >= 3_000_000) {
            throw new AssertionError(timeout + ": killed " + over + " us after the last keep-alive, not about 1 s as WATCHDOG_USEC=1000000 asks");
        }
        expectBackend(trigger, backend);
        expectBackend(timeout, backend);
        log.note("kept alive " + KEEP_SECONDS + " s, killed about " + killedAfter + " s after start and restarted; trigger killed after "
                + triggered / 1000 + " ms; WATCHDOG_USEC=1s killed " + over / 1000 + " ms after the last keep-alive");
        Cases.container().check("systemctl", "reset-failed", trigger.name(), timeout.name());
    }
}
