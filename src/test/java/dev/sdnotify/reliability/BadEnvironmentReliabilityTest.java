package dev.sdnotify.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.Backend;
import dev.sdnotify.BothBackends;
import dev.sdnotify.ListenFd;
import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import dev.sdnotify.SdNotifyException;
import dev.sdnotify.internal.core.DaemonNotifier;
import dev.sdnotify.internal.daemon.Backends;
import dev.sdnotify.internal.daemon.ChosenBackend;
import dev.sdnotify.reliability.FuzzCase.Token;
import dev.sdnotify.reliability.FuzzGenerator.Kind;
import dev.sdnotify.reliability.FuzzWorld.Comparison;
import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Daemon;
import dev.sdnotify.testing.FastLibc;
import dev.sdnotify.testing.FdFlags;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.ReliabilityReport;
import dev.sdnotify.testing.TestLibc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A malformed environment through the public API: for every value libsystemd rejects, each backend
 * throws an {@link SdNotifyException} with libsystemd's errno whose message names the variable at fault.
 * And payloads at and past the sizes that matter: the seam sends what libsystemd sends, the typed API
 * refuses what the manager would drop.
 */
@Tag("reliability")
@ExtendWith(CleanEnvironment.class)
class BadEnvironmentReliabilityTest {
    static final TestLibc C = TestLibc.INSTANCE;
    static final int GENERATED = 1500;
    static final byte[] X = {'X'};
    static Daemon oracle;
    static Daemon javaSeam;
    static FuzzWorld world;

    @TempDir Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        BothBackends both = BothBackends.load();
        oracle = both.libsystemd;
        javaSeam = both.java;
        world = new FuzzWorld();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    static Set<String> values(Supplier<String> generate, String... fixed) {
        Set<String> out = new LinkedHashSet<>(List.of(fixed));
        for (int i = 0; i < GENERATED; i++) {
            String v = generate.get();
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** The call must throw with libsystemd's errno and a message naming {@code variable}. */
    static void assertNamed(String variable, int oracleResult, String value, Runnable call) {
        SdNotifyException e = assertThrows(SdNotifyException.class, call::run,
                () -> variable + "=" + FuzzCase.encode(value) + " gave " + oracleResult + " on libsystemd");
        assertEquals(-oracleResult, e.errno(), e.getMessage());
        assertTrue(e.getMessage().contains(variable), variable + " not named: " + e.getMessage());
    }

    static String show(byte[] value) {
        return new String(value, StandardCharsets.ISO_8859_1);
    }

    // ---- NOTIFY_SOCKET -------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void everyRejectedNotifySocketIsNamed(Backend backend) {
        ChosenBackend info = Backends.choose(backend);
        Notifier notifier = DaemonNotifier.over(info);
        SplittableRandom r = new SplittableRandom(11);
        Set<String> templates = values(() -> FuzzGenerator.notifySocket(r), "", "/", "@", "x", "relative/x",
                " /abs", "vsock:1:x", "/" + "x".repeat(107), "@" + "y".repeat(107), Token.MISSING.t(),
                Token.STREAM.t(), Token.FILE.t(), Token.FILE.t() + "/x", Token.TMP.t(), Token.RECV.t() + "/");
        // The seam of the backend in use gives the errno: libsystemd's own, or the java backend's, which is
        // 262's and may differ from an older oracle's (ContractTest and the fuzzer check that difference).
        Daemon reference = backend == Backend.JAVA ? javaSeam : oracle;
        int rejected = 0;
        for (String template : templates) {
            byte[] value = world.expand(template);
            FastLibc.setVariable("NOTIFY_SOCKET", value);
            int expected = reference.pidNotifyWithFds(0, false, X, null, 0);
            int expectedBarrier = reference.notifyBarrier(false, 0);
            world.drainReceivers();
            if (expected >= 0) {
                continue;
            }
            rejected++;
            assertNamed("NOTIFY_SOCKET", expected, show(value), () -> notifier.sendRaw("X"));
            assertNamed("NOTIFY_SOCKET", expected, show(value), () -> notifier.status("x"));
            assertNamed("NOTIFY_SOCKET", expected, show(value),
                    () -> notifier.sendWithFds(new int[] {0}, NotifyState.FDSTORE));
            if (expectedBarrier < 0 && expectedBarrier != -110) {
                assertNamed("NOTIFY_SOCKET", expectedBarrier, show(value), () -> notifier.barrier(Duration.ZERO));
            }
            assertNamed("NOTIFY_SOCKET", expected, show(value), () -> notifier.sendRawAndUnsetEnvironment("X"));
            assertEquals(null, FastLibc.getVariable("NOTIFY_SOCKET"), "removed even though the send failed");
            world.drainReceivers();
        }
        ReliabilityReport.figure("badEnvironment." + backend.id() + ".rejectedNotifySockets", rejected);
        assertTrue(rejected > 100, "rejected values tried: " + rejected);
    }

    // ---- WATCHDOG_USEC and WATCHDOG_PID --------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void everyRejectedWatchdogVariableIsNamed(Backend backend) {
        ChosenBackend info = Backends.choose(backend);
        SplittableRandom r = new SplittableRandom(12);
        int rejected = 0;
        for (String template : values(() -> FuzzGenerator.number(r, Kind.USEC), "", "abc", "0", "-1", "5s")) {
            for (boolean unset : new boolean[] {false, true}) {
                byte[] value = world.expand(template);
                FastLibc.setVariable("WATCHDOG_USEC", value);
                FastLibc.unsetenv("WATCHDOG_PID");
                int expected = oracle.watchdogEnabled(false, null);
                if (expected >= 0) {
                    continue;
                }
                rejected++;
                assertNamed("WATCHDOG_USEC=", expected, show(value), () -> watchdogInterval(DaemonNotifier.over(info), unset));
                assertEquals(unset, FastLibc.getVariable("WATCHDOG_USEC") == null);
            }
        }
        for (String template : values(() -> FuzzGenerator.number(r, Kind.PID), "", "abc", "0", "-1", "2147483648")) {
            for (boolean unset : new boolean[] {false, true}) {
                byte[] value = world.expand(template);
                FastLibc.setVariable("WATCHDOG_USEC", "1000000".getBytes(StandardCharsets.US_ASCII));
                FastLibc.setVariable("WATCHDOG_PID", value);
                int expected = oracle.watchdogEnabled(false, null);
                if (expected >= 0) {
                    continue;
                }
                rejected++;
                assertNamed("WATCHDOG_PID=", expected, show(value), () -> watchdogInterval(DaemonNotifier.over(info), unset));
                assertEquals(unset, FastLibc.getVariable("WATCHDOG_PID") == null);
            }
        }
        ReliabilityReport.figure("badEnvironment." + backend.id() + ".rejectedWatchdogValues", rejected);
        assertTrue(rejected > 1000, "rejected values tried: " + rejected);
    }

    // ---- LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES -------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void everyRejectedListenVariableIsNamed(Backend backend) {
        ChosenBackend info = Backends.choose(backend);
        SplittableRandom r = new SplittableRandom(13);
        String own = Token.PID.t();
        int[] rejected = {0};
        FdFlags flags = FdFlags.save();
        try {
            for (String pid : values(() -> FuzzGenerator.number(r, Kind.PID), "", "abc", "0", "-1")) {
                rejected[0] += listenCase(info, "LISTEN_PID=", pid, "1", null);
            }
            for (String fds : values(() -> FuzzGenerator.number(r, Kind.FDS), "", "abc", "0", "-1", "2147483645",
                    "2147483648", "2147483644")) {
                rejected[0] += listenCase(info, "LISTEN_FDS=", own, fds, null);
            }
            for (String names : values(() -> randomNames(r), "a\\", "\\", "a:b:c", "", "a:b\\", ":")) {
                rejected[0] += listenCase(info, "LISTEN_FDNAMES=", own, "2", names);
            }
        } finally {
            flags.restore();
        }
        ReliabilityReport.figure("badEnvironment." + backend.id() + ".rejectedListenValues", rejected[0]);
        assertTrue(rejected[0] > 1000, "rejected values tried: " + rejected[0]);
    }

    private static String randomNames(SplittableRandom r) {
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(8); i > 0; i--) {
            s.append("ab:\\\u00ff ".charAt(r.nextInt(6)));
        }
        return s.toString();
    }

    /** 1 if libsystemd rejects the variables (and the public API was checked), else 0. */
    private static int listenCase(ChosenBackend info, String variable, String pid, String fds, String names) {
        int checked = 0;
        for (boolean unset : new boolean[] {false, true}) {
            byte[][] values = {world.expand(pid), world.expand(fds), world.expand(names)};
            setListen(values);
            FdFlags flags = FdFlags.save();
            int expected = oracle.listenFdsWithNames(false, new ArrayList<>());
            flags.restore();
            if (expected >= 0) {
                return checked;
            }
            byte[] value = values[variable.equals("LISTEN_PID=") ? 0 : variable.equals("LISTEN_FDS=") ? 1 : 2];
            try {
                assertNamed(variable, expected, show(value), () -> listenFds(DaemonNotifier.over(info), unset));
            } finally {
                flags.restore();
            }
            assertEquals(unset, FastLibc.getVariable("LISTEN_PID") == null);
            checked = 1;
        }
        return checked;
    }

    private static void setListen(byte[][] values) {
        FastLibc.setVariable("LISTEN_PID", values[0]);
        FastLibc.setVariable("LISTEN_FDS", values[1]);
        FastLibc.setVariable("LISTEN_FDNAMES", values[2]);
    }

    // ---- payloads ------------------------------------------------------------------------------------

    /**
     * Sizes around the manager's 4096 bytes, at the test receiver's 1 MiB, past what the socket buffer
     * takes (libsystemd raises SO_SNDBUF to 8 MiB, so 9 and 17 MiB fail: ENOBUFS or EMSGSIZE, as the kernel
     * decides), and bytes that are not UTF-8: the seam sends exactly what libsystemd sends.
     */
    @Test
    void largeAndNonUtf8PayloadsOnTheSeamMatchLibsystemd() {
        List<String> results = new ArrayList<>();
        String[][] cases = {
            {"a", "4096"}, {"a", "4097"}, {"\u00ff", "4097"}, {"\u00c3", "4097"}, {"\u00e2\u0082", "2049"},
            {"\u00ff\u00fe\u0080\n\u0001", "1"}, {"STATUS=\u00ed\u00a0\u0080", "1"}, {"a", String.valueOf(1 << 20)},
            {"a", String.valueOf(9 << 20)}, {"a", String.valueOf(17 << 20)},
            {"READY=1\u0000", String.valueOf(9 << 20)}};
        for (String[] c : cases) {
            int repeat = Integer.parseInt(c[1]);
            FuzzCase fc = FuzzCase.of(FuzzCase.Op.NOTIFY).withEnv(FuzzCase.NOTIFY_SOCKET, Token.RECV.t())
                    .withState(c[0], repeat);
            Comparison r = world.compare(oracle, javaSeam, fc);
            // A C string: the payload ends at the first NUL.
            int nul = c[0].indexOf('\u0000');
            long size = nul >= 0 ? nul : (long) c[0].length() * repeat;
            results.add(size + " B: " + r.oracle().ret());
            assertEquals(r.oracle(), r.ours(), fc.toLine());
            if (size > 8 << 20) {
                assertTrue(r.oracle().ret() == -105 || r.oracle().ret() == -90, r.oracle().toString());
                assertEquals(List.of(), r.oracle().received());
            } else {
                assertEquals(1, r.oracle().ret(), r.oracle().toString());
                assertEquals(1, r.oracle().received().size());
            }
        }
        ReliabilityReport.figure("badEnvironment.payloadResults", results);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"LIBSYSTEMD", "JAVA"})
    void theTypedApiRefusesWhatTheManagerWouldDrop(Backend backend) {
        Notifier notifier = Notifier.withBackend(backend);
        int[] pipe = new int[2];
        assertEquals(0, C.pipe(pipe));
        try (Receiver receiver = Receiver.bindPath(dir.resolve("notify"))) {
            CEnv.set("NOTIFY_SOCKET", receiver.address());
            String fits = "x".repeat(4096 - "STATUS=".length());
            assertTrue(notifier.send(NotifyState.status(fits)));
            assertEquals(List.of(4096), sizes(receiver));
            assertTrue(notifier.send(NotifyState.READY, NotifyState.status(fits.substring("READY=1\n".length()))));
            assertEquals(List.of(4096), sizes(receiver));

            String over = fits + "x";
            // Two-byte characters: fewer than 4096 characters, more than 4096 bytes.
            String wide = "\u00e9".repeat(2045);
            List<Runnable> refused = List.of(
                () -> notifier.send(NotifyState.status(over)),
                () -> notifier.status(over),
                () -> notifier.status(wide),
                () -> notifier.ready(over.substring(8)),
                () -> notifier.send(NotifyState.READY, NotifyState.status(fits.substring(7))),
                () -> notifier.send(NotifyState.of("X_CUSTOM", over)),
                () -> notifier.sendWithFds(pipe, NotifyState.FDSTORE, NotifyState.status(over)),
                () -> notifier.sendAsPid(C.getpid(), NotifyState.status(over)),
                () -> notifier.sendAndUnsetEnvironment(NotifyState.status(over)));
            for (Runnable call : refused) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
                assertTrue(e.getMessage().contains("4096"), e.getMessage());
            }
            assertEquals(List.of(), sizes(receiver), "nothing was sent");
            assertNotNull(CEnv.get("NOTIFY_SOCKET"), "a refused message does not reach the unset step");

            // The raw call is sd_notify: anything, verbatim.
            assertTrue(notifier.sendRaw("x".repeat(4097)));
            assertTrue(notifier.sendRaw("x".repeat(100_000)));
            assertEquals(List.of(4097, 100_000), sizes(receiver));
            ReliabilityReport.figure("badEnvironment." + backend.id() + ".typedRefusals", refused.size());
            assertFalse(refused.isEmpty());
        } finally {
            C.close(pipe[0]);
            C.close(pipe[1]);
        }
    }

    static List<Integer> sizes(Receiver r) {
        List<Integer> out = new ArrayList<>();
        r.drain().forEach(d -> out.add(d.payload().length));
        return out;
    }

    private static java.util.Optional<java.time.Duration> watchdogInterval(Notifier n, boolean unset) {
        return unset ? n.watchdogIntervalAndUnsetEnvironment() : n.watchdogInterval();
    }

    private static java.util.List<ListenFd> listenFds(Notifier n, boolean unset) {
        return unset ? n.listenFdsAndUnsetEnvironment() : n.listenFds();
    }
}
