package dev.sdnotify.internal.kernel;

/** Where the supervisor's variables are read and removed: the C environment, or given variables in a test. */
public interface Environment {

    /**
     * {@code getenv(name)} as raw bytes; {@code null} when unset. A caller must not change the array.
     */
    byte[] getenv(String name);

    /** {@code unsetenv(name)}. */
    void unsetenv(String name);
}
