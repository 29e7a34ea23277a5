package dev.sdnotify.quarkus;

import io.quarkus.runtime.shutdown.ShutdownListener;

/**
 * Shutdown's first step, before the shutdown delay and before the HTTP server closes: {@code STOPPING=1}. Public
 * with a public constructor: the build records it.
 */
public class StoppingListener implements ShutdownListener {
    @Override
    public void preShutdown(ShutdownNotification notification) {
        try {
            QuarkusLifecycle.stopping();
        } finally {
            notification.done();
        }
    }
}
