package dev.sdnotify.quarkus;

import dev.sdnotify.Notifier;
import dev.sdnotify.lifecycle.ServiceLifecycle;
import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.ShutdownContext;
import io.quarkus.runtime.annotations.Recorder;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** Runtime init: the lifecycle begins, under a supervisor only; without one nothing is made and nothing loaded. */
@Recorder
public class SdNotifyRecorder {
    private final RuntimeValue<SdNotifyConfig> config;

    public SdNotifyRecorder(RuntimeValue<SdNotifyConfig> config) {
        this.config = config;
    }

    /**
     * Begins the lifecycle, which ends as the application's last shutdown task. {@code httpServer}: the application
     * has Quarkus's HTTP server; {@code smallRyeHealth}: it has SmallRye Health, with {@code healthGroups}.
     */
    public void begin(boolean httpServer, boolean smallRyeHealth, Set<String> healthGroups, ShutdownContext shutdown) {
        SdNotifyConfig c = config.getValue();
        if (!ServiceLifecycle.supervised() || !c.enabled()) {
            return;
        }
        QuarkusLifecycle.begin(Settings.lifecycle(c, smallRyeHealth, healthGroups, Notifier.fromEnvironment()),
                Settings.watchdogHealth(c, smallRyeHealth), httpServer && listens(ConfigProvider.getConfig()),
                c.startup().enabled());
        shutdown.addLastShutdownTask(QuarkusLifecycle::end);
    }

    /** Whether the HTTP server will listen: on its host (the default) or on a domain socket. */
    private static boolean listens(Config config) {
        return config.getOptionalValue("quarkus.http.host-enabled", Boolean.class).orElse(true)
                || config.getOptionalValue("quarkus.http.domain-socket-enabled", Boolean.class).orElse(false);
    }
}
