package modulepath;

import dev.sdnotify.Backend;
import dev.sdnotify.SdNotify;

/**
 * Runs from the class path against sdnotify loaded as a named module: sends one READY per backend and
 * prints where each went, so the parent test sees that JNA could reach into the module.
 */
public final class ModulePathMain {
    private ModulePathMain() {}

    public static void main(String[] args) {
        System.out.println("module " + SdNotify.class.getModule().getName());
        for (Backend b : new Backend[] {Backend.LIBSYSTEMD, Backend.JAVA}) {
            SdNotify.useBackend(b);
            System.out.println(b.id() + " sent=" + SdNotify.ready("via " + b.id()) + " " + SdNotify.backend());
        }
    }
}
