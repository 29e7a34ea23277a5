package dev.sdnotify;

import dev.sdnotify.internal.backend.SdDaemon;
import dev.sdnotify.internal.core.Backends;

/**
 * Run by {@link OldLibsystemdTest} in a child JVM whose libsystemd.so.0 lacks the barrier functions: prints the
 * backend, then the seam's {@code sd_notify_barrier} and {@code sd_pid_notify_barrier} results and one
 * {@code READY=1}, which libsystemd itself sends.
 */
public final class OldLibsystemdMain {
    private OldLibsystemdMain() {}

    public static void main(String[] args) {
        try {
            System.out.println(SdNotify.backend());
            SdDaemon daemon = Backends.active().daemon();
            System.out.println("missing " + daemon.missingFunctions());
            System.out.println("sd_notify_barrier " + daemon.notifyBarrier(false, 10_000_000L));
            System.out.println("sd_pid_notify_barrier " + daemon.pidNotifyBarrier(0, false, 10_000_000L));
            System.out.println("ready " + SdNotify.ready());
            System.out.println("barrierAsPid " + Notifier.fromEnvironment().barrierAsPid(
                    ProcessHandle.current().pid(), java.time.Duration.ofSeconds(10)));
        } catch (RuntimeException | LinkageError e) {
            System.out.println("FAILED " + e);
            System.exit(3);
        }
    }
}
