package dev.sdnotify.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads what run.sh collected in one directory and prints the one table: per-call medians for the Java
 * benchmarks and the C baselines, their ratios against the goals, allocation, and cold start. Also writes
 * it to summary.txt there. A missing figure (a benchmark filtered out, a failed step) shows as "-".
 *
 * <p>Inputs: jmh.tsv (from {@link RunBenchmarks}), c.tsv ("mode TAB median TAB min TAB max", ns per call),
 * cold.tsv ("variant TAB
 * ready_ms TAB exit_ms TAB first_call_ms"), drain.txt (the receiver's counts); run.sh's settings and the
 * machine's load come as -Dbench.settings and -Dbench.load.
 */
public final class Summary {
    /** The cold-start variants that use the library, in run.sh's names. */
    private static final String[] COLD_VARIANTS = {"java", "libsystemd", "java-tuned", "libsystemd-tuned"};
    private static final String COLD_FORMAT = "%-42s %10s %12s %12s %12s %12s";

    private final Map<String, double[]> jmh = new HashMap<>();
    private final Map<String, double[]> c = new HashMap<>();
    private final Map<String, List<double[]>> cold = new HashMap<>();
    private final StringBuilder out = new StringBuilder();

    private Summary() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Summary RESULTS_DIRECTORY");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Summary s = new Summary();
        s.read(dir);
        s.print(dir);
        Files.writeString(dir.resolve("summary.txt"), s.out.toString());
        System.out.print(s.out);
    }

    private void read(Path dir) throws IOException {
        for (String[] row : rows(dir.resolve("jmh.tsv"))) {
            if (row.length == 6 && !row[0].equals("benchmark")) {
                jmh.put(row[0] + "/" + row[1],
                        new double[] {number(row[2]), number(row[3]), number(row[4]), number(row[5])});
            }
        }
        for (String[] row : rows(dir.resolve("c.tsv"))) {
            if (row.length == 4) {
                c.put(row[0], new double[] {number(row[1]), number(row[2]), number(row[3])});
            }
        }
        for (String[] row : rows(dir.resolve("cold.tsv"))) {
            if (row.length == 4) {
                cold.computeIfAbsent(row[0], k -> new ArrayList<>())
                        .add(new double[] {number(row[1]), number(row[2]), number(row[3])});
            }
        }
    }

    private static List<String[]> rows(Path file) throws IOException {
        List<String[]> rows = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    rows.add(line.split("\t"));
                }
            }
        }
        return rows;
    }

    private static double number(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private double ns(String benchmark, String backend) {
        double[] v = jmh.get(benchmark + "/" + backend);
        return v == null ? Double.NaN : v[0];
    }

    /** (highest - lowest) / median of the timed iterations, in percent: how far to trust the median. */
    private double spread(String benchmark, String backend) {
        double[] v = jmh.get(benchmark + "/" + backend);
        return v == null ? Double.NaN : spread(v[0], v[2], v[3]);
    }

    private static double spread(double median, double min, double max) {
        return 100 * (max - min) / median;
    }

    private double c(String mode) {
        double[] v = c.get(mode);
        return v == null ? Double.NaN : v[0];
    }

    private double cSpread(String mode) {
        double[] v = c.get(mode);
        return v == null ? Double.NaN : spread(v[0], v[1], v[2]);
    }

    private double bytes(String benchmark, String backend) {
        double[] v = jmh.get(benchmark + "/" + backend);
        return v == null ? Double.NaN : v[1];
    }

    /**
     * Median over launches of column {@code column} (0 ready, 1 exit, 2 first call) for a variant; NaN where
     * there is none, as for the first call of the launches without the library.
     */
    private double coldMedian(String variant, int column) {
        List<Double> values = new ArrayList<>();
        for (double[] launch : cold.getOrDefault(variant, List.of())) {
            if (!Double.isNaN(launch[column])) {
                values.add(launch[column]);
            }
        }
        return RunBenchmarks.median(values);
    }

    private void print(Path dir) throws IOException {
        line("sdnotify benchmarks, %s", System.getProperty("bench.settings", ""));
        line("Noisy shared machine (%d CPUs): compare rows of one run, not runs of different days.",
                Runtime.getRuntime().availableProcessors());
        line("Load average (1, 5, 15 min): %s.", System.getProperty("bench.load", "-"));
        line("");
        line("Per call: median over timed iterations (JMH) or batches (C) of the mean time per call, same");
        line("receiver (c/drain), one call at a time; spread = (slowest - fastest) / median of those batches;");
        line("B/op from JMH -prof gc (gc.alloc.rate.norm).");
        line("%-42s %10s %7s %8s %12s %7s %8s", "", "java", "", "", "libsystemd", "", "");
        line("%-42s %10s %7s %8s %12s %7s %8s", "Java API (per backend)", "ns/call", "spread", "B/op", "ns/call",
                "spread", "B/op");
        javaRow("SdNotify.watchdog()       WATCHDOG=1", "watchdog");
        javaRow("SdNotify.status(text)     STATUS=...", "status");
        javaRow("Notifier.sendWithFds      FDSTORE=1 +1 fd", "notifyWithFd");
        javaRow("Watchdog.interval()       no send", "interval");
        javaRow("SdNotify.barrier(10 s)    BARRIER=1 +fd", "barrier");
        line("");
        line("%-42s %10s %7s", "C baselines, WATCHDOG=1", "ns/call", "spread");
        line("%-42s %10s %7s", "sendto on an open socket (floor)", fmt(c("sendto"), 0), pct(cSpread("sendto")));
        line("%-42s %10s %7s", "sd_notify(0, \"WATCHDOG=1\") via libsystemd", fmt(c("sd_notify"), 0),
                pct(cSpread("sd_notify")));
        line("%-42s %10s %7s", "the java backend's steps, in C (kept)", fmt(c("kept"), 0), pct(cSpread("kept")));
        line("%-42s %10s", "  java watchdog / the same steps in C", fmt(ns("watchdog", "java") / c("kept"), 2));
        line("");

        double javaWatchdog = ns("watchdog", "java");
        double libsystemdWatchdog = ns("watchdog", "libsystemd");
        double floor = c("sendto");
        double sdNotify = c("sd_notify");
        double none = coldMedian("none", 0);
        line("%-42s %10s %10s  %s", "Goals", "measured", "goal", "");
        goal("java watchdog / C sendto floor", javaWatchdog / floor, 2, "<= 1.5", javaWatchdog / floor <= 1.5);
        goal("C sd_notify / java watchdog", sdNotify / javaWatchdog, 2, ">= 4", sdNotify / javaWatchdog >= 4);
        goal("libsystemd watchdog / C sd_notify", libsystemdWatchdog / sdNotify, 2, "<= 1.3",
                libsystemdWatchdog / sdNotify <= 1.3);
        double javaBytes = bytes("watchdog", "java");
        goal("java watchdog allocation, B/op", javaBytes, 1, "0", javaBytes < 1);
        for (String variant : COLD_VARIANTS) {
            double first = coldMedian(variant, 2);
            goal("first call, " + variant + ", ms", first, 1, "< 30", first < 30);
        }
        for (String variant : COLD_VARIANTS) {
            double added = coldMedian(variant, 0) - none;
            goal("launch-to-READY added, " + variant + ", ms", added, 1, "< 50", added < 50);
        }
        line("");

        int launches = cold.getOrDefault("none", List.of()).size();
        line("Cold start, %d launches of each, interleaved; medians in ms. \"tuned\": the JVM-wide startup", launches);
        line("settings a deployer may choose (AppCDS archive, jna.boot.library.path, jna.platform.library.path).");
        line(COLD_FORMAT, "", "no library", "java", "libsystemd", "java tuned", "libsd. tuned");
        coldRow("launch to READY=1", 0, false);
        coldRow("  added by the library", 0, true);
        coldRow("launch to exit", 1, false);
        coldRow("  added by the library", 1, true);
        coldRow("first SdNotify call in the process", 2, false);
        line("");
        Path drain = dir.resolve("drain.txt");
        line("receiver: %s", Files.exists(drain) ? Files.readString(drain).trim() : "-");
    }

    private void javaRow(String label, String benchmark) {
        line("%-42s %10s %7s %8s %12s %7s %8s", label, fmt(ns(benchmark, "java"), 0), pct(spread(benchmark, "java")),
                fmt(bytes(benchmark, "java"), 1), fmt(ns(benchmark, "libsystemd"), 0),
                pct(spread(benchmark, "libsystemd")), fmt(bytes(benchmark, "libsystemd"), 1));
    }

    private void coldRow(String label, int column, boolean added) {
        double none = coldMedian("none", column);
        String[] cells = new String[COLD_VARIANTS.length + 2];
        cells[0] = label;
        cells[1] = added ? "" : fmt(none, 1);
        for (int i = 0; i < COLD_VARIANTS.length; i++) {
            double value = coldMedian(COLD_VARIANTS[i], column);
            cells[i + 2] = fmt(added ? value - none : value, 1);
        }
        line(COLD_FORMAT, (Object[]) cells);
    }

    private void goal(String label, double value, int decimals, String goal, boolean met) {
        String verdict = Double.isNaN(value) ? "not measured" : met ? "met" : "not met";
        line("%-42s %10s %10s  %s", label, fmt(value, decimals), goal, verdict);
    }

    private static String fmt(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    private static String pct(double value) {
        String v = fmt(value, 0);
        return v.equals("-") ? v : v + "%";
    }

    private void line(String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
