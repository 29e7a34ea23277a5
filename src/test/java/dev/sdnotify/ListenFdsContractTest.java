package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.CleanEnvironment;
import dev.sdnotify.testing.Daemon;
import dev.sdnotify.testing.LibsystemdDifferences;
import dev.sdnotify.testing.OwnPidfd;
import dev.sdnotify.testing.TestLibc;
import dev.sdnotify.testing.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sd_listen_fds and sd_listen_fds_with_names vectors (§6, L1–L18, and LISTEN_PIDFDID's P1–P14) on both
 * backends. They run on this JVM's fds 3 and 4 (opened here if the JVM has not); their close-on-exec flag is
 * cleared before each run, observed after it, and restored. The spec's "fd 5 missing" becomes "the first closed fd from 3 on".
 */
@ExtendWith(CleanEnvironment.class)
class ListenFdsContractTest {
    static final TestLibc C = TestLibc.INSTANCE;
    static final String[] VARIABLES = {"LISTEN_PID", "LISTEN_PIDFDID", "LISTEN_FDS", "LISTEN_FDNAMES"};
    static final LibsystemdDifferences DIFFERENCES = LibsystemdDifferences.load();
    static BothBackends backends;
    static final List<Integer> opened = new ArrayList<>();
    static int firstClosed;

    @BeforeAll
    static void setUp() {
        backends = BothBackends.load();
        int[] pipe = new int[2];
        C.pipe(pipe);
        for (int fd = 3; fd <= 4; fd++) {
            if (C.fcntl(fd, TestLibc.F_GETFD) < 0) {
                assertEquals(fd, C.dup2(pipe[0], fd));
                opened.add(fd);
            }
        }
        for (int end : pipe) {
            if (!opened.contains(end)) {
                C.close(end);
            }
        }
        firstClosed = 3;
        while (C.fcntl(firstClosed, TestLibc.F_GETFD) >= 0) {
            firstClosed++;
        }
        assertTrue(firstClosed >= 5, "fds 3 and 4 are open");
    }

    @AfterAll
    static void tearDown() {
        opened.forEach(C::close);
    }

    /** {@code names}: the names returned, "untouched", or "NULL" for the plain sd_listen_fds call. */
    static final class Observation extends Value {
        final int ret;
        final List<Integer> madeCloexec;
        final String names;
        final List<String> environmentAfter;

        Observation(int ret, List<Integer> madeCloexec, String names, List<String> environmentAfter) {
            this.ret = ret;
            this.madeCloexec = madeCloexec;
            this.names = names;
            this.environmentAfter = environmentAfter;
        }

        @Override
        protected Object[] components() {
            return new Object[] {ret, madeCloexec, names, environmentAfter};
        }
    }

    static String substitute(String s) {
        if (s == null) {
            return null;
        }
        int own = C.getpid();
        if (s.contains("$pidfdid")) {
            long id = OwnPidfd.inodeId();
            s = s.replace("$pidfdid+1", Long.toString(id + 1)).replace("$pidfdid", Long.toString(id));
        }
        return s.replace("$own", Integer.toString(own)).replace("$other", Integer.toString(own + 1))
                .replace("$upToFirstClosed", Integer.toString(firstClosed - 3 + 1));
    }

    static Observation run(Daemon d, String pid, String pidfdId, String fds, String names, boolean unset,
            boolean withNames) {
        CEnv.set("LISTEN_PID", pid);
        CEnv.set("LISTEN_PIDFDID", pidfdId);
        CEnv.set("LISTEN_FDS", fds);
        CEnv.set("LISTEN_FDNAMES", names);
        int[] saved = new int[firstClosed];
        for (int fd = 3; fd < firstClosed; fd++) {
            saved[fd] = C.fcntl(fd, TestLibc.F_GETFD);
            C.fcntl(fd, TestLibc.F_SETFD, saved[fd] & ~TestLibc.FD_CLOEXEC);
        }
        List<byte[]> out = withNames ? new ArrayList<>() : null;
        int ret;
        List<Integer> cloexec = new ArrayList<>();
        try {
            ret = withNames ? d.listenFdsWithNames(unset, out) : d.listenFds(unset);
        } finally {
            for (int fd = 3; fd < firstClosed; fd++) {
                if ((C.fcntl(fd, TestLibc.F_GETFD) & TestLibc.FD_CLOEXEC) != 0) {
                    cloexec.add(fd);
                }
                C.fcntl(fd, TestLibc.F_SETFD, saved[fd]);
            }
        }
        String shown = "NULL";
        if (out != null) {
            List<String> list = new ArrayList<>();
            out.forEach(n -> list.add("'" + new String(n, StandardCharsets.UTF_8) + "'"));
            shown = list.isEmpty() ? "untouched" : list.toString();
        }
        List<String> env = new ArrayList<>();
        for (String v : VARIABLES) {
            env.add(CEnv.getString(v));
        }
        for (String v : VARIABLES) {
            CEnv.unset(v);
        }
        return new Observation(ret, cloexec, shown, env);
    }

    /** The fds from 3 up to, not including, {@code end}; {@code -1} means up to the first closed fd. */
    static List<Integer> fdsBelow(int end) {
        List<Integer> out = new ArrayList<>();
        for (int fd = 3; fd < (end == -1 ? firstClosed : end); fd++) {
            out.add(fd);
        }
        return out;
    }

    /** A vector every version answers alike; LISTEN_PIDFDID unset. */
    static Arguments l(String id, String pid, String fds, String names, boolean unset, boolean withNames, int ret,
            int cloexecBelow, String returnedNames) {
        Outcome o = new Outcome(ret, cloexecBelow, returnedNames);
        return Arguments.of(id, pid, null, fds, names, unset, withNames, o, o, true);
    }

    /** What a call should come to: its result, the fds made close-on-exec (below this one), the names. */
    static final class Outcome extends Value {
        final int ret;
        final int cloexecBelow;
        final String names;

        Outcome(int ret, int cloexecBelow, String names) {
            this.ret = ret;
            this.cloexecBelow = cloexecBelow;
            this.names = names;
        }

        @Override
        protected Object[] components() {
            return new Object[] {ret, cloexecBelow, names};
        }
    }

    /**
     * A LISTEN_PIDFDID vector (rule listen-pidfdid of libsystemd-differences.tsv): {@code in262} is what 262 and
     * the java backend give, {@code ignored} what a libsystemd that ignores the variable gives, and leaves it set.
     */
    static Arguments p(String id, String pid, String pidfdId, String fds, String names, boolean unset,
            boolean withNames, Outcome in262, Outcome ignored) {
        String rule = "listen-pidfdid";
        boolean applies = DIFFERENCES.appliesToOracle(rule);
        return Arguments.of(id + " [" + rule + "]", pid, pidfdId, fds, names, unset, withNames,
                applies ? ignored : in262, in262, !applies);
    }

    static Outcome o(int ret, int cloexecBelow, String names) {
        return new Outcome(ret, cloexecBelow, names);
    }

    static Stream<Arguments> vectors() {
        List<Arguments> v = new ArrayList<>(List.of(
            l("L1 LISTEN_PID unset", null, "2", "a:b", false, false, 0, 3, "NULL"),
            l("L2 other pid, unset", "$other", "2", null, true, false, 0, 3, "NULL"),
            l("L3 LISTEN_FDS unset", "$own", null, null, false, false, 0, 3, "NULL"),
            l("L5 one of two", "$own", "1", null, false, false, 1, 4, "NULL"),
            l("L7 abc, unset", "$own", "abc", null, true, false, -22, 3, "NULL"),
            l("L8 first closed fd", "$own", "$upToFirstClosed", null, false, false, -9, -1, "NULL"),
            l("L9 2147483644", "$own", "2147483644", null, false, false, -9, -1, "NULL"),
            l("L10 2147483648", "$own", "2147483648", null, false, false, -34, 3, "NULL"),
            l("L12 no names", "$own", "2", null, false, true, 2, 5, "['unknown', 'unknown']"),
            l("L13 a:b, unset", "$own", "2", "a:b", true, true, 2, 5, "['a', 'b']"),
            l("L15 one empty name", "$own", "1", "", false, true, 1, 4, "['']"),
            l("L16 trailing backslash", "$own", "1", "a\\", false, true, -22, 3, "untouched"),
            l("L17 trailing backslash, other pid", "$other", "1", "a\\", false, true, -22, 3, "untouched"),
            l("L18 other pid", "$other", "2", "a:b", false, true, 0, 3, "untouched")));
        for (String n : new String[] {"2", " 2", "+2", "0x2"}) {
            v.add(l("L4 '" + n + "'", "$own", n, null, false, false, 2, 5, "NULL"));
        }
        for (String n : new String[] {"0", "-1", "2147483645"}) {
            v.add(l("L6 '" + n + "'", "$own", n, null, false, false, -22, 3, "NULL"));
        }
        String[][] pids = {{"abc", "-22"}, {"0", "-34"}, {"-1", "-34"}, {"", "-22"}};
        for (String[] p : pids) {
            v.add(l("L11 LISTEN_PID '" + p[0] + "'", p[0], "2", null, false, false, Integer.parseInt(p[1]), 3, "NULL"));
        }
        for (String names : new String[] {"a", "a:b:c", ""}) {
            v.add(l("L14 '" + names + "'", "$own", "2", names, false, true, -22, 5, "untouched"));
        }
        Outcome two = o(2, 5, "NULL");
        v.add(p("P1 own id", "$own", "$pidfdid", "2", null, false, false, two, two));
        v.add(p("P2 own id, unset", "$own", "$pidfdid", "2", null, true, false, two, two));
        v.add(p("P3 +own id", "$own", "+$pidfdid", "2", null, false, false, two, two));
        v.add(p("P4 another id", "$own", "$pidfdid+1", "2", null, false, false, o(0, 3, "NULL"), two));
        v.add(p("P5 another id, unset", "$own", "$pidfdid+1", "2", null, true, false, o(0, 3, "NULL"), two));
        v.add(p("P6 0", "$own", "0", "2", null, false, false, o(0, 3, "NULL"), two));
        v.add(p("P7 abc", "$own", "abc", "2", null, false, false, o(-22, 3, "NULL"), two));
        v.add(p("P8 -1", "$own", "-1", "2", null, false, false, o(-34, 3, "NULL"), two));
        v.add(p("P9 own id and a space", "$own", "$pidfdid ", "2", null, false, false, o(-22, 3, "NULL"), two));
        v.add(p("P10 LISTEN_FDS unset, abc", "$own", "abc", null, null, false, false, o(-22, 3, "NULL"),
                o(0, 3, "NULL")));
        v.add(p("P11 LISTEN_FDS abc, another id", "$own", "$pidfdid+1", "abc", null, false, false, o(0, 3, "NULL"),
                o(-22, 3, "NULL")));
        v.add(p("P12 another pid, unset", "$other", "5", "2", null, true, false, o(0, 3, "NULL"), o(0, 3, "NULL")));
        v.add(p("P13 a:b, another id, unset", "$own", "$pidfdid+1", "2", "a:b", true, true, o(0, 3, "untouched"),
                o(2, 5, "['a', 'b']")));
        v.add(p("P14 a:b, abc", "$own", "abc", "2", "a:b", false, true, o(-22, 3, "untouched"),
                o(2, 5, "['a', 'b']")));
        return v.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void listenVector(String id, String pidSpec, String pidfdIdSpec, String fdsSpec, String names, boolean unset,
            boolean withNames, Outcome oracleExpected, Outcome javaExpected, boolean agree) {
        String pid = substitute(pidSpec);
        String pidfdId = substitute(pidfdIdSpec);
        String fds = substitute(fdsSpec);
        Observation oracle = run(backends.libsystemd, pid, pidfdId, fds, names, unset, withNames);
        // A libsystemd that ignores LISTEN_PIDFDID leaves it set whatever unset_environment says.
        boolean oracleKeepsPidfdId = pidfdId != null && !agree;
        assertEquals(expected(oracleExpected, pid, pidfdId, fds, names, unset, oracleKeepsPidfdId), oracle,
                id + ": libsystemd against the spec");
        Observation ours = run(backends.java, pid, pidfdId, fds, names, unset, withNames);
        assertEquals(expected(javaExpected, pid, pidfdId, fds, names, unset, false), ours,
                id + ": java backend against libsystemd 262");
        if (agree) {
            assertEquals(oracle, ours, id + ": java backend against libsystemd");
        }
        assertEquals(oracle, run(backends.libsystemdBackend, pid, pidfdId, fds, names, unset, withNames),
                id + ": libsystemd backend");
    }

    static Observation expected(Outcome o, String pid, String pidfdId, String fds, String names, boolean unset,
            boolean keepsPidfdId) {
        List<String> envAfter = unset ? Arrays.asList(null, keepsPidfdId ? pidfdId : null, null, null)
                : Arrays.asList(pid, pidfdId, fds, names);
        return new Observation(o.ret, fdsBelow(o.cloexecBelow), o.names, envAfter);
    }
}
