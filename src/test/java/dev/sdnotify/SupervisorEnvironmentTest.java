package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.Capabilities;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The supervisor's variables kept from child processes, seen in what a real child's {@code env} prints. */
class SupervisorEnvironmentTest {
    static final List<String> SUPERVISOR = List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_PID",
            "LISTEN_PIDFDID", "LISTEN_FDS", "LISTEN_FDNAMES", "READY_FD");

    /** The environment a child started from {@code builder} sees, as its {@code env} prints it. */
    static Map<String, String> childEnvironment(ProcessBuilder builder) throws IOException, InterruptedException {
        Process p = builder.command("env").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "env finished");
        assertEquals(0, p.exitValue(), out);
        Map<String, String> env = new TreeMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    /** A builder whose environment has every supervisor variable, as a service's JVM snapshot would. */
    static ProcessBuilder builderWithSupervisorVariables() {
        Capabilities.require(Capabilities.onPath("env"), "needs env (coreutils)");
        ProcessBuilder pb = new ProcessBuilder();
        for (String name : SUPERVISOR) {
            pb.environment().put(name, "value-of-" + name);
        }
        pb.environment().put("SDNOTIFY_TEST_KEEP", "kept");
        return pb;
    }

    @Test
    void withoutRemovalTheChildInheritsThem() throws Exception {
        Map<String, String> env = childEnvironment(builderWithSupervisorVariables());
        for (String name : SUPERVISOR) {
            assertEquals("value-of-" + name, env.get(name), name + " reaches the child unless removed");
        }
    }

    @Test
    void removedFromTheBuilderTheChildSeesNone() throws Exception {
        ProcessBuilder pb = builderWithSupervisorVariables();
        assertSame(pb, SupervisorEnvironment.removeFrom(pb), "returns the builder, for chaining");
        Map<String, String> env = childEnvironment(pb);
        List<String> reached = new ArrayList<>(SUPERVISOR);
        reached.retainAll(env.keySet());
        assertEquals(List.of(), reached, "supervisor variables that reached the child");
        assertEquals("kept", env.get("SDNOTIFY_TEST_KEEP"), "other variables stay");
        assertEquals(System.getenv("PATH"), env.get("PATH"), "other variables stay");
    }

    @Test
    void removedFromAMap() {
        Map<String, String> env = new HashMap<>(System.getenv());
        for (String name : SUPERVISOR) {
            env.put(name, "x");
        }
        env.put("NOTIFY_SOCKETS", "similar name, kept");
        int before = env.size();
        SupervisorEnvironment.removeFrom(env);
        assertEquals(before - SUPERVISOR.size(), env.size(), "exactly the supervisor's variables go");
        assertEquals("similar name, kept", env.get("NOTIFY_SOCKETS"));
    }

    @Test
    void namesAreTheSupervisorVariables() {
        assertEquals(SUPERVISOR, SupervisorEnvironment.names());
        assertThrows(UnsupportedOperationException.class, () -> SupervisorEnvironment.names().add("PATH"));
    }

    @Test
    void nullIsRefused() {
        assertThrows(NullPointerException.class, () -> SupervisorEnvironment.removeFrom((ProcessBuilder) null));
        assertThrows(NullPointerException.class, () -> SupervisorEnvironment.removeFrom((Map<String, String>) null));
    }
}
