package dev.sdnotify.agent;

import dev.sdnotify.HealthCheck;
import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import dev.sdnotify.lifecycle.ServiceLifecycle;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The start, on the agent's thread: looks at the {@code ready=} predicates every {@value #POLL_MILLIS} ms, says in
 * {@code STATUS=} what it still waits for and for how long, and sends {@code READY=1} on the first look at which
 * all hold; then the lifecycle's keeper feeds the watchdog while the {@code health=} predicates hold and no thread
 * is deadlocked, and the thread ends. No status is sent in the first {@value #QUIET_MILLIS} ms: a helper JVM that
 * systemd starts itself ({@code ExecStartPre=} running {@code java -version}, or a tool such as Kafka's storage
 * format, which takes three seconds on a busy machine) finds its own pid in {@code SYSTEMD_EXEC_PID} like the main
 * JVM, and must leave systemd's view unchanged: with {@code NotifyAccess=main} systemd would log each of its
 * messages as refused, with {@code all} show its status.
 */
final class Startup implements Runnable {
    static final long POLL_MILLIS = 50;
    static final long QUIET_MILLIS = 5000;
    private static final long STATUS_EVERY_MILLIS = 5000;

    private final Options options;

    Startup(Options options) {
        this.options = options;
    }

    @Override
    public void run() {
        ServiceLifecycle lifecycle = ServiceLifecycle.builder(Notifier.fromEnvironment())
                .extendTimeout(options.extend)
                .progress(new Progress())
                .announceMainPid(options.mainSelf)
                .keeper(k -> k.failuresBeforeStopping(options.failures).triggerOnFailure(options.trigger))
                .build();
        Shutdown.install(lifecycle);
        try {
            // Loads the backend now, sending nothing.
            Notifier.fromEnvironment().watchdogInterval();
        } catch (RuntimeException e) {
            // The keeper reports a malformed WATCHDOG_USEC when it starts.
        }
        try {
            // Links the native calls of a bounded send (on FFM its first costs about 100 ms), so that READY=1 goes
            // out at once when the predicates hold: one send to a path no socket can have, as /dev/null is no
            // directory.
            Notifier.forEnvironment(Map.of("NOTIFY_SOCKET", "/dev/null/sdnotify-agent"))
                    .withSendTimeout(Duration.ofSeconds(1)).send(NotifyState.status("linking"));
        } catch (RuntimeException e) {
            // ENOTDIR, as intended.
        }
        List<Check> health = new ArrayList<>(options.health);
        if (options.deadlock) {
            health.add(new DeadlockedThreads());
        }
        HealthCheck check = healthCheck(health);
        try {
            // Once now, its answer aside, while the application starts: the first round then runs warm within its
            // deadline, and nothing is loaded between the last predicate holding and READY=1.
            check.isHealthy();
        } catch (Exception e) {
            // The keeper's first round reports it.
        }
        ManagementFactory.getRuntimeMXBean();
        long start = System.nanoTime();
        String shown = null;
        long shownAt = 0;
        while (true) {
            List<String> waiting = new ArrayList<>();
            for (Check c : options.ready) {
                String why = c.failure();
                if (why != null) {
                    waiting.add(why);
                }
            }
            if (waiting.isEmpty()) {
                break;
            }
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String text = "waiting for " + Agent.names(options.ready) + ": " + String.join("; ", waiting);
            if (elapsed >= QUIET_MILLIS && (!text.equals(shown) || elapsed - shownAt >= STATUS_EVERY_MILLIS)) {
                lifecycle.starting(text + " (" + elapsed / 1000 + " s)");
                shown = text;
                shownAt = elapsed;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
        lifecycle.ready(readyStatus(), check);
        lifecycle.keeper().ifPresent(k -> Journal.log(Level.INFO, "feeding the watchdog every "
                + k.interval().map(i -> i.dividedBy(2).toMillis() + " ms").orElse("?") + " while these hold: "
                + Agent.names(health)));
    }

    private String readyStatus() {
        // The JVM's uptime: the process's start time in /proc has whole seconds only.
        Duration up = Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime());
        String held = options.defaultReady ? options.ready.get(0) + " (no ready= given: the first one)"
                : Agent.names(options.ready);
        // Not String.format, whose first use loads its machinery between the predicate and READY=1.
        return "Ready: " + held + " (" + Math.round(up.toMillis() / 100.0) / 10.0 + " s after start)";
    }

    /** Passes while every check holds; a failure names the check that failed and why. */
    private static HealthCheck healthCheck(List<Check> checks) {
        return () -> {
            for (Check c : checks) {
                String why = c.failure();
                if (why != null) {
                    throw new IllegalStateException(why);
                }
            }
            return true;
        };
    }
}
