import dev.sdnotify.SdNotify;
import java.time.Duration;

/**
 * A short-lived helper (not the unit's main process): sends STATUS=text, waits on a barrier when asked,
 * and exits at once. With a third argument N it first sends N other STATUS messages, so that its own waits
 * in the manager's queue behind them: without a barrier the helper is gone, and reaped, before the manager
 * reads it.
 */
public class BarrierHelper {
    public static void main(String[] args) {
        boolean barrier = args[0].equals("barrier");
        Svc.begin("barrier-helper");
        int before = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        for (int i = 0; i < before; i++) {
            SdNotify.status("queued ahead " + i);
        }
        SdNotify.status(args[1]);
        if (barrier) {
            SdNotify.barrier(Duration.ofSeconds(5));
        }
        // Exit without the JVM's shutdown sequence, to leave the manager as little time as possible.
        Runtime.getRuntime().halt(0);
    }
}
