import dev.sdnotify.SdNotify;
import dev.sdnotify.Watchdog;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;

/**
 * A minimal service: binds its port, then reports READY, keeps the watchdog fed at half its interval
 * for a few rounds, and says STOPPING before it exits.
 */
public class ExampleService {
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Readiness only after the socket exists: dependants may connect as soon as they see it.
            SdNotify.ready("Listening on 127.0.0.1:" + server.getLocalPort());
            System.out.println("service: backend " + SdNotify.backend());
            Optional<Duration> interval = Watchdog.interval();
            System.out.println("service: watchdog interval " + interval.map(Duration::toString).orElse("none"));
            if (interval.isPresent()) {
                for (int i = 1; i <= 3; i++) {
                    Thread.sleep(interval.get().dividedBy(2).toMillis());
                    SdNotify.watchdog();
                    SdNotify.status("Serving; keep-alive " + i);
                }
            }
            SdNotify.stopping();
            SdNotify.barrier(Duration.ofSeconds(5));
        }
    }
}
