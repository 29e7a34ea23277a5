package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.seconds;
import static dev.sdnotify.container.Cases.unit;

import org.junit.jupiter.api.Order;

/**
 * The Spring Boot service (native-test/consumer/spring-boot, with the starter and no code for systemd):
 * activating while its start makes progress, longer than TimeoutStartSec= (held by the starter's
 * EXTEND_TIMEOUT_USEC), its port closed until then; active once it answers; fed while its health group is
 * UP; killed by the watchdog (Result=watchdog) and restarted once the group is DOWN; and on stop, STOPPING=1
 * with the process still running.
 */
@ContainerCase("spring")
@Order(1)
class SpringCase {
    @OnEachBackend
    void startWatchdogAndStopOfASpringBootService(Backend backend, CaseLog log) {
        Unit service = unit("sdn-spring@", backend);
        Container container = Cases.container();
        int port = backend.port(10);
        long timeoutStart = Cases.spanSeconds(service, "TimeoutStartUSec");
        container.check("rm", "-f", service.file(".down"), service.file(".env"));
        service.startNoBlock();
        service.awaitProp("ActiveState", "activating", seconds(10));
        String[] progress = {""};
        boolean[] answered = {false};
        String state = Await.until(seconds(120), () -> {
            String st = service.prop("ActiveState");
            if (!st.equals("activating")) {
                return st;
            }
            String status = service.prop("StatusText");
            if (status.startsWith("Starting: initializing beans (")) {
                progress[0] = status;
            }
            // The web server listens once every bean is made, at the very end of the start; READY=1 follows
            // after the runners. A port that answers while activating must be followed by READY=1 at once.
            Container.Result reply = Cases.httpGet(port);
            if (reply.ok() && !reply.text().isEmpty()) {
                service.awaitProp("ActiveState", "active", seconds(3));
                answered[0] = true;
                return "active";
            }
            return st;
        }, st -> !st.equals("activating"), st -> service + " still activating after 120 s");
        if (!state.equals("active")) {
            throw new AssertionError(service + " went from activating to " + state + "\n" + Unit.tail(service.journal(), 30));
        }
        if (progress[0].isEmpty()) {
            throw new AssertionError(service + ": no 'Starting: initializing beans (N beans)' status seen while activating");
        }
        Container.Result reply = Cases.httpGet(port);
        if (!reply.ok() || !reply.text().equals("hello from spring boot")) {
            throw new AssertionError(service + ": active, but GET / on port " + port + " answered '" + reply.text() + "' (" + reply.describe() + ")");
        }
        long took = service.usecBetween("ExecMainStartTimestampMonotonic", service, "ActiveEnterTimestampMonotonic");
        if (took <= timeoutStart * 1_000_000) {
            throw new AssertionError(service + ": started in " + took / 1000 + " ms, within TimeoutStartSec=" + timeoutStart
                    + "s: the extension is not shown");
        }
        service.awaitPropLike("StatusText", "Accepting traffic on port " + port + " (started in * s)", seconds(5));
        String gateway = ContainerCases.suite().springGateway();
        service.awaitJournal("Notifying systemd: " + ContainerCases.suite().backendLine(backend, gateway), seconds(10));

        // Fed over two intervals: the keeper's keep-alives, gated on the group, hold it. (WatchdogUSec= is the
        // running service's: infinity until it starts.)
        long watchdog = Cases.spanSeconds(service, "WatchdogUSec");
        String pid = service.prop("MainPID");
        long w1 = service.number("WatchdogTimestampMonotonic");
        Await.observeFor(seconds(watchdog * 2 + 1));
        service.expectProp("ActiveState", "active");
        service.expectProp("NRestarts", "0");
        service.expectProp("MainPID", pid);
        long w2 = service.number("WatchdogTimestampMonotonic");
        if (w2 < w1 + watchdog * 1_000_000) {
            throw new AssertionError(service + ": the last keep-alive (" + w2 + ") is not an interval after the one before the wait (" + w1 + ")");
        }
        // The health group DOWN: no more keep-alives, so systemd kills and restarts it (quickly, this time).
        container.write(service.file(".env"), "SLOW_BEANS=0\n");
        long down = System.nanoTime();
        container.check("touch", service.file(".down"));
        service.awaitPropLike("StatusText", "Watchdog: *health group watchdog is DOWN*", seconds(watchdog));
        service.awaitExit("watchdog killed ABRT", seconds(watchdog * 3));
        long killed = (System.nanoTime() - down) / 1_000_000_000;
        container.check("rm", "-f", service.file(".down"));
        service.awaitProp("NRestarts", "1", seconds(5));
        service.awaitProp("ActiveState", "active", seconds(30));
        String restarted = service.prop("MainPID");

        // Stop: deactivating, with the starter's STOPPING=1 and its status in while the process still runs.
        service.stopNoBlock();
        boolean[] seen = {false};
        Await.until(seconds(15), () -> service.props("ActiveState", "StatusText", "MainPID"), p -> {
            if (p.get("ActiveState").equals("deactivating") && p.get("StatusText").equals("Shutting down")) {
                // MainPID 0: the process is gone and the unit finishes its stop; not yet seen means not seen.
                String mainPid = p.get("MainPID");
                if (!mainPid.equals(restarted) && !mainPid.equals("0")) {
                    throw new AssertionError(service + ": status 'Shutting down' with MainPID " + mainPid + ", expected " + restarted);
                }
                seen[0] |= mainPid.equals(restarted);
            }
            return p.get("ActiveState").equals("inactive");
        }, p -> service + ": still " + p.get("ActiveState") + " 15 s after stop");
        if (!seen[0]) {
            throw new AssertionError(service + ": never deactivating with status 'Shutting down' (STOPPING=1) before its exit");
        }
        service.expectProp("Result", "success");
        log.note("started in " + took / 1000 + " ms under TimeoutStartSec=" + timeoutStart + "s (" + progress[0] + "); port answered "
                + (answered[0] ? "at the end of the start, READY within 3 s" : "once active") + "; fed " + (watchdog * 2 + 1)
                + " s; DOWN group killed it in about " + killed + " s (Result=watchdog), restarted; stop showed 'Shutting down' with the process running ("
                + gateway + ")");
    }
}
