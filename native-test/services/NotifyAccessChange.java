import dev.sdnotify.Backend;
import dev.sdnotify.SdNotify;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The main process of a NotifyAccess=main unit: READY=1, then NOTIFYACCESS=all (systemd 254 and later set
 * the unit's NotifyAccess= from it; older ones ignore the field), waited for with a barrier; then a child
 * (this class with the argument "child") sends STATUS from its own pid and waits until the manager
 * processed it.
 */
public class NotifyAccessChange {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            Svc.begin("notifyaccess-child");
            SdNotify.status("from the child's own pid");
            SdNotify.barrier(Duration.ofSeconds(5));
            Svc.log("notifyaccess-child: status processed");
            return;
        }
        Svc.begin("notifyaccess");
        SdNotify.ready("main ready");
        SdNotify.sendRaw("NOTIFYACCESS=all");
        SdNotify.barrier(Duration.ofSeconds(5));
        Svc.log("notifyaccess: NOTIFYACCESS=all processed");

        List<String> child = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        if (Runtime.version().feature() >= 22) {
            // As this JVM got it (jrun): the FFM gateway without the JDK's warnings.
            child.add("--enable-native-access=ALL-UNNAMED");
        }
        String backend = System.getProperty(Backend.PROPERTY);
        if (backend != null) {
            child.add("-D" + Backend.PROPERTY + "=" + backend);
        }
        child.addAll(List.of("NotifyAccessChange", "child"));
        int status = new ProcessBuilder(child).inheritIO().start().waitFor();
        Svc.log("notifyaccess: child exited with " + status);
        Svc.waitForever();
    }
}
