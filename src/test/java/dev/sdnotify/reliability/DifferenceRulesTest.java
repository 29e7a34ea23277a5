package dev.sdnotify.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sdnotify.testing.LibsystemdDifferences;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every case of the version-difference table has the fuzzer's predicate, and no predicate lacks its row. */
class DifferenceRulesTest {
    @Test
    void oneRulePerCaseOfTheTable() {
        List<String> cases = new ArrayList<>();
        LibsystemdDifferences.load().rows().forEach(r -> cases.add(r.rule()));
        assertEquals(cases, new ArrayList<>(DifferenceRules.RULES.keySet()),
                "DifferenceRules.RULES must list the cases of " + LibsystemdDifferences.RESOURCE + ", in its order");
    }
}
