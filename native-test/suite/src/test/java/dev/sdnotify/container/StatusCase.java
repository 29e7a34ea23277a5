package dev.sdnotify.container;

import static dev.sdnotify.container.Cases.expectBackend;
import static dev.sdnotify.container.Cases.seconds;
import static dev.sdnotify.container.Cases.unit;

import org.junit.jupiter.api.Order;

/** STATUS= reaches StatusText byte for byte, outside ASCII too. */
@ContainerCase("status")
@Order(13)
class StatusCase {
    @OnEachBackend
    void statusTextOutsideAscii(Backend backend, CaseLog log) {
        Unit service = unit("sdn-status@", backend);
        service.start();
        service.awaitProp("StatusText", "Grüße ✓ — 日本語 🚀", seconds(5));
        expectBackend(service, backend);
        log.note("StatusText=" + service.prop("StatusText"));
        service.stop();
    }
}
