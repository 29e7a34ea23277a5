package dev.sdnotify.agent;

import dev.sdnotify.internal.Log;
import java.lang.System.Logger.Level;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The agent, started by {@code dev.sdnotify.agent.boot.AgentMain} once a supervisor is known to be there. Only the
 * unit's main JVM speaks: systemd names the pid it started in {@code SYSTEMD_EXEC_PID} (systemd 248 and later), and
 * a JVM whose pid differs is a helper a start script runs, which stays silent unless {@code main=self}.
 */
public final class Agent {
    /** The exit status of a JVM whose agent options are malformed: systemd shows it as INVALIDARGUMENT. */
    static final int BAD_OPTIONS = 2;

    private Agent() {}

    /**
     * On the agent's thread: checks the options (a malformed one stops the JVM with one line naming it), then, in
     * the main JVM, sees the start through to {@code READY=1}. {@code lines} takes the matcher of the {@code log:}
     * predicates; it is null where the options name none.
     */
    public static void run(String javaagentOptions, Instrumentation instrumentation, Consumer<Predicate<String>> lines) {
        Options options;
        try {
            options = Options.parse(javaagentOptions, System.getenv("SDNOTIFY_AGENT"));
        } catch (IllegalArgumentException e) {
            System.err.println("<3>" + e.getMessage());
            System.exit(BAD_OPTIONS);
            return;
        }
        String pid = Long.toString(ProcessHandle.current().pid());
        String started = System.getenv("SYSTEMD_EXEC_PID");
        boolean main = started == null || started.equals(pid);
        if (!options.enabled || !(main || options.mainSelf)) {
            return;
        }
        Log.to(Journal::log);
        NativeAccess.grant(instrumentation);
        LogLine.watch(options.ready.stream().filter(c -> c instanceof LogLine).map(c -> (LogLine) c)
                .collect(Collectors.toList()), lines);
        if (!main) {
            Journal.log(Level.INFO, "main=self: this JVM (pid " + pid + ") is not the process systemd started (pid "
                    + started + "); it announces itself with MAINPID=, which systemd accepts only with "
                    + "NotifyAccess=all in the unit");
        }
        new Startup(options).run();
    }

    /** The names of {@code checks}, for statuses. */
    static String names(List<Check> checks) {
        return checks.stream().map(Object::toString).collect(Collectors.joining(", "));
    }
}
