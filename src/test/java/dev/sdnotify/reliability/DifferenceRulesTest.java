package dev.sdnotify.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.reliability.FuzzCase.Op;
import dev.sdnotify.reliability.FuzzWorld.Comparison;
import dev.sdnotify.reliability.FuzzWorld.Outcome;
import dev.sdnotify.reliability.FuzzWorld.Prepared;
import dev.sdnotify.testing.LibsystemdDifferences;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every case of the version-difference table has the fuzzer's predicate, and no predicate lacks its row; the
 * predicates for versions other than this host's are tried on made-up outcomes.
 */
class DifferenceRulesTest {
    static final LibsystemdDifferences TABLE = LibsystemdDifferences.load();

    @Test
    void oneRulePerCaseOfTheTable() {
        List<String> cases = new ArrayList<>();
        TABLE.rows().forEach(r -> cases.add(r.rule()));
        assertEquals(cases, new ArrayList<>(DifferenceRules.RULES.keySet()),
                "DifferenceRules.RULES must list the cases of " + LibsystemdDifferences.RESOURCE + ", in its order");
    }

    static Outcome outcome(int ret) {
        return new Outcome(ret, "-", List.of(), "-", Collections.nCopies(FuzzCase.VARIABLES.size(), "unset"));
    }

    /** A case with one variable set, and what the oracle and the java backend returned. */
    static String explaining(Op op, int variable, String value, int oracle, int ours, int version) {
        FuzzCase c = FuzzCase.of(op).withEnv(variable, value);
        byte[][] env = new byte[FuzzCase.VARIABLES.size()][];
        env[variable] = value.getBytes(StandardCharsets.ISO_8859_1);
        Prepared p = new Prepared(c, env, op == Op.NOTIFY ? new byte[] {'x'} : null, null, 0, List.of(), false);
        Comparison r = new Comparison(p, outcome(oracle), outcome(ours));
        return DifferenceRules.explaining(c, r, other -> outcome(oracle), TABLE, version);
    }

    @Test
    void cloexecRaceBesideAKeptPidfdIdIsQuarantined() {
        FuzzCase c = FuzzCase.of(Op.LISTEN).withEnv(FuzzCase.LISTEN_FDS, "5000000").withEnv(FuzzCase.LISTEN_PIDFDID, "7");
        List<String> kept = new ArrayList<>(Collections.nCopies(FuzzCase.VARIABLES.size(), "unset"));
        kept.set(FuzzCase.LISTEN_PIDFDID, "7");
        Outcome oracle = new Outcome(-9, "-", List.of(), "3..44", kept);
        Outcome ours = new Outcome(-9, "-", List.of(), "3..44(all)", Collections.nCopies(FuzzCase.VARIABLES.size(), "unset"));
        Comparison r = new Comparison(null, oracle, ours);
        assertTrue(DifferentialFuzzReliabilityTest.isQuarantined(c, r, 252), "252 keeps LISTEN_PIDFDID");
        assertFalse(DifferentialFuzzReliabilityTest.isQuarantined(c, r, 262), "262 unsets it: a real difference");
        Comparison sameWalk = new Comparison(null, oracle, new Outcome(-9, "-", List.of(), "3..44", ours.envAfter()));
        assertFalse(DifferentialFuzzReliabilityTest.isQuarantined(c, sameWalk, 252), "no race, only the kept variable");
    }

    @Test
    void debian257ReadsSignedBinaryNumbers() {
        assertEquals("number-c23-plus-binary", explaining(Op.WATCHDOG, FuzzCase.WATCHDOG_USEC, "+0b1", 1, -22, 257));
        assertEquals("number-c23-plus-binary",
                explaining(Op.WATCHDOG, FuzzCase.WATCHDOG_USEC, "\u000b0b101", 1, -22, 257));
        assertEquals("number-c23-plus-binary", explaining(Op.LISTEN, FuzzCase.LISTEN_FDS, "+0b1", 0, -22, 257));
        assertEquals("number-c23-minus-binary", explaining(Op.WATCHDOG, FuzzCase.WATCHDOG_USEC, "-0b1", -34, -22, 257));
        assertNull(explaining(Op.WATCHDOG, FuzzCase.WATCHDOG_USEC, "+0b1", 1, -22, 252), "only 257");
        assertNull(explaining(Op.WATCHDOG, FuzzCase.WATCHDOG_USEC, "0b101", 5, -22, 257), "all read 0b101");
        assertNull(explaining(Op.WATCHDOG, FuzzCase.WATCHDOG_USEC, "+5", 1, -22, 257), "no binary prefix");
    }

    @Test
    void vsockCidMinusOneIsErangeBefore262() {
        assertEquals("vsock-cid-minus-one", explaining(Op.NOTIFY, FuzzCase.NOTIFY_SOCKET, "vsock:-1:5", -34, -22, 257));
        assertNull(explaining(Op.NOTIFY, FuzzCase.NOTIFY_SOCKET, "vsock:-1:5", -34, -22, 262));
        assertNull(explaining(Op.NOTIFY, FuzzCase.NOTIFY_SOCKET, "vsock:-2:5", -34, -22, 257), "only CID -1");
    }

    @Test
    void typedVsockPrefixesAreEprotoIn253() {
        assertEquals("vsock-typed-prefix",
                explaining(Op.NOTIFY, FuzzCase.NOTIFY_SOCKET, "vsock-stream::2", -71, -22, 253));
        assertNull(explaining(Op.NOTIFY, FuzzCase.NOTIFY_SOCKET, "vsock:1:x", -71, -22, 253), "vsock: is known in 253");
    }

    @Test
    void v252sEinval() {
        assertEquals("notify-socket-neither-path-nor-vsock",
                explaining(Op.BARRIER, FuzzCase.NOTIFY_SOCKET, "relative", -22, -71, 252));
        assertEquals("notify-socket-vsock", explaining(Op.NOTIFY, FuzzCase.NOTIFY_SOCKET, "vsock:-2:5", -22, -34, 252));
        assertNull(explaining(Op.NOTIFY, FuzzCase.NOTIFY_SOCKET, "vsock:-2:5", -22, -34, 253), "253 says ERANGE too");
        assertNull(explaining(Op.NOTIFY, FuzzCase.NOTIFY_SOCKET, "relative", -22, -22, 252), "nothing differs");
        assertNull(explaining(Op.NOTIFY, FuzzCase.NOTIFY_SOCKET, "relative", -2, -71, 252), "not v252's result");
    }

    @Test
    void c23BinaryPrefixes() {
        assertTrue(DifferenceRules.c23Binary(b("+0b1"), false));
        assertTrue(DifferenceRules.c23Binary(b(" +0B11"), false));
        assertTrue(DifferenceRules.c23Binary(b("-0b1"), true));
        assertFalse(DifferenceRules.c23Binary(b("-0b1"), false));
        assertFalse(DifferenceRules.c23Binary(b("0b101"), false), "systemd strips that one itself");
        assertFalse(DifferenceRules.c23Binary(b(" 0b101"), false));
        assertFalse(DifferenceRules.c23Binary(b("+0b2"), false));
        assertFalse(DifferenceRules.c23Binary(b("+0b"), false));
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
