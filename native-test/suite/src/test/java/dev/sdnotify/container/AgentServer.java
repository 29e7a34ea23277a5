package dev.sdnotify.container;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * A server product's unit in the container, on one gateway, as a check drives it: each arm of a check
 * configures the packaged unit with drop-ins only (the gateway's JDK; the agent's drop-in of
 * docs/agent-servers.md, or none for a control arm; the arm's own settings), starts it, probes it, stops it,
 * and records in the check's log what systemd reported at each step: properties, and the lines of the
 * journal (the container's manager logs at debug level: every notification message it gets, with the
 * sender's pid, and every state change of the unit).
 */
final class AgentServer {
    /** The properties recorded at each step. */
    private static final String[] STATE = {"ActiveState", "SubState", "Result", "MainPID", "NRestarts", "StatusText"};
    /** A notification as the manager logs it: "from PID 12 (READY=1, STATUS=...)" up to 25x, "from PID 12: READY=1, ..." later. */
    private static final Pattern NOTIFICATION = Pattern.compile("Got notification message from PID (\\d+)(?: \\((.*)\\)|: (.*))$");

    final AgentProduct product;
    final AgentGateway gateway;
    final CaseLog log;
    final Container container;
    final Unit unit;

    AgentServer(AgentProduct product, AgentGateway gateway, CaseLog log) {
        this.product = product;
        this.gateway = gateway;
        this.log = log;
        this.container = AgentCases.suite().container();
        this.unit = new Unit(container, product.unit());
    }

    String name() {
        return unit.name();
    }

    // ------------------------------------------------------------------------------------------ drop-ins

    /**
     * Stops the unit and configures it for an arm: the gateway's JDK (20-gateway.conf), the agent's drop-in
     * (sdnotify.conf, as docs/agent-servers.md shows it) or none, and the arm's own lines (zz-arm.conf, read
     * last). The runner's 10-test.conf stays: no core files, exit records, a short abort timeout.
     */
    void configure(String arm, boolean agent, String... lines) {
        if (agent) {
            requireAgent();
        }
        container.run("systemctl", "stop", name());
        container.run("systemctl", "reset-failed", name());
        container.check("rm", "-f", unit.file(".exits"));
        String run = "/run/systemd/system/" + name() + ".d/";
        String etc = "/etc/systemd/system/" + name() + ".d/";
        container.check("mkdir", "-p", run, etc);
        container.write(run + "20-gateway.conf", "[Service]\n" + gatewayLines());
        if (agent) {
            container.check("cp", product.dropIn(), etc + "sdnotify.conf");
        } else {
            container.check("rm", "-f", etc + "sdnotify.conf");
        }
        String own = String.join("\n", lines);
        container.write(run + "zz-arm.conf", "[Service]\n" + own + (own.isEmpty() ? "" : "\n"));
        container.check("systemctl", "daemon-reload");
        log.log("== " + product.id() + " on " + gateway + ", arm '" + arm + "': " + (agent ? "agent drop-in" : "no agent")
                + (lines.length == 0 ? "" : "; " + String.join("; ", lines)));
        record("configured", "Type", "NotifyAccess", "WatchdogUSec", "TimeoutStartUSec", "Restart");
    }

    /** The gateway's JDK: JAVA_HOME where the start script takes it, else its directory over the root's own. */
    private String gatewayLines() {
        String jdk = gateway.jdk();
        if (product != AgentProduct.ZOOKEEPER) {
            return "Environment=JAVA_HOME=" + jdk + "\n";
        }
        // The unit runs /usr/bin/java, which is the root's JDK: the gateway's takes its place, for this unit only.
        String root = AgentCases.suite().rootJdk();
        return jdk.equals(root) ? "" : "BindReadOnlyPaths=" + jdk + ":" + root + "\n";
    }

    /** Skips the rest of the check when there is no agent jar yet (the control arms before it have run). */
    void requireAgent() {
        if (AgentCases.suite().jar().isEmpty()) {
            Assumptions.abort("no agent jar (agent/target/sdnotify-agent-VERSION.jar): agent arms skipped");
        }
    }

    // ------------------------------------------------------------------------------------------ control

    /** What {@code systemctl start} and the probe right after it reported. */
    record Probe(int startExit, int answered, int sent, String text) {
        boolean all() {
            return startExit == 0 && answered == sent;
        }
    }

    /**
     * Starts the unit and, the moment {@code systemctl start} returns, sends {@code n} requests at once (in
     * the container, in one shell: nothing in between).
     */
    Probe startAndProbe(int n) {
        List<String> command = new ArrayList<>(List.of("sh", "-c",
                "systemctl start \"$1\"; echo \"start exit $?\"; shift; exec /opt/sdnotify/servers/probe \"$@\"", "sh", name()));
        command.addAll(product.probe());
        command.add(Integer.toString(n));
        long t0 = System.nanoTime();
        Probe probe = parse(container.run(command.toArray(String[]::new)), n);
        log.log("systemctl start returned " + probe.startExit() + " after " + (System.nanoTime() - t0) / 1_000_000
                + " ms (probe included); probe right after: " + probe.text().replace("\n", "; "));
        return probe;
    }

    /** The probe alone. */
    Probe probe(int n) {
        List<String> command = new ArrayList<>(List.of("/opt/sdnotify/servers/probe"));
        command.addAll(product.probe());
        command.add(Integer.toString(n));
        Probe probe = parse(container.run(command.toArray(String[]::new)), n);
        return new Probe(0, probe.answered(), n, probe.text());
    }

    private static Probe parse(Container.Result result, int n) {
        Matcher start = Pattern.compile("^start exit (\\d+)$", Pattern.MULTILINE).matcher(result.out());
        Matcher answered = Pattern.compile("^answered (\\d+) of (\\d+)$", Pattern.MULTILINE).matcher(result.out());
        if (!answered.find()) {
            throw new AssertionError("the probe printed no count: " + result.describe() + "\n" + result.out());
        }
        String text = result.out().lines().filter(l -> !l.startsWith("start exit ")).collect(Collectors.joining("\n"));
        return new Probe(start.find() ? Integer.parseInt(start.group(1)) : 0, Integer.parseInt(answered.group(1)), n, text);
    }

    void start() {
        long t0 = System.nanoTime();
        Container.Result result = container.run("systemctl", "start", name());
        log.log("systemctl start exited " + result.exitCode() + " after " + (System.nanoTime() - t0) / 1_000_000 + " ms"
                + (result.err().isBlank() ? "" : ": " + result.err().strip()));
        if (!result.ok()) {
            throw new AssertionError(name() + ": systemctl start failed: " + result.describe() + "\n" + Unit.tail(unit.journal(), 30));
        }
    }

    void startNoBlock() {
        unit.startNoBlock();
    }

    /** Stops the unit and returns what systemd logged about it meanwhile. */
    List<String> stop() {
        String cursor = cursor();
        long t0 = System.nanoTime();
        container.check("systemctl", "stop", name());
        log.log("systemctl stop returned after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        return journal(cursor);
    }

    /**
     * After a start: waits until the unit is active or failed (or inactive again after it left inactive: a clean
     * exit) and returns that state.
     */
    String awaitSettled(Duration within) {
        return awaitSettled(within, p -> {});
    }

    /** As {@link #awaitSettled(Duration)}, showing {@code each} the properties ActiveState and {@code more} at each look. */
    String awaitSettled(Duration within, Consumer<Map<String, String>> each, String... more) {
        List<String> names = new ArrayList<>(List.of("ActiveState"));
        names.addAll(Arrays.asList(more));
        boolean[] left = {false};
        return Await.until(within, () -> {
            Map<String, String> p = unit.props(names.toArray(String[]::new));
            each.accept(p);
            return p.get("ActiveState");
        }, st -> {
            left[0] |= !st.equals("inactive");
            return st.equals("active") || st.equals("failed") || st.equals("inactive") && left[0];
        }, st -> name() + ": still " + st + " " + Unit.seconds(within) + " after its start");
    }

    /** Sends a signal to a process in the container (procps is not installed: the shell's kill). */
    void signal(String signal, String pid) {
        container.check("sh", "-c", "kill -" + signal + " \"$1\"", "kill", pid);
        log.log("kill -" + signal + " " + pid);
    }

    /**
     * The main process's pid, which must be a JVM of the gateway's JDK: its executable a bin/java whose JDK (as
     * the process sees it: a unit may bind the gateway's JDK over the root's) has the gateway JDK's version.
     */
    String mainJvm() {
        String pid = unit.prop("MainPID");
        String exe = container.run("readlink", "/proc/" + pid + "/exe").text();
        if (pid.equals("0") || !exe.endsWith("/bin/java")) {
            throw new AssertionError(name() + ": MainPID " + pid + " is not a JVM (exe '" + exe + "')");
        }
        String home = exe.substring(0, exe.length() - "/bin/java".length());
        String runs = javaVersion("/proc/" + pid + "/root" + home + "/release");
        String wanted = javaVersion(gateway.jdk() + "/release");
        if (!runs.equals(wanted)) {
            throw new AssertionError(name() + ": the JVM " + pid + " (" + exe + ") is Java " + runs + ", not the " + gateway
                    + " gateway's " + wanted + " (" + gateway.jdk() + ")");
        }
        log.log("  main process " + pid + ": " + exe + ", Java " + runs);
        return pid;
    }

    private String javaVersion(String release) {
        Matcher m = Pattern.compile("^JAVA_VERSION=\"([^\"]+)\"", Pattern.MULTILINE).matcher(container.read(release));
        return m.find() ? m.group(1) : "? (no " + release + ")";
    }

    // ------------------------------------------------------------------------------------------ records

    /** Reads the state properties (and more) in one call and records them under a label; returns them. */
    Map<String, String> record(String label, String... more) {
        List<String> names = new ArrayList<>(Arrays.asList(STATE));
        names.addAll(Arrays.asList(more));
        Map<String, String> props = unit.props(names.toArray(String[]::new));
        log.log("  " + label + ": " + props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")));
        return props;
    }

    /** The exit records (ExecStopPost=: "$SERVICE_RESULT $EXIT_CODE $EXIT_STATUS"), oldest first. */
    List<String> exits() {
        String text = container.read(unit.file(".exits"));
        return text.isBlank() ? List.of() : List.of(text.strip().split("\n"));
    }

    /** Waits for an exit record that starts with {@code prefix}; returns it. */
    String awaitExit(String prefix, Duration within) {
        List<String> seen = Await.until(within, this::exits, l -> l.stream().anyMatch(e -> e.startsWith(prefix)),
                l -> name() + ": no exit record '" + prefix + "...' within " + Unit.seconds(within) + " (has: " + l + ")");
        String exit = seen.stream().filter(e -> e.startsWith(prefix)).findFirst().orElseThrow();
        log.log("  exit record: " + exit);
        return exit;
    }

    // ------------------------------------------------------------------------------------------ journal

    /**
     * The position of the unit's last journal entry ("" if it has none): what is logged about it later is read
     * with {@link #journal(String)}. The unit's own entry, not the journal's last: on systemd 252,
     * {@code journalctl --after-cursor=C -u UNIT} skips the first matching entry when C's entry does not match.
     */
    String cursor() {
        String out = container.check("journalctl", "-q", "-n", "1", "--show-cursor", "-o", "cat", "-u", name());
        Matcher m = Pattern.compile("^-- cursor: (.+)$", Pattern.MULTILINE).matcher(out);
        return m.find() ? m.group(1) : "";
    }

    /** The unit's journal after the cursor, the manager's lines about it included ("[monotonic] text"). */
    List<String> journal(String cursor) {
        List<String> command = new ArrayList<>(List.of("journalctl", "-q", "--no-pager", "-o", "short-monotonic", "-u", name()));
        if (!cursor.isEmpty()) {
            command.add("--after-cursor=" + cursor);
        }
        return container.check(command.toArray(String[]::new)).lines().map(AgentServer::strip).collect(Collectors.toList());
    }

    /** "[  123.456789] host ident[pid]: text" as "[123.456789] ident: text". */
    private static String strip(String line) {
        return line.replaceFirst("^\\[\\s*([0-9.]+)\\] \\S+ ([^\\[:]+)(\\[\\d+\\])?: ", "[$1] $2: ");
    }

    /** The notification messages the manager got (debug level): sender's pid and fields, in order. */
    static List<String[]> notifications(List<String> journal) {
        List<String[]> found = new ArrayList<>();
        for (String line : journal) {
            Matcher m = NOTIFICATION.matcher(line);
            if (m.find()) {
                found.add(new String[] {m.group(1), m.group(2) != null ? m.group(2) : m.group(3)});
            }
        }
        return found;
    }

    /** The index of the first line matching the regex, or -1. */
    static int indexOf(List<String> journal, String regex) {
        Pattern pattern = Pattern.compile(regex);
        for (int i = 0; i < journal.size(); i++) {
            if (pattern.matcher(journal.get(i)).find()) {
                return i;
            }
        }
        return -1;
    }

    /** Records the lines matching the regex (at most {@code max}), under a label. */
    void logLines(String label, List<String> journal, String regex, int max) {
        Pattern pattern = Pattern.compile(regex);
        List<String> lines = journal.stream().filter(l -> pattern.matcher(l).find()).collect(Collectors.toList());
        log.log("  " + label + " (" + lines.size() + " lines" + (lines.size() > max ? ", the first " + max : "") + "):");
        lines.stream().limit(max).forEach(l -> log.log("    " + l));
    }

    /** The manager's lines that tell a reader what happened: notifications, state changes, results, kills. */
    static final String SYSTEMD_LINES = "Got notification message|reception only permitted|Changed [a-z-]+ -> |Main process exited"
            + "|Failed with result|Watchdog timeout|Watchdog request|Killing process|timed out|Scheduled restart job|Deactivated successfully"
            + "|Main PID|New main PID|MAINPID";
}
