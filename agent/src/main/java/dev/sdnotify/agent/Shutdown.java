package dev.sdnotify.agent;

import dev.sdnotify.lifecycle.ServiceLifecycle;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code STOPPING=1} as shutdown begins. On SIGTERM and SIGINT before anything else: the agent's handler sends it,
 * then hands the signal to the handler it replaced, which starts the JVM's shutdown and the application's hooks.
 * A shutdown hook covers the other ways out ({@code System.exit}, the last thread ending, or a JVM run with
 * {@code -Xrs}, where signals cannot be handled).
 */
final class Shutdown {
    private Shutdown() {}

    static void install(ServiceLifecycle lifecycle) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal signal = new Signal(name);
            SignalHandler[] previous = new SignalHandler[1];
            try {
                previous[0] = Signal.handle(signal, s -> {
                    lifecycle.stopping("Stopping: SIG" + name + " received");
                    SignalHandler p = previous[0];
                    if (p != null) {
                        p.handle(s);
                    } else {
                        System.exit(128 + s.getNumber());
                    }
                });
                if (previous[0] == SignalHandler.SIG_IGN || previous[0] == SignalHandler.SIG_DFL) {
                    // Ignored, or not the JVM's (a native handler): left as it was.
                    Signal.handle(signal, previous[0]);
                }
            } catch (IllegalArgumentException e) {
                // -Xrs: the hook below still reports the stop.
            }
        }
        Thread hook = new Thread(() -> lifecycle.stopping("Stopping"), "sdnotify-agent-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }
}
