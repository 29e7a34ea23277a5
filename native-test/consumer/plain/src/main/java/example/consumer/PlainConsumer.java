package example.consumer;

import dev.sdnotify.BackendInfo;
import dev.sdnotify.Notifier;
import dev.sdnotify.NotifyState;
import dev.sdnotify.SdNotify;
import java.time.Duration;

/**
 * A service's life as the README's quick start writes it, against whatever NOTIFY_SOCKET names: ready with a
 * status, a status of its own, a barrier, then stopping. Prints the backend in use; exits 1 when a message
 * finds no supervisor.
 */
public final class PlainConsumer {
    public static void main(String[] args) {
        BackendInfo backend = SdNotify.backend();
        System.out.println("backend: " + backend);
        Notifier notifier = Notifier.fromEnvironment();
        check("ready", SdNotify.ready("Serving on :8080"));
        check("status", notifier.send(NotifyState.status("backend " + backend.backend().id()
                + backend.gateway().map(g -> " via " + g).orElse(""))));
        // The barrier returns once the receiver has read everything sent before it.
        check("barrier", notifier.barrier(Duration.ofSeconds(20)));
        check("stopping", notifier.stopping());
    }

    private static void check(String what, boolean sent) {
        if (!sent) {
            System.err.println(what + ": no supervisor (NOTIFY_SOCKET is not set)");
            System.exit(1);
        }
    }
}
