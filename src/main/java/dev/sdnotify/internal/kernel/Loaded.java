package dev.sdnotify.internal.kernel;

/** A native binding, or why it could not be had: probed once, and the reason kept for every later caller. */
public final class Loaded<T> {
    private final T value;
    private final String description;

    private Loaded(T value, String description) {
        this.value = value;
        this.description = description;
    }

    public static <T> Loaded<T> of(T value, String description) {
        return new Loaded<>(value, description);
    }

    public static <T> Loaded<T> failed(String reason) {
        return new Loaded<>(null, reason);
    }

    /** The binding, or null when it failed to load. */
    public T value() {
        return value;
    }

    /** What was loaded, or why not. */
    public String description() {
        return description;
    }
}
