package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.sdnotify.internal.core.DaemonNotifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Wire forms and validation of {@link NotifyState}, and message assembly in {@link DaemonNotifier}. */
class NotifyStateTest {

    private static void assertMessageContains(IllegalArgumentException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "\"" + e.getMessage() + "\" should mention " + part);
        }
    }

    // wire forms ------------------------------------------------------------------------------------

    static Stream<Arguments> wireForms() {
        return Stream.of(
                argumentSet("READY", NotifyState.READY, "READY=1"),
                argumentSet("RELOADING", NotifyState.RELOADING, "RELOADING=1"),
                argumentSet("STOPPING", NotifyState.STOPPING, "STOPPING=1"),
                argumentSet("WATCHDOG", NotifyState.WATCHDOG, "WATCHDOG=1"),
                argumentSet("WATCHDOG_TRIGGER", NotifyState.WATCHDOG_TRIGGER, "WATCHDOG=trigger"),
                argumentSet("FDSTORE", NotifyState.FDSTORE, "FDSTORE=1"),
                argumentSet("FDSTOREREMOVE", NotifyState.FDSTOREREMOVE, "FDSTOREREMOVE=1"),
                argumentSet("FDPOLL_DISABLED", NotifyState.FDPOLL_DISABLED, "FDPOLL=0"),
                argumentSet("status", NotifyState.status("Serving 3 clients"), "STATUS=Serving 3 clients"),
                argumentSet("empty status", NotifyState.status(""), "STATUS="),
                argumentSet("status with '=' and ':'", NotifyState.status("a=b: c"), "STATUS=a=b: c"),
                argumentSet("status with tab", NotifyState.status("a\tb"), "STATUS=a\tb"),
                argumentSet("errno", NotifyState.errno(5), "ERRNO=5"),
                argumentSet("errno 0", NotifyState.errno(0), "ERRNO=0"),
                argumentSet("busError", NotifyState.busError("org.freedesktop.DBus.Error.Failed"),
                        "BUSERROR=org.freedesktop.DBus.Error.Failed"),
                argumentSet("mainPid 1", NotifyState.mainPid(1), "MAINPID=1"),
                argumentSet("mainPid max", NotifyState.mainPid(2147483647L), "MAINPID=2147483647"),
                argumentSet("extendTimeout 1.5 s", NotifyState.extendTimeout(Duration.ofMillis(1500)),
                        "EXTEND_TIMEOUT_USEC=1500000"),
                argumentSet("extendTimeout 0", NotifyState.extendTimeout(Duration.ZERO), "EXTEND_TIMEOUT_USEC=0"),
                argumentSet("extendTimeout truncates 1999 ns", NotifyState.extendTimeout(Duration.ofNanos(1999)),
                        "EXTEND_TIMEOUT_USEC=1"),
                argumentSet("extendTimeout truncates 999 ns", NotifyState.extendTimeout(Duration.ofNanos(999)),
                        "EXTEND_TIMEOUT_USEC=0"),
                argumentSet("watchdogTimeout 30 s", NotifyState.watchdogTimeout(Duration.ofSeconds(30)),
                        "WATCHDOG_USEC=30000000"),
                argumentSet("watchdogTimeout 1 us", NotifyState.watchdogTimeout(Duration.ofNanos(1000)),
                        "WATCHDOG_USEC=1"),
                argumentSet("watchdogTimeout truncates", NotifyState.watchdogTimeout(Duration.ofNanos(2_500_999)),
                        "WATCHDOG_USEC=2500"),
                argumentSet("monotonicUsec", NotifyState.monotonicUsec(123456789L), "MONOTONIC_USEC=123456789"),
                argumentSet("monotonicUsec 0", NotifyState.monotonicUsec(0), "MONOTONIC_USEC=0"),
                argumentSet("fdName", NotifyState.fdName("web-1.socket_~"), "FDNAME=web-1.socket_~"),
                argumentSet("fdName with space", NotifyState.fdName("a b"), "FDNAME=a b"),
                argumentSet("of", NotifyState.of("X_CUSTOM2", "v=1"), "X_CUSTOM2=v=1"),
                argumentSet("of with empty value", NotifyState.of("A", ""), "A="),
                argumentSet("non-ASCII status", NotifyState.status("Überprüfung läuft"),
                        "STATUS=Überprüfung läuft"),
                argumentSet("emoji status", NotifyState.status("ready \uD83D\uDE80"), "STATUS=ready \uD83D\uDE80"));
    }

    @ParameterizedTest
    @MethodSource
    void wireForms(NotifyState state, String expected) {
        assertEquals(expected, state.toString());
        assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), DaemonNotifier.message(state));
    }

    @Test
    void nonAsciiIsEncodedAsUtf8() {
        assertArrayEquals(new byte[] {'S', 'T', 'A', 'T', 'U', 'S', '=', (byte) 0xc3, (byte) 0x9c},
                DaemonNotifier.message(NotifyState.status("Ü")));
        assertArrayEquals(new byte[] {'S', 'T', 'A', 'T', 'U', 'S', '=',
                        (byte) 0xf0, (byte) 0x9f, (byte) 0x9a, (byte) 0x80},
                DaemonNotifier.message(NotifyState.status("\uD83D\uDE80")));
    }

    // free text -------------------------------------------------------------------------------------

    static Stream<Arguments> forbiddenCharacters() {
        return Stream.of(
                argumentSet("newline", "ab\ncd", "newline"),
                argumentSet("carriage return", "ab\rcd", "carriage return"),
                argumentSet("NUL", "ab\0cd", "NUL"),
                argumentSet("backslash", "ab\\cd", "backslash"));
    }

    @ParameterizedTest
    @MethodSource("forbiddenCharacters")
    void statusRefuses(String text, String what) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotifyState.status(text));
        assertMessageContains(e, "STATUS", what, "index 2");
    }

    @ParameterizedTest
    @MethodSource("forbiddenCharacters")
    void busErrorRefuses(String text, String what) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotifyState.busError(text));
        assertMessageContains(e, "BUSERROR", what, "index 2");
    }

    @ParameterizedTest
    @MethodSource("forbiddenCharacters")
    void ofRefusesInValue(String text, String what) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotifyState.of("X_TAG", text));
        assertMessageContains(e, "X_TAG", what, "index 2");
    }

    @Test
    void trailingNewlineIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> NotifyState.status("done\n"));
        assertMessageContains(e, "STATUS", "newline", "index 4");
    }

    @Test
    void injectedSecondStateIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> NotifyState.status("ok\nREADY=1"));
        assertMessageContains(e, "STATUS", "newline", "index 2");
    }

    static Stream<Arguments> loneSurrogates() {
        return Stream.of(
                argumentSet("high alone", "\uD83D", 0),
                argumentSet("high at end", "ab\uD83D", 2),
                argumentSet("high before non-low", "a\uD83Dx", 1),
                argumentSet("low alone", "a\uDE80", 1),
                argumentSet("reversed pair", "\uDE80\uD83D", 0),
                argumentSet("valid pair then lone low", "\uD83D\uDE80\uDE80", 2));
    }

    @ParameterizedTest
    @MethodSource
    void loneSurrogates(String text, int index) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotifyState.status(text));
        assertMessageContains(e, "STATUS", "surrogate", "index " + index);
    }

    @Test
    void nullTextIsRefused() {
        assertThrows(NullPointerException.class, () -> NotifyState.status(null));
        assertThrows(NullPointerException.class, () -> NotifyState.busError(null));
        assertThrows(NullPointerException.class, () -> NotifyState.of("A", null));
        assertThrows(NullPointerException.class, () -> NotifyState.of(null, "v"));
    }

    // of(key, value) --------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"", "ready", "Ready", "1ABC", "_A", "A-B", "A B", "A=B", "A\nB", "Ä"})
    void ofRefusesBadKey(String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotifyState.of(key, "1"));
        assertMessageContains(e, "\"" + key + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "A1", "A_B", "NOTIFYACCESS", "X_9_"})
    void ofAcceptsKey(String key) {
        assertEquals(key + "=1", NotifyState.of(key, "1").toString());
    }

    // FDNAME ----------------------------------------------------------------------------------------

    @Test
    void fdNameOf255CharactersIsAccepted() {
        String name = "n".repeat(255);
        assertEquals("FDNAME=" + name, NotifyState.fdName(name).toString());
        assertEquals(255, NotifyState.FDNAME_MAX);
    }

    @Test
    void fdNameOf256CharactersIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> NotifyState.fdName("n".repeat(256)));
        assertMessageContains(e, "FDNAME", "256");
    }

    @Test
    void emptyFdNameIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotifyState.fdName(""));
        assertMessageContains(e, "FDNAME");
    }

    static Stream<Arguments> badFdNameCharacters() {
        return Stream.of(
                argumentSet("colon", "abc:d", 3, "U+003A"),
                argumentSet("tab", "ab\tc", 2, "U+0009"),
                argumentSet("newline", "a\n", 1, "newline"),
                argumentSet("NUL", "\0a", 0, "NUL"),
                argumentSet("unit separator", "a\u001f", 1, "U+001F"),
                argumentSet("DEL", "a\u007f", 1, "U+007F"),
                argumentSet("non-ASCII", "caf\u00e9", 3, "U+00E9"),
                argumentSet("emoji", "x\uD83D\uDE80", 1, "U+D83D"));
    }

    @ParameterizedTest
    @MethodSource
    void badFdNameCharacters(String name, int index, String what) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotifyState.fdName(name));
        assertMessageContains(e, "FDNAME", what, "index " + index);
    }

    @Test
    void fdNameAcceptsEveryPrintableAsciiExceptColon() {
        StringBuilder all = new StringBuilder();
        for (char c = 0x20; c <= 0x7e; c++) {
            if (c != ':') {
                all.append(c);
            }
        }
        assertEquals("FDNAME=" + all, NotifyState.fdName(all.toString()).toString());
    }

    // numbers ---------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(longs = {0L, -1L, 2147483648L, Long.MIN_VALUE, Long.MAX_VALUE})
    void mainPidOutOfRange(long pid) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotifyState.mainPid(pid));
        assertMessageContains(e, "MAINPID", Long.toString(pid));
    }

    @Test
    void negativeErrnoIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NotifyState.errno(-1));
        assertMessageContains(e, "ERRNO", "-1");
    }

    @Test
    void negativeMonotonicUsecIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> NotifyState.monotonicUsec(-1));
        assertMessageContains(e, "MONOTONIC_USEC");
    }

    static Stream<Arguments> durationFactories() {
        return Stream.of(
                argumentSet("extendTimeout", (Function<Duration, NotifyState>) NotifyState::extendTimeout,
                        "EXTEND_TIMEOUT_USEC"),
                argumentSet("watchdogTimeout", (Function<Duration, NotifyState>) NotifyState::watchdogTimeout,
                        "WATCHDOG_USEC"));
    }

    @ParameterizedTest
    @MethodSource("durationFactories")
    void negativeDurationIsRefused(Function<Duration, NotifyState> factory, String key) {
        for (Duration d : new Duration[] {Duration.ofNanos(-1), Duration.ofMillis(-1500), Duration.ofSeconds(-1, 999_999_999)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> factory.apply(d),
                    d.toString());
            assertMessageContains(e, key);
        }
    }

    @ParameterizedTest
    @MethodSource("durationFactories")
    void overflowingDurationIsRefused(Function<Duration, NotifyState> factory, String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> factory.apply(Duration.ofSeconds(Long.MAX_VALUE)));
        assertMessageContains(e, key);
    }

    @ParameterizedTest
    @MethodSource("durationFactories")
    void nullDurationIsRefused(Function<Duration, NotifyState> factory, String key) {
        assertThrows(NullPointerException.class, () -> factory.apply(null));
    }

    @Test
    void largestDurationThatFits() {
        // 9223372036854 s 775807 us is Long.MAX_VALUE microseconds
        assertEquals("EXTEND_TIMEOUT_USEC=9223372036854775807",
                NotifyState.extendTimeout(Duration.ofSeconds(9223372036854L, 775_807_999)).toString());
    }

    @ParameterizedTest
    @ValueSource(longs = {0L, 1L, 999L})
    void watchdogTimeoutBelowOneMicrosecondIsRefused(long nanos) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotifyState.watchdogTimeout(Duration.ofNanos(nanos)));
        assertMessageContains(e, "WATCHDOG_USEC");
    }

    // identity --------------------------------------------------------------------------------------

    @Test
    void equalityFollowsTheWireForm() {
        NotifyState a = NotifyState.status("x");
        NotifyState b = NotifyState.status("x");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, NotifyState.status("y"));
        assertNotEquals(a, NotifyState.busError("x"));
        assertEquals(NotifyState.READY, NotifyState.of("READY", "1"));
        assertEquals(NotifyState.READY.hashCode(), NotifyState.of("READY", "1").hashCode());
        assertEquals(NotifyState.extendTimeout(Duration.ofSeconds(2)),
                NotifyState.extendTimeout(Duration.ofMillis(2000)));
        assertNotEquals(NotifyState.WATCHDOG, NotifyState.WATCHDOG_TRIGGER);
        assertNotEquals(NotifyState.READY, "READY=1");
        assertNotEquals(NotifyState.READY, null);
    }

    // DaemonNotifier.message ------------------------------------------------------------------------

    @Nested
    class Message {
        private String text(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Test
        void singleStateHasNoNewline() {
            assertArrayEquals("READY=1".getBytes(StandardCharsets.US_ASCII), DaemonNotifier.message(NotifyState.READY));
        }

        @Test
        void statesAreJoinedByNewlineWithoutTrailingOne() {
            assertEquals("READY=1\nSTATUS=Überprüfung läuft\nMAINPID=42",
                    text(DaemonNotifier.message(NotifyState.READY, NotifyState.status("Überprüfung läuft"),
                            NotifyState.mainPid(42))));
        }

        @Test
        void payloadIsUtf8() {
            byte[] bytes = DaemonNotifier.message(NotifyState.status("ü"));
            assertArrayEquals(new byte[] {'S', 'T', 'A', 'T', 'U', 'S', '=', (byte) 0xc3, (byte) 0xbc}, bytes);
        }

        @Test
        void exactly4096BytesIsAccepted() {
            // "STATUS=" is 7 bytes
            NotifyState s = NotifyState.status("a".repeat(4089));
            byte[] bytes = DaemonNotifier.message(s);
            assertEquals(4096, bytes.length);
            assertEquals(s.toString(), text(bytes));
        }

        @Test
        void limitCountsUtf8BytesAndSeparators() {
            // 7 + 2 * 2040 + 1 = 4088 bytes, then "\nREADY=1" brings it to 4096
            NotifyState s = NotifyState.status("ü".repeat(2040) + "a");
            byte[] bytes = DaemonNotifier.message(s, NotifyState.READY);
            assertEquals(4096, bytes.length);
            assertEquals(s + "\nREADY=1", text(bytes));
        }

        @Test
        void bytes4097IsRefused() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DaemonNotifier.message(NotifyState.status("a".repeat(4090))));
            assertMessageContains(e, "4096");
        }

        @Test
        void bytes4097ThroughSeparatorIsRefused() {
            NotifyState s = NotifyState.status("ü".repeat(2040) + "ab");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DaemonNotifier.message(s, NotifyState.READY));
            assertMessageContains(e, "4096");
        }

        @Test
        void multiByteCharacterCrossingTheLimitIsRefused() {
            // 4096 characters but 4097 bytes
            NotifyState s = NotifyState.status("a".repeat(4088) + "ü");
            assertEquals(4096, s.toString().length());
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> DaemonNotifier.message(s));
            assertMessageContains(e, "4096");
        }

        @Test
        void nullStateIsRefused() {
            assertThrows(NullPointerException.class, () -> DaemonNotifier.message(NotifyState.READY, (NotifyState) null));
            assertThrows(NullPointerException.class, () -> DaemonNotifier.message(null));
        }
    }

    // DaemonNotifier.timeoutMicros ------------------------------------------------------------------

    @Nested
    class TimeoutMicros {
        @Test
        void nullIsRefusedNamingTheCallWithoutATimeout() {
            NullPointerException e = assertThrows(NullPointerException.class, () -> DaemonNotifier.timeoutMicros(null));
            assertTrue(e.getMessage().contains("barrier() waits without one"), e.getMessage());
        }

        @Test
        void convertsAndTruncatesToMicroseconds() {
            assertEquals(0L, DaemonNotifier.timeoutMicros(Duration.ZERO));
            assertEquals(0L, DaemonNotifier.timeoutMicros(Duration.ofNanos(999)));
            assertEquals(1L, DaemonNotifier.timeoutMicros(Duration.ofNanos(1999)));
            assertEquals(1_500_000L, DaemonNotifier.timeoutMicros(Duration.ofMillis(1500)));
            assertEquals(200_000L, DaemonNotifier.timeoutMicros(Duration.ofMillis(200)));
            assertEquals(3_600_000_000L, DaemonNotifier.timeoutMicros(Duration.ofHours(1)));
            assertEquals(9223372036853999999L,
                    DaemonNotifier.timeoutMicros(Duration.ofSeconds(9223372036853L, 999_999_999)));
        }

        @Test
        void hugeSaturatesAndStaysFinite() {
            assertEquals(Long.MAX_VALUE, DaemonNotifier.timeoutMicros(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
            assertEquals(Long.MAX_VALUE, DaemonNotifier.timeoutMicros(Duration.ofDays(106_751_992)));
            assertEquals(Long.MAX_VALUE, DaemonNotifier.timeoutMicros(Duration.ofSeconds(10_000_000_000_000L)));
        }

        @Test
        void negativeIsRefused() {
            assertThrows(IllegalArgumentException.class, () -> DaemonNotifier.timeoutMicros(Duration.ofNanos(-1)));
            assertThrows(IllegalArgumentException.class, () -> DaemonNotifier.timeoutMicros(Duration.ofSeconds(-5)));
        }
    }
}
