package dev.sdnotify.internal.kernel;

import java.util.function.Supplier;

/** A value computed on first use, by one thread, and kept: the gateways probe each library at most once. */
public final class Once<T> {
    private final Supplier<T> compute;
    private volatile T value;

    public Once(Supplier<T> compute) {
        this.compute = compute;
    }

    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    value = v = compute.get();
                }
            }
        }
        return v;
    }
}
