package dev.sdnotify.container;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** A unit in the container: its properties as systemctl show reports them, its journal, and its control. */
final class Unit {
    /** Where the units' ExecStopPost= writes each exit record and the services keep their files. */
    static final String RUN_DIR = "/run/sdn-test/";

    private final Container container;
    private final String name;

    Unit(Container container, String name) {
        this.container = container;
        this.name = name;
    }

    String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }

    /** A file of this unit's under /run/sdn-test: its name followed by {@code suffix}. */
    String file(String suffix) {
        return RUN_DIR + name + suffix;
    }

    // ------------------------------------------------------------------------------------------ control

    void start() {
        container.check("systemctl", "start", name);
    }

    /** Queues the start job and returns, for cases that watch the start itself. */
    void startNoBlock() {
        container.check("systemctl", "start", "--no-block", name);
    }

    void stop() {
        container.check("systemctl", "stop", name);
    }

    void stopNoBlock() {
        container.check("systemctl", "stop", "--no-block", name);
    }

    void restart() {
        container.check("systemctl", "restart", name);
    }

    void reload() {
        container.check("systemctl", "reload", name);
    }

    void resetFailed() {
        container.check("systemctl", "reset-failed", name);
    }

    /** Sends a signal to the unit's main process only. */
    void signalMain(String signal) {
        container.check("systemctl", "kill", "-s", signal, "--kill-who=main", name);
    }

    // --------------------------------------------------------------------------------------- properties

    String prop(String property) {
        return container.check("systemctl", "show", "-P", property, name);
    }

    /** Several properties read in one call, so that they describe one moment. */
    Map<String, String> props(String... properties) {
        Map<String, String> values = assignments(container.check("systemctl", "show", "-p", String.join(",", properties), name));
        for (String property : properties) {
            values.putIfAbsent(property, "");
        }
        return values;
    }

    /** The NAME=value lines of {@code systemctl show} output (or a file a unit wrote with it), in order. */
    static Map<String, String> assignments(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n", -1)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    /** A numeric property (a count, a pid, a timestamp in µs). */
    long number(String property) {
        String value = prop(property);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new AssertionError(name + ": " + property + " is '" + value + "', not a number");
        }
    }

    /** A monotonic timestamp property in µs, which must be set. */
    long timestamp(String property) {
        long value = number(property);
        if (value == 0) {
            throw new AssertionError(name + ": " + property + " is not set");
        }
        return value;
    }

    /** µs from this unit's timestamp {@code from} to {@code other}'s timestamp {@code to}. */
    long usecBetween(String from, Unit other, String to) {
        return other.timestamp(to) - timestamp(from);
    }

    void expectProp(String property, String want) {
        String got = prop(property);
        if (!got.equals(want)) {
            throw new AssertionError(name + ": " + property + " is '" + got + "', expected '" + want + "'");
        }
    }

    void awaitProp(String property, String want, Duration within) {
        Await.until(within, () -> prop(property), want::equals,
                got -> name + ": " + property + " is '" + got + "', expected '" + want + "' within " + seconds(within));
    }

    /** Waits for a property to match a glob ({@code *} any text, everything else literal); returns it. */
    String awaitPropLike(String property, String glob, Duration within) {
        Pattern pattern = glob(glob);
        return Await.until(within, () -> prop(property), got -> pattern.matcher(got).matches(),
                got -> name + ": " + property + " is '" + got + "', expected '" + glob + "' within " + seconds(within));
    }

    // ------------------------------------------------------------------------------------------ journal

    /** The unit's journal, message text only. */
    String journal() {
        return container.check("journalctl", "-q", "-u", name, "-o", "cat", "--no-pager");
    }

    /** Whether a journal line matches the regex. */
    static boolean hasLine(String text, String regex) {
        return Pattern.compile(regex, Pattern.MULTILINE).matcher(text).find();
    }

    /** Waits for a journal line matching the regex. */
    void awaitJournal(String regex, Duration within) {
        Await.until(within, this::journal, text -> hasLine(text, regex),
                text -> name + ": no journal line matching /" + regex + "/ within " + seconds(within)
                        + "; journal so far:\n" + tail(text, 20));
    }

    /** Fails unless the journal text (read once by the caller) has a line matching the regex. */
    void expectLine(String journal, String regex) {
        if (!hasLine(journal, regex)) {
            throw new AssertionError(name + ": no journal line matching /" + regex + "/; journal:\n" + tail(journal, 20));
        }
    }

    // -------------------------------------------------------------------------------------- exit records

    /** Waits for the unit's exit records ("$SERVICE_RESULT $EXIT_CODE $EXIT_STATUS") to have the line. */
    void awaitExit(String record, Duration within) {
        String path = file(".exits");
        Await.until(within, () -> container.read(path), text -> Arrays.asList(text.split("\n")).contains(record),
                text -> path + ": no exit record '" + record + "' within " + seconds(within) + " (has: "
                        + String.join("|", text.split("\n")) + ")");
    }

    // ------------------------------------------------------------------------------------------ helpers

    static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    static String tail(String text, int lines) {
        List<String> all = Arrays.asList(text.split("\n"));
        return "    " + String.join("\n    ", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        String[] parts = glob.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            regex.append(i > 0 ? ".*" : "").append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
