package dev.sdnotify.internal.daemon;

import dev.sdnotify.internal.ffm.FfmGateway;
import dev.sdnotify.internal.jna.JnaGateway;
import dev.sdnotify.internal.kernel.Gateway;
import dev.sdnotify.internal.kernel.Loaded;
import java.util.Locale;

/**
 * Chooses the native gateway once per process from {@value #PROPERTY}: {@code auto} (the default) takes FFM on
 * JDK 22 and later and JNA before; {@code ffm} or {@code jna} takes that one. A failure is kept with its reason,
 * never retried.
 */
public final class Gateways {
    private Gateways() {}

    /** The system property that picks the gateway. */
    public static final String PROPERTY = "sdnotify.native";

    private static Loaded<Gateway> chosen;

    /** The process's gateway, or why there is none; a loaded one's description says why it was taken, if not plain. */
    public static synchronized Loaded<Gateway> get() {
        if (chosen == null) {
            chosen = choose(System.getProperty(PROPERTY));
        }
        return chosen;
    }

    static Loaded<Gateway> choose(String property) {
        String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux")) {
            return Loaded.failed("not Linux (os.name=" + os + ")");
        }
        switch (property == null ? "auto" : property.trim().toLowerCase(Locale.ROOT)) {
            case "ffm":
                return explicit("ffm", FfmGateway.load());
            case "jna":
                return explicit("jna", JnaGateway.load());
            case "auto":
                if (Runtime.version().feature() < FfmGateway.MIN_JDK) {
                    return JnaGateway.load();
                }
                Loaded<Gateway> ffm = FfmGateway.load();
                if (ffm.value() != null || ffm.description().contains("denied native access")) {
                    // Denied to FFM is denied to JNA as well: the reason names the flag to add.
                    return ffm;
                }
                Loaded<Gateway> jna = JnaGateway.load();
                String why = "FFM not used: " + ffm.description();
                return jna.value() != null ? Loaded.of(jna.value(), why) : Loaded.failed(why + "; " + jna.description());
            default:
                return Loaded.failed(PROPERTY + "=" + property + " is not one of auto, ffm, jna");
        }
    }

    private static Loaded<Gateway> explicit(String name, Loaded<Gateway> g) {
        return g.value() != null ? g : Loaded.failed(PROPERTY + "=" + name + " was asked for, but " + g.description());
    }
}
