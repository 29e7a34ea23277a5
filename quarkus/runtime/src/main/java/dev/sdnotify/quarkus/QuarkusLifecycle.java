package dev.sdnotify.quarkus;

import dev.sdnotify.HealthCheck;
import dev.sdnotify.lifecycle.ServiceLifecycle;

/**
 * The application's {@link ServiceLifecycle} while it runs under a supervisor, told what Quarkus does:
 * <ul>
 *   <li>runtime init begins: the lifecycle is made ({@link SdNotifyRecorder}), {@code STATUS=Starting: ...} and
 *       start extensions from now on;</li>
 *   <li>the start-up observers run, then the HTTP server opens: their phases in the status ({@link StartupObservers});</li>
 *   <li>the HTTP server listens ({@link ServerObservers}), or the start-up observers have run if the application
 *       opens no server: {@code READY=1}, and keep-alives while the watchdog's health check passes;</li>
 *   <li>shutdown begins, before the HTTP server closes ({@link StoppingListener}): {@code STOPPING=1}; if that
 *       is before {@code READY=1}, or the application ends without either, {@code STATUS=Start failed: ...}.</li>
 * </ul>
 * Static, because the observers and the shutdown listener are not beans that may be made: without a supervisor there
 * is no lifecycle, and every call here returns at once.
 */
final class QuarkusLifecycle {
    /** Quarkus gives extensions no failed start's cause: it logs it. */
    private static final String NOT_READY = "the application stopped before it was ready (the log says why)";

    private static volatile QuarkusLifecycle current;

    private final ServiceLifecycle lifecycle;
    private final HealthCheck health;
    private final boolean serverExpected;
    private final boolean phases;

    private QuarkusLifecycle(ServiceLifecycle lifecycle, HealthCheck health, boolean serverExpected, boolean phases) {
        this.lifecycle = lifecycle;
        this.health = health;
        this.serverExpected = serverExpected;
        this.phases = phases;
    }

    /** The lifecycle begins: {@code serverExpected} when an HTTP server will open after the start-up observers. */
    static void begin(ServiceLifecycle lifecycle, HealthCheck health, boolean serverExpected, boolean phases) {
        QuarkusLifecycle l = new QuarkusLifecycle(lifecycle, health, serverExpected, phases);
        current = l;
        l.phase("initializing");
    }

    static void startupObservers() {
        QuarkusLifecycle l = current;
        if (l != null) {
            l.phase("running start-up observers");
        }
    }

    /** The start-up observers have run: {@code READY=1} now, unless a server is still to listen. */
    static void startupObserversDone() {
        QuarkusLifecycle l = current;
        if (l == null) {
            return;
        }
        if (l.serverExpected) {
            l.phase("opening the HTTP server");
        } else {
            l.ready("Running");
        }
    }

    /** A server listens: {@code READY=1} the first time, with {@code what} it serves. */
    static void listening(String what) {
        QuarkusLifecycle l = current;
        if (l != null) {
            l.ready("Accepting " + what);
        }
    }

    /** Shutdown begins: {@code STOPPING=1}, and the keep-alives end; before {@code READY=1}, the start failed. */
    static void stopping() {
        QuarkusLifecycle l = current;
        if (l != null) {
            l.lifecycle.failed(NOT_READY);
            l.lifecycle.stopping("Shutting down");
        }
    }

    /** The application is gone: the lifecycle's threads end; before {@code READY=1}, the start failed. */
    static void end() {
        QuarkusLifecycle l = current;
        current = null;
        if (l != null) {
            l.lifecycle.failed(NOT_READY);
            l.lifecycle.close();
        }
    }

    private void phase(String phase) {
        if (phases) {
            lifecycle.starting(phase);
        }
    }

    private void ready(String status) {
        lifecycle.readyAfterStart(status, null, health);
    }
}
