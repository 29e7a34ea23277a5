package dev.sdnotify.testing;

import java.util.Arrays;

/**
 * Equality, hash code and text from the components, as a record has them: the contract tests also compile
 * at Java 11 (native-test/matrix.sh runs them on bullseye's OpenJDK 11), which has no records.
 */
public abstract class Value {
    /** The components, in a fixed order; arrays compare by content. */
    protected abstract Object[] components();

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Arrays.deepEquals(components(), ((Value) o).components());
    }

    @Override
    public final int hashCode() {
        return Arrays.deepHashCode(components());
    }

    @Override
    public String toString() {
        String all = Arrays.deepToString(components());
        return getClass().getSimpleName() + "[" + all.substring(1, all.length() - 1) + "]";
    }
}
