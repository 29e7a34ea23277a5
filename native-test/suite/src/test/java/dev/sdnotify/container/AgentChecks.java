package dev.sdnotify.container;

import static dev.sdnotify.container.AgentServer.SYSTEMD_LINES;
import static dev.sdnotify.container.AgentServer.indexOf;
import static dev.sdnotify.container.AgentServer.notifications;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The checks every product gets (the product cases add their own). */
final class AgentChecks {
    /** Requests the probe sends at once right after {@code systemctl start} returns. */
    static final int REQUESTS = 50;
    /** The checks' WatchdogSec=: the agent feeds the watchdog every half of it while the health holds. */
    static final long WATCHDOG_SECONDS = 8;
    /** A JVM server's start on two busy cores: Kafka's, with its format step, is the longest. */
    static final Duration START = Duration.ofSeconds(150);

    private AgentChecks() {}

    static String[] lines(String[] base, String... more) {
        List<String> all = new ArrayList<>(Arrays.asList(base));
        all.addAll(Arrays.asList(more));
        return all.toArray(String[]::new);
    }

    /**
     * systemctl start returns once the server serves, and systemctl stop hears STOPPING=1 before the JVM
     * exits. Control arm: the packaged unit without the agent (Type=simple): right after systemctl start, at
     * least one of the requests fails. Agent arm: all are answered; the JVM (MainPID) sent READY=1; on stop its
     * STOPPING=1 comes before "Main process exited", and the unit ends inactive with result success.
     */
    static void startAndStop(AgentServer s, String... arm) {
        s.configure("control", false, arm);
        AgentServer.Probe control = s.startAndProbe(REQUESTS);
        s.record("after start");
        if (control.startExit() != 0) {
            throw new AssertionError(s.name() + ": control arm: systemctl start exited " + control.startExit());
        }
        if (control.answered() == REQUESTS) {
            throw new AssertionError(s.name() + ": control arm (no agent): all " + REQUESTS
                    + " requests answered right after systemctl start returned: the race is not shown");
        }
        List<String> controlStop = s.stop();
        s.logLines("stop without the agent", controlStop, SYSTEMD_LINES, 10);

        s.configure("agent", true, arm);
        String cursor = s.cursor();
        AgentServer.Probe agent = s.startAndProbe(REQUESTS);
        Map<String, String> p = s.record("after start", "Type", "ExecMainStartTimestampMonotonic", "ActiveEnterTimestampMonotonic");
        if (!agent.all()) {
            throw new AssertionError(s.name() + ": with the agent, " + agent.answered() + " of " + REQUESTS
                    + " requests answered right after systemctl start returned (" + agent.startExit() + "): " + agent.text());
        }
        String pid = s.mainJvm();
        List<String> started = s.journal(cursor);
        s.logLines("start", started, SYSTEMD_LINES, 20);
        expectReadyFrom(s, started, pid);
        long readyMs = (Long.parseLong(p.get("ActiveEnterTimestampMonotonic")) - Long.parseLong(p.get("ExecMainStartTimestampMonotonic"))) / 1000;

        List<String> stopped = s.stop();
        s.logLines("stop", stopped, SYSTEMD_LINES, 20);
        int stopping = indexOf(stopped, "Got notification message from PID " + pid + "( \\(|: ).*STOPPING=1");
        int exited = indexOf(stopped, "Main process exited");
        if (stopping < 0) {
            throw new AssertionError(s.name() + ": no STOPPING=1 from the JVM (" + pid + ") during systemctl stop");
        }
        if (exited >= 0 && exited < stopping) {
            throw new AssertionError(s.name() + ": STOPPING=1 came after the JVM had exited: " + stopped.get(exited));
        }
        String exit = s.awaitExit("", Duration.ofSeconds(5));
        if (!exit.startsWith("success ")) {
            throw new AssertionError(s.name() + ": stopped with exit record '" + exit + "', not success");
        }
        s.record("after stop");
        s.log.note("control: " + control.answered() + "/" + REQUESTS + " answered (" + firstFailure(control) + "); agent: "
                + REQUESTS + "/" + REQUESTS + ", active " + readyMs + " ms after the JVM's start; stop: STOPPING=1 from "
                + pid + " before its exit, '" + exit + "'");
    }

    /** The JVM (pid) sent READY=1, and nothing else sent anything. */
    static void expectReadyFrom(AgentServer s, List<String> journal, String pid) {
        List<String[]> messages = notifications(journal);
        if (messages.stream().noneMatch(m -> m[0].equals(pid) && m[1].contains("READY=1"))) {
            throw new AssertionError(s.name() + ": no READY=1 from the JVM (" + pid + ") in the journal; notifications: " + describe(messages));
        }
        expectOnlyFrom(s, messages, pid);
    }

    static void expectOnlyFrom(AgentServer s, List<String[]> messages, String pid) {
        for (String[] m : messages) {
            if (!m[0].equals(pid)) {
                throw new AssertionError(s.name() + ": notification from PID " + m[0] + " (" + m[1] + "), not from the JVM " + pid);
            }
        }
    }

    static String describe(List<String[]> messages) {
        return messages.isEmpty() ? "none" : messages.stream().map(m -> m[0] + ": " + m[1]).collect(Collectors.joining("; "));
    }

    private static String firstFailure(AgentServer.Probe probe) {
        return probe.text().lines().skip(1).findFirst().orElse("").strip();
    }

    /**
     * Helper JVMs of the unit (the arm's ExecStartPre= lines, or the start script's) inherit the agent and the
     * notify socket but stay silent: with NotifyAccess=main the manager logs no "reception only permitted for
     * main PID", and with NotifyAccess=all the start is the same: served once started, every notification
     * from the main JVM. Each arm counts the JVMs that loaded the agent ("Picked up JAVA_TOOL_OPTIONS").
     * Control: a helper that speaks (systemd-notify in ExecStartPre=, NotifyAccess=all) is seen as a
     * notification from another pid than the JVM's. (systemd gives control processes the notify socket only with
     * NotifyAccess=all: with main, a helper of ExecStartPre= cannot speak at all.)
     */
    static void helpers(AgentServer s, String... arm) {
        List<String> notes = new ArrayList<>();
        // Control: a helper that does speak (systemd-notify in ExecStartPre=; systemd gives the notify socket to
        // control processes only with NotifyAccess=all) shows up as a notification from another pid than the JVM.
        s.configure("control: a helper that speaks", true, lines(arm, "ExecStartPre=/bin/sh -c 'systemd-notify STATUS=helper; sleep 1'",
                "NotifyAccess=all"));
        String controlCursor = s.cursor();
        s.start();
        String controlPid = s.mainJvm();
        List<String[]> spoke = Await.until(Duration.ofSeconds(10), () -> notifications(s.journal(controlCursor)),
                m -> m.stream().anyMatch(n -> !n[0].equals(controlPid) && n[1].contains("STATUS=helper")),
                m -> s.name() + ": control arm: systemd-notify in ExecStartPre= left no notification from its pid: the"
                        + " check would not see a helper that speaks; notifications: " + describe(m));
        String[] helper = spoke.stream().filter(n -> n[1].contains("STATUS=helper")).findFirst().orElseThrow();
        s.log.log("  control: notification from PID " + helper[0] + " (" + helper[1] + "), the main JVM is " + controlPid);
        notes.add("control: systemd-notify in ExecStartPre= seen (PID " + helper[0] + ", not the JVM " + controlPid + ")");
        s.stop();
        for (String access : List.of("main", "all")) {
            s.configure("NotifyAccess=" + access, true, lines(arm, "NotifyAccess=" + access));
            String cursor = s.cursor();
            AgentServer.Probe probe = s.startAndProbe(REQUESTS);
            s.record("after start", "NotifyAccess", "ExecMainStartTimestampMonotonic", "ActiveEnterTimestampMonotonic");
            if (!probe.all()) {
                throw new AssertionError(s.name() + ": NotifyAccess=" + access + ": " + probe.answered() + " of " + REQUESTS
                        + " answered right after systemctl start (" + probe.startExit() + "): " + probe.text());
            }
            String pid = s.mainJvm();
            List<String> journal = s.journal(cursor);
            s.logLines("start", journal, SYSTEMD_LINES + "|Picked up JAVA_TOOL_OPTIONS", 25);
            int rejected = indexOf(journal, "reception only permitted");
            if (rejected >= 0) {
                throw new AssertionError(s.name() + ": NotifyAccess=" + access + ": a helper JVM spoke: " + journal.get(rejected));
            }
            expectReadyFrom(s, journal, pid);
            long jvms = journal.stream().filter(l -> l.contains("Picked up JAVA_TOOL_OPTIONS")).count();
            if (jvms < 2) {
                throw new AssertionError(s.name() + ": " + jvms + " JVM(s) picked up JAVA_TOOL_OPTIONS: no helper JVM ran with the agent");
            }
            notes.add("NotifyAccess=" + access + ": " + jvms + " JVMs with the agent, " + notifications(journal).size()
                    + " notifications all from the main JVM, none rejected, " + REQUESTS + "/" + REQUESTS + " answered");
            s.stop();
        }
        s.log.note(String.join("; ", notes));
    }

    /**
     * A ready predicate that never holds (a port nobody opens): the start times out (Result=timeout) and the
     * status names what the agent waited for.
     */
    static void neverReady(AgentServer s, long timeoutSeconds, String... arm) {
        s.configure("never ready", true, lines(arm, "Environment=SDNOTIFY_AGENT=ready=port:9999",
                "TimeoutStartSec=" + timeoutSeconds + "s", "Restart=no"));
        String cursor = s.cursor();
        s.startNoBlock();
        String[] status = {""};
        String state;
        try {
            // The agent's last extension (extend=30s by default, one every 10 s while the start moves) may outlast
            // the timeout itself: a start that stopped moving meets its end at most 30 s after its last move.
            state = s.awaitSettled(Duration.ofSeconds(timeoutSeconds + 90), p -> {
                if (!p.get("StatusText").isEmpty()) {
                    status[0] = p.get("StatusText");
                }
            }, "StatusText");
        } catch (AssertionError e) {
            List<String> journal = s.journal(cursor);
            s.logLines("start", journal, SYSTEMD_LINES, 40);
            long extensions = notifications(journal).stream().filter(m -> m[1].contains("EXTEND_TIMEOUT_USEC=")).count();
            throw new AssertionError(e.getMessage() + " under TimeoutStartSec=" + timeoutSeconds + "s: " + extensions
                    + " EXTEND_TIMEOUT_USEC from the JVM while its status said '" + status[0] + "'", e);
        }
        Map<String, String> p = s.record("after the start", "TimeoutStartUSec");
        List<String> journal = s.journal(cursor);
        s.logLines("start", journal, SYSTEMD_LINES, 80);
        s.log.log("  status while activating: " + status[0]);
        if (!state.equals("failed") || !p.get("Result").equals("timeout")) {
            throw new AssertionError(s.name() + ": " + state + " with result " + p.get("Result") + ", expected failed with result timeout");
        }
        String shown = p.get("StatusText").isEmpty() ? status[0] : p.get("StatusText");
        if (!shown.contains("9999")) {
            throw new AssertionError(s.name() + ": the status '" + shown + "' does not name the predicate port:9999");
        }
        int timedOut = indexOf(journal, "start operation timed out");
        if (timedOut < 0) {
            throw new AssertionError(s.name() + ": no 'start operation timed out' line in the journal");
        }
        String exit = s.awaitExit("timeout", Duration.ofSeconds(10));
        s.container.check("systemctl", "reset-failed", s.name());
        s.log.note("Result=timeout after TimeoutStartSec=" + timeoutSeconds + "s ('" + exit + "'), status '" + shown + "'");
    }

    /**
     * Starts the arm (WatchdogSec=8s) and checks that the agent feeds the watchdog while the server is
     * healthy: over two intervals no restart, the same MainPID, the last keep-alive moving; returns the JVM's
     * pid. This is the control for each watchdog check: a failing health, not the watchdog as such, kills.
     */
    static String keptAlive(AgentServer s, String arm, String... lines) {
        s.configure(arm, true, lines(lines, "WatchdogSec=" + WATCHDOG_SECONDS + "s"));
        String cursor = s.cursor();
        s.start();
        String pid = s.mainJvm();
        Map<String, String> before = s.record("started", "WatchdogUSec", "WatchdogTimestampMonotonic");
        if (!before.get("WatchdogUSec").equals(WATCHDOG_SECONDS + "s")) {
            throw new AssertionError(s.name() + ": WatchdogUSec is '" + before.get("WatchdogUSec") + "'");
        }
        Await.observeFor(Duration.ofSeconds(2 * WATCHDOG_SECONDS));
        Map<String, String> after = s.record("two intervals later", "WatchdogTimestampMonotonic");
        if (!after.get("ActiveState").equals("active") || !after.get("NRestarts").equals("0") || !after.get("MainPID").equals(pid)) {
            throw new AssertionError(s.name() + ": not kept alive over two intervals while healthy: " + after);
        }
        if (Long.parseLong(after.get("WatchdogTimestampMonotonic")) <= Long.parseLong(before.get("WatchdogTimestampMonotonic"))) {
            throw new AssertionError(s.name() + ": the last keep-alive did not move over two intervals");
        }
        List<String[]> messages = notifications(s.journal(cursor));
        long keepAlives = messages.stream().filter(m -> m[0].equals(pid) && m[1].contains("WATCHDOG=1")).count();
        expectOnlyFrom(s, messages, pid);
        s.log.log("  " + keepAlives + " WATCHDOG=1 from the JVM " + pid + " so far");
        return pid;
    }

    /**
     * After something made the health fail: the watchdog kills the JVM (the exit record: result watchdog), the
     * unit restarts (NRestarts >= 1) and is active again with a new JVM. Returns a note.
     */
    static String killedAndRestarted(AgentServer s, String pid, String cursor, long failedAtNanos, Runnable beforeRestart) {
        String exit = s.awaitExit("watchdog ", Duration.ofSeconds(WATCHDOG_SECONDS * 2 + 30));
        long killedAfter = (System.nanoTime() - failedAtNanos) / 1_000_000;
        beforeRestart.run();
        Await.until(START, () -> s.unit.props("ActiveState", "NRestarts"),
                p -> p.get("ActiveState").equals("active") && !p.get("NRestarts").equals("0"),
                p -> s.name() + ": not active again after the watchdog's kill: " + p);
        Map<String, String> p = s.record("active again", "WatchdogTimestampMonotonic");
        String again = s.mainJvm();
        if (again.equals(pid)) {
            throw new AssertionError(s.name() + ": MainPID is still " + pid + " after the watchdog's kill");
        }
        List<String> journal = s.journal(cursor);
        s.logLines("kill and restart", journal, SYSTEMD_LINES, 25);
        // The manager's own timeout, or the agent's WATCHDOG=trigger (trigger=on, the default) when a check fails.
        int why = indexOf(journal, "Watchdog timeout|Watchdog request");
        if (why < 0) {
            throw new AssertionError(s.name() + ": no 'Watchdog timeout' or 'Watchdog request' line in the journal");
        }
        s.stop();
        return "'" + journal.get(why).replaceFirst("^.*?: " + Pattern.quote(s.name()) + ": ", "") + "' about " + killedAfter / 1000
                + " s later, '" + exit + "', restarted (NRestarts=" + p.get("NRestarts") + ", MainPID " + pid + " -> " + again + ")";
    }

    /**
     * kill -STOP of the JVM: no more keep-alives, so the manager's watchdog times out and kills it (SIGABRT, with a
     * SIGCONT after it; SIGKILL after TimeoutAbortSec= if that is not enough).
     */
    static void stoppedJvm(AgentServer s, String... arm) {
        String pid = keptAlive(s, "watchdog", arm);
        String cursor = s.cursor();
        s.signal("STOP", pid);
        String killed = killedAndRestarted(s, pid, cursor, System.nanoTime(), () -> {});
        if (!killed.startsWith("'Watchdog timeout")) {
            throw new AssertionError(s.name() + ": a stopped JVM was not killed by the manager's watchdog timeout: " + killed);
        }
        s.log.note("kept alive 2 intervals; kill -STOP: " + killed);
    }
}
