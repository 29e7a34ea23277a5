import dev.sdnotify.SdNotify;
import java.time.Duration;

/**
 * A short-lived helper (not the unit's main process): sends STATUS=text, waits on a barrier when asked,
 * and exits at once.
 */
public class BarrierHelper {
    public static void main(String[] args) {
        boolean barrier = args[0].equals("barrier");
        Svc.begin("barrier-helper");
        SdNotify.status(args[1]);
        if (barrier) {
            SdNotify.barrier(Duration.ofSeconds(5));
        }
        // Exit without the JVM's shutdown sequence, to leave the manager as little time as possible.
        Runtime.getRuntime().halt(0);
    }
}
