package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Daemon;
import dev.sdnotify.testing.LibsystemdDifferences;
import dev.sdnotify.testing.TestLibc;
import dev.sdnotify.testing.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The sd_watchdog_enabled vectors (§4, W1–W14) on both backends; libsystemd is the oracle. */
@ExtendWith(CleanEnvironment.class)
class WatchdogContractTest {
    static final long SENTINEL = 0x5e5e5e5eL;
    static final LibsystemdDifferences DIFFERENCES = LibsystemdDifferences.load();
    static BothBackends backends;

    @BeforeAll
    static void backends() {
        backends = BothBackends.load();
    }

    /** {@code usec} is what the out-parameter holds afterwards: "untouched", "NULL", or the value written. */
    static final class Observation extends Value {
        final int ret;
        final String usec;
        final String usecAfter;
        final String pidAfter;

        Observation(int ret, String usec, String usecAfter, String pidAfter) {
            this.ret = ret;
            this.usec = usec;
            this.usecAfter = usecAfter;
            this.pidAfter = pidAfter;
        }

        @Override
        protected Object[] components() {
            return new Object[] {ret, usec, usecAfter, pidAfter};
        }
    }

    static String pid(String spec) {
        int own = TestLibc.INSTANCE.getpid();
        return spec == null ? null : spec.replace("$own", Integer.toString(own))
                .replace("$hex", "0x" + Integer.toHexString(own))
                .replace("$oct", "0" + Integer.toOctalString(own))
                .replace("$other", Integer.toString(own + 1));
    }

    static Observation run(Daemon d, String usec, String pid, boolean unset, boolean nullOut) {
        CEnv.set("WATCHDOG_USEC", usec);
        CEnv.set("WATCHDOG_PID", pid);
        long[] out = nullOut ? null : new long[] {SENTINEL};
        int ret = d.watchdogEnabled(unset, out);
        String written = out == null ? "NULL" : out[0] == SENTINEL ? "untouched" : Long.toUnsignedString(out[0]);
        Observation o = new Observation(ret, written, CEnv.getString("WATCHDOG_USEC"), CEnv.getString("WATCHDOG_PID"));
        CleanEnvironment.clear();
        return o;
    }

    static Arguments w(String id, String usec, String pidSpec, boolean unset, int ret, String written) {
        return Arguments.of(id, usec, pidSpec, unset, false, ret, written, ret, written, true);
    }

    /**
     * A vector that differs by version ({@code rule} of libsystemd-differences.tsv): the java backend gives 262's
     * {@code ret}, the oracle the table's result for its version and then writes {@code writtenThere}.
     */
    static Arguments wd(String id, String rule, String usec, int ret, String writtenThere) {
        boolean applies = DIFFERENCES.appliesToOracle(rule);
        return Arguments.of(id + " [" + rule + "]", usec, null, false, false, DIFFERENCES.expectedFromOracle(rule, ret),
                applies ? writtenThere : "untouched", ret, "untouched", !applies);
    }

    static Stream<Arguments> vectors() {
        List<Arguments> v = new ArrayList<>(List.of(
            w("W1", null, null, false, 0, "untouched"),
            w("W2", null, "$own", true, 0, "untouched"),
            w("W3", "5000000", null, false, 1, "5000000"),
            w("W4 own pid", "5000000", "$own", false, 1, "5000000"),
            w("W4 ' \\t<pid>'", "5000000", " \t$own", false, 1, "5000000"),
            w("W4 0x<hex>", "5000000", "$hex", false, 1, "5000000"),
            w("W4 0<octal>", "5000000", "$oct", false, 1, "5000000"),
            w("W5 other pid", "5000000", "$other", false, 0, "untouched"),
            w("W5 other pid, unset", "5000000", "$other", true, 0, "untouched"),
            w("W8", "0", "$own", true, -22, "untouched"),
            w("W9 1", "1", null, false, 1, "1"),
            w("W9 2^64-2", "18446744073709551614", null, false, 1, "18446744073709551614"),
            w("W10", "18446744073709551615", null, false, -22, "untouched"),
            w("W11 2^64", "18446744073709551616", null, false, -34, "untouched"),
            w("W11 -5", "-5", null, false, -34, "untouched"),
            Arguments.of("W14 NULL out", "77", null, false, true, 1, "NULL", 1, "NULL", true)));
        for (String pid : new String[] {"abc", "", " "}) {
            v.add(w("W6 pid '" + pid + "'", "5000000", pid, false, -22, "untouched"));
        }
        for (String pid : new String[] {"0", "-1", "2147483648"}) {
            v.add(w("W7 pid '" + pid + "'", "5000000", pid, false, -34, "untouched"));
        }
        for (String usec : new String[] {"abc", "", "5 ", "1e6", "-0", "08"}) {
            v.add(w("W12 '" + usec + "'", usec, null, false, -22, "untouched"));
        }
        String[][] ok = {{"0x10", "16"}, {"010", "8"}, {"0o17", "15"}, {"0b101", "5"}, {"+5", "5"}, {" 5", "5"}};
        for (String[] c : ok) {
            v.add(w("W13 '" + c[0] + "'", c[0], null, false, 1, c[1]));
        }
        // Debian's 257 reads these as binary (C23 strtoul); 262 and 252 refuse them.
        v.add(wd("W13 '+0b1'", "number-c23-plus-binary", "+0b1", -22, "1"));
        v.add(wd("W13 '\\v0b101'", "number-c23-plus-binary", "\u000b0b101", -22, "5"));
        v.add(wd("W12 '-0b1'", "number-c23-minus-binary", "-0b1", -22, "untouched"));
        return v.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void watchdogVector(String id, String usec, String pidSpec, boolean unset, boolean nullOut, int ret, String written,
            int javaRet, String javaWritten, boolean agree) {
        String pid = pid(pidSpec);
        Observation oracle = run(backends.libsystemd, usec, pid, unset, nullOut);
        String usecAfter = unset ? null : usec;
        String pidAfter = unset ? null : pid;
        assertEquals(new Observation(ret, written, usecAfter, pidAfter), oracle, id + ": libsystemd against the spec");
        Observation ours = run(backends.java, usec, pid, unset, nullOut);
        assertEquals(new Observation(javaRet, javaWritten, usecAfter, pidAfter), ours, id + ": java backend against 262");
        if (agree) {
            assertEquals(oracle, ours, id + ": java backend against libsystemd");
        }
        assertEquals(oracle, run(backends.libsystemdBackend, usec, pid, unset, nullOut), id + ": libsystemd backend");
    }
}
