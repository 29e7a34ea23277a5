package dev.sdnotify.agent.boot;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The agent's entry point, {@code -javaagent:sdnotify-agent.jar[=OPTIONS]}. Without a supervisor
 * ({@code NOTIFY_SOCKET} or {@code READY_FD} unset) it returns at once and does nothing else. With one it loads
 * the agent, the library and JNA in a module layer of their own, so that none of them meets the application's
 * classes (its own JNA or sdnotify included), and hands the options over. All of that runs on the agent's own
 * daemon thread, so that {@code premain} returns at once and the application's start is not held up. Only the tap
 * {@code log:} predicates read goes in before it returns, so that they see the JVM's lines from the first.
 */
public final class AgentMain {
    private AgentMain() {}

    public static void premain(String options, Instrumentation instrumentation) {
        if (unset("NOTIFY_SOCKET") && unset("READY_FD")) {
            return;
        }
        // Options are parsed on the agent's thread: the tap goes in wherever they may hold a log: predicate, and the
        // agent tells it what to look for, or that there is nothing. Typed as its interface, so that a JVM without
        // one does not even load its class.
        Consumer<Predicate<String>> tap = null;
        if (mentionsLog(options) || mentionsLog(System.getenv("SDNOTIFY_AGENT"))) {
            tap = LineTap.install();
        }
        Consumer<Predicate<String>> lines = tap;
        Thread thread = new Thread(() -> start(options, instrumentation, lines), "sdnotify-agent");
        thread.setDaemon(true);
        thread.start();
    }

    private static void start(String options, Instrumentation instrumentation, Consumer<Predicate<String>> tap) {
        try {
            Path jar = Path.of(AgentMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            ClassLoader agent = AgentLayer.load(jar);
            Class.forName("dev.sdnotify.agent.Agent", true, agent)
                    .getMethod("run", String.class, Instrumentation.class, Consumer.class)
                    .invoke(null, options, instrumentation, tap);
        } catch (InvocationTargetException e) {
            fail(e.getCause());
        } catch (Exception | LinkageError e) {
            fail(e);
        } finally {
            if (tap != null) {
                // A JVM that stays silent never gave the tap a matcher: it stops keeping lines.
                tap.accept(line -> true);
            }
        }
    }

    private static boolean mentionsLog(String options) {
        return options != null && options.contains("log:");
    }

    private static boolean unset(String variable) {
        String value = System.getenv(variable);
        return value == null || value.isEmpty();
    }

    /**
     * The agent could not load. The supervisor would wait for a READY=1 that never comes: the JVM stops now, and
     * the journal says why.
     */
    private static void fail(Throwable e) {
        System.err.println("<3>sdnotify-agent: cannot start, so this JVM stops: " + e);
        System.exit(1);
    }
}
