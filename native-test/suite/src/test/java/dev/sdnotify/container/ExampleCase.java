package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.seconds;
import static dev.sdnotify.container.Cases.unit;

import org.junit.jupiter.api.Order;

/**
 * The HTTP example a user copies (native-test/examples/HttpExampleService.java): serves, reloads in place,
 * keeps its socket across a restart in the fd store, and its health-gated keeper holds the 4 s watchdog.
 */
@ContainerCase("example")
@Order(2)
class ExampleCase {
    @OnEachBackend
    void servesReloadsRestartsAndFeedsTheWatchdog(Backend backend, CaseLog log) {
        Unit service = unit("sdn-example@", backend);
        int port = backend.port(9);
        Container container = Cases.container();
        container.write(service.file(".greeting"), "hello from " + backend + "\n");
        Container.Result start = container.run("systemctl", "start", service.name());
        if (!start.ok()) {
            throw new AssertionError(service + " did not start: " + start.describe() + "\n" + Unit.tail(service.journal(), 20));
        }
        service.awaitPropLike("StatusText", "Serving on /127.0.0.1:" + port + " (socket bound, backend " + backend + ")", seconds(5));
        expectGreeting(port, "hello from " + backend, "GET /");
        String pid1 = service.prop("MainPID");
        container.write(service.file(".greeting"), "reloaded on " + backend + "\n");
        service.reload();
        service.awaitPropLike("StatusText", "Reloaded; greeting is now \"reloaded on " + backend + "\"", seconds(5));
        service.expectProp("MainPID", pid1);
        service.expectProp("ActiveState", "active");
        expectGreeting(port, "reloaded on " + backend, "GET / after the reload");
        service.expectProp("NFileDescriptorStore", "1");
        service.restart();
        service.awaitPropLike("StatusText", "Serving on /127.0.0.1:" + port + " (socket passed by systemd, backend " + backend + ")", seconds(5));
        String pid2 = service.prop("MainPID");
        if (pid2.equals(pid1)) {
            throw new AssertionError("the restart kept pid " + pid1);
        }
        service.expectProp("NFileDescriptorStore", "1");
        expectGreeting(port, "reloaded on " + backend, "GET / after the restart");
        // Over two watchdog intervals: only the keeper's health-gated keep-alives hold it, and they kept coming.
        long w1 = service.number("WatchdogTimestampMonotonic");
        Await.observeFor(seconds(9));
        service.expectProp("ActiveState", "active");
        service.expectProp("NRestarts", "0");
        service.expectProp("MainPID", pid2);
        long w2 = service.number("WatchdogTimestampMonotonic");
        if (w2 < w1 + 4_000_000) {
            throw new AssertionError(service + ": the last keep-alive (" + w2 + ") is not over an interval after the one before the wait (" + w1 + ")");
        }
        log.note("served, reloaded in place (pid " + pid1 + "), restarted with its socket from the fd store (pid " + pid2
                + "), fed the watchdog 9 s (WatchdogSec=4s)");
        service.stop();
    }

    private static void expectGreeting(int port, String want, String what) {
        Container.Result got = Cases.httpGet(port);
        if (!got.text().equals(want)) {
            throw new AssertionError(what + " answered '" + got.text() + "'" + (got.ok() ? "" : ": " + got.describe()));
        }
    }
}
