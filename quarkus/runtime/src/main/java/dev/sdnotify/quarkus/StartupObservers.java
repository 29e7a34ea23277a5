package dev.sdnotify.quarkus;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;

/**
 * The application's start-up observers (and {@code @Startup} beans): the first and the last of them. Static, so that
 * no instance is ever made.
 */
@Dependent
public class StartupObservers {
    static void first(@Observes @Priority(Integer.MIN_VALUE) StartupEvent event) {
        QuarkusLifecycle.startupObservers();
    }

    static void last(@Observes @Priority(Integer.MAX_VALUE) StartupEvent event) {
        QuarkusLifecycle.startupObserversDone();
    }
}
