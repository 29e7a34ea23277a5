package dev.sdnotify.localsupervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({
        "90s, 90000000000",
        "500ms, 500000000",
        "1min 30s, 90000000000",
        "1min30s, 90000000000",
        "1.5s, 1500000000",
        "2, 2000000000",
        "5m, 300000000000",
        "250us, 250000",
        "1h, 3600000000000",
        "0.0000005s, 0",
    })
    void readsSpansAsSystemdDoes(String text, long nanos) {
        assertEquals(nanos, Durations.parse(text));
    }

    @Test
    void readsInfinity() {
        assertEquals(Durations.INFINITE, Durations.parse("infinity"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "4x", "-1s", "1s and more", "1e3s", "999999999999d"})
    void rejectsAnythingElse(String text) {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    }

    @ParameterizedTest
    @CsvSource({
        "90000000000, 1min 30s",
        "4000000000, 4s",
        "500000000, 500ms",
        "1500000000, 1s 500ms",
        "0, 0",
        "9223372036854775807, infinity",
    })
    void showsSpansAsSystemdDoes(long nanos, String text) {
        assertEquals(text, Durations.format(nanos));
    }

    @Test
    void showsMeasuredTimesToTheMillisecond() {
        assertEquals("4.001 s", Durations.seconds(4_000_600_000L));
    }
}
