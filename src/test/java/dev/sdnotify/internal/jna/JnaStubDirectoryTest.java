package dev.sdnotify.internal.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.CapturedLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The choice of JNA's stub directory, on real directories and a mount table given by the test. */
class JnaStubDirectoryTest {
    @TempDir Path dir;
    private Path home;
    private Path tmp;
    private final Map<String, String> env = new HashMap<>();
    private final Properties properties = new Properties();
    private final List<String> noexec = new ArrayList<>();
    private List<String> said = List.of();

    @BeforeEach
    void layout() throws IOException {
        home = Files.createDirectory(dir.resolve("home")).toRealPath();
        tmp = Files.createDirectory(dir.resolve("tmp")).toRealPath();
        properties.setProperty("user.home", home.toString());
        properties.setProperty("java.io.tmpdir", tmp.toString());
    }

    /**
     * Decides over the root mount, exec, plus a noexec mount at each path in {@link #noexec}: why no directory is
     * usable, or null. What it says when it chooses one is in {@link #said}.
     */
    private String decide() {
        List<String> lines = new ArrayList<>();
        lines.add("1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw");
        int id = 2;
        for (String p : noexec) {
            lines.add(id++ + " 1 0:40 / " + p.replace(" ", "\\040") + " rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw");
        }
        try (CapturedLog log = new CapturedLog()) {
            String problem = new JnaStubDirectory(env, properties, lines).decide();
            said = log.messages(Level.INFO);
            return problem;
        }
    }

    @Test
    void jnaOwnCacheDirectoryStandsWhenUsable() {
        assertNull(decide());
        assertEquals(List.of(), said);
        assertNull(properties.getProperty("jna.tmpdir"));
    }

    @Test
    void xdgCacheHomeIsWhereJnaLooksFirst() {
        env.put("XDG_CACHE_HOME", "/var/cache/x");
        assertEquals(Paths.get("/var/cache/x/JNA/temp"), new JnaStubDirectory(env, properties,
                List.of()).jnaCacheDirectory());
        env.put("XDG_CACHE_HOME", "  ");
        assertEquals(home.resolve(".cache/JNA/temp"), new JnaStubDirectory(env, properties,
                List.of()).jnaCacheDirectory());
    }

    @Test
    void noexecHomeFallsToTmpAsJnaDoesOnlyWhenHomeIsUnwritable() throws IOException {
        // A writable but noexec home: JNA keeps it and fails, so another directory is needed.
        noexec.add(home.toString());
        Path runtime = Files.createDirectory(dir.resolve("runtime"));
        env.put("RUNTIME_DIRECTORY", runtime.toString());
        assertNull(decide());
        assertEquals(runtime.toString(), properties.getProperty("jna.tmpdir"));
        assertEquals(1, said.size(), said.toString());
        String explanation = said.get(0);
        assertTrue(explanation.startsWith("JNA unpacks its native stub into " + runtime), explanation);
        assertTrue(explanation.contains(home.resolve(".cache/JNA/temp") + " is on a noexec mount (" + home + ")"),
                explanation);
        assertTrue(explanation.contains(tmp + " is not used by JNA"), explanation);
        assertTrue(explanation.contains("($RUNTIME_DIRECTORY)"), explanation);
    }

    @Test
    void everyCandidateNoexecGivesTheListOfWhatWasTried() throws IOException {
        noexec.add(dir.toRealPath().toString());
        noexec.add("/dev/shm");
        env.put("STATE_DIRECTORY", dir.resolve("missing") + ":" + tmp);
        String e = decide();
        assertNull(properties.getProperty("jna.tmpdir"));
        assertTrue(e.startsWith("no directory can hold JNA's native stub: "), e);
        assertTrue(e.contains("$RUNTIME_DIRECTORY unset"), e);
        assertTrue(e.contains("$STATE_DIRECTORY=" + dir.resolve("missing") + " is on a noexec mount"), e);
        assertTrue(e.contains("$STATE_DIRECTORY=" + tmp + " is on a noexec mount"), e);
        assertTrue(e.contains("/dev/shm is on a noexec mount (/dev/shm)"), e);
    }

    @Test
    void sharedMemoryIsTheLastResort() {
        noexec.add(dir.toString());
        assertNull(decide());
        assertEquals("/dev/shm", properties.getProperty("jna.tmpdir"), said.toString());
    }

    @Test
    void explicitSettingsAreNeverOverridden() {
        noexec.add(dir.toString());
        properties.setProperty("jna.boot.library.path", "/opt/jna");
        assertNull(decide());
        properties.remove("jna.boot.library.path");
        properties.setProperty("jna.tmpdir", tmp.toString());
        assertEquals("-Djna.tmpdir=" + tmp + " is on a noexec mount (" + dir + ")", decide());
        assertEquals(tmp.toString(), properties.getProperty("jna.tmpdir"));
        assertEquals(List.of(), said);
    }

    @Test
    void mountinfoEscapesAndLongestPrefix() {
        JnaStubDirectory m = new JnaStubDirectory(env, properties, List.of(
                "1 0 8:1 / / rw - ext4 /dev/sda1 rw",
                "2 1 0:4 / /srv/a\\040b rw,noexec - tmpfs tmpfs rw",
                "3 2 0:5 / /srv/a\\040b/c rw - tmpfs tmpfs rw",
                "4 1 0:6 / /srv/ab rw,noexec - tmpfs tmpfs rw",
                "short line"));
        assertEquals(Paths.get("/srv/a b"), m.noexecMount(Paths.get("/srv/a b/x")));
        assertNull(m.noexecMount(Paths.get("/srv/a b/c/d")), "the longest prefix, an exec mount");
        assertNull(m.noexecMount(Paths.get("/srv/a")), "a prefix of names, not of characters");
        assertEquals(Paths.get("/srv/ab"), m.noexecMount(Paths.get("/srv/ab/c")));
    }
}
