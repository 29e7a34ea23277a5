package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.LibsystemdDifferences;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The compatibility table (docs/compatibility.md) says what the tests hold each release to: a release's cell differs from
 * 262's exactly where a row of {@code libsystemd-differences.tsv} for that row's behaviour applies to the
 * release; the java backend's column agrees with 262's; and every row of the file is in the table.
 */
class CompatibilityTableTest {
    private static final Path TABLE = Path.of("docs/compatibility.md");
    /** The table's release columns, oldest first, then 262 and the java backend. */
    private static final int[] RELEASES = {247, 252, 257};

    /** Each table row, by the start of its first cell, and the rules of the file that describe it. */
    private static final Map<String, List<String>> ROWS = new LinkedHashMap<>();

    static {
        ROWS.put("`NOTIFY_SOCKET=/` + 107 bytes", List.of("unix-path-108-bytes"));
        ROWS.put("`NOTIFY_SOCKET` neither", List.of("notify-socket-neither-path-nor-vsock"));
        ROWS.put("`NOTIFY_SOCKET=vsock:CID:PORT`", List.of("notify-socket-vsock", "vsock-typed-prefix"));
        ROWS.put("`NOTIFY_SOCKET=vsock:-1:PORT`", List.of("notify-socket-vsock", "vsock-cid-minus-one"));
        ROWS.put("vsock stream, the kernel takes part", List.of("notify-socket-vsock", "vsock-stream-partial-write"));
        ROWS.put("more than 253 fds |", List.of("more-than-253-fds"));
        ROWS.put("more than 253 fds, `NOTIFY_SOCKET` unset", List.of("more-than-253-fds-no-socket"));
        ROWS.put("datagram or seqpacket socket", List.of("short-write"));
        ROWS.put("empty state with credentials", List.of("empty-state-with-credentials"));
        ROWS.put("barrier with unset: `NOTIFY_SOCKET` removed", List.of("barrier-unset-after-wait"));
        ROWS.put("barrier with unset, `pipe2` fails", List.of("barrier-pipe-failure"));
        ROWS.put("`LISTEN_PIDFDID`", List.of("listen-pidfdid"));
        ROWS.put("`WATCHDOG_USEC=+0b1`", List.of("number-c23-plus-binary"));
        ROWS.put("`WATCHDOG_USEC=-0b1`", List.of("number-c23-minus-binary"));
    }

    /** The cells of the table's rows, each row as behaviour, 247, 252, 257, 262, java. */
    static List<List<String>> table() throws IOException {
        String text = Files.readString(TABLE);
        List<List<String>> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("| behaviour |")) {
                inTable = true;
                continue;
            }
            if (!inTable || line.startsWith("|---")) {
                continue;
            }
            if (!line.startsWith("|")) {
                break;
            }
            List<String> cells = new ArrayList<>();
            for (String cell : line.substring(1, line.length() - 1).split("\\|", -1)) {
                cells.add(cell.trim());
            }
            assertEquals(6, cells.size(), "compatibility row: " + line);
            rows.add(cells);
        }
        return rows;
    }

    private static String rowKey(List<String> row) {
        String line = String.join(" | ", row);
        for (String key : ROWS.keySet()) {
            if (line.startsWith(key)) {
                return key;
            }
        }
        throw new AssertionError("compatibility row with no rules here: " + row.get(0));
    }

    @Test
    void aCellDiffersFrom262ExactlyWhereTheFileHasARowForThatRelease() throws IOException {
        LibsystemdDifferences differences = LibsystemdDifferences.load();
        List<String> wrong = new ArrayList<>();
        List<List<String>> table = table();
        for (List<String> row : table) {
            List<String> rules = ROWS.get(rowKey(row));
            for (int i = 0; i < RELEASES.length; i++) {
                int release = RELEASES[i];
                boolean differs = !row.get(1 + i).equals(row.get(4));
                List<String> applying = new ArrayList<>();
                for (String rule : rules) {
                    differences.applying(rule, release).ifPresent(r -> applying.add(r.rule()));
                }
                if (differs != !applying.isEmpty()) {
                    wrong.add(row.get(0) + " on " + release + ": the table says '" + row.get(1 + i) + "' against 262's '"
                            + row.get(4) + "', the file " + (applying.isEmpty() ? "has no row for it" : "has " + applying));
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(ROWS.size(), table.size(), "rows in the compatibility table");
    }

    @Test
    void theJavaBackendAnswersAs262() throws IOException {
        for (List<String> row : table()) {
            assertEquals(firstWord(row.get(4)), firstWord(row.get(5)), row.get(0) + ": java backend and 262");
        }
    }

    @Test
    void everyRuleOfTheFileIsInTheTable() {
        Set<String> inTable = new TreeSet<>();
        ROWS.values().forEach(inTable::addAll);
        Set<String> inFile = new TreeSet<>();
        LibsystemdDifferences.load().rows().forEach(r -> inFile.add(r.rule()));
        assertEquals(inFile, inTable);
    }

    private static String firstWord(String cell) {
        return cell.split("[ ,(]", 2)[0];
    }
}
