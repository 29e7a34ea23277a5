package dev.sdnotify.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what run.sh collected in one directory and prints the one table: per-call medians for the Java
 * benchmarks on each gateway and the C baselines, their ratios against the goals, allocation, cold start,
 * the FFM first call's steps and the classes a first call loads. Also writes it to summary.txt there. A
 * missing figure (a benchmark filtered out, a failed step) shows as "-".
 *
 * <p>Inputs: jmh.tsv and jmh-ffm.tsv (from {@link RunBenchmarks}, on the JNA and the FFM gateway), c.tsv
 * ("mode TAB median TAB min TAB max", ns per call), cold.tsv ("variant TAB ready_ms TAB exit_ms TAB
 * first_call_ms"), stages.tsv ("mode TAB index TAB ns TAB label", one line per step and launch, from
 * FfmStages), classes.tsv ("variant TAB loaded TAB not from CDS TAB generated"), drain.txt (the receiver's
 * counts); run.sh's settings, the JDKs and the machine's load come as -Dbench.settings, -Dbench.jdks and
 * -Dbench.load.
 */
public final class Summary {
    /** The JDK 11..21 cold-start variants that use the library, in run.sh's names; their empty launch is "none". */
    private static final String[] COLD_VARIANTS = {"java", "libsystemd", "java-tuned", "libsystemd-tuned"};
    /** The same on the JDK 22+, with the least FFM program; their empty launch is "none-ffm". */
    private static final String[] FFM_COLD_VARIANTS = {"ffm-java", "ffm-libsystemd", "ffm-java-tuned",
        "ffm-libsystemd-tuned", "ffm-minimal"};
    private static final String COLD_FORMAT = "%-42s %10s %12s %12s %12s %12s %12s";
    private static final String API_FORMAT = "%-38s %8s %6s %6s %8s %6s %6s   %8s %6s %6s %8s %6s %6s";
    /** The gateways' JMH results, by the prefix of their keys. */
    private static final String JNA = "jna";
    private static final String FFM = "ffm";

    private final Map<String, double[]> jmh = new HashMap<>();
    private final Map<String, double[]> c = new HashMap<>();
    private final Map<String, List<double[]>> cold = new HashMap<>();
    /** Per FfmStages mode, its steps' labels by index and their times over launches, in ms. */
    private final Map<String, Map<Integer, String>> stageLabels = new HashMap<>();
    private final Map<String, Map<Integer, List<Double>>> stages = new HashMap<>();
    private final Map<String, double[]> classes = new HashMap<>();
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
        readJmh(dir.resolve("jmh.tsv"), JNA);
        readJmh(dir.resolve("jmh-ffm.tsv"), FFM);
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
        for (String[] row : rows(dir.resolve("stages.tsv"))) {
            if (row.length == 4) {
                int index = Integer.parseInt(row[1]);
                stageLabels.computeIfAbsent(row[0], k -> new TreeMap<>()).put(index, row[3]);
                stages.computeIfAbsent(row[0], k -> new HashMap<>()).computeIfAbsent(index, k -> new ArrayList<>())
                        .add(number(row[2]) / 1e6);
            }
        }
        for (String[] row : rows(dir.resolve("classes.tsv"))) {
            if (row.length == 4) {
                classes.put(row[0], new double[] {number(row[1]), number(row[2]), number(row[3])});
            }
        }
    }

    private void readJmh(Path file, String gateway) throws IOException {
        for (String[] row : rows(file)) {
            if (row.length == 6 && !row[0].equals("benchmark")) {
                jmh.put(gateway + "/" + row[0] + "/" + row[1],
                        new double[] {number(row[2]), number(row[3]), number(row[4]), number(row[5])});
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

    private double ns(String gateway, String benchmark, String backend) {
        double[] v = jmh.get(gateway + "/" + benchmark + "/" + backend);
        return v == null ? Double.NaN : v[0];
    }

    /** (highest - lowest) / median of the timed iterations, in percent: how far to trust the median. */
    private double spread(String gateway, String benchmark, String backend) {
        double[] v = jmh.get(gateway + "/" + benchmark + "/" + backend);
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

    private double bytes(String gateway, String benchmark, String backend) {
        double[] v = jmh.get(gateway + "/" + benchmark + "/" + backend);
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
        line("JDKs: %s.", System.getProperty("bench.jdks", "-"));
        line("Noisy shared machine (%d CPUs): compare rows of one run, not runs of different days.",
                Runtime.getRuntime().availableProcessors());
        line("Load average (1, 5, 15 min): %s.", System.getProperty("bench.load", "-"));
        line("");
        line("Per call: median over timed iterations (JMH) or batches (C) of the mean time per call, same");
        line("receiver (c/drain), one call at a time; spread = (slowest - fastest) / median of those batches;");
        line("B/op from JMH -prof gc (gc.alloc.rate.norm).");
        line(API_FORMAT, "", "JNA gateway", "", "", "", "", "", "FFM gateway", "", "", "", "", "");
        line(API_FORMAT, "", "java", "", "", "libsystemd", "", "", "java", "", "", "libsystemd", "", "");
        line(API_FORMAT, "Java API (per gateway and backend)", "ns/call", "spread", "B/op", "ns/call", "spread",
                "B/op", "ns/call", "spread", "B/op", "ns/call", "spread", "B/op");
        javaRow("SdNotify.watchdog()    WATCHDOG=1", "watchdog");
        javaRow("SdNotify.status(text)  STATUS=...", "status");
        javaRow("Notifier.sendWithFds   FDSTORE=1 +1 fd", "notifyWithFd");
        javaRow("Watchdog.interval()    no send", "interval");
        javaRow("SdNotify.barrier(10 s) BARRIER=1 +fd", "barrier");
        line("");
        line("%-42s %10s %7s", "C baselines, WATCHDOG=1", "ns/call", "spread");
        line("%-42s %10s %7s", "sendto on an open socket (floor)", fmt(c("sendto"), 0), pct(cSpread("sendto")));
        line("%-42s %10s %7s", "sd_notify(0, \"WATCHDOG=1\") via libsystemd", fmt(c("sd_notify"), 0),
                pct(cSpread("sd_notify")));
        line("%-42s %10s %7s", "the java backend's steps, in C (kept)", fmt(c("kept"), 0), pct(cSpread("kept")));
        line("%-42s %10s", "  JNA java watchdog / the same steps in C", fmt(ns(JNA, "watchdog", "java") / c("kept"), 2));
        line("%-42s %10s", "  FFM java watchdog / the same steps in C", fmt(ns(FFM, "watchdog", "java") / c("kept"), 2));
        line("");

        double floor = c("sendto");
        double sdNotify = c("sd_notify");
        line("%-48s %10s %10s  %s", "Goals", "measured", "goal", "");
        for (String gateway : new String[] {JNA, FFM}) {
            String g = gateway.toUpperCase(Locale.ROOT);
            double javaWatchdog = ns(gateway, "watchdog", "java");
            double libsystemdWatchdog = ns(gateway, "watchdog", "libsystemd");
            // The JNA goal is the older one; FFM, with no proxy and no stub in between, is held to 1.3.
            double floorGoal = gateway.equals(JNA) ? 1.5 : 1.3;
            goal(g + " java watchdog / C sendto floor", javaWatchdog / floor, 2, "<= " + floorGoal,
                    javaWatchdog / floor <= floorGoal);
            goal(g + " java watchdog allocation, B/op", bytes(gateway, "watchdog", "java"), 1, "0",
                    bytes(gateway, "watchdog", "java") < 1);
            goal("C sd_notify / " + g + " java watchdog", sdNotify / javaWatchdog, 2, ">= 4",
                    sdNotify / javaWatchdog >= 4);
            goal(g + " libsystemd watchdog / C sd_notify", libsystemdWatchdog / sdNotify, 2, "<= 1.3",
                    libsystemdWatchdog / sdNotify <= 1.3);
        }
        String[] library = concat(COLD_VARIANTS, "ffm-java", "ffm-libsystemd", "ffm-java-tuned", "ffm-libsystemd-tuned");
        for (String variant : library) {
            double first = coldMedian(variant, 2);
            goal("first call, " + variant + ", ms", first, 1, "< 30", first < 30);
        }
        for (String variant : library) {
            double added = added(variant, 0);
            goal("launch-to-READY added, " + variant + ", ms", added, 1, "< 50", added < 50);
        }
        // The start-up goal on FFM: what the library adds to an empty JVM, against what the least
        // FFM program adds to the same JVM.
        double minimalAdded = added("ffm-minimal", 0);
        double minimalFirst = coldMedian("ffm-minimal", 2);
        for (String variant : new String[] {"ffm-java", "ffm-libsystemd"}) {
            double ratio = added(variant, 0) / minimalAdded;
            goal("READY added, " + variant + " / minimal FFM", ratio, 2, "<= 1.25", ratio <= 1.25);
        }
        for (String variant : new String[] {"ffm-java", "ffm-libsystemd"}) {
            double ratio = coldMedian(variant, 2) / minimalFirst;
            goal("first call, " + variant + " / minimal FFM", ratio, 2, "<= 1.25", ratio <= 1.25);
        }
        line("");

        int launches = cold.getOrDefault("none", List.of()).size();
        line("Cold start, %d launches of each, interleaved; medians in ms. \"tuned\": the JVM-wide startup", launches);
        line("settings a deployer may choose: on JNA an AppCDS archive, jna.boot.library.path and");
        line("jna.platform.library.path; on FFM the JDK's AOT cache (-XX:AOTCache). \"added\": minus the same JDK's");
        line("launch without the library (untuned). \"minimal FFM\": MinimalFfmReady, getenv, socket, sendto and");
        line("close through java.lang.foreign and nothing else.");
        line(COLD_FORMAT, "JNA gateway", "no library", "java", "libsystemd", "java tuned", "libsd. tuned", "");
        coldRows("none", COLD_VARIANTS);
        line(COLD_FORMAT, "FFM gateway", "no library", "java", "libsystemd", "java tuned", "libsd. tuned",
                "minimal FFM");
        coldRows("none-ffm", FFM_COLD_VARIANTS);
        line("");

        printStages();
        printClasses();
        Path drain = dir.resolve("drain.txt");
        line("receiver: %s", Files.exists(drain) ? Files.readString(drain).trim() : "-");
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    /** A variant's cold-start median minus that of its JDK's launch without the library. */
    private double added(String variant, int column) {
        String none = variant.startsWith("ffm-") ? "none-ffm" : "none";
        return coldMedian(variant, column) - coldMedian(none, column);
    }

    private void javaRow(String label, String benchmark) {
        List<String> cells = new ArrayList<>();
        cells.add(label);
        for (String gateway : new String[] {JNA, FFM}) {
            for (String backend : new String[] {"java", "libsystemd"}) {
                cells.add(fmt(ns(gateway, benchmark, backend), 0));
                cells.add(pct(spread(gateway, benchmark, backend)));
                cells.add(fmt(bytes(gateway, benchmark, backend), 1));
            }
        }
        line(API_FORMAT, cells.toArray());
    }

    private void coldRows(String none, String[] variants) {
        coldRow("launch to READY=1", none, variants, 0, false);
        coldRow("  added by the library", none, variants, 0, true);
        coldRow("launch to exit", none, variants, 1, false);
        coldRow("  added by the library", none, variants, 1, true);
        coldRow("first call in the process (SdNotify.ready)", none, variants, 2, false);
    }

    private void coldRow(String label, String noneVariant, String[] variants, int column, boolean added) {
        double none = coldMedian(noneVariant, column);
        String[] cells = new String[7];
        Arrays.fill(cells, "");
        cells[0] = label;
        cells[1] = added ? "" : fmt(none, 1);
        for (int i = 0; i < variants.length; i++) {
            double value = coldMedian(variants[i], column);
            cells[i + 2] = fmt(added ? value - none : value, 1);
        }
        line(COLD_FORMAT, (Object[]) cells);
    }

    /** FfmStages: per backend, each step's median over the fresh JVMs, in the order the steps ran. */
    private void printStages() {
        if (stages.isEmpty()) {
            return;
        }
        int launches = stages.values().iterator().next().getOrDefault(0, List.of()).size();
        line("The FFM first call step by step (FfmStages: the library's steps, handle signatures and options");
        line("written out), median of %d fresh JVMs each, ms; a step's time includes the JDK machinery it is", launches);
        line("the first to load, so it holds only in this order.");
        for (String mode : new String[] {"java", "libsystemd", "library-java", "library-libsystemd"}) {
            Map<Integer, String> labels = stageLabels.get(mode);
            if (labels == null) {
                continue;
            }
            line("  %s", mode.startsWith("library-") ? "the library itself, " + mode.substring(8) + " backend"
                    : "written out, " + mode + " backend");
            for (Map.Entry<Integer, String> e : labels.entrySet()) {
                double ms = RunBenchmarks.median(stages.get(mode).get(e.getKey()));
                String label = e.getKey() == 99 ? "sum of the steps (median of the sums)" : e.getValue();
                line("    %-76s %8s", label, fmt(ms, 1));
            }
        }
        line("");
    }

    /** -Xlog:class+load counts: each first call's launch minus its JDK's empty launch. */
    private void printClasses() {
        if (classes.isEmpty()) {
            return;
        }
        line("Classes loaded by the first call (-Xlog:class+load: a launch that calls SdNotify.ready() and prints");
        line("nothing, minus the same JDK's empty launch; CDS: served by the JDK's class data archive; generated:");
        line("hidden classes spun at run time, lambda forms, lambdas, FFM stubs).");
        String format = "%-42s %10s %14s %12s";
        line(format, "", "all", "not from CDS", "generated");
        String[][] rows = {
            {"none", "JNA JDK, empty launch (absolute)", null},
            {"java", "JNA java", "none"},
            {"libsystemd", "JNA libsystemd", "none"},
            {"none-ffm", "FFM JDK, empty launch (absolute)", null},
            {"ffm-java", "FFM java", "none-ffm"},
            {"ffm-libsystemd", "FFM libsystemd", "none-ffm"},
            {"ffm-minimal", "minimal FFM program", "none-ffm"},
        };
        for (String[] row : rows) {
            double[] v = classes.get(row[0]);
            double[] base = row[2] == null ? new double[3] : classes.get(row[2]);
            if (v == null || base == null) {
                line(format, row[1], "-", "-", "-");
                continue;
            }
            line(format, row[1], fmt(v[0] - base[0], 0), fmt(v[1] - base[1], 0), fmt(v[2] - base[2], 0));
        }
        line("");
    }

    private void goal(String label, double value, int decimals, String goal, boolean met) {
        String verdict = Double.isNaN(value) ? "not measured" : met ? "met" : "not met";
        line("%-48s %10s %10s  %s", label, fmt(value, decimals), goal, verdict);
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
