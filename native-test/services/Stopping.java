import dev.sdnotify.SdNotify;

/** Reports READY, then after a while STOPPING=1 on its own, and goes on running for a while before exiting. */
public class Stopping {
    public static void main(String[] args) {
        long runMillis = Long.parseLong(args[0]);
        long stopMillis = Long.parseLong(args[1]);
        Svc.begin("stopping");
        SdNotify.ready("running");
        Svc.sleep(runMillis);
        SdNotify.stopping();
        Svc.sleep(stopMillis);
        Svc.log("stopping: exiting");
    }
}
