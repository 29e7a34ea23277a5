package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.seconds;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The web services with a framework module and no code for systemd (native-test/consumer/): Spring Boot 4 and
 * 3.5 with their starters, Quarkus with the extension (also in the hardened unit of docs/quarkus.md) and
 * Micronaut with the module, each a Type=notify unit with WatchdogSec=, all held to the same rules:
 * <ul>
 *   <li>activating, with the module's start-up statuses, while its port refuses connections (a start of a few
 *       seconds; the Spring Boot ones outlast TimeoutStartSec= on the starter's extensions); active as soon as
 *       the port answers, and 50 requests sent right after {@code systemctl start} returns all answered;
 *   <li>a readiness-only check DOWN (the service's health endpoint says 503) leaves it active and fed, with no
 *       restart, over two watchdog intervals: the control arm;
 *   <li>its liveness check DOWN ends the keep-alives: killed by the watchdog (Result=watchdog in the exit
 *       record), restarted (NRestarts=1) and active again;
 *   <li>{@code systemctl stop}: deactivating with the module's "Shutting down" (sent with STOPPING=1) while the
 *       process still runs, then inactive with Result=success.
 * </ul>
 * Each unit reads its checks from files of /run/sdn-test: {@code <unit>.down} for the liveness check,
 * {@code <unit>.unready} for the readiness-only one. Every assertion's systemd facts go to the case's log.
 */
@ContainerCase("")
@Order(1)
class WebServiceCase {
    /**
     * A service: its case name, its unit template, its port (Backend.port's suffix), what GET / answers, its health
     * endpoint, and whether its first start outlasts TimeoutStartSec= on the module's extensions, bean after bean.
     */
    record Service(String name, String template, int portSuffix, String answer, String health, boolean extendsStart) {}

    static final List<Service> SERVICES = List.of(
            new Service("spring", "sdn-spring@", 10, "hello from spring boot", "/actuator/health", true),
            new Service("spring3", "sdn-spring3@", 11, "hello from spring boot 3", "/actuator/health", true),
            new Service("quarkus", "sdn-quarkus@", 12, "hello from quarkus", "/q/health", false),
            new Service("quarkus-hardened", "sdn-quarkus-hardened@", 14, "hello from quarkus", "/q/health", false),
            new Service("micronaut", "sdn-micronaut@", 13, "hello from micronaut", "/health", false));

    private static final int REQUESTS = 50;

    /** Each selected service (sdnotify.ct.web, all when empty) on each backend. */
    static Stream<Arguments> serviceOnBackend() {
        Set<String> selected = Set.of(System.getProperty("sdnotify.ct.web", "").split(" "));
        return SERVICES.stream().map(Service::name)
                .filter(s -> selected.equals(Set.of("")) || selected.contains(s))
                .flatMap(s -> Stream.of(Backend.values()).map(b -> Arguments.of(s, b)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("serviceOnBackend")
    void service(String name, Backend backend, CaseLog log) {
        Service service = SERVICES.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        Unit unit = Cases.unit(service.template(), backend);
        Container container = Cases.container();
        int port = backend.port(service.portSuffix());
        String gateway = ContainerCases.suite().webGateway();
        long timeoutStart = Cases.spanSeconds(unit, "TimeoutStartUSec");
        container.check("rm", "-f", unit.file(".down"), unit.file(".unready"), unit.file(".env"), unit.file(".exits"));
        long t0 = System.nanoTime();

        // ---- start: activating while the port refuses; active once it answers; 50 requests right after the
        // start job ends, sent in the container by the same shell that ran systemctl start.
        String requests = "systemctl start " + unit + "; echo \"start exited $? with $(systemctl show -P ActiveState " + unit
                + ")\"; ok=0; for i in $(seq " + REQUESTS + "); do r=$(exec 2>&1 3<>/dev/tcp/127.0.0.1/" + port
                + " && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && timeout 5 tail -n 1 <&3); if [ \"$r\" = '" + service.answer()
                + "' ]; then ok=$((ok + 1)); else echo \"request $i: '$r'\"; fi; done; echo \"answered $ok of " + REQUESTS + "\"";
        Process starter = container.start("bash", "-c", requests);
        Set<String> statuses = new LinkedHashSet<>();
        int refused = 0;
        long answeredToActiveMs = -1;
        long deadline = System.nanoTime() + seconds(timeoutStart + 60).toNanos();
        String out;
        try {
            while (true) {
                Map<String, String> p = unit.props("ActiveState", "SubState", "StatusText");
                String state = p.get("ActiveState");
                if (state.equals("active")) {
                    break;
                }
                if (state.equals("failed") || System.nanoTime() - deadline > 0) {
                    throw new AssertionError(unit + " is " + state + "/" + p.get("SubState") + ", never active\n" + Unit.tail(unit.journal(), 30));
                }
                if (state.equals("activating")) {
                    statuses.add(p.get("StatusText"));
                    Container.Result reply = Cases.httpGet(port);
                    if (!reply.ok()) {
                        refused++;
                    } else {
                        // The port answers: READY=1 must follow at once (the module sends it once the server listens).
                        long answered = System.nanoTime();
                        unit.awaitProp("ActiveState", "active", seconds(3));
                        answeredToActiveMs = (System.nanoTime() - answered) / 1_000_000;
                        break;
                    }
                }
            }
            out = waitFor(starter, timeoutStart + 90);
        } finally {
            starter.destroy();
        }
        log.log("start: " + refused + " connections refused while activating; statuses while activating: " + statuses);
        log.log("start: " + (answeredToActiveMs < 0 ? "active before the port answered a poll"
                : "the port answered while activating, active " + answeredToActiveMs + " ms later"));
        log.log("start, in the container: " + out.strip().replace("\n", " | "));
        if (refused == 0) {
            throw new AssertionError(unit + ": never seen activating with its port refusing connections (statuses " + statuses + ")");
        }
        if (statuses.stream().noneMatch(s -> s.startsWith("Starting: "))) {
            throw new AssertionError(unit + ": no 'Starting: ...' status while activating, only " + statuses);
        }
        if (!out.contains("start exited 0 with active\n") || !out.contains("answered " + REQUESTS + " of " + REQUESTS + "\n")) {
            throw new AssertionError(unit + ": systemctl start, then " + REQUESTS + " requests: " + out.strip().replace("\n", " | "));
        }
        long took = unit.usecBetween("ExecMainStartTimestampMonotonic", unit, "ActiveEnterTimestampMonotonic") / 1000;
        log.log("start: ExecMainStart to ActiveEnter " + took + " ms, TimeoutStartSec=" + timeoutStart + "s");
        if (service.extendsStart()) {
            if (took <= timeoutStart * 1000) {
                throw new AssertionError(unit + ": started in " + took + " ms, within TimeoutStartSec=" + timeoutStart + "s: no extension shown");
            }
            if (statuses.stream().noneMatch(s -> s.startsWith("Starting: initializing beans"))) {
                throw new AssertionError(unit + ": no 'Starting: initializing beans' status while activating, only " + statuses);
            }
        }
        // "started in" counts from the process's start: at most what systemd saw from its exec to READY=1, and the
        // moments this case needed to look. A wrong figure fails the case once the other rules have been checked.
        String ready = unit.awaitPropLike("StatusText", "Accepting *traffic* (started in * s)", seconds(5));
        log.log("active: StatusText=" + ready);
        double startedIn = Double.parseDouble(ready.replaceAll(".*\\(started in ([0-9.]+) s\\)$", "$1"));
        String wrongStatus = startedIn * 1000 <= took + 5000 ? null
                : unit + ": says '" + ready + "', but systemd saw " + took + " ms from ExecMainStart to ActiveEnter";
        // The backend the unit asks for: libsystemd mapped into the JVM, or (java) not there to map.
        String pid = unit.prop("MainPID");
        boolean mapped = container.run("grep", "-q", "libsystemd", "/proc/" + pid + "/maps").ok();
        log.log("backend " + backend + ": libsystemd " + (mapped ? "" : "not ") + "mapped in MainPID " + pid);
        if (mapped != (backend == Backend.LIBSYSTEMD)) {
            throw new AssertionError(unit + ": libsystemd is " + (mapped ? "" : "not ") + "mapped in its JVM on the " + backend + " backend");
        }

        // ---- the control arm: a readiness-only check DOWN. The health endpoint says so; systemd sees nothing:
        // still active, fed, the same process, no restart, over two intervals.
        long watchdog = Cases.spanSeconds(unit, "WatchdogUSec");
        String restarts = unit.prop("NRestarts");
        container.check("touch", unit.file(".unready"));
        String health = Await.until(seconds(10), () -> Cases.httpStatusLine(port, service.health()).text(), l -> l.contains(" 503"),
                l -> unit + ": " + service.health() + " answered '" + l + "' with " + unit.file(".unready") + " there, not 503");
        long w1 = unit.number("WatchdogTimestampMonotonic");
        Await.observeFor(seconds(watchdog * 2 + 1));
        Map<String, String> after = unit.props("ActiveState", "SubState", "NRestarts", "MainPID", "WatchdogTimestampMonotonic");
        String healthAfter = Cases.httpStatusLine(port, service.health()).text();
        log.log("readiness-only check DOWN: " + service.health() + " answered '" + health + "', after " + (watchdog * 2 + 1) + " s '"
                + healthAfter + "'; then " + after + " (NRestarts before " + restarts + ", MainPID " + pid + ", WatchdogTimestampMonotonic " + w1 + ")");
        if (!after.get("ActiveState").equals("active") || !after.get("NRestarts").equals(restarts) || !after.get("MainPID").equals(pid)) {
            throw new AssertionError(unit + ": a readiness-only check DOWN changed the unit: " + after + " (NRestarts was " + restarts
                    + ", MainPID " + pid + ")");
        }
        if (Long.parseLong(after.get("WatchdogTimestampMonotonic")) < w1 + watchdog * 1_000_000) {
            throw new AssertionError(unit + ": not fed while a readiness-only check was DOWN: the last keep-alive ("
                    + after.get("WatchdogTimestampMonotonic") + ") is not an interval after " + w1);
        }
        if (!healthAfter.contains(" 503")) {
            throw new AssertionError(unit + ": " + service.health() + " answered '" + healthAfter + "' at the end of the control arm, not 503");
        }
        container.check("rm", "-f", unit.file(".unready"));

        // ---- the liveness check DOWN: no more keep-alives, so the watchdog kills it; restarted (quickly).
        container.write(unit.file(".env"), "SLOW_START=0\n");
        long down = System.nanoTime();
        container.check("touch", unit.file(".down"));
        String why = unit.awaitPropLike("StatusText", "Watchdog: *", seconds(watchdog * 2));
        unit.awaitExit("watchdog killed ABRT", seconds(watchdog * 3));
        long killedMs = (System.nanoTime() - down) / 1_000_000;
        container.check("rm", "-f", unit.file(".down"));
        long restarted = Await.until(seconds(10), () -> unit.number("NRestarts"), n -> n >= 1,
                n -> unit + ": NRestarts is " + n + " after the watchdog's kill");
        unit.awaitProp("ActiveState", "active", seconds(60));
        String newPid = unit.prop("MainPID");
        log.log("liveness check DOWN: StatusText='" + why + "'; exit record 'watchdog killed ABRT' (Result=watchdog) " + killedMs
                + " ms after; NRestarts=" + restarted + "; active again, MainPID " + pid + " -> " + newPid);
        if (newPid.equals(pid)) {
            throw new AssertionError(unit + ": the same MainPID " + pid + " after the watchdog's kill and restart");
        }

        // ---- stop: deactivating, with the module's STOPPING=1 and its status in while the process still runs.
        unit.stopNoBlock();
        boolean[] seen = {false};
        Await.until(seconds(30), () -> unit.props("ActiveState", "StatusText", "MainPID"), p -> {
            if (p.get("ActiveState").equals("deactivating") && p.get("StatusText").equals("Shutting down")) {
                // MainPID 0: the process is gone and the unit finishes its stop; not yet seen means not seen.
                String mainPid = p.get("MainPID");
                if (!mainPid.equals(newPid) && !mainPid.equals("0")) {
                    throw new AssertionError(unit + ": status 'Shutting down' with MainPID " + mainPid + ", expected " + newPid);
                }
                seen[0] |= mainPid.equals(newPid);
            }
            return p.get("ActiveState").equals("inactive");
        }, p -> unit + ": still " + p.get("ActiveState") + " 30 s after stop");
        Map<String, String> stopped = unit.props("ActiveState", "Result", "ExecMainStatus");
        String exits = container.read(unit.file(".exits")).strip().replace("\n", " | ");
        log.log("stop: " + (seen[0] ? "" : "never ") + "deactivating with StatusText='Shutting down' while MainPID " + newPid
                + " ran; then " + stopped + "; exit records: " + exits);
        if (!seen[0]) {
            throw new AssertionError(unit + ": never deactivating with status 'Shutting down' (STOPPING=1) before its exit");
        }
        if (!stopped.get("Result").equals("success")) {
            throw new AssertionError(unit + ": stopped with Result=" + stopped.get("Result") + " (exit records: " + exits + ")");
        }
        if (wrongStatus != null) {
            throw new AssertionError(wrongStatus + " (every other rule held: see the log)");
        }
        long allMs = (System.nanoTime() - t0) / 1_000_000;
        log.note("active after " + took + " ms (" + refused + " refused while activating" + (service.extendsStart()
                ? ", beyond TimeoutStartSec=" + timeoutStart + "s" : "") + "), " + REQUESTS + "/" + REQUESTS
                + " answered; readiness DOWN: no restart; liveness DOWN: watchdog kill in " + killedMs / 100 / 10.0
                + " s, restarted; stop: 'Shutting down' while running, Result=success (" + gateway + ", " + allMs / 100 / 10.0 + " s)");
    }

    /** Waits for the process and returns its output (standard error merged in). */
    private static String waitFor(Process process, long seconds) {
        try {
            if (!process.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("systemctl start and the requests still running after " + seconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Container.read(process.getInputStream());
    }
}
