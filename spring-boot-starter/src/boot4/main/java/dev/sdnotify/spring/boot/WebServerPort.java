package dev.sdnotify.spring.boot;

import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

/** The port the application's web server listens on (Spring Boot 4's packages), for the status line. */
final class WebServerPort {
    private static final boolean PRESENT = ClassUtils.isPresent(
            "org.springframework.boot.web.server.context.WebServerApplicationContext", WebServerPort.class.getClassLoader());

    private WebServerPort() {}

    /** The port, or -1 without a web server. */
    static int of(ApplicationContext context) {
        return PRESENT ? Server.port(context) : -1;
    }

    /** Loaded only where the web server's classes are. */
    private static final class Server {
        static int port(ApplicationContext context) {
            WebServer server = context instanceof WebServerApplicationContext w ? w.getWebServer() : null;
            return server != null ? server.getPort() : -1;
        }
    }
}
