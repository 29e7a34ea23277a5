package dev.sdnotify.container;

import static dev.sdnotify.container.AgentChecks.WATCHDOG_SECONDS;
import static dev.sdnotify.container.AgentChecks.lines;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;

/**
 * Debian's Tomcat (tomcat10: its hardened unit, its start script exec'ing catalina.sh run) with the probe
 * application (native-test/servers/webapp) at /probe, under the agent's drop-in with preset=tomcat.
 */
@AgentCase("tomcat")
class AgentTomcatCase {
    /** The probe application's start, so that Tomcat takes long enough for the readiness race to show. */
    private static final String SLOW_START = "Environment=PROBE_START_SECONDS=8";
    /** The file that turns the probe application's /health DOWN (its default path). */
    private static final String HEALTH_DOWN = "/run/sdn-test/health-down";

    private static AgentServer server(AgentGateway gateway, CaseLog log) {
        return new AgentServer(AgentProduct.TOMCAT, gateway, log);
    }

    @Order(1)
    @AgentCheck("ready")
    void startReturnsOnceServingAndStopSaysStopping(AgentGateway gateway, CaseLog log) {
        AgentChecks.startAndStop(server(gateway, log), SLOW_START);
    }

    @Order(2)
    @AgentCheck("helpers")
    void helperJvmStaysSilent(AgentGateway gateway, CaseLog log) {
        AgentChecks.helpers(server(gateway, log), "ExecStartPre=" + gateway.jdk() + "/bin/java -version");
    }

    @Order(3)
    @AgentCheck("timeout")
    void readyPredicateThatNeverHolds(AgentGateway gateway, CaseLog log) {
        AgentChecks.neverReady(server(gateway, log), 20);
    }

    /**
     * A start of 30 s that works all along (PROBE_START_MODE=work) under TimeoutStartSec=12s: with extend=0s
     * (no extensions) it times out; with extend=30s the agent extends the start while it makes progress, and
     * the unit becomes active, serving.
     */
    @Order(4)
    @AgentCheck("extend")
    void slowStartSurvivesThroughExtensions(AgentGateway gateway, CaseLog log) {
        AgentServer s = server(gateway, log);
        long timeout = 12;
        String[] slow = {"Environment=PROBE_START_SECONDS=30", "Environment=PROBE_START_MODE=work", "TimeoutStartSec=" + timeout + "s",
            "Restart=no"};
        s.configure("extend=0s", true, lines(slow, "Environment=\"SDNOTIFY_AGENT=preset=tomcat;extend=0s\""));
        s.startNoBlock();
        String state = s.awaitSettled(AgentChecks.START);
        Map<String, String> control = s.record("with extend=0s");
        if (!state.equals("failed") || !control.get("Result").equals("timeout")) {
            throw new AssertionError(s.name() + ": with extend=0s the 30 s start ended " + state + " (" + control.get("Result")
                    + "), not in a timeout: the control arm does not show the extension");
        }
        s.awaitExit("timeout", Duration.ofSeconds(10));
        s.container.check("systemctl", "reset-failed", s.name());

        s.configure("extend=30s", true, lines(slow, "Environment=\"SDNOTIFY_AGENT=preset=tomcat;extend=30s\""));
        String cursor = s.cursor();
        s.startNoBlock();
        state = s.awaitSettled(AgentChecks.START);
        Map<String, String> p = s.record("with extend=30s", "ExecMainStartTimestampMonotonic", "ActiveEnterTimestampMonotonic");
        List<String> journal = s.journal(cursor);
        s.logLines("start", journal, AgentServer.SYSTEMD_LINES, 30);
        if (!state.equals("active")) {
            throw new AssertionError(s.name() + ": with extend=30s the slow start ended " + state + " (" + p.get("Result") + ")");
        }
        long took = (Long.parseLong(p.get("ActiveEnterTimestampMonotonic")) - Long.parseLong(p.get("ExecMainStartTimestampMonotonic"))) / 1000;
        if (took <= timeout * 1000) {
            throw new AssertionError(s.name() + ": active after " + took + " ms, within TimeoutStartSec=" + timeout + "s: no extension shown");
        }
        String pid = s.mainJvm();
        AgentChecks.expectReadyFrom(s, journal, pid);
        long extensions = AgentServer.notifications(journal).stream().filter(m -> m[1].contains("EXTEND_TIMEOUT_USEC=")).count();
        AgentServer.Probe probe = s.probe(AgentChecks.REQUESTS);
        if (probe.answered() != AgentChecks.REQUESTS) {
            throw new AssertionError(s.name() + ": active, but " + probe.text());
        }
        s.stop();
        log.note("extend=0s: Result=timeout after " + timeout + " s; with extend=30s: active after " + took + " ms ("
                + extensions + " EXTEND_TIMEOUT_USEC messages), " + AgentChecks.REQUESTS + "/" + AgentChecks.REQUESTS + " answered");
    }

    /** health=http: the probe application's /health at 503 stops the keep-alives: the watchdog kills and restarts. */
    @Order(5)
    @AgentCheck("watchdog-health")
    void healthDownKillsThroughTheWatchdog(AgentGateway gateway, CaseLog log) {
        AgentServer s = server(gateway, log);
        s.container.check("rm", "-f", HEALTH_DOWN);
        String pid = AgentChecks.keptAlive(s, "health", "Environment=\"SDNOTIFY_AGENT=preset=tomcat;health=http:http://127.0.0.1:8080/probe/health\"");
        String cursor = s.cursor();
        long down = System.nanoTime();
        s.container.check("touch", HEALTH_DOWN);
        AgentServer.Probe health = probe(s, "/probe/health");
        log.log("health file created; GET /probe/health: " + health.text().replace("\n", "; "));
        if (health.answered() != 0) {
            throw new AssertionError(s.name() + ": /probe/health still answers 200 with " + HEALTH_DOWN + " present");
        }
        String killed = AgentChecks.killedAndRestarted(s, pid, cursor, down, () -> s.container.check("rm", "-f", HEALTH_DOWN));
        log.note("kept alive 2 intervals while /health was UP; at 503: " + killed);
    }

    /**
     * Two deadlocked threads (GET /probe/deadlock) fail the health (deadlock=on, the default): the watchdog
     * kills and restarts. Control: with deadlock=off the same deadlock leaves the unit alone for two intervals.
     */
    @Order(6)
    @AgentCheck("watchdog-deadlock")
    void deadlockKillsThroughTheWatchdog(AgentGateway gateway, CaseLog log) {
        AgentServer s = server(gateway, log);
        String pid = AgentChecks.keptAlive(s, "deadlock=off", "Environment=\"SDNOTIFY_AGENT=preset=tomcat;deadlock=off\"");
        deadlock(s);
        Await.observeFor(Duration.ofSeconds(2 * WATCHDOG_SECONDS));
        Map<String, String> off = s.record("deadlocked, two intervals later");
        if (!off.get("ActiveState").equals("active") || !off.get("MainPID").equals(pid) || !off.get("NRestarts").equals("0")) {
            throw new AssertionError(s.name() + ": with deadlock=off the deadlock still ended the JVM: " + off);
        }

        pid = AgentChecks.keptAlive(s, "deadlock=on (default)");
        String cursor = s.cursor();
        long locked = System.nanoTime();
        deadlock(s);
        log.note("deadlock=off: still active 2 intervals after the deadlock; deadlock=on: "
                + AgentChecks.killedAndRestarted(s, pid, cursor, locked, () -> {}));
    }

    @Order(7)
    @AgentCheck("watchdog-stop")
    void stoppedJvmKilledByTheWatchdog(AgentGateway gateway, CaseLog log) {
        AgentChecks.stoppedJvm(server(gateway, log));
    }

    private static void deadlock(AgentServer s) {
        AgentServer.Probe answer = probe(s, "/probe/deadlock");
        s.log.log("GET /probe/deadlock: " + answer.text().replace("\n", "; "));
        if (answer.answered() != 1) {
            throw new AssertionError(s.name() + ": GET /probe/deadlock failed: " + answer.text());
        }
    }

    /** One GET of a path of the probe application. */
    private static AgentServer.Probe probe(AgentServer s, String path) {
        Container.Result result = s.container.run("/opt/sdnotify/servers/probe", "http", "8080", path, "1");
        return new AgentServer.Probe(0, result.ok() ? 1 : 0, 1, result.text());
    }
}
