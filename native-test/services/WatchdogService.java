import dev.sdnotify.NotifyState;
import dev.sdnotify.SdNotify;
import dev.sdnotify.Watchdog;
import java.time.Duration;

/**
 * Watchdog behaviours, by mode:
 * <ul>
 *   <li>{@code keep MILLIS}: reports the interval from Watchdog.interval() in its status, sends keep-alives at
 *       a quarter of it for MILLIS, then stops sending (a hang, as systemd sees it);</li>
 *   <li>{@code trigger MILLIS}: after MILLIS sends WATCHDOG=trigger;</li>
 *   <li>{@code timeout MILLIS}: sends WATCHDOG_USEC=MILLIS*1000, keep-alives on that schedule for two
 *       seconds, then none.</li>
 * </ul>
 */
public class WatchdogService {
    public static void main(String[] args) {
        String mode = args[0];
        long millis = Long.parseLong(args[1]);
        Svc.begin("watchdog-" + mode);
        Duration interval = Watchdog.interval().orElse(null);
        String reported = "watchdog interval " + (interval == null ? "none" : interval.toMillis() + " ms");
        switch (mode) {
            case "keep": {
                SdNotify.ready(reported);
                if (interval == null) {
                    break;
                }
                long until = System.nanoTime() + millis * 1_000_000L;
                while (System.nanoTime() < until) {
                    SdNotify.watchdog();
                    Svc.sleep(interval.toMillis() / 4);
                }
                SdNotify.status(reported + "; keep-alives stopped");
                break;
            }
            case "trigger":
                SdNotify.ready(reported);
                Svc.sleep(millis);
                SdNotify.send(NotifyState.WATCHDOG_TRIGGER, NotifyState.status("triggered"));
                break;
            case "timeout": {
                SdNotify.ready(reported);
                SdNotify.send(NotifyState.watchdogTimeout(Duration.ofMillis(millis)),
                        NotifyState.status("watchdog timeout set to " + millis + " ms"));
                long until = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < until) {
                    SdNotify.watchdog();
                    Svc.sleep(millis / 4);
                }
                break;
            }
            default:
                throw new IllegalArgumentException("mode " + mode);
        }
        Svc.waitForever();
    }
}
