import dev.sdnotify.Backend;
import dev.sdnotify.SdNotify;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The main process of a NotifyAccess=main unit: reports READY, runs AccessChild (which tries to notify
 * from another pid) and waits for it, then hands the main pid over to a "sleep" it starts (MAINPID=).
 */
public class Access {
    public static void main(String[] args) throws Exception {
        String gate = args[0];
        Svc.begin("access");
        long pid = ProcessHandle.current().pid();
        SdNotify.ready("main ready");

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
        child.addAll(List.of("AccessChild", Long.toString(pid), gate));
        int status = new ProcessBuilder(child).inheritIO().start().waitFor();
        Svc.log("access: child exited with " + status);

        // A "sleep" takes over as the main process.
        Process sleeper = new ProcessBuilder("sleep", "600").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        SdNotify.mainPid(sleeper.pid());
        Svc.log("access: MAINPID=" + sleeper.pid() + " sent");
        Svc.waitForever();
    }
}
