package dev.sdnotify.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code src/test/resources/libsystemd-differences.tsv}: where a libsystemd release answers unlike 262, the
 * release the java backend follows. The tests compare the java backend with the host's libsystemd; a row
 * says which result the oracle gives instead of 262's, for the versions it lists, and why.
 *
 * <p>Columns, tab-separated: the versions (items separated by commas: {@code 247}, {@code 253-260},
 * {@code < 253}), the case (a stable rule name the tests refer to), that version's result, 262's result,
 * and why. A result that is a return value starts with the number. {@code #} starts a comment line.
 */
public final class LibsystemdDifferences {
    public static final String RESOURCE = "libsystemd-differences.tsv";
    /** Overrides the oracle's version, for a libsystemd that dpkg does not know. */
    public static final String VERSION_PROPERTY = "sdnotify.test.libsystemd.version";

    private static final Pattern LEADING_INT = Pattern.compile("^(-?[0-9]+)");
    private static volatile LibsystemdDifferences loaded;
    private static volatile Integer oracleVersion;

    /** One row; {@link #applies(int)} tells whether it speaks for a version. */
    public static final class Row extends Value {
        private final String versions;
        private final String rule;
        private final String result;
        private final String result262;
        private final String why;

        public Row(String versions, String rule, String result, String result262, String why) {
            this.versions = versions;
            this.rule = rule;
            this.result = result;
            this.result262 = result262;
            this.why = why;
        }

        public String versions() {
            return versions;
        }

        public String rule() {
            return rule;
        }

        public String result() {
            return result;
        }

        public String result262() {
            return result262;
        }

        public String why() {
            return why;
        }

        @Override
        protected Object[] components() {
            return new Object[] {versions, rule, result, result262, why};
        }

        public boolean applies(int version) {
            return Versions.contains(versions, version);
        }

        /** The row's result as a return value. */
        public int resultValue() {
            return leadingInt(result, rule + "'s result");
        }

        /** 262's result as a return value, where it is one. */
        public OptionalInt result262Value() {
            Matcher m = LEADING_INT.matcher(result262);
            return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
        }
    }

    private final List<Row> rows;

    private LibsystemdDifferences(List<Row> rows) {
        this.rows = Collections.unmodifiableList(rows);
    }

    /** The table, read once from the test class path. */
    public static LibsystemdDifferences load() {
        LibsystemdDifferences d = loaded;
        if (d == null) {
            try (InputStream in = LibsystemdDifferences.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the test class path");
                }
                d = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(RESOURCE, e);
            }
            loaded = d;
        }
        return d;
    }

    static LibsystemdDifferences parse(String text) {
        List<Row> rows = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            if (cells.length != 5) {
                throw new IllegalArgumentException(RESOURCE + ":" + (i + 1) + ": " + cells.length
                        + " columns, not 5 (versions, case, result, result in 262, why)");
            }
            for (String c : cells) {
                if (c.isBlank()) {
                    throw new IllegalArgumentException(RESOURCE + ":" + (i + 1) + ": an empty cell");
                }
            }
            Versions.check(cells[0], RESOURCE + ":" + (i + 1));
            Row row = new Row(cells[0].trim(), cells[1].trim(), cells[2].trim(), cells[3].trim(), cells[4].trim());
            if (!seen.add(row.rule())) {
                throw new IllegalArgumentException(RESOURCE + ":" + (i + 1) + ": case " + row.rule() + " twice");
            }
            rows.add(row);
        }
        return new LibsystemdDifferences(rows);
    }

    public List<Row> rows() {
        return rows;
    }

    /** The row named {@code rule}; a name the table lacks is a mistake in the test. */
    public Row row(String rule) {
        return rows.stream().filter(r -> r.rule().equals(rule)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(RESOURCE + " has no case " + rule));
    }

    /** The row named {@code rule} when it speaks for {@code version}. */
    public Optional<Row> applying(String rule, int version) {
        Row r = row(rule);
        return r.applies(version) ? Optional.of(r) : Optional.empty();
    }

    /** Whether the oracle's version answers {@code rule} unlike 262. */
    public boolean appliesToOracle(String rule) {
        return applying(rule, oracleVersion()).isPresent();
    }

    /**
     * The return value the oracle must give where 262 gives {@code result262}: the row's result when it speaks
     * for the oracle's version, otherwise 262's. A numeric 262 result in the row must be {@code result262}.
     */
    public int expectedFromOracle(String rule, int result262) {
        Row r = row(rule);
        OptionalInt in262 = r.result262Value();
        if (in262.isPresent() && in262.getAsInt() != result262) {
            throw new IllegalArgumentException(RESOURCE + ": case " + rule + " says 262 gives " + in262.getAsInt()
                    + ", the test expects " + result262);
        }
        return r.applies(oracleVersion()) ? r.resultValue() : result262;
    }

    /**
     * The oracle's libsystemd version: {@value #VERSION_PROPERTY} if set, else the leading integer of
     * {@code dpkg-query -W -f='${Version}' libsystemd0}.
     */
    public static int oracleVersion() {
        Integer v = oracleVersion;
        if (v == null) {
            String given = System.getProperty(VERSION_PROPERTY);
            v = given != null && !given.isBlank() ? leadingInt(given.trim(), VERSION_PROPERTY)
                    : leadingInt(dpkgVersion(), "dpkg's libsystemd0 version");
            oracleVersion = v;
        }
        return v;
    }

    private static String dpkgVersion() {
        String how = "set -D" + VERSION_PROPERTY + "=N to name the oracle's libsystemd version";
        try {
            Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Version}", "libsystemd0")
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            String out;
            // Closed at once: a pipe left for the collector would be an open fd the listen tests count.
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("dpkg-query -W libsystemd0 failed (" + out + "): " + how);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("dpkg-query could not run (" + e.getMessage() + "): " + how, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for dpkg-query", e);
        }
    }

    static int leadingInt(String text, String what) {
        Matcher m = LEADING_INT.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException(what + " does not start with a number: " + text);
        }
        return Integer.parseInt(m.group(1));
    }

    /** The versions column: {@code N}, {@code N-M} and {@code < N}, separated by commas. */
    static final class Versions {
        private static final Pattern ITEM = Pattern.compile("\\s*(?:<\\s*([0-9]+)|([0-9]+)\\s*-\\s*([0-9]+)|([0-9]+))\\s*");

        private Versions() {}

        static void check(String spec, String where) {
            for (String item : spec.split(",", -1)) {
                Matcher m = ITEM.matcher(item);
                if (!m.matches()) {
                    throw new IllegalArgumentException(where + ": '" + item.trim()
                            + "' is not a version, a range N-M or '< N'");
                }
                if (m.group(2) != null && Integer.parseInt(m.group(2)) > Integer.parseInt(m.group(3))) {
                    throw new IllegalArgumentException(where + ": the range " + item.trim() + " is empty");
                }
            }
        }

        static boolean contains(String spec, int version) {
            for (String item : spec.split(",", -1)) {
                Matcher m = ITEM.matcher(item);
                if (!m.matches()) {
                    throw new IllegalArgumentException("'" + item + "' is not a version item");
                }
                if (m.group(1) != null ? version < Integer.parseInt(m.group(1))
                        : m.group(2) != null ? version >= Integer.parseInt(m.group(2))
                                && version <= Integer.parseInt(m.group(3))
                        : version == Integer.parseInt(m.group(4))) {
                    return true;
                }
            }
            return false;
        }
    }
}
