package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.seconds;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hardened units, one per profile of native-test/units/hardened.tsv: the profile's service on both
 * gateways, started together. A working one is active after READY=1, got WatchdogSec= as its interval and
 * feeds the watchdog for two intervals with no restart; a failing one fails with the cause in the journal and
 * is never active. Properties are read in one call and the journal once per unit, to keep the calls few.
 */
@ContainerCase("hardened")
@Tag("hardened")
class HardenedCase {
    /** The units' WatchdogSec=, short, with room for a keep-alive delayed while other JVMs start. */
    private static final long WATCHDOG_SECONDS = 3;
    private static final List<String> GATEWAYS = List.of("jna", "ffm");
    /** Settings a profile uses that came after the oldest manager here, with their release. */
    private static final Map<String, Integer> SETTING_SINCE = Map.of("NoExecPaths", 248, "ExecPaths", 248);
    /**
     * What a profile's services must do (JNA, FFM) on a manager that ignores some of its settings: the
     * profile is what is left.
     */
    private static final Map<String, List<String>> OLDER = Map.of(
            "noexec", List.of("ok", "ok"),
            "noexec-rt", List.of("ok", "ok"));

    /** A row of hardened.tsv. */
    record Profile(String name, List<String> lines, Map<String, String> expected) {}

    static Map<String, Profile> profiles() {
        Map<String, Profile> profiles = new LinkedHashMap<>();
        try {
            for (String row : Files.readAllLines(ContainerCases.suite().repository().resolve("native-test/units/hardened.tsv"),
                    StandardCharsets.UTF_8)) {
                if (row.isBlank() || row.startsWith("#")) {
                    continue;
                }
                String[] f = row.split("\t");
                profiles.put(f[0], new Profile(f[0], Arrays.asList(f[1].split(";")), Map.of("jna", f[2], "ffm", f[3])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return profiles;
    }

    /** Each selected profile (sdnotify.ct.hardened, all when empty) on each backend. */
    static Stream<Arguments> profileOnBackend() {
        Set<String> selected = Set.of(System.getProperty("sdnotify.ct.hardened", "").split(" "));
        return profiles().keySet().stream()
                .filter(p -> selected.equals(Set.of("")) || selected.contains(p))
                .flatMap(p -> Stream.of(Backend.values()).map(b -> Arguments.of(p, b)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("profileOnBackend")
    void profile(String name, Backend backend, CaseLog log) {
        Profile profile = profiles().get(name);
        int systemd = ContainerCases.suite().systemd();
        // A setting this manager does not know: it says so when it loads the unit, and ignores it.
        List<String> ignored = profile.lines().stream().map(l -> l.substring(0, l.indexOf('=')))
                .filter(k -> SETTING_SINCE.containsKey(k) && systemd < SETTING_SINCE.get(k)).collect(Collectors.toList());
        Map<String, String> expected = new HashMap<>(profile.expected());
        if (!ignored.isEmpty()) {
            List<String> older = OLDER.get(name);
            if (older == null) {
                throw new AssertionError("hardened profile " + name + ": systemd " + systemd + " ignores " + ignored
                        + "; HardenedCase.OLDER has no expectation for it");
            }
            expected.put("jna", older.get(0));
            expected.put("ffm", older.get(1));
        }
        Container container = Cases.container();
        Map<String, Unit> units = new LinkedHashMap<>();
        for (String g : GATEWAYS) {
            units.put(g, Cases.named("sdn-hardened-" + name + "-" + g + "@" + backend + ".service"));
        }
        List<String> start = new ArrayList<>(List.of("systemctl", "start", "--no-block"));
        units.values().forEach(u -> start.add(u.name()));
        container.check(start.toArray(String[]::new));

        List<String> notes = new ArrayList<>();
        Map<String, String> enter = new HashMap<>();
        Map<String, String> pid = new HashMap<>();
        for (String g : GATEWAYS) {
            Unit unit = units.get(g);
            String expect = expected.get(g);
            String gateway = g.toUpperCase();
            String state = Await.until(seconds(40), () -> unit.prop("ActiveState"),
                    st -> st.equals("active") || st.equals("failed"), st -> unit + ": still " + st + " 40 s after its start");
            boolean works = expect.equals("ok") || expect.startsWith("ok:");
            if (works) {
                if (!state.equals("active")) {
                    throw new AssertionError(unit + ": " + state + ", expected active (profile " + name + ", " + gateway + ")\n"
                            + Unit.tail(unit.journal(), 20));
                }
                // The keeper's line is the service's last.
                unit.awaitJournal("^hardened: keeper ", seconds(5));
            } else if (expect.equals("elibacc") || expect.equals("eafnosupport")) {
                if (!state.equals("failed")) {
                    throw new AssertionError(unit + ": " + state + ", expected failed (profile " + name + ", " + gateway + ")");
                }
                unit.awaitJournal("^hardened: ready threw: ", seconds(5));
                if (expect.equals("elibacc")) {
                    unit.awaitJournal("^WARNING: sdnotify cannot reach the supervisor", seconds(5));
                }
            } else {
                throw new AssertionError("profile " + name + ": unknown expectation '" + expect + "' for " + g);
            }
            String journal = unit.journal();
            for (String key : ignored) {
                unit.expectLine(journal, "sdn-hardened-" + name + "-" + g + "@\\.service:[0-9]+: Unknown key name '" + key
                        + "' in section 'Service', ignoring");
            }
            // For the log: what the service and the library said.
            log.log(unit + ": " + state);
            journal.lines().filter(l -> l.matches("^hardened: .*|.*JNA unpacks.*|^(WARNING|SEVERE):.*|.*Exception:.*"))
                    .forEach(l -> log.log("  " + l));
            String backendLine = "^hardened: " + ContainerCases.suite().backendLine(backend, gateway);
            if (works) {
                unit.expectLine(journal, backendLine);
                unit.expectLine(journal, "^hardened: watchdog interval " + WATCHDOG_SECONDS * 1000 + " ms$");
                unit.expectLine(journal, "^hardened: ready returned true$");
                String dir = "";
                if (expect.equals("ok")) {
                    if (Unit.hasLine(journal, "JNA unpacks")) {
                        throw new AssertionError(unit + ": the library moved JNA's stub, where JNA's own directory should do");
                    }
                } else {
                    dir = expect.substring("ok:".length()).replace("%p", "sdn-hardened-" + name + "-" + g).replace("%i", backend.id());
                    unit.expectLine(journal, "JNA unpacks its native stub into " + Pattern.quote(dir) + " \\(");
                }
                Map<String, String> p = unit.props("WatchdogUSec", "MainPID", "ExecMainStartTimestampMonotonic",
                        "ActiveEnterTimestampMonotonic");
                if (!p.get("WatchdogUSec").equals(WATCHDOG_SECONDS + "s")) {
                    throw new AssertionError(unit + ": WatchdogUSec is '" + p.get("WatchdogUSec") + "', expected " + WATCHDOG_SECONDS + "s");
                }
                enter.put(g, p.get("ActiveEnterTimestampMonotonic"));
                pid.put(g, p.get("MainPID"));
                long activeMs = (Long.parseLong(p.get("ActiveEnterTimestampMonotonic"))
                        - Long.parseLong(p.get("ExecMainStartTimestampMonotonic"))) / 1000;
                notes.add(g + ": active in " + activeMs + " ms" + (dir.isEmpty() ? "" : ", stub in " + dir));
            } else {
                Map<String, String> p = unit.props("Result", "ExecMainStatus", "ActiveEnterTimestampMonotonic");
                if (!(p.get("Result") + " " + p.get("ExecMainStatus") + " " + p.get("ActiveEnterTimestampMonotonic")).equals("exit-code 1 0")) {
                    throw new AssertionError(unit + ": " + p + ", expected Result=exit-code, ExecMainStatus=1 and "
                            + "ActiveEnterTimestampMonotonic=0 (never active)");
                }
                if (expect.equals("elibacc")) {
                    // The unit sets both variables (WatchdogSec=); the reason names both.
                    String why = "NOTIFY_SOCKET, WATCHDOG_USEC are set, so a supervisor started this process, but native access failed: "
                            + "JNA cannot load its native stub \\(";
                    unit.expectLine(journal, "^hardened: backend=none: " + why);
                    // The interval is read from the JVM's own copy of the environment; only talking to systemd fails.
                    unit.expectLine(journal, "^hardened: watchdog interval 3000 ms$");
                    unit.expectLine(journal, "^hardened: ready threw: sd_notify failed with ELIBACC \\(errno 79\\): " + why);
                    long warnings = journal.lines().filter(l -> l.contains("sdnotify cannot reach the supervisor")).count();
                    if (warnings != 1) {
                        throw new AssertionError(unit + ": " + warnings + " lines 'sdnotify cannot reach the supervisor', expected one WARNING");
                    }
                    notes.add(g + ": ELIBACC, one WARNING, never active");
                } else {
                    unit.expectLine(journal, backendLine);
                    unit.expectLine(journal, "^hardened: watchdog interval " + WATCHDOG_SECONDS * 1000 + " ms$");
                    // socket(AF_UNIX) is what fails; the message names the errno and the send it was for.
                    unit.expectLine(journal, "^hardened: ready threw: sd_notify failed with EAFNOSUPPORT \\(errno 97\\): opening an AF_UNIX "
                            + "datagram socket for NOTIFY_SOCKET=\"/run/systemd/notify\": this process may not use AF_UNIX sockets");
                    notes.add(g + ": EAFNOSUPPORT, never active");
                }
                if (Unit.hasLine(journal, "^hardened: ready returned")) {
                    throw new AssertionError(unit + ": READY=1 answered instead of throwing");
                }
                unit.resetFailed();
            }
        }
        if (!enter.isEmpty()) {
            // Two intervals and a half second after both were seen active (so after both READY=1), then what
            // systemd saw: no watchdog restart, and keep-alives after the first interval.
            Await.observeFor(seconds(WATCHDOG_SECONDS * 2).plusMillis(500));
            List<String> stop = new ArrayList<>(List.of("systemctl", "stop"));
            for (String g : enter.keySet()) {
                Unit unit = units.get(g);
                Map<String, String> p = unit.props("ActiveState", "NRestarts", "MainPID", "ActiveEnterTimestampMonotonic",
                        "WatchdogTimestampMonotonic");
                String now = p.get("ActiveState") + " " + p.get("NRestarts") + " " + p.get("MainPID") + " " + p.get("ActiveEnterTimestampMonotonic");
                String want = "active 0 " + pid.get(g) + " " + enter.get(g);
                if (!now.equals(want)) {
                    throw new AssertionError(unit + ": " + p + " after two intervals, expected ActiveState, NRestarts, MainPID, "
                            + "ActiveEnterTimestampMonotonic " + want);
                }
                long sinceReady = Long.parseLong(p.get("WatchdogTimestampMonotonic")) - Long.parseLong(enter.get(g));
                if (sinceReady < WATCHDOG_SECONDS * 1_000_000) {
                    throw new AssertionError(unit + ": the last keep-alive came " + sinceReady / 1000 + " ms after READY=1, over "
                            + WATCHDOG_SECONDS * 1000 + " ms ago");
                }
                stop.add(unit.name());
            }
            container.check(stop.toArray(String[]::new));
            notes.add("fed for " + WATCHDOG_SECONDS * 2 + ".5 s (WatchdogSec=" + WATCHDOG_SECONDS + "s), NRestarts=0");
        }
        if (!ignored.isEmpty()) {
            notes.add("systemd " + systemd + " ignores " + String.join(", ", ignored) + " (since " + SETTING_SINCE.get(ignored.get(0)) + ")");
        }
        log.note(String.join("; ", notes));
    }
}
