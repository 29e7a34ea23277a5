package dev.sdnotify.internal.nativeaccess;

import dev.sdnotify.internal.ffm.FfmGateway;
import dev.sdnotify.internal.jna.JnaGateway;
import java.util.Locale;

/**
 * Chooses the native gateway once per process from {@value #PROPERTY}: {@code auto} (the default) takes
 * FFM where it exists (JDK 22 and later, from the jar's versioned classes) and JNA otherwise; {@code ffm}
 * or {@code jna} takes that one or fails with the reason. A failure is kept, never retried.
 */
public final class Gateways {
    /** The system property that picks the gateway. */
    public static final String PROPERTY = "sdnotify.native";

    private static final Once<Loaded<NativeGateway>> CHOSEN = new Once<>(() -> choose(System.getProperty(PROPERTY)));

    private Gateways() {}

    /**
     * The process's gateway, or why there is none. A loaded gateway's description is empty, or says why
     * the preferred one was not used.
     */
    public static Loaded<NativeGateway> get() {
        return CHOSEN.get();
    }

    static Loaded<NativeGateway> choose(String property) {
        String notLinux = Platform.notLinuxReason();
        if (notLinux != null) {
            return Loaded.failed(notLinux);
        }
        String v = property == null ? "auto" : property.trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "ffm":
                return explicit("ffm", FfmGateway.load());
            case "jna":
                return explicit("jna", JnaGateway.load());
            case "auto":
                Loaded<NativeGateway> ffm = FfmGateway.load();
                if (ffm.value() != null) {
                    return ffm;
                }
                Loaded<NativeGateway> jna = JnaGateway.load();
                if (Platform.jdkFeature() < FfmGateway.MIN_JDK) {
                    return jna;
                }
                // FFM should have been there: say why it was not, whatever JNA did.
                String why = "FFM not used: " + ffm.description();
                return jna.value() != null ? Loaded.of(jna.value(), why)
                        : Loaded.failed(jna.description() + "; " + why);
            default:
                return Loaded.failed(PROPERTY + "=" + property + " is not one of auto, ffm, jna");
        }
    }

    private static Loaded<NativeGateway> explicit(String name, Loaded<NativeGateway> g) {
        return g.value() != null ? g : Loaded.failed(PROPERTY + "=" + name + " was asked for, but " + g.description());
    }
}
