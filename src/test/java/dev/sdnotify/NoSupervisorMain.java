package dev.sdnotify;

import java.util.stream.Collectors;

/**
 * Run by {@link NoSupervisorTest} in a child JVM with no supervisor variable: every everyday call, its answer on
 * one line each, then the threads whose names start with {@code sdnotify}.
 */
public final class NoSupervisorMain {
    private NoSupervisorMain() {}

    public static void main(String[] args) {
        Notifier n = Notifier.fromEnvironment();
        System.out.println("ready " + SdNotify.ready("serving"));
        System.out.println("status " + n.status("busy"));
        System.out.println("watchdog " + n.watchdog());
        System.out.println("interval " + n.watchdogInterval());
        System.out.println("listenFds " + n.listenFds());
        System.out.println("barrier " + n.barrier());
        System.out.println("available " + n.isAvailable());
        try (WatchdogKeeper keeper = Watchdog.start(() -> true)) {
            System.out.println("keeper " + keeper.isRunning());
        }
        System.out.println("backend " + SdNotify.backend());
        System.out.println("threads " + Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("sdnotify")).sorted().collect(Collectors.toList()));
    }
}
