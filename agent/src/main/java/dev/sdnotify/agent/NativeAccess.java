package dev.sdnotify.agent;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * Native access for the library's module in the agent's layer, on JDK 22 and later, without the command-line flag
 * the unit would otherwise need and without the JDK's warning: with the agent's {@link Instrumentation}, java.base
 * shows its internal access package to the agent's module alone, which grants it as the JDK grants
 * {@code --enable-native-access} at boot. Where that fails (a JDK that changed its internals), the library's
 * first native call makes the JDK print its warning about restricted methods, and the agent says why.
 */
final class NativeAccess {
    private NativeAccess() {}

    static void grant(Instrumentation instrumentation) {
        if (Runtime.version().feature() < 22) {
            return;
        }
        Module agent = NativeAccess.class.getModule();
        Module library = agent.getLayer().findModule("dev.sdnotify").orElseThrow();
        try {
            instrumentation.redefineModule(Object.class.getModule(), Set.of(),
                    Map.of("jdk.internal.access", Set.of(agent)), Map.of(), Set.of(), Map.of());
            Object access = Class.forName("jdk.internal.access.SharedSecrets").getMethod("getJavaLangAccess")
                    .invoke(null);
            Class.forName("jdk.internal.access.JavaLangAccess").getMethod("addEnableNativeAccess", Module.class)
                    .invoke(access, library);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Journal.log(System.Logger.Level.WARNING, "cannot grant the library native access on this JDK (" + e
                    + "), so the JDK warns about its restricted methods; the agent works all the same");
        }
    }
}
