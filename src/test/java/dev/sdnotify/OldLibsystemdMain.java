package dev.sdnotify;

import java.time.Duration;

/**
 * Run by {@link OldLibsystemdTest} in a child JVM whose libsystemd.so.0 is an old one: prints the backend, then a
 * barrier, a {@code READY=1} and a barrier sent as this process's pid.
 */
public final class OldLibsystemdMain {
    private OldLibsystemdMain() {}

    public static void main(String[] args) {
        try {
            System.out.println(SdNotify.backend());
            System.out.println("barrier " + SdNotify.barrier(Duration.ofSeconds(10)));
            System.out.println("ready " + SdNotify.ready());
            System.out.println("barrierAsPid " + Notifier.fromEnvironment().barrierAsPid(ProcessHandle.current().pid(),
                    Duration.ofSeconds(10)));
        } catch (RuntimeException | LinkageError e) {
            System.out.println("FAILED " + e);
            System.exit(3);
        }
    }
}
