package dev.sdnotify.internal.daemon;

import static dev.sdnotify.internal.daemon.MockedKernel.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.sdnotify.internal.kernel.LinuxAbi;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.InOrder;

/**
 * D10: {@code LISTEN_PIDFDID} (libsystemd 259): read once LISTEN_PID matched, parsed as WATCHDOG_USEC is,
 * compared with this process's pidfd inode id where that can be had, and unset with the other variables.
 */
class ListenPidfdIdTest {
    static final long OWN_ID = 208047L;
    static final String OWN = Integer.toString(MockedKernel.OWN_PID);
    static final String[] VARIABLES = {"LISTEN_PID", "LISTEN_PIDFDID", "LISTEN_FDS", "LISTEN_FDNAMES"};
    MockedKernel m;
    JavaDaemon daemon;

    @BeforeEach
    void setUp() {
        m = new MockedKernel();
        daemon = m.daemon();
        ownId(0, OWN_ID);
    }

    void ownId(int result, long id) {
        // doAnswer: when() would call the answer stubbed before with a null array.
        doAnswer(inv -> {
            long[] out = inv.getArgument(0);
            if (result == 0) {
                out[0] = id;
            }
            return result;
        }).when(m.kernel).ownPidfdInodeId(any());
    }

    void listen(String pid, String pidfdId, String fds, String names) {
        String[] values = {pid, pidfdId, fds, names};
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                m.env.put(VARIABLES[i], b(values[i]));
            }
        }
    }

    void verifyFdsUntouched() {
        verify(m.kernel, never()).fcntl(anyInt(), anyInt(), anyInt());
    }

    /** sd_listen_fds: listenFdsWithNames with names NULL. */
    int listenFds(boolean unset) {
        return daemon.listenFdsWithNames(unset, null);
    }

    static Stream<Arguments> values() {
        return Stream.of(
                Arguments.of("own id", Long.toString(OWN_ID), 2),
                Arguments.of("leading space", " " + OWN_ID, 2),
                Arguments.of("plus", "+" + OWN_ID, 2),
                Arguments.of("hex", "0x" + Long.toHexString(OWN_ID), 2),
                Arguments.of("vertical tab", "\u000b" + OWN_ID, 2),
                Arguments.of("another id", Long.toString(OWN_ID + 1), 0),
                Arguments.of("zero", "0", 0),
                Arguments.of("abc", "abc", -22),
                Arguments.of("empty", "", -22),
                Arguments.of("trailing space", OWN_ID + " ", -22),
                Arguments.of("minus one", "-1", -34),
                Arguments.of("2^64", "18446744073709551616", -34));
    }

    @ParameterizedTest(name = "{0}: \"{1}\" → {2}")
    @MethodSource("values")
    void withTwoFds(String name, String value, int expected) {
        listen(OWN, value, "2", null);
        assertEquals(expected, listenFds(false));
        if (expected == 2) {
            verify(m.kernel).fcntl(3, LinuxAbi.F_SETFD, 1);
            verify(m.kernel).fcntl(4, LinuxAbi.F_SETFD, 1);
        } else {
            verifyFdsUntouched();
            verify(m.environment, never()).getenv("LISTEN_FDS");
        }
        verify(m.kernel, times(expected == -22 || expected == -34 ? 0 : 1)).ownPidfdInodeId(any());
    }

    @Test
    @DisplayName("read after LISTEN_PID matched and before LISTEN_FDS")
    void order() {
        listen(OWN, Long.toString(OWN_ID), "2", null);
        assertEquals(2, listenFds(false));
        InOrder order = inOrder(m.environment, m.kernel);
        order.verify(m.environment).getenv("LISTEN_PID");
        order.verify(m.environment).getenv("LISTEN_PIDFDID");
        order.verify(m.kernel).ownPidfdInodeId(any());
        order.verify(m.environment).getenv("LISTEN_FDS");
    }

    @Test
    @DisplayName("unset: the own id is not even asked for")
    void absent() {
        listen(OWN, null, "2", null);
        assertEquals(2, listenFds(false));
        verify(m.kernel, never()).ownPidfdInodeId(any());
    }

    @Test
    @DisplayName("another LISTEN_PID: LISTEN_PIDFDID is not read, however malformed")
    void foreignPid() {
        listen(Integer.toString(MockedKernel.OWN_PID + 1), "abc", "2", null);
        assertEquals(0, listenFds(false));
        verify(m.environment, never()).getenv("LISTEN_PIDFDID");
    }

    @Test
    @DisplayName("parsed before LISTEN_FDS is looked at: FDS unset, PIDFDID abc → -22")
    void parsedBeforeFds() {
        listen(OWN, "abc", null, null);
        assertEquals(-22, listenFds(false));
    }

    @Test
    @DisplayName("a mismatch wins over a bad LISTEN_FDS: FDS abc, another id → 0")
    void mismatchBeforeFds() {
        listen(OWN, Long.toString(OWN_ID + 1), "abc", null);
        assertEquals(0, listenFds(false));
    }

    @ParameterizedTest(name = "own id → -{0}: skipped")
    @ValueSource(ints = {38, 95, 24, 1, 9})
    @DisplayName("no own id to compare with (no pidfd_open, no pidfs, no fds left...): the check is skipped")
    void unobtainable(int errno) {
        ownId(-errno, 0);
        listen(OWN, Long.toString(OWN_ID + 1), "2", null);
        assertEquals(2, listenFds(false));
    }

    @Test
    @DisplayName("no own id, but a malformed value is still an error")
    void unobtainableStillParsed() {
        ownId(-95, 0);
        listen(OWN, "abc", "2", null);
        assertEquals(-22, listenFds(false));
    }

    @ParameterizedTest(name = "LISTEN_PID={0} LISTEN_PIDFDID={1}")
    @MethodSource("unsetCases")
    @DisplayName("with unset, all four variables go, on every path")
    void unsetAll(String pid, String pidfdId, int expected) {
        listen(pid, pidfdId, "2", "a:b");
        assertEquals(expected, listenFds(true));
        for (String v : VARIABLES) {
            verify(m.environment).unsetenv(v);
        }
        assertTrue(m.env.isEmpty(), "left: " + m.env.keySet());
    }

    static Stream<Arguments> unsetCases() {
        return Stream.of(Arguments.of(OWN, Long.toString(OWN_ID), 2), Arguments.of(OWN, Long.toString(OWN_ID + 1), 0),
                Arguments.of(OWN, "abc", -22), Arguments.of("1", "5", 0), Arguments.of(null, "5", 0),
                Arguments.of("abc", "5", -22));
    }

    @Test
    @DisplayName("with names: a mismatch → 0, names untouched, all four unset")
    void withNamesMismatch() {
        listen(OWN, Long.toString(OWN_ID + 1), "2", "a:b");
        List<byte[]> names = new ArrayList<>();
        assertEquals(0, daemon.listenFdsWithNames(true, names));
        assertEquals(List.of(), names);
        assertTrue(m.env.isEmpty(), "left: " + m.env.keySet());
    }

    @Test
    @DisplayName("with names: a malformed value → -22, names untouched")
    void withNamesMalformed() {
        listen(OWN, "abc", "2", "a:b");
        List<byte[]> names = new ArrayList<>();
        assertEquals(-22, daemon.listenFdsWithNames(false, names));
        assertEquals(List.of(), names);
    }
}
