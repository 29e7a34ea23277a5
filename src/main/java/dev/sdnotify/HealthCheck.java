package dev.sdnotify;

/**
 * Whether the service is healthy, asked before each watchdog keep-alive. Returning {@code false}, throwing, or not
 * answering within the keeper's {@linkplain WatchdogKeeper.Builder#checkTimeout check timeout} counts as unhealthy.
 *
 * <pre>{@code
 * Watchdog.start(() -> dataSource.getConnection().isValid(1));
 * }</pre>
 */
@FunctionalInterface
public interface HealthCheck {
    /**
     * @throws Exception counts as unhealthy, as {@code false} does; its message becomes the reason in the status
     */
    boolean isHealthy() throws Exception;
}
