package dev.sdnotify.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;

/** {@code http:URL}: a GET to URL answers 2xx within the time a try is given; a refused connection is "not yet". */
final class HttpGet implements Check {
    /** How long one try may take to connect, and then to answer. */
    static final int TIMEOUT_MILLIS = 2000;

    private final URI uri;

    HttpGet(URI uri) {
        this.uri = uri;
    }

    @Override
    public String failure() {
        HttpURLConnection c = null;
        try {
            // No proxy: the URL is the service's own, usually on loopback.
            c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
            c.setConnectTimeout(TIMEOUT_MILLIS);
            c.setReadTimeout(TIMEOUT_MILLIS);
            c.setUseCaches(false);
            int code = c.getResponseCode();
            try (InputStream body = code < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
            return code >= 200 && code < 300 ? null : uri + " answered " + code;
        } catch (IOException e) {
            return uri + ": " + e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
