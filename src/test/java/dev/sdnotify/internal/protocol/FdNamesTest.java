package dev.sdnotify.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** LISTEN_FDNAMES splitting, §6 sd_listen_fds_with_names step 2. */
class FdNamesTest {

    static Stream<Arguments> split() {
        return Stream.of(
                names("", ""),
                names(":", "", ""),
                names("a:", "a", ""),
                names(":a", "", "a"),
                names("a:b", "a", "b"),
                names("a::b", "a", "", "b"),
                names("a:b:c", "a", "b", "c"),
                names("a\\:b", "a:b"),
                names("a\\\\b", "a\\b"),
                // backslash-n is an escaped 'n', not a newline
                names("a\\nb", "anb"),
                names("\"a:b\"", "\"a", "b\""),
                names("'a:b'", "'a", "b'"),
                names("'x'", "'x'"),
                names("a\\\\", "a\\"),
                names("\\:", ":"),
                names("\u00ff:\u00e9", "\u00ff", "\u00e9"),
                invalid("a\\"),
                invalid("\\"),
                invalid("a:b\\"),
                invalid("a\\\\\\"));
    }

    @ParameterizedTest
    @MethodSource
    void split(String value, List<String> expected) {
        List<byte[]> names = FdNames.split(value.getBytes(StandardCharsets.ISO_8859_1));
        if (expected == null) {
            assertNull(names);
        } else {
            assertEquals(expected, names == null ? null
                    : names.stream().map(n -> new String(n, StandardCharsets.ISO_8859_1))
                            .collect(Collectors.toList()));
        }
    }

    private static Arguments names(String value, String... expected) {
        return argumentSet(CNumbersTest.show(value) + " -> " + List.of(expected).stream()
                .map(CNumbersTest::show).collect(Collectors.joining(", ", "[", "]")), value, List.of(expected));
    }

    private static Arguments invalid(String value) {
        return argumentSet(CNumbersTest.show(value) + " -> invalid (trailing lone backslash)", value, null);
    }
}
