package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.seconds;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;

/**
 * The comparison docs/quarkus.md gives: the same Quarkus service in the same unit, the hardened one of that page
 * (sdn-quarkiverse@, made from sdn-quarkus-hardened@ with a port of its own and TimeoutStartSec=20s), once with
 * sdnotify-quarkus (its .env file names that build) and once with quarkiverse's quarkus-systemd-notify 1.0.2, which
 * runs {@code systemd-notify READY=1} in a child process; then the latter in sdn-quarkiverse-all@, the same unit
 * with NotifyAccess=all. Each arm records, from the journal and a probe in the container, when READY=1 reached
 * systemd against when the probe first saw the port accept a connection (it polls every 10 ms, and sees the port
 * late when the machine is busy):
 * <ul>
 *   <li>sdnotify-quarkus: active, READY=1 after the port accepted;
 *   <li>quarkus-systemd-notify: systemd refuses its READY=1 (the child is not the main process, NotifyAccess=main),
 *       so the start ends in Result=timeout although the service serves;
 *   <li>quarkus-systemd-notify with NotifyAccess=all, the line its README asks for: active, and then killed by the
 *       unit's watchdog (it sends no keep-alive).
 * </ul>
 */
@ContainerCase("quarkiverse")
@Order(1)
class QuarkiverseCase {
    private static final String ANSWER = "hello from quarkus";
    private static final String REFUSED = "reception only permitted for main PID";

    /**
     * When READY=1 reached systemd, when the port first accepted a connection and when GET / first answered
     * (realtime, µs; -1 for never), and how the start ended.
     */
    record Start(long readyUs, long acceptedUs, long answeredUs, Map<String, String> after, String journal) {
        long readyAfterAcceptMs() {
            return (readyUs - acceptedUs) / 1000;
        }
    }

    @OnEachBackend
    void sameUnit(Backend backend, CaseLog log) {
        Unit unit = Cases.unit("sdn-quarkiverse@", backend);
        Container container = Cases.container();
        int port = backend.port(15);
        try {
            container.write(unit.file(".env"), "SDN_QUARKUS_APP=quarkus-app\n");
            Start ours = start(unit, container, port, log, "sdnotify-quarkus");
            if (!ours.after().get("ActiveState").equals("active") || ours.readyUs() < 0) {
                throw new AssertionError(unit + ": with sdnotify-quarkus not active: " + ours.after());
            }
            unit.stop();

            container.check("rm", "-f", unit.file(".env"));
            Start theirs = start(unit, container, port, log, "quarkus-systemd-notify");
            if (!theirs.after().get("Result").equals("timeout") || theirs.readyUs() >= 0) {
                throw new AssertionError(unit + ": with quarkus-systemd-notify expected Result=timeout and no READY=1 accepted, saw "
                        + theirs.after());
            }
            // systemd 252 logs the refusal; 262 drops the child's message without a word at this log level.
            long refusedUs = firstLineUs(theirs.journal(), Pattern.quote(REFUSED));
            if (theirs.answeredUs() < 0) {
                throw new AssertionError(unit + ": with quarkus-systemd-notify GET / never answered while it started");
            }

            Unit allUnit = Cases.unit("sdn-quarkiverse-all@", backend);
            Start all = start(allUnit, container, port, log, "quarkus-systemd-notify, NotifyAccess=all");
            if (!all.after().get("ActiveState").equals("active") || all.readyUs() < 0) {
                throw new AssertionError(allUnit + ": with quarkus-systemd-notify and NotifyAccess=all not active: " + all.after());
            }
            long watchdog = Cases.spanSeconds(allUnit, "WatchdogUSec");
            allUnit.awaitExit("watchdog killed ABRT", seconds(watchdog * 3));
            log.log("quarkus-systemd-notify, NotifyAccess=all: killed by the watchdog (WatchdogSec=" + watchdog + "s), no keep-alives");
            allUnit.stop();

            log.note(String.format("same unit: sdnotify-quarkus active, READY=1 %s; quarkus-systemd-notify's READY=1 %s, "
                    + "Result=timeout; with NotifyAccess=all active, READY=1 %s, then a watchdog kill",
                    relative(ours.readyAfterAcceptMs()), refusedUs < 0 ? "not accepted (no refusal logged)"
                            : relative((refusedUs - theirs.acceptedUs()) / 1000) + " and refused",
                    relative(all.readyAfterAcceptMs())));
        } finally {
            for (String u : new String[] {unit.name(), Cases.unit("sdn-quarkiverse-all@", backend).name()}) {
                container.run("systemctl", "stop", u);
                container.run("systemctl", "reset-failed", u);
            }
            container.run("rm", "-f", unit.file(".env"));
        }
    }

    /**
     * Starts the unit and waits until the start job ends; a probe in the container meanwhile connects every 10 ms,
     * then GETs / every 10 ms, and prints the realtime of the first connection and of the first answer. READY=1's
     * arrival is systemd's "Started" line for the unit (-1 when none).
     */
    private static Start start(Unit unit, Container container, int port, CaseLog log, String arm) {
        container.run("systemctl", "stop", unit.name());
        container.run("systemctl", "reset-failed", unit.name());
        container.check("rm", "-f", unit.file(".exits"));
        String since = container.check("date", "+@%s.%N");
        String connect = "(exec 3<>/dev/tcp/127.0.0.1/" + port + ") 2>/dev/null";
        String get = "\"$(exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && timeout 1 tail -n 1 <&3)\"";
        Process probe = container.start("timeout", "40", "bash", "-c", "until " + connect + "; do sleep 0.01; done; date +%s%N; "
                + "until [ " + get + " = '" + ANSWER + "' ]; do sleep 0.01; done 2>/dev/null; date +%s%N");
        Container.Result started = container.run("systemctl", "start", unit.name());
        Map<String, String> after = unit.props("ActiveState", "Result", "NRestarts", "StatusText");
        List<Long> times;
        try {
            if (!probe.waitFor(45, TimeUnit.SECONDS)) {
                throw new AssertionError(unit + ": the probe of port " + port + " still runs after 45 s");
            }
            times = Container.read(probe.getInputStream()).lines().filter(l -> l.matches("[0-9]+"))
                    .map(l -> Long.parseLong(l) / 1000).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            probe.destroyForcibly();
        }
        long acceptedUs = times.size() > 0 ? times.get(0) : -1;
        long answeredUs = times.size() > 1 ? times.get(1) : -1;
        String journal = container.check("journalctl", "-q", "-u", unit.name(), "-o", "short-unix", "--no-pager", "--since", since);
        long readyUs = firstLineUs(journal, "systemd\\[1\\]: Started ");
        Start s = new Start(readyUs, acceptedUs, answeredUs, after, journal);
        log.log("== " + arm + ": systemctl start exited " + started.exitCode() + "; then " + after + "; the port first accepted at "
                + acceptedUs + " us, GET / first answered at " + answeredUs + " us, 'Started' at " + readyUs + " us"
                + "; journal lines of systemd: "
                + journal.lines().filter(l -> l.contains("systemd[1]:")).map(l -> l.replaceFirst("^\\S+ \\S+ ", ""))
                        .toList());
        return s;
    }

    private static String relative(long ms) {
        return Math.abs(ms) + " ms " + (ms < 0 ? "before" : "after") + " the port accepted";
    }

    /** The realtime (µs) of the first line of a short-unix journal matching the regex, or -1. */
    private static long firstLineUs(String journal, String regex) {
        Pattern p = Pattern.compile("^([0-9]+)\\.([0-9]{6}) .*" + regex, Pattern.MULTILINE);
        Matcher m = p.matcher(journal);
        return m.find() ? Long.parseLong(m.group(1)) * 1_000_000 + Long.parseLong(m.group(2)) : -1;
    }
}
