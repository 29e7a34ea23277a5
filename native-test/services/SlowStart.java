import dev.sdnotify.SdNotify;
import java.time.Duration;

/**
 * A start that outlasts TimeoutStartSec=: sleeps between steps, each step first extending the start
 * timeout by the given milliseconds (0 extends nothing), then reports READY.
 */
public class SlowStart {
    public static void main(String[] args) {
        long extendMillis = Long.parseLong(args[0]);
        Svc.begin("slow-start");
        for (int i = 1; i < args.length; i++) {
            if (extendMillis > 0) {
                SdNotify.extendTimeout(Duration.ofMillis(extendMillis));
            }
            Svc.sleep(Long.parseLong(args[i]));
        }
        SdNotify.ready("started");
        Svc.waitForever();
    }
}
