package dev.sdnotify.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH with its usual command line, then writes one line per benchmark and backend to the file named
 * by -Dbench.results: the median over measurement iterations of ns/op, and of B/op when -prof gc ran, and
 * the lowest and highest iteration's ns/op.
 * Medians, as for the C baselines' batches, so both sides are read the same way.
 */
public final class RunBenchmarks {
    private static final String ALLOCATION = "gc.alloc.rate.norm";

    private RunBenchmarks() {}

    public static void main(String[] args) throws Exception {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("JMH options: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
                || options.shouldListProfilers() || options.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Collection<RunResult> results = new Runner(options).run();
        Path out = Path.of(System.getProperty("bench.results", "target/bench/jmh.tsv"));
        write(results, out);
        System.out.println("medians written to " + out);
    }

    private static void write(Collection<RunResult> results, Path out) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("benchmark\tbackend\tmedian_ns_per_op\tmedian_bytes_per_op\tmin_ns_per_op\tmax_ns_per_op");
        for (RunResult run : results) {
            BenchmarkParams params = run.getParams();
            String name = params.getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            String backend = params.getParamsKeys().contains("backend") ? params.getParam("backend") : "-";
            List<Double> nanos = new ArrayList<>();
            List<Double> bytes = new ArrayList<>();
            for (BenchmarkResult fork : run.getBenchmarkResults()) {
                for (IterationResult iteration : fork.getIterationResults()) {
                    Result<?> primary = iteration.getPrimaryResult();
                    nanos.add(primary.getScore() * nanosPer(primary.getScoreUnit()));
                    for (Map.Entry<String, Result> e : iteration.getSecondaryResults().entrySet()) {
                        if (e.getKey().endsWith(ALLOCATION)) {
                            bytes.add(e.getValue().getScore());
                        }
                    }
                }
            }
            lines.add(String.join("\t", name, backend, format(median(nanos)), format(median(bytes)),
                    format(nanos.isEmpty() ? Double.NaN : Collections.min(nanos)),
                    format(nanos.isEmpty() ? Double.NaN : Collections.max(nanos))));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, lines);
    }

    /** Average-time units only: a per-call figure is what the summary compares. */
    private static double nanosPer(String unit) {
        switch (unit) {
            case "ns/op":
                return 1;
            case "us/op":
                return 1e3;
            case "ms/op":
                return 1e6;
            case "s/op":
                return 1e9;
            default:
                throw new IllegalArgumentException("score unit " + unit
                        + " is not a time per operation: run in average-time mode (-bm avgt)");
        }
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String format(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
    }
}
