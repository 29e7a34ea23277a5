package dev.sdnotify.container;

import static dev.sdnotify.container.AgentServer.SYSTEMD_LINES;
import static dev.sdnotify.container.AgentServer.indexOf;
import static dev.sdnotify.container.AgentServer.notifications;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
        int stopping = indexOf(stopped, "Got notification message from PID " + pid + " \\(.*STOPPING=1");
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
     */
    static void helpers(AgentServer s, String... arm) {
        List<String> notes = new ArrayList<>();
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
        String state = Await.until(Duration.ofSeconds(timeoutSeconds + 60), () -> {
            Map<String, String> p = s.unit.props("ActiveState", "StatusText");
            if (!p.get("StatusText").isEmpty()) {
                status[0] = p.get("StatusText");
            }
            return p.get("ActiveState");
        }, st -> !st.equals("activating") && !st.equals("inactive"), st -> s.name() + ": still " + st + " long after TimeoutStartSec=" + timeoutSeconds + "s");
        Map<String, String> p = s.record("after the start", "TimeoutStartUSec");
        List<String> journal = s.journal(cursor);
        s.logLines("start", journal, SYSTEMD_LINES, 20);
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
        if (indexOf(journal, "Watchdog timeout") < 0) {
            throw new AssertionError(s.name() + ": no 'Watchdog timeout' line in the journal");
        }
        s.stop();
        return "killed by the watchdog about " + killedAfter / 1000 + " s later ('" + exit + "'), restarted (NRestarts="
                + p.get("NRestarts") + ", MainPID " + pid + " -> " + again + ")";
    }

    /** kill -STOP of the JVM: no more keep-alives, so the watchdog kills it (SIGABRT, then SIGKILL after TimeoutAbortSec=). */
    static void stoppedJvm(AgentServer s, String... arm) {
        String pid = keptAlive(s, "watchdog", arm);
        String cursor = s.cursor();
        s.container.check("kill", "-STOP", pid);
        s.log.log("kill -STOP " + pid);
        s.log.note("kept alive 2 intervals; kill -STOP: " + killedAndRestarted(s, pid, cursor, System.nanoTime(), () -> {}));
    }
}
