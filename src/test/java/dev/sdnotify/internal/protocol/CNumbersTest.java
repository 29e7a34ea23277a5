package dev.sdnotify.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The §1.2 number parsers: u64 (safe_atou64), pid (parse_pid) and int (safe_atoi). */
class CNumbersTest {
    private static final int EINVAL = -22;
    private static final int ERANGE = -34;
    /** Written into the out slot first, so a parser that forgets to store its result is caught. */
    private static final long SENTINEL = 0x5A5A5A5A5A5A5A5AL;

    @FunctionalInterface
    interface Parser {
        int parse(byte[] s, long[] out);
    }

    // u64 -------------------------------------------------------------------------------------------

    static Stream<Arguments> u64() {
        return Stream.of(
                // left column of the §1.2 table
                ok("5000000", "5000000"),
                ok(" 5", "5"),
                ok("\n\t 5", "5"),
                ok("\u000b5", "5"),
                err("5 ", EINVAL),
                err("5\n", EINVAL),
                ok("+5", "5"),
                err("-5", ERANGE),
                ok("-0", "0"),
                ok("0", "0"),
                ok("00", "0"),
                err("", EINVAL),
                err("abc", EINVAL),
                err("1e6", EINVAL),
                err("5s", EINVAL),
                ok("18446744073709551615", "18446744073709551615"),
                err("18446744073709551616", ERANGE),
                // right column
                ok("0x10", "16"),
                ok("0X10", "16"),
                ok("+0x10", "16"),
                ok("010", "8"),
                err("08", EINVAL),
                err("0o8", EINVAL),
                err("0b2", EINVAL),
                err("0xg", EINVAL),
                ok("0o17", "15"),
                ok("0b101", "5"),
                ok("0B101", "5"),
                err("0b", EINVAL),
                err("0x", EINVAL),
                err("0o", EINVAL),
                err("+0b1", EINVAL),
                err("-0b1", EINVAL),
                err("0x-1", EINVAL),
                err("0b-1", ERANGE),
                ok("0b 1", "1"),
                ok("0o 7", "7"),
                err("  +  5", EINVAL),
                // step 4: the '-' check looks at the first character after systemd's own whitespace skip
                ok("\u000b-5", "18446744073709551611"),
                // §1.2 step 2 allows the upper-case 0O prefix; strtoull also skips \f and \r
                ok("0O17", "15"),
                ok("\f5", "5"),
                ok("\r5", "5"),
                ok("18446744073709551614", "18446744073709551614"),
                ok("1", "1"),
                // bytes above 0x7f are neither digits nor C-locale whitespace
                err("\u00ff", EINVAL),
                err("5\u00ff", EINVAL),
                err("\u00a05", EINVAL),
                err("\u00855", EINVAL));
    }

    @ParameterizedTest
    @MethodSource
    void u64(String input, int expectedResult, String expectedValue) {
        check(CNumbers::parseU64, input, expectedResult, expectedValue);
    }

    // pid -------------------------------------------------------------------------------------------

    static Stream<Arguments> pid() {
        return Stream.of(
                ok("123", "123"),
                // W4: other spellings of the same pid
                ok(" \t123", "123"),
                ok("0x7b", "123"),
                ok("0173", "123"),
                ok("1", "1"),
                ok("2147483647", "2147483647"),
                // W6
                err("abc", EINVAL),
                err("", EINVAL),
                err(" ", EINVAL),
                // W7
                err("0", ERANGE),
                err("-1", ERANGE),
                err("2147483648", ERANGE),
                err("-0", ERANGE),
                err("18446744073709551615", ERANGE),
                err("18446744073709551616", ERANGE),
                err("\u000b-5", ERANGE),
                err("123 ", EINVAL),
                err("\u00ff", EINVAL));
    }

    @ParameterizedTest
    @MethodSource
    void pid(String input, int expectedResult, String expectedValue) {
        check(CNumbers::parsePid, input, expectedResult, expectedValue);
    }

    // int -------------------------------------------------------------------------------------------

    static Stream<Arguments> int_() {
        return Stream.of(
                // L4
                okSigned("2", 2),
                okSigned(" 2", 2),
                okSigned("+2", 2),
                okSigned("0x2", 2),
                // L6: these parse; sd_listen_fds rejects them later
                okSigned("0", 0),
                okSigned("-1", -1),
                okSigned("2147483645", 2147483645),
                okSigned("2147483647", Integer.MAX_VALUE),
                okSigned("-2147483648", Integer.MIN_VALUE),
                // L7 / L11
                err("abc", EINVAL),
                err("", EINVAL),
                err("2 ", EINVAL),
                err(" ", EINVAL),
                // L10
                err("2147483648", ERANGE),
                err("-2147483649", ERANGE),
                // strtol's own overflow
                err("9223372036854775808", ERANGE),
                err("-9223372036854775809", ERANGE),
                okSigned("010", 8),
                okSigned("0b11", 3),
                okSigned("0o17", 15),
                okSigned("-0x10", -16),
                okSigned("\u000b-5", -5),
                err("08", EINVAL),
                err("0b", EINVAL),
                err("-0b1", EINVAL),
                err("2\u00ff", EINVAL));
    }

    @ParameterizedTest
    @MethodSource("int_")
    void int_(String input, int expectedResult, String expectedValue) {
        check(CNumbers::parseInt, input, expectedResult, expectedValue);
    }

    // helpers ---------------------------------------------------------------------------------------

    private static void check(Parser parser, String input, int expectedResult, String expectedValue) {
        long[] out = {SENTINEL};
        int result = parser.parse(input.getBytes(StandardCharsets.ISO_8859_1), out);
        assertEquals(expectedResult, result, "result for " + show(input));
        if (expectedValue != null) {
            assertEquals(expectedValue, expectedValue.startsWith("-") ? Long.toString(out[0])
                    : Long.toUnsignedString(out[0]), "value for " + show(input));
        }
    }

    private static Arguments ok(String input, String unsignedValue) {
        return argumentSet(show(input) + " -> " + unsignedValue, input, 0, unsignedValue);
    }

    private static Arguments okSigned(String input, long value) {
        return argumentSet(show(input) + " -> " + value, input, 0, Long.toString(value));
    }

    private static Arguments err(String input, int errno) {
        return argumentSet(show(input) + " -> " + errno, input, errno, null);
    }

    /** Quotes the input with control and non-ASCII bytes spelled out. */
    static String show(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\t': b.append("\\t"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\u000b': b.append("\\v"); break;
                case '\f': b.append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "safe_atou \"{0}\" → {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {"0|0", "4294967295|0", "0xffffffff|0",
        "4294967296|-34", "-1|-34", "-0|0", "abc|-22", "18446744073709551615|-34", "18446744073709551616|-34"})
    void parseU32(String text, int expected) {
        long[] out = new long[1];
        assertEquals(expected, CNumbers.parseU32(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), out));
    }
}
