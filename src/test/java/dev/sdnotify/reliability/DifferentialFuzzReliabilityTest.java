package dev.sdnotify.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sdnotify.BothBackends;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Daemon;
import dev.sdnotify.reliability.FuzzCase.Op;
import dev.sdnotify.reliability.FuzzWorld.Comparison;
import dev.sdnotify.reliability.FuzzWorld.Outcome;
import dev.sdnotify.testing.FastLibc;
import dev.sdnotify.testing.LibsystemdDifferences;
import dev.sdnotify.testing.ReliabilityReport;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential fuzzing of the Java backend against libsystemd: seeded random cases (see
 * {@link FuzzGenerator}) and the corpus in {@code src/test/resources/fuzz-corpus}, each run on both
 * backends from the same C environment, comparing everything observable ({@link FuzzWorld.Outcome}).
 * A mismatch is shrunk to a minimal case and reported with the seed. The java backend answers as libsystemd
 * 262 does; where the oracle's version answers otherwise, {@code libsystemd-differences.tsv} names the case and
 * {@link DifferenceRules} recognises it: only such a difference is tolerated, and counted per case.
 *
 * <p>{@code -Dsdnotify.fuzz.seed=N} replays a run, {@code -Dsdnotify.fuzz.cases=N} sets its size, and
 * {@code -Dsdnotify.fuzz.corpusOut=FILE} writes one shrunk case per distinct libsystemd outcome, to seed
 * the corpus.
 */
@Tag("reliability")
@ExtendWith(CleanEnvironment.class)
class DifferentialFuzzReliabilityTest {
    static final String CORPUS = "fuzz-corpus";
    static final int RERUNS = 3;
    /**
     * The one kind of difference known not to come from the backends, by name: a listen call that walks
     * fds from 3 up to the first closed one, marking each close-on-exec, sees another JVM thread open or close
     * an fd in that range (the JVM reads cgroup files now and then), so which fds were marked differs from run
     * to run while the result and the environment agree. Only a difference in the marked fds alone, in a listen
     * case, is this kind; any other difference fails the run, reproduced or not.
     */
    static final String QUARANTINED = "listen-cloexec-race";

    static boolean isQuarantined(FuzzCase c, Comparison r, int version) {
        Outcome a = r.oracle();
        Outcome b = r.ours();
        return (c.op() == Op.LISTEN || c.op() == Op.LISTEN_NAMES) && a.ret() == b.ret() && a.out().equals(b.out())
                && a.received().equals(b.received()) && sameEnvironmentBut(c, a, b, version)
                && !a.madeCloexec().equals(b.madeCloexec());
    }

    /**
     * Equal environments afterwards, or, where the listen-pidfdid row applies to the oracle, equal but for the
     * LISTEN_PIDFDID the oracle keeps and ours unsets: a race in the cloexec walk beside that known difference
     * (whose own rule compares two oracle runs' walks, which the race makes differ) is still the race.
     */
    static boolean sameEnvironmentBut(FuzzCase c, Outcome oracle, Outcome ours, int version) {
        if (oracle.envAfter().equals(ours.envAfter())) {
            return true;
        }
        if (c.variable(FuzzCase.LISTEN_PIDFDID) == null || DIFFERENCES.applying("listen-pidfdid", version).isEmpty()
                || !ours.envAfter().get(FuzzCase.LISTEN_PIDFDID).equals("unset")) {
            return false;
        }
        List<String> kept = new ArrayList<>(ours.envAfter());
        kept.set(FuzzCase.LISTEN_PIDFDID, oracle.envAfter().get(FuzzCase.LISTEN_PIDFDID));
        return oracle.envAfter().equals(kept);
    }
    static Daemon libsystemd;
    static Daemon java;
    static FuzzWorld world;
    static final LibsystemdDifferences DIFFERENCES = LibsystemdDifferences.load();
    /** Corpus cases whose difference a row of the table explains, per case of the table. */
    static final Map<String, Integer> CORPUS_TOLERATED = new java.util.concurrent.ConcurrentSkipListMap<>();

    @BeforeAll
    static void setUp() throws IOException {
        BothBackends both = BothBackends.load();
        libsystemd = both.libsystemd;
        java = both.java;
        world = new FuzzWorld();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (world != null) {
            world.close();
        }
        if (!CORPUS_TOLERATED.isEmpty()) {
            ReliabilityReport.figure("fuzz.corpus.tolerated", CORPUS_TOLERATED);
        }
    }

    static Comparison compare(Daemon oracle, Daemon candidate, FuzzCase c) {
        return world.compare(oracle, candidate, c);
    }

    /**
     * The case of {@code libsystemd-differences.tsv} that explains the difference in {@code r} for the oracle's
     * version (the java backend answers as 262 does, the oracle as its own version), or null: then it counts.
     */
    static String tolerated(FuzzCase c, Comparison r) {
        return DifferenceRules.explaining(c, r, other -> world.runAlone(libsystemd, other), DIFFERENCES,
                LibsystemdDifferences.oracleVersion());
    }

    static String abbreviated(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }

    /** A difference no row of the table explains. */
    static boolean differs(Daemon candidate, FuzzCase c) {
        Comparison r = compare(libsystemd, candidate, c);
        return !r.agree() && tolerated(c, r) == null;
    }

    /**
     * Whether a difference shows again in each of {@link #RERUNS} reruns. One that goes away did not come
     * from the backend: another thread of this JVM opened or closed an fd at the first closed fd, where a
     * listen call stops (the JVM reads cgroup files now and then).
     */
    static boolean reproduces(Daemon candidate, FuzzCase c) {
        for (int i = 0; i < RERUNS; i++) {
            if (!differs(candidate, c)) {
                return false;
            }
        }
        return true;
    }

    static String mismatchReport(String where, FuzzCase original, Comparison first, Daemon candidate) {
        int[] attempts = {0};
        FuzzCase minimal = Shrinker.shrink(original, c -> differs(candidate, c) && differs(candidate, c), attempts);
        Comparison again = compare(libsystemd, candidate, minimal);
        return "the java backend differs from libsystemd (" + where + ")\n"
                + "  input:      " + original.toLine() + "\n"
                + "  libsystemd: " + first.oracle() + "\n"
                + "  java:       " + first.ours() + "\n"
                + "  minimal:    " + minimal.toLine() + "   (" + attempts[0] + " shrink attempts)\n"
                + "  libsystemd: " + again.oracle() + "\n"
                + "  java:       " + again.ours()
                + (again.agree() ? "\n  (the difference did not show again: it depends on timing or state)" : "");
    }

    // ---- the corpus --------------------------------------------------------------------------------

    static Path corpusDirectory() throws URISyntaxException {
        return Path.of(DifferentialFuzzReliabilityTest.class.getClassLoader().getResource(CORPUS).toURI());
    }

    static List<Arguments> corpusLines() throws IOException, URISyntaxException {
        List<Arguments> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(corpusDirectory())) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    out.add(Arguments.of(file.getFileName() + ":" + (i + 1), line));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("corpusLines")
    void corpusCase(String where, String line) {
        FuzzCase c = FuzzCase.parse(line);
        assertEquals(line, c.toLine(), "corpus lines are written in their canonical form");
        Comparison r = compare(libsystemd, java, c);
        if (r.agree()) {
            return;
        }
        String rule = tolerated(c, r);
        if (rule != null) {
            CORPUS_TOLERATED.merge(rule, 1, Integer::sum);
        } else if (reproduces(java, c)) {
            fail(mismatchReport("corpus " + where, c, r, java));
        }
    }

    @Test
    void corpusIsLargeAndCoversEveryOperation() throws IOException, URISyntaxException {
        List<Arguments> lines = corpusLines();
        Map<Op, Integer> perOp = new EnumMap<>(Op.class);
        for (Arguments a : lines) {
            perOp.merge(FuzzCase.parse((String) a.get()[1]).op(), 1, Integer::sum);
        }
        ReliabilityReport.figure("fuzz.corpus.cases", lines.size());
        ReliabilityReport.figure("fuzz.corpus.perOperation", perOp);
        for (Op op : Op.values()) {
            assertTrue(perOp.getOrDefault(op, 0) >= 5, "corpus cases for " + op.word + ": " + perOp);
        }
    }

    // ---- random cases ------------------------------------------------------------------------------

    static long seed() {
        String given = System.getProperty("sdnotify.fuzz.seed");
        return given == null || given.isBlank() ? new SecureRandom().nextLong() : Long.decode(given.trim());
    }

    @Test
    void randomCasesAgree() throws IOException {
        long seed = seed();
        int cases = Integer.getInteger("sdnotify.fuzz.cases", 100_000);
        String corpusOut = System.getProperty("sdnotify.fuzz.corpusOut");
        ReliabilityReport.figure("fuzz.seed", seed);
        FuzzGenerator generator = new FuzzGenerator(seed);
        Map<Op, Integer> perOp = new EnumMap<>(Op.class);
        Map<String, FuzzCase> firstPerSignature = new LinkedHashMap<>();
        long datagrams = 0;
        List<String> unreproduced = new ArrayList<>();
        List<String> quarantined = new ArrayList<>();
        Map<String, Integer> results = new java.util.TreeMap<>();
        Map<String, Integer> tolerated = new LinkedHashMap<>();
        Map<String, String> toleratedExample = new LinkedHashMap<>();
        int version = LibsystemdDifferences.oracleVersion();
        for (String rule : DifferenceRules.RULES.keySet()) {
            if (DIFFERENCES.applying(rule, version).isPresent()) {
                tolerated.put(rule, 0);
            }
        }
        long start = System.nanoTime();
        String mismatch = null;
        int run = 0;
        for (; run < cases && mismatch == null; run++) {
            FuzzCase c = generator.caseAt(run);
            Comparison r = compare(libsystemd, java, c);
            perOp.merge(c.op(), 1, Integer::sum);
            int ret = r.oracle().ret();
            results.merge(c.op().word + " " + (ret > 1 ? ">1" : Integer.toString(ret)), 1, Integer::sum);
            datagrams += r.oracle().received().size();
            String rule = r.agree() ? null : tolerated(c, r);
            if (rule != null) {
                tolerated.merge(rule, 1, Integer::sum);
                toleratedExample.putIfAbsent(rule, abbreviated(rule + ": " + c.toLine()) + "  libsystemd: ret="
                        + r.oracle().ret() + "  java: ret=" + r.ours().ret());
            } else if (!r.agree()) {
                if (reproduces(java, c)) {
                    mismatch = mismatchReport("seed " + seed + ", case " + run
                            + "; rerun with -Dsdnotify.fuzz.seed=" + seed, c, r, java);
                } else if (isQuarantined(c, r, version)) {
                    quarantined.add(c.toLine() + "  libsystemd: " + r.oracle() + "  java: " + r.ours());
                } else {
                    unreproduced.add(c.toLine() + "  libsystemd: " + r.oracle() + "  java: " + r.ours());
                }
            } else if (corpusOut != null) {
                firstPerSignature.putIfAbsent(signature(c, r.oracle()), c);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ReliabilityReport.figure("fuzz.cases", run);
        ReliabilityReport.figure("fuzz.seconds", String.format("%.1f", seconds));
        ReliabilityReport.figure("fuzz.casesPerSecond", String.format("%.0f", run / seconds));
        ReliabilityReport.figure("fuzz.perOperation", perOp);
        ReliabilityReport.figure("fuzz.datagramsReceivedFromLibsystemd", datagrams);
        ReliabilityReport.figure("fuzz.libsystemdResults", results);
        ReliabilityReport.figure("fuzz.mismatches", mismatch == null ? 0 : 1);
        ReliabilityReport.figure("fuzz.unreproducedDifferences", unreproduced.size());
        ReliabilityReport.figure("fuzz.quarantined." + QUARANTINED, quarantined.size());
        // Differences libsystemd-differences.tsv explains for this oracle (libsystemd <version>), per case.
        ReliabilityReport.figure("fuzz.oracleVersion", version);
        for (Map.Entry<String, Integer> t : tolerated.entrySet()) {
            ReliabilityReport.figure("fuzz.tolerated." + t.getKey(), t.getValue());
        }
        for (String example : toleratedExample.values()) {
            ReliabilityReport.figure("fuzz.toleratedExample", example);
        }
        for (String q : quarantined.subList(0, Math.min(3, quarantined.size()))) {
            ReliabilityReport.figure("fuzz.quarantinedExample", q);
        }
        for (String u : unreproduced.subList(0, Math.min(3, unreproduced.size()))) {
            ReliabilityReport.figure("fuzz.unreproducedExample", u);
        }
        if (corpusOut != null && mismatch == null) {
            writeCorpus(Path.of(corpusOut), seed, firstPerSignature);
        }
        if (mismatch != null) {
            fail(mismatch);
        }
        assertEquals(cases, run);
        assertEquals(List.of(), unreproduced, "differences that did not reproduce, outside the quarantined kind "
                + QUARANTINED);
    }

    /** What kind of outcome libsystemd gave, coarse enough that each kind is worth one corpus line. */
    static String signature(FuzzCase c, Outcome o) {
        StringBuilder s = new StringBuilder(c.op().word).append(" ret=").append(o.ret() > 1 ? ">1" : o.ret());
        String out = o.out();
        s.append(" out=").append(out.matches("[0-9]+") ? "value" : out.startsWith("[") ? "names" : out);
        s.append(" received=").append(o.received().size());
        for (String d : o.received()) {
            s.append(d.contains(" fds ") ? "+fds" : "").append(d.contains("from self") ? "" : "+foreign");
        }
        s.append(" cloexec=").append(o.madeCloexec().isEmpty() ? "none" : o.madeCloexec().contains("(all)") ? "all"
                : o.madeCloexec().equals("-") ? "-" : "some");
        for (int v = 0; v < FuzzCase.VARIABLES.size(); v++) {
            boolean before = c.variable(v) != null;
            boolean after = !o.envAfter().get(v).equals("unset");
            s.append(before == after ? '=' : after ? '+' : '-');
        }
        return s.toString();
    }

    private static void writeCorpus(Path file, long seed, Map<String, FuzzCase> firstPerSignature) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Cases found by the fuzzer, one per kind of libsystemd outcome (result, out parameter, datagrams, fds made");
        lines.add("# close-on-exec, variables removed), each shrunk while keeping its kind. Written by a run with");
        lines.add("# -Dsdnotify.fuzz.corpusOut=FILE -Dsdnotify.fuzz.seed=" + seed + "; the lines above each case name its kind.");
        for (Map.Entry<String, FuzzCase> e : firstPerSignature.entrySet()) {
            String kind = e.getKey();
            FuzzCase minimal = Shrinker.shrink(e.getValue(), c -> {
                Comparison r = compare(libsystemd, java, c);
                return r.agree() && signature(c, r.oracle()).equals(kind);
            }, new int[1]);
            lines.add("# " + kind);
            lines.add(minimal.toLine());
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        ReliabilityReport.figure("fuzz.corpusOut", firstPerSignature.size() + " cases written to " + file);
    }

    // ---- the fuzzer itself ---------------------------------------------------------------------------

    @Test
    void everyGeneratedCaseSurvivesItsLineForm() {
        FuzzGenerator generator = new FuzzGenerator(42);
        for (int i = 0; i < 20_000; i++) {
            FuzzCase c = generator.caseAt(i);
            assertEquals(c, FuzzCase.parse(c.toLine()), c.toLine());
        }
    }

    /**
     * The fuzzer can fail: a backend that forgets to unset NOTIFY_SOCKET when a send fails is found, and
     * the shrinker reduces the case to the variable and the flag.
     */
    @Test
    void aPlantedDivergenceIsFoundAndShrunk() {
        Daemon planted = new ForgetfulUnset(java);
        FuzzGenerator generator = new FuzzGenerator(7);
        FuzzCase found = null;
        Comparison first = null;
        for (int i = 0; i < 20_000 && found == null; i++) {
            FuzzCase c = generator.caseAt(i);
            first = compare(libsystemd, planted, c);
            if (!first.agree() && tolerated(c, first) == null) {
                found = c;
            }
        }
        assertNotNull(found, "20000 cases did not find the planted divergence");
        int[] attempts = {0};
        FuzzCase minimal = Shrinker.shrink(found, c -> differs(planted, c), attempts);
        ReliabilityReport.figure("fuzz.planted.minimal", minimal.toLine());
        assertEquals(Op.NOTIFY, minimal.op(), minimal.toLine());
        assertTrue(minimal.unset(), minimal.toLine());
        for (int v = 1; v < FuzzCase.VARIABLES.size(); v++) {
            assertEquals(null, minimal.variable(v), minimal.toLine());
        }
        assertTrue(minimal.toLine().length() < 60, "not shrunk: " + minimal.toLine());
        assertTrue(mismatchReport("planted", found, first, planted).contains("minimal:"));
    }

    /** The Java backend with one planted bug: a failed send leaves NOTIFY_SOCKET set despite unset_environment. */
    record ForgetfulUnset(Daemon d) implements Daemon {
        @Override
        public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds) {
            int r = d.pidNotifyWithFds(pid, false, state, fds, nFds);
            if (unsetEnvironment && r >= 0) {
                FastLibc.unsetenv("NOTIFY_SOCKET");
            }
            return r;
        }

        @Override
        public int notifyBarrier(boolean unsetEnvironment, long timeoutUsec) {
            return d.notifyBarrier(unsetEnvironment, timeoutUsec);
        }

        @Override
        public int pidNotifyBarrier(int pid, boolean unsetEnvironment, long timeoutUsec) {
            return d.pidNotifyBarrier(pid, unsetEnvironment, timeoutUsec);
        }

        @Override
        public int watchdogEnabled(boolean unsetEnvironment, long[] usecOut) {
            return d.watchdogEnabled(unsetEnvironment, usecOut);
        }

        @Override
        public int booted() {
            return d.booted();
        }

        @Override
        public int listenFds(boolean unsetEnvironment) {
            return d.listenFds(unsetEnvironment);
        }

        @Override
        public int listenFdsWithNames(boolean unsetEnvironment, List<byte[]> namesOut) {
            return d.listenFdsWithNames(unsetEnvironment, namesOut);
        }
    }
}
