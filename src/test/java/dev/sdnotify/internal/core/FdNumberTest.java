package dev.sdnotify.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The readiness fd's number as a supervisor writes it into READY_FD, and the standard streams named in messages. */
class FdNumberTest {
    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @CsvSource({"0,0", "3,3", "03,3", "10,10", "255,255", "2147483647,2147483647", "000000000000007,7"})
    void decimalDigits(String text, int expected) {
        assertEquals(expected, ReadinessFd.fdNumber(bytes(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-1", "+3", " 3", "3 ", "3\n", "0x3", "0b1", "3.0", "2147483648", "4294967299",
        "١"})
    void anythingElseIsMinusOne(String text) {
        assertEquals(-1, ReadinessFd.fdNumber(bytes(text)), "\"" + text + "\"");
    }

    @ParameterizedTest
    @CsvSource({"0,standard input", "1,standard output", "2,standard error"})
    void standardStreams(int fd, String name) {
        assertEquals(name, ReadinessFd.standardStream(fd));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 3, 4, 1000})
    void otherNumbersAreNoStream(int fd) {
        assertNull(ReadinessFd.standardStream(fd));
    }
}
