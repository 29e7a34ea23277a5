package dev.sdnotify.internal.kernel;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Variables given instead of the C environment, which is neither read nor changed: what a test hands the Java
 * protocol as its supervisor, and what the JVM's own copy of the environment is where native access failed.
 */
public final class GivenEnvironment implements Environment {
    private final Map<String, byte[]> variables = new ConcurrentHashMap<>();

    /** Copies {@code variables}; later changes to the map are not seen. */
    public GivenEnvironment(Map<String, String> variables) {
        variables.forEach((name, value) -> this.variables.put(Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(value, name).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public byte[] getenv(String name) {
        return variables.get(name);
    }

    @Override
    public void unsetenv(String name) {
        variables.remove(name);
    }
}
