package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Daemon;
import dev.sdnotify.testing.LibsystemdDifferences;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.TestLibc;
import dev.sdnotify.testing.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every notify vector of the semantics spec (§2, N1–N26), run on both backends against a real receiving
 * socket. Each run is checked against the spec's expected outcome, and the Java backend's observation must
 * equal libsystemd's: return value, bytes, credentials and fds received, environment afterwards. Where
 * libsystemd-differences.tsv says the oracle's version answers unlike 262, the java backend must give 262's
 * result and the oracle the table's.
 */
@ExtendWith(CleanEnvironment.class)
class ContractTest {
    static final TestLibc C = TestLibc.INSTANCE;
    static final LibsystemdDifferences DIFFERENCES = LibsystemdDifferences.load();
    static BothBackends backends;

    @TempDir Path dir;

    @BeforeAll
    static void backends() {
        backends = BothBackends.load();
    }

    static byte[] b(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** What a vector's socket set-up made: the NOTIFY_SOCKET value, the receiver (if any), fds to send. */
    static final class Fixture implements AutoCloseable {
        byte[] socket;
        Receiver receiver;
        int[] fds = new int[0];
        final List<Integer> toClose = new ArrayList<>();
        /** A directory under /tmp, for paths of an exact length (the JUnit temporary directory's is not). */
        Path shortDir;

        @Override
        public void close() throws IOException {
            if (receiver != null) {
                receiver.close();
            }
            for (int fd : toClose) {
                C.close(fd);
            }
            if (shortDir != null) {
                try (var tree = Files.walk(shortDir)) {
                    for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                        Files.delete(p);
                    }
                }
            }
        }

        int[] pipes(int n) {
            int[] out = new int[n];
            int[] p = new int[2];
            C.pipe(p);
            toClose.add(p[0]);
            toClose.add(p[1]);
            for (int i = 0; i < n; i++) {
                out[i] = i == 0 ? p[1] : C.dup(p[1]);
                if (i > 0) {
                    toClose.add(out[i]);
                }
            }
            return out;
        }
    }

    interface Setup {
        void prepare(Path dir, Fixture f) throws IOException;
    }

    interface Call {
        int invoke(Daemon d, Fixture f);
    }

    /** A received datagram, with its fds named by their index among the fds sent (-1: not one of them). */
    static final class Seen extends Value {
        final String payloadHex;
        final String sender;
        final int uid;
        final int gid;
        final List<Integer> fdIndices;

        Seen(String payloadHex, String sender, int uid, int gid, List<Integer> fdIndices) {
            this.payloadHex = payloadHex;
            this.sender = sender;
            this.uid = uid;
            this.gid = gid;
            this.fdIndices = fdIndices;
        }

        @Override
        protected Object[] components() {
            return new Object[] {payloadHex, sender, uid, gid, fdIndices};
        }
    }

    static final class Observation extends Value {
        final int ret;
        final List<Seen> received;
        final String socketAfter;

        Observation(int ret, List<Seen> received, String socketAfter) {
            this.ret = ret;
            this.received = received;
            this.socketAfter = socketAfter;
        }

        int ret() {
            return ret;
        }

        List<Seen> received() {
            return received;
        }

        String socketAfter() {
            return socketAfter;
        }

        @Override
        protected Object[] components() {
            return new Object[] {ret, received, socketAfter};
        }
    }

    static Observation run(Daemon daemon, Setup setup, Call call, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Fixture f = new Fixture()) {
            setup.prepare(dir, f);
            CEnv.set("NOTIFY_SOCKET", f.socket);
            byte[] before = CEnv.get("NOTIFY_SOCKET");
            int ret = call.invoke(daemon, f);
            byte[] after = CEnv.get("NOTIFY_SOCKET");
            String socketAfter = after == null ? (before == null ? "unset" : "unset by the call")
                    : Arrays.equals(before, after) ? "unchanged" : "changed";
            List<String> sent = new ArrayList<>();
            for (int fd : f.fds) {
                sent.add(Receiver.describeFd(fd));
            }
            List<Seen> seen = new ArrayList<>();
            if (f.receiver != null) {
                for (Receiver.Datagram d : f.receiver.drain()) {
                    List<Integer> indices = new ArrayList<>();
                    for (String target : d.fdTargets()) {
                        indices.add(sent.indexOf(target));
                    }
                    seen.add(new Seen(hex(d.payload()), sender(d.pid()), d.uid(), d.gid(), indices));
                }
            }
            return new Observation(ret, seen, socketAfter);
        } finally {
            CEnv.unset("NOTIFY_SOCKET");
        }
    }

    static String sender(int pid) {
        if (pid == C.getpid()) {
            return "self";
        }
        return pid == C.getppid() ? "parent" : "pid " + pid;
    }

    static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte x : bytes) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }

    // ---- set-ups ------------------------------------------------------------------------------------

    static Setup unset() {
        return (d, f) -> f.socket = null;
    }

    static Setup receiver() {
        return (d, f) -> {
            f.receiver = Receiver.bindPath(d.resolve("notify"));
            f.socket = f.receiver.addressBytes();
        };
    }

    static Setup receiverWithPipes(int n) {
        return (d, f) -> {
            receiver().prepare(d, f);
            f.fds = f.pipes(n);
        };
    }

    static Setup literal(String value) {
        return (d, f) -> f.socket = b(value);
    }

    static Setup missingPath() {
        return (d, f) -> f.socket = b(d.resolve("missing").toString());
    }

    /** A receiver bound at a path of exactly {@code length} bytes, or only the path when {@code bind} is false. */
    static Setup pathOfLength(int length, boolean bind) {
        return (d, f) -> {
            f.shortDir = Files.createTempDirectory(Path.of("/tmp"), "sdn");
            String prefix = f.shortDir + "/";
            Path p = Path.of(prefix + "x".repeat(length - prefix.length()));
            assertEquals(length, p.toString().length());
            if (bind) {
                f.receiver = Receiver.bindPath(p);
            }
            f.socket = b(p.toString());
        };
    }

    /** An abstract name of {@code nameLength} bytes after the '@'; bound only when it fits sun_path. */
    static Setup abstractOfLength(int nameLength, boolean bind) {
        return (d, f) -> {
            String unique = UUID.randomUUID().toString().replace("-", "");
            String name = (unique + "y".repeat(nameLength)).substring(0, nameLength);
            if (bind) {
                f.receiver = Receiver.bindAbstract(name);
            }
            f.socket = b("@" + name);
        };
    }

    static Setup streamListener() {
        return (d, f) -> {
            f.receiver = Receiver.bindStreamListener(d.resolve("stream"));
            f.socket = b(d.resolve("stream").toString());
            f.receiver = null;
        };
    }

    static Setup regularFile() {
        return (d, f) -> f.socket = b(Files.writeString(d.resolve("file"), "x").toString());
    }

    // ---- calls --------------------------------------------------------------------------------------

    static Call notify(boolean unset, String state) {
        return (d, f) -> d.pidNotifyWithFds(0, unset, b(state), null, 0);
    }

    static Call notifyBytes(byte[] state) {
        return (d, f) -> d.pidNotifyWithFds(0, false, state, null, 0);
    }

    static Call withFixtureFds(boolean unset, String state, int nFds) {
        return (d, f) -> d.pidNotifyWithFds(0, unset, b(state), f.fds, nFds);
    }

    static Call withFds(boolean unset, String state, int[] fds, int nFds) {
        return (d, f) -> d.pidNotifyWithFds(0, unset, b(state), fds, nFds);
    }

    static Call asPid(int pid, String state) {
        return (d, f) -> d.pidNotifyWithFds(pid, false, b(state), null, 0);
    }

    // ---- expectations -------------------------------------------------------------------------------

    static Consumer<Observation> expect(int ret, String socketAfter, Seen... received) {
        return o -> {
            assertEquals(ret, o.ret(), "return value");
            assertEquals(List.of(received), o.received(), "datagrams received");
            assertEquals(socketAfter, o.socketAfter(), "NOTIFY_SOCKET afterwards");
        };
    }

    static Seen own(String payload, Integer... fdIndices) {
        return seen(b(payload), "self", fdIndices);
    }

    static Seen seen(byte[] payload, String sender, Integer... fdIndices) {
        return new Seen(hex(payload), sender, C.getuid(), C.getgid(), List.of(fdIndices));
    }

    static Integer[] range(int n) {
        Integer[] out = new Integer[n];
        for (int i = 0; i < n; i++) {
            // All fds sent in N14 are dups of one pipe end, so each matches the first index.
            out[i] = 0;
        }
        return out;
    }

    /** A vector every version answers alike: both backends must come out as {@code expect}, and agree. */
    static Arguments v(String id, Setup setup, Call call, Consumer<Observation> expect) {
        return Arguments.of(id, setup, call, expect, expect, true);
    }

    /**
     * A vector whose result differs by version ({@code rule} of libsystemd-differences.tsv): the java backend
     * must return 262's {@code ret}, the oracle the table's result for its version; where no row speaks for
     * the oracle's version, the two must also agree.
     */
    static Arguments d(String id, String rule, Setup setup, Call call, int ret, String socketAfter, Seen... received) {
        int oracleRet = DIFFERENCES.expectedFromOracle(rule, ret);
        return Arguments.of(id + " [" + rule + "]", setup, call, expect(oracleRet, socketAfter, received),
                expect(ret, socketAfter, received), !DIFFERENCES.appliesToOracle(rule));
    }

    /**
     * A vector whose outcome differs by version in more than its result: where {@code rule}'s row speaks for
     * the oracle's version the oracle must come out as {@code oracleWhereTheRowApplies} (the row's result in
     * full), the java backend always as {@code expect}.
     */
    static Arguments dx(String id, String rule, Setup setup, Call call, Consumer<Observation> oracleWhereTheRowApplies,
            Consumer<Observation> expect) {
        boolean applies = DIFFERENCES.appliesToOracle(rule);
        return Arguments.of(id + " [" + rule + "]", setup, call, applies ? oracleWhereTheRowApplies : expect, expect,
                !applies);
    }

    static Stream<Arguments> notifyVectors() {
        int[] closedFd = {0, 999};
        byte[] binary = {(byte) 0xff, (byte) 0xfe, (byte) 0x80, '\n', 0x01};
        String none = "unset";
        String same = "unchanged";
        String gone = "unset by the call";
        List<Arguments> v = new ArrayList<>(List.of(
            v("N1 sd_notify(0,READY=1), unset", unset(), notify(false, "READY=1"), expect(0, none)),
            v("N2 sd_notify(1,READY=1), unset", unset(), notify(true, "READY=1"), expect(0, none)),
            v("N3 sd_notify(0,NULL), unset", unset(), notify(false, null), expect(-22, none)),
            v("N4 with_fds(0,0,X,NULL,1), unset", unset(), withFds(false, "X", null, 1), expect(-22, none)),
            v("N5 sd_notify(0,READY=1)", receiver(), notify(false, "READY=1"), expect(1, same, own("READY=1"))),
            v("N6 empty state", receiver(), notify(false, ""), expect(1, same, own(""))),
            v("N7 two lines", receiver(), notify(false, "A=1\nB=2\n"), expect(1, same, own("A=1\nB=2\n"))),
            v("N8 bytes verbatim", receiver(), notifyBytes(binary), expect(1, same, seen(binary, "self"))),
            v("N9 sd_notify(0,NULL)", receiver(), notify(false, null), expect(-22, same)),
            v("N10 sd_notify(1,NULL)", receiver(), notify(true, null), expect(-22, gone)),
            v("N11 with_fds(0,1,X,NULL,2)", receiver(), withFds(true, "X", null, 2), expect(-22, gone)),
            v("N12 fds array with n_fds 0", receiverWithPipes(1), withFixtureFds(false, "FDSTORE=1", 0),
                    expect(1, same, own("FDSTORE=1"))),
            v("N13 two fds", (d, f) -> {
                receiver().prepare(d, f);
                int[] a = f.pipes(1);
                int[] c = f.pipes(1);
                f.fds = new int[] {a[0], c[0]};
            }, withFixtureFds(false, "FDSTORE=1", 2), expect(1, same, own("FDSTORE=1", 0, 1))),
            v("N14 253 fds", receiverWithPipes(253), withFixtureFds(false, "FDSTORE=1", 253),
                    expect(1, same, own("FDSTORE=1", range(253)))),
            d("N14 254 fds", "more-than-253-fds", receiverWithPipes(254), withFixtureFds(false, "FDSTORE=1", 254), -7,
                    same),
            d("N14 254 fds, unset", "more-than-253-fds", receiverWithPipes(254), withFixtureFds(true, "FDSTORE=1", 254),
                    -7, gone),
            d("N14 254 fds, NOTIFY_SOCKET unset", "more-than-253-fds-no-socket", unset(),
                    withFds(false, "X", new int[254], 254), -7, none),
            d("N14 254 fds, NOTIFY_SOCKET relative", "more-than-253-fds", literal("relative"),
                    withFds(false, "X", new int[254], 254), -7, same),
            v("N14 254 fds, fds NULL: the NULL check first", unset(), withFds(false, "X", null, 254), expect(-22, none)),
            v("N15 {a,999}", (d, f) -> {
                receiver().prepare(d, f);
                closedFd[0] = f.pipes(1)[0];
            }, (d, f) -> d.pidNotifyWithFds(0, false, b("X"), new int[] {closedFd[0], 999}, 2), expect(-9, same)),
            v("N15 {-1}", receiver(), withFds(false, "X", new int[] {-1}, 1), expect(-9, same)),
            v("N17 sd_pid_notify(999999)", receiver(), asPid(999999, "P"), expect(1, same, own("P"))),
            v("N18 sd_notify(1,U)", receiver(), notify(true, "U"), expect(1, gone, own("U"))),
            d("N20 path of 108 bytes", "unix-path-108-bytes", pathOfLength(108, false), notify(false, "x"), -36, same),
            v("N21 path of 107 bytes", pathOfLength(107, true), notify(false, "x"), expect(1, same, own("x"))),
            v("N22 @ + 106", abstractOfLength(106, true), notify(false, "x"), expect(1, same, own("x"))),
            v("N22 @ + 107", abstractOfLength(107, false), notify(false, "x"), expect(-22, same)),
            v("N23 @abs", abstractOfLength(3, true), notify(false, "x"), expect(1, same, own("x"))),
            v("N24 missing path, unset", missingPath(), notify(true, "X"), expect(-2, gone)),
            v("N25 sd_pid_notify(ppid), missing path", missingPath(), asPid(C.getppid(), "X"), expect(-2, same)),
            v("N26 stream listener", streamListener(), notify(false, "X"), expect(-91, same)),
            v("N26 regular file", regularFile(), notify(false, "X"), expect(-111, same))));
        // Facts the spec states in prose (§2), beyond its numbered table.
        v.add(v("§2 pid -5 falls back to own credentials", receiver(), asPid(-5, "P"), expect(1, same, own("P"))));
        v.add(d("§2 1000 fds, NOTIFY_SOCKET unset", "more-than-253-fds-no-socket", unset(),
                withFds(false, "X", new int[1000], 1000), -7, none));
        v.add(d("§2 1000 fds", "more-than-253-fds", receiverWithPipes(1000), withFixtureFds(false, "FDSTORE=1", 1000),
                -7, same));
        v.add(v("§2 n_fds 0 with NULL fds", receiver(), withFds(false, "X", null, 0), expect(1, same, own("X"))));
        // An empty state whose send with credentials fails (ESRCH: no such pid) ends with 1 and no retry.
        v.add(dx("D7 empty state as pid 999999", "empty-state-with-credentials", receiver(), asPid(999999, ""),
                expect(1, same, own("")), expect(1, same)));
        v.add(dx("D7 empty state as pid 999999, missing path", "empty-state-with-credentials", missingPath(),
                asPid(999999, ""), expect(-2, same), expect(1, same)));
        v.add(v("D7 empty state, own pid, missing path: no credentials, no retry path", missingPath(),
                asPid(0, ""), expect(-2, same)));
        v.add(v("D7 non-empty state as pid 999999: retried without credentials", receiver(), asPid(999999, "P"),
                expect(1, same, own("P"))));
        for (int size : new int[] {4096, 65536, 1 << 20}) {
            byte[] payload = payload(size);
            v.add(v("§2 payload " + size + " B delivered whole", receiver(), notifyBytes(payload),
                    expect(1, same, seen(payload, "self"))));
        }
        for (int mib : new int[] {9, 17}) {
            // How large a datagram the kernel takes depends on the host's buffer limits: compare, do not predict.
            v.add(v("§2 payload " + mib + " MiB refused by the kernel", receiver(), notifyBytes(payload(mib << 20)),
                    o -> assertTrue(o.ret() < 0 && o.received().isEmpty(), o.toString())));
        }
        for (String bad : new String[] {"", "x", "relative/x", " /abs", "./x", "unix:/p", "VSOCK:1:5"}) {
            v.add(d("N19 NOTIFY_SOCKET=\"" + bad + "\"", "notify-socket-neither-path-nor-vsock", literal(bad),
                    notify(false, "x"), -71, same));
            v.add(d("N19 NOTIFY_SOCKET=\"" + bad + "\", unset", "notify-socket-neither-path-nor-vsock", literal(bad),
                    notify(true, "x"), -71, gone));
        }
        for (String bad : new String[] {"/", "@", "vsock:1:x", "vsock:", "vsock:any:5", "vsock::5",
                "vsock:4294967295:5", "vsock:1:5:6"}) {
            v.add(v("N19 NOTIFY_SOCKET=\"" + bad + "\"", literal(bad), notify(false, "x"), expect(-22, same)));
        }
        // vsock values that fail while parsing, in every version (VsockGuard refuses the others).
        for (String bad : new String[] {"vsock:-2:5", "vsock:4294967296:5", "vsock:1:-1"}) {
            v.add(d("D2 NOTIFY_SOCKET=\"" + bad + "\"", "notify-socket-vsock", literal(bad), notify(false, "x"), -34,
                    same));
        }
        v.add(d("D2 NOTIFY_SOCKET=\"vsock:-1:5\", unset", "vsock-cid-minus-one", literal("vsock:-1:5"),
                notify(true, "x"), -22, gone));
        v.add(d("D2 NOTIFY_SOCKET=\"vsock-stream::2\"", "vsock-typed-prefix", literal("vsock-stream::2"),
                notify(false, "x"), -22, same));
        return v.stream();
    }

    static byte[] payload(int size) {
        byte[] p = new byte[size];
        for (int i = 0; i < size; i++) {
            p[i] = (byte) ('a' + i % 26);
        }
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notifyVectors")
    void notifyVector(String id, Setup setup, Call call, Consumer<Observation> oracleExpected,
            Consumer<Observation> javaExpected, boolean agree) throws IOException {
        Observation oracle = run(backends.libsystemd, setup, call, dir.resolve("libsystemd"));
        oracleExpected.accept(oracle);
        Observation ours = run(backends.java, setup, call, dir.resolve("java"));
        javaExpected.accept(ours);
        if (agree) {
            assertEquals(oracle, ours, id + ": the java backend must observe exactly what libsystemd does");
        }
        assertEquals(oracle, run(backends.libsystemdBackend, setup, call, dir.resolve("backend")),
                id + ": the libsystemd backend passes the call to libsystemd unchanged");
    }

    @ParameterizedTest(name = "N16 sd_pid_notify(getppid()) as root")
    @MethodSource("rootOnly")
    void parentCredentials(String ignored) throws IOException {
        Capabilities.requireRoot();
        Call call = asPid(C.getppid(), "P");
        Observation oracle = run(backends.libsystemd, receiver(), call, dir.resolve("libsystemd"));
        expect(1, "unchanged", seen(b("P"), "parent")).accept(oracle);
        assertEquals(oracle, run(backends.java, receiver(), call, dir.resolve("java")));
    }

    static Stream<String> rootOnly() {
        return Stream.of("root");
    }

    /** Vectors ids this class runs, for the report: everything but N16 runs in {@link #notifyVector}. */
    static Map<String, Integer> coverage() {
        Map<String, Integer> m = new LinkedHashMap<>();
        notifyVectors().forEach(a -> m.merge(((String) a.get()[0]).split(" ")[0], 1, Integer::sum));
        return m;
    }

    @org.junit.jupiter.api.Test
    void everyNumberedNotifyVectorIsCovered() {
        Map<String, Integer> covered = coverage();
        for (int i = 1; i <= 26; i++) {
            String id = "N" + i;
            assertTrue(i == 16 || covered.containsKey(id), id + " has no case");
        }
    }
}
