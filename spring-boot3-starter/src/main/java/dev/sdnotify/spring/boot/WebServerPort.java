package dev.sdnotify.spring.boot;

import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.server.WebServer;
import org.springframework.context.ApplicationContext;

/** The port the application's web server listens on (Spring Boot 3's packages), for the status line. */
final class WebServerPort {
    private WebServerPort() {}

    /** The port, or -1 without a web server. */
    static int of(ApplicationContext context) {
        WebServer server = context instanceof WebServerApplicationContext w ? w.getWebServer() : null;
        return server != null ? server.getPort() : -1;
    }
}
