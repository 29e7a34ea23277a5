package dev.sdnotify.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The version-difference table and its reader. */
class LibsystemdDifferencesTest {

    @ParameterizedTest(name = "\"{0}\" contains {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "247|247|true", "247|252|false", "< 253|252|true", "< 253|253|false", "<253|1|true",
        "253-260|253|true", "253-260|260|true", "253-260|261|false", "253-260|252|false",
        "< 254, 255-256|254|false", "< 254, 255-256|253|true", "< 254, 255-256|256|true", "< 254, 255-256|257|false",
        "247, 257|257|true", "247, 257|252|false"})
    void versions(String spec, int version, boolean contained) {
        LibsystemdDifferences.Versions.check(spec, "test");
        assertEquals(contained, LibsystemdDifferences.Versions.contains(spec, version));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "<", "> 253", "253-", "260-253", "v252", "252,", "all"})
    void badVersionsAreRefused(String spec) {
        assertThrows(IllegalArgumentException.class, () -> LibsystemdDifferences.Versions.check(spec, "test"));
    }

    @Test
    void rowsNeedFiveCellsAndDistinctCases() {
        assertThrows(IllegalArgumentException.class, () -> LibsystemdDifferences.parse("247\tx\t1\t2\n"));
        assertThrows(IllegalArgumentException.class, () -> LibsystemdDifferences.parse("247\tx\t1\t2\t \n"));
        assertThrows(IllegalArgumentException.class,
                () -> LibsystemdDifferences.parse("247\tx\t1\t2\twhy\n252\tx\t1\t2\twhy\n"));
        LibsystemdDifferences d = LibsystemdDifferences.parse("# comment\n\n< 253\tx\t-22 (EINVAL)\t-71\twhy\n");
        assertEquals(1, d.rows().size());
        assertEquals(-22, d.row("x").resultValue());
        assertEquals(-71, d.row("x").result262Value().getAsInt());
        assertTrue(d.applying("x", 252).isPresent());
        assertFalse(d.applying("x", 253).isPresent());
        assertThrows(IllegalArgumentException.class, () -> d.row("y"));
    }

    @Test
    void theCommittedTableReads() {
        LibsystemdDifferences d = LibsystemdDifferences.load();
        assertFalse(d.rows().isEmpty());
        Set<String> rules = new HashSet<>();
        for (LibsystemdDifferences.Row r : d.rows()) {
            assertTrue(r.rule().matches("[a-z0-9]+(-[a-z0-9]+)*"), "a case is a lower-case rule name: " + r.rule());
            assertTrue(rules.add(r.rule()));
            assertFalse(r.applies(262), r.rule() + " cannot apply to 262 itself");
        }
    }

    @Test
    void theOracleVersionIsKnown() {
        int v = LibsystemdDifferences.oracleVersion();
        assertTrue(v >= 200 && v < 1000, "libsystemd version " + v);
        String given = System.getProperty(LibsystemdDifferences.VERSION_PROPERTY);
        if (given != null && !given.isBlank()) {
            assertEquals(LibsystemdDifferences.leadingInt(given.trim(), "property"), v);
        }
    }
}
