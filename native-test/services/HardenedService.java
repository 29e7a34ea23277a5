import dev.sdnotify.SdNotify;
import dev.sdnotify.SdNotifyException;
import dev.sdnotify.Watchdog;
import java.time.Duration;
import java.util.Optional;

/**
 * A service under a hardened unit: prints the backend (and its gateway), the watchdog interval and what
 * READY=1 returned, then feeds the watchdog with an always-healthy keeper and stays up. Every step is
 * tried; each SdNotifyException is printed ("... threw: MESSAGE") and ends the process with status 1
 * after the steps, so the journal shows every failing one. READY=1 answering false (no supervisor found)
 * ends it with status 2: under a unit a supervisor is always there.
 */
public class HardenedService {
    public static void main(String[] args) {
        Svc.begin("hardened");
        boolean failed = false;
        try {
            Optional<Duration> interval = Watchdog.interval();
            Svc.log("hardened: watchdog interval " + interval.map(d -> d.toMillis() + " ms").orElse("none"));
        } catch (SdNotifyException e) {
            Svc.log("hardened: Watchdog.interval() threw: " + e.getMessage());
            failed = true;
        }
        try {
            boolean sent = SdNotify.ready("hardened");
            Svc.log("hardened: ready returned " + sent);
            if (!sent) {
                System.exit(2);
            }
        } catch (SdNotifyException e) {
            Svc.log("hardened: ready threw: " + e.getMessage());
            failed = true;
        }
        if (failed) {
            System.exit(1);
        }
        try {
            Svc.log("hardened: keeper " + Watchdog.start(() -> true));
        } catch (SdNotifyException e) {
            Svc.log("hardened: Watchdog.start threw: " + e.getMessage());
            System.exit(1);
        }
        Svc.waitForever();
    }
}
