/**
 * Micronaut 4 under systemd, with no code: add {@code dev.sdnotify:sdnotify-micronaut} and the application sends
 * {@code READY=1} once its HTTP server is bound, keep-alives while its liveness indicators are UP, and
 * {@code STOPPING=1} when it stops, through the project's {@link dev.sdnotify.lifecycle.ServiceLifecycle};
 * configured under {@code sdnotify.*} ({@link dev.sdnotify.micronaut.SdNotifyConfiguration}). Every bean here
 * requires a supervisor ({@link dev.sdnotify.micronaut.Supervised}) and {@code sdnotify.enabled} not {@code false}:
 * otherwise none exists, and the {@link dev.sdnotify.Notifier} bean neither.
 */
@Configuration
@Requires(condition = Supervised.class)
@Requires(property = "sdnotify.enabled", notEquals = "false")
package dev.sdnotify.micronaut;

import io.micronaut.context.annotation.Configuration;
import io.micronaut.context.annotation.Requires;
