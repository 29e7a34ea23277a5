package dev.sdnotify.micronaut;

import dev.sdnotify.Notifier;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** The process's {@link Notifier}, for the lifecycle and for the application's own messages. */
@Factory
class NotifierFactory {
    @Singleton
    Notifier sdNotifier() {
        return Notifier.fromEnvironment();
    }
}
