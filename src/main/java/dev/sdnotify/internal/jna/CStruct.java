package dev.sdnotify.internal.jna;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/** A C structure mapping whose layout can be checked against the C compiler's. */
abstract class CStruct extends Structure {
    CStruct() {}

    CStruct(Pointer p) {
        super(p);
    }

    /** {@code offsetof} of a field, as JNA lays it out. */
    int offsetOf(String field) {
        return fieldOffset(field);
    }
}
