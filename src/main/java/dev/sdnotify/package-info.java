/**
 * Readiness, status, watchdog keep-alives, the file descriptor store and socket activation for a service that
 * systemd (or another supervisor speaking its notify protocol) supervises, with libsystemd's semantics whether or
 * not libsystemd is installed.
 *
 * <h2>Quick start</h2>
 * <pre>{@code
 * server.start();                                  // the listening socket exists now
 * SdNotify.ready("Serving on :8080");              // READY=1 + STATUS=Serving on :8080
 * Watchdog.start(() -> db.isValid(1));             // WATCHDOG=1 at half of WatchdogSec= while healthy
 * }</pre>
 * with a unit such as
 * <pre>
 * [Service]
 * Type=notify
 * ExecStart=/usr/bin/java --enable-native-access=ALL-UNNAMED -jar /opt/app/app.jar
 * WatchdogSec=10s
 * SuccessExitStatus=143
 * </pre>
 *
 * <h2>Where each operation lives</h2>
 * <ul>
 *   <li>{@link dev.sdnotify.SdNotify}: one-line calls for the process, and the process-wide choices (backend,
 *       readiness fd);</li>
 *   <li>{@link dev.sdnotify.Notifier}: the same as an instance to inject, and to replace with
 *       {@link dev.sdnotify.Notifier#noop()} or {@link dev.sdnotify.Notifier#forEnvironment(java.util.Map)} in
 *       tests;</li>
 *   <li>{@link dev.sdnotify.Watchdog} and {@link dev.sdnotify.WatchdogKeeper}: the watchdog's interval, and
 *       keep-alives gated on a {@link dev.sdnotify.HealthCheck};</li>
 *   <li>{@link dev.sdnotify.SocketActivation}, {@link dev.sdnotify.ListenFd} and
 *       {@link dev.sdnotify.FdChannels}: the fds systemd passed, as JDK channels;</li>
 *   <li>{@link dev.sdnotify.NotifyState}: typed states whose text is the wire format;</li>
 *   <li>{@link dev.sdnotify.SupervisorEnvironment}: children that must not speak for the service.</li>
 * </ul>
 * Every sending method returns {@code true} when the message was sent, {@code false} when there is no
 * supervisor (then nothing native is loaded), and throws {@link dev.sdnotify.SdNotifyException} naming what
 * failed, the errno and the fix.
 */
package dev.sdnotify;
