package dev.sdnotify.quarkus;

import io.quarkus.vertx.http.DomainSocketServerStart;
import io.quarkus.vertx.http.HttpServerStart;
import io.quarkus.vertx.http.HttpsServerStart;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.ObservesAsync;

/**
 * The HTTP server's start events, which Quarkus fires (asynchronously) once the server listens: the first is
 * {@code READY=1}. Registered only in applications with an HTTP server; the events' contents are not read, since they
 * change with the Vert.x version. Static, so that no instance is ever made.
 */
@Dependent
public class ServerObservers {
    static void http(@ObservesAsync HttpServerStart event) {
        QuarkusLifecycle.listening("HTTP traffic");
    }

    static void https(@ObservesAsync HttpsServerStart event) {
        QuarkusLifecycle.listening("HTTPS traffic");
    }

    static void domainSocket(@ObservesAsync DomainSocketServerStart event) {
        QuarkusLifecycle.listening("traffic on a domain socket");
    }
}
