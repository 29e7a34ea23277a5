package dev.sdnotify.reliability;

import dev.sdnotify.reliability.FuzzCase.Op;
import dev.sdnotify.reliability.FuzzWorld.Comparison;
import dev.sdnotify.reliability.FuzzWorld.Outcome;
import dev.sdnotify.testing.LibsystemdDifferences;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The fuzzer's side of {@code libsystemd-differences.tsv}: for each case of the table, a predicate that tells
 * whether a fuzz case's differing outcomes are the ones the row describes (the oracle gives the row's result,
 * the java backend 262's, everything else equal). A difference is tolerated only when a row speaks for the
 * oracle's version and its predicate holds; cases the fuzzer cannot produce have {@link #NOT_FUZZED}.
 */
final class DifferenceRules {
    /** Whether {@code r} is the row's difference; {@code oracle} reruns the oracle on another case. */
    interface Rule {
        boolean explains(FuzzCase c, Comparison r, Function<FuzzCase, Outcome> oracle);
    }

    /** For differences a fuzz case cannot show (timing, short writes, vsock sends). */
    static final Rule NOT_FUZZED = (c, r, oracle) -> false;

    static final Map<String, Rule> RULES;

    static {
        Map<String, Rule> m = new LinkedHashMap<>();
        m.put("unix-path-108-bytes", (c, r, oracle) -> sendsOrBarrier(c)
                && socket(r).length >= 108 && socket(r)[0] == '/' && returns(r, -22, -36));
        m.put("notify-socket-neither-path-nor-vsock", (c, r, oracle) -> sendsOrBarrier(c) && r.prepared().env()[0] != null
                && !pathOrVsock(socket(r)) && returns(r, -22, -71));
        // The fuzzer's vsock values all fail while parsing: where 262 says ERANGE, v252 said EINVAL.
        m.put("notify-socket-vsock", (c, r, oracle) -> sendsOrBarrier(c) && vsock(socket(r)) && returns(r, -22, -34));
        m.put("vsock-typed-prefix", (c, r, oracle) -> sendsOrBarrier(c) && vsock(socket(r)) && !startsWith(socket(r),
                "vsock:") && r.oracle().ret() == -71 && (r.ours().ret() == -22 || r.ours().ret() == -34)
                && sameButResult(r.oracle(), r.ours()));
        m.put("vsock-cid-minus-one", (c, r, oracle) -> sendsOrBarrier(c) && cidIsMinusOne(socket(r))
                && returns(r, -34, -22));
        m.put("vsock-stream-partial-write", NOT_FUZZED);
        m.put("more-than-253-fds", (c, r, oracle) -> tooManyFds(c) && r.prepared().env()[0] != null
                && r.oracle().ret() < 0 && r.ours().ret() == -7 && sameButResult(r.oracle(), r.ours()));
        m.put("more-than-253-fds-no-socket", (c, r, oracle) -> tooManyFds(c) && r.prepared().env()[0] == null
                && returns(r, 0, -7));
        m.put("short-write", NOT_FUZZED);
        m.put("empty-state-with-credentials", (c, r, oracle) -> emptyStateWithCredentials(c, r)
                && r.ours().ret() == 1 && r.ours().received().isEmpty() && sameButSend(r.oracle(), r.ours())
                && (r.oracle().ret() < 0 && r.oracle().received().isEmpty()
                    || r.oracle().ret() == 1 && r.oracle().received().size() == 1
                        && r.oracle().received().get(0).contains(":\"\" from self ")));
        m.put("barrier-unset-after-wait", NOT_FUZZED);
        m.put("barrier-pipe-failure", NOT_FUZZED);
        m.put("listen-pidfdid", DifferenceRules::pidfdIdIgnored);
        // Read as a number, a LISTEN_FDS of +0b1 can still fail later (names that do not match), with the fds
        // already made close-on-exec: the same -22, a different side effect.
        m.put("number-c23-plus-binary", (c, r, oracle) -> readsC23Binary(c, r, false) && r.ours().ret() == -22
                && (r.oracle().ret() != -22 || !r.oracle().madeCloexec().equals(r.ours().madeCloexec()))
                && r.oracle().envAfter().equals(r.ours().envAfter()));
        // -0b1 is out of range; after a \v or \f, which systemd does not skip, its minus check misses the sign
        // and strtoul's negated binary number (2^64 - b) is taken: any answer but our -22.
        m.put("number-c23-minus-binary", (c, r, oracle) -> readsC23Binary(c, r, true) && r.ours().ret() == -22
                && r.oracle().ret() != -22 && r.oracle().envAfter().equals(r.ours().envAfter()));
        RULES = Collections.unmodifiableMap(m);
    }

    private DifferenceRules() {}

    /** The case of the row that explains {@code r} for the oracle's {@code version}, or null. */
    static String explaining(FuzzCase c, Comparison r, Function<FuzzCase, Outcome> oracle,
            LibsystemdDifferences table, int version) {
        for (Map.Entry<String, Rule> e : RULES.entrySet()) {
            if (table.applying(e.getKey(), version).isPresent() && e.getValue().explains(c, r, oracle)) {
                return e.getKey();
            }
        }
        return null;
    }

    static boolean sendsOrBarrier(FuzzCase c) {
        return c.op() == Op.NOTIFY || c.op() == Op.BARRIER;
    }

    /**
     * The oracle ignored LISTEN_PIDFDID: it gives what it gives without the variable, which it leaves set.
     * (The java backend's answers to it are checked by ListenFdsContractTest and the backend's own tests.)
     */
    static boolean pidfdIdIgnored(FuzzCase c, Comparison r, Function<FuzzCase, Outcome> oracle) {
        if ((c.op() != Op.LISTEN && c.op() != Op.LISTEN_NAMES) || c.variable(FuzzCase.LISTEN_PIDFDID) == null) {
            return false;
        }
        Outcome with = r.oracle();
        Outcome without = oracle.apply(c.withEnv(FuzzCase.LISTEN_PIDFDID, null));
        String set = FuzzCase.encode(new String(r.prepared().env()[FuzzCase.LISTEN_PIDFDID],
                java.nio.charset.StandardCharsets.ISO_8859_1));
        java.util.List<String> envWithout = new java.util.ArrayList<>(without.envAfter());
        envWithout.set(FuzzCase.LISTEN_PIDFDID, set);
        return with.envAfter().get(FuzzCase.LISTEN_PIDFDID).equals(set) && with.ret() == without.ret()
                && with.out().equals(without.out()) && with.madeCloexec().equals(without.madeCloexec())
                && with.envAfter().equals(envWithout);
    }

    /** The numeric variables each operation reads. */
    private static final Map<Op, int[]> NUMBERS = Map.of(Op.WATCHDOG, new int[] {FuzzCase.WATCHDOG_USEC,
        FuzzCase.WATCHDOG_PID}, Op.LISTEN, new int[] {FuzzCase.LISTEN_PID, FuzzCase.LISTEN_FDS},
        Op.LISTEN_NAMES, new int[] {FuzzCase.LISTEN_PID, FuzzCase.LISTEN_FDS});

    /** Whether the operation reads a number that C23's strtoul would take as binary, with a minus or not. */
    static boolean readsC23Binary(FuzzCase c, Comparison r, boolean negative) {
        for (int v : NUMBERS.getOrDefault(c.op(), new int[0])) {
            byte[] text = r.prepared().env()[v];
            if (text != null && c23Binary(cString(text), negative)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A 0b prefix that systemd does not strip itself (it only sees one right after its own whitespace) but C23
     * strtoul reads: after C whitespace (\v and \f too) and a sign.
     */
    static boolean c23Binary(byte[] s, boolean negative) {
        int i = 0;
        while (i < s.length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
            i++;
        }
        if (i + 1 < s.length && s[i] == '0' && (s[i + 1] | 0x20) == 'b') {
            return false;
        }
        while (i < s.length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) {
            i++;
        }
        boolean minus = i < s.length && s[i] == '-';
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        return minus == negative && i + 2 < s.length && s[i] == '0' && (s[i + 1] | 0x20) == 'b'
                && (s[i + 2] == '0' || s[i + 2] == '1');
    }

    /** A notify of an empty state (up to its NUL) that sends credentials: a pid other than 0 and our own. */
    static boolean emptyStateWithCredentials(FuzzCase c, Comparison r) {
        byte[] state = r.prepared().state();
        int pid = r.prepared().pid();
        return c.op() == Op.NOTIFY && state != null && cString(state).length == 0 && !tooManyFds(c)
                && (c.nFds() == 0 || c.fds() != null) && pid != 0 && pid != FuzzWorld.C.getpid();
    }

    /** Everything but the result and what was received. */
    static boolean sameButSend(Outcome a, Outcome b) {
        return a.out().equals(b.out()) && a.madeCloexec().equals(b.madeCloexec()) && a.envAfter().equals(b.envAfter());
    }

    /** A notify call that passes the NULL checks with more fds (n_fds unsigned) than one message carries. */
    static boolean tooManyFds(FuzzCase c) {
        return c.op() == Op.NOTIFY && c.state() != null && (c.nFds() == 0 || c.fds() != null)
                && Integer.toUnsignedLong(c.nFds()) > 253;
    }

    private static final String[] VSOCK_PREFIXES = {"vsock:", "vsock-dgram:", "vsock-seqpacket:", "vsock-stream:"};

    /** Whether {@code s} starts with {@code /} or {@code @}, or with one of the vsock prefixes. */
    static boolean pathOrVsock(byte[] s) {
        return s.length > 0 && (s[0] == '/' || s[0] == '@') || vsock(s);
    }

    static boolean vsock(byte[] s) {
        String text = new String(s, java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String p : VSOCK_PREFIXES) {
            if (text.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    static boolean startsWith(byte[] s, String prefix) {
        return new String(s, java.nio.charset.StandardCharsets.ISO_8859_1).startsWith(prefix);
    }

    /** A vsock value whose CID, the text between the prefix and the first colon, is {@code -1}. */
    static boolean cidIsMinusOne(byte[] s) {
        String text = new String(s, java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String p : VSOCK_PREFIXES) {
            if (text.startsWith(p)) {
                return text.startsWith(p + "-1:");
            }
        }
        return false;
    }

    /** NOTIFY_SOCKET as the case set it, up to its first NUL; empty when unset. */
    static byte[] socket(Comparison r) {
        byte[] v = r.prepared().env()[FuzzCase.NOTIFY_SOCKET];
        return v == null ? new byte[0] : cString(v);
    }

    static byte[] cString(byte[] v) {
        for (int i = 0; i < v.length; i++) {
            if (v[i] == 0) {
                return java.util.Arrays.copyOf(v, i);
            }
        }
        return v;
    }

    /** The oracle returned {@code oracle}, the java backend {@code ours}, and nothing else differs. */
    static boolean returns(Comparison r, int oracle, int ours) {
        return r.oracle().ret() == oracle && r.ours().ret() == ours && sameButResult(r.oracle(), r.ours());
    }

    static boolean sameButResult(Outcome a, Outcome b) {
        return a.out().equals(b.out()) && a.received().equals(b.received()) && a.madeCloexec().equals(b.madeCloexec())
                && a.envAfter().equals(b.envAfter());
    }
}
