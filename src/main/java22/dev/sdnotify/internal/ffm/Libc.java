package dev.sdnotify.internal.ffm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * What every FFM binding shares: the native linker, libc's symbols, C's word-sized types and a structure
 * helper that pads as the C compiler does. Nothing here makes a downcall handle by itself; each binding
 * makes its own on first use.
 */
final class Libc {
    static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();

    /** C {@code long} (also {@code time_t}, {@code ssize_t}, {@code nfds_t}): named, so that it can be told from int. */
    static final ValueLayout LONG = ((ValueLayout) LINKER.canonicalLayouts().get("long")).withName("long");
    /** C {@code size_t}, named for the same reason. */
    static final ValueLayout SIZE_T = ((ValueLayout) LINKER.canonicalLayouts().get("size_t")).withName("size_t");
    /** Whether a C long and a size_t are 64-bit, as a Java long. */
    static final boolean WORD64 = LONG.byteSize() == 8 && SIZE_T.byteSize() == 8;

    /** For tiny calls that never block: no thread-state transition around them. */
    static final Linker.Option CRITICAL = Linker.Option.critical(false);
    /** errno as the call left it, written into the capture segment passed as the handle's first argument. */
    static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    static final long ERRNO_OFFSET = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private Libc() {}

    /** A downcall handle for libc's {@code name}; C long and size_t are Java longs on every data model. */
    static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LOOKUP.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
        return downcall(symbol, descriptor, options);
    }

    @SuppressWarnings("restricted")
    static MethodHandle downcall(MemorySegment symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        MethodHandle h = LINKER.downcallHandle(symbol, descriptor, options);
        if (WORD64) {
            return h;
        }
        // ILP32: the words are Java ints there; widen them so that callers have one signature.
        MethodType t = h.type();
        List<MemoryLayout> arguments = descriptor.argumentLayouts();
        int first = t.parameterCount() - arguments.size();
        for (int i = 0; i < arguments.size(); i++) {
            if (isWord(arguments.get(i))) {
                t = t.changeParameterType(first + i, long.class);
            }
        }
        if (descriptor.returnLayout().filter(Libc::isWord).isPresent()) {
            t = t.changeReturnType(long.class);
        }
        return MethodHandles.explicitCastArguments(h, t);
    }

    private static boolean isWord(MemoryLayout l) {
        return l.equals(LONG) || l.equals(SIZE_T);
    }

    /** Writes a C long or size_t. */
    static void putWord(MemorySegment m, long offset, long value) {
        if (WORD64) {
            m.set(JAVA_LONG, offset, value);
        } else {
            m.set(JAVA_INT, offset, (int) value);
        }
    }

    /** Reads a C long or size_t. */
    static long getWord(MemorySegment m, long offset) {
        return WORD64 ? m.get(JAVA_LONG, offset) : m.get(JAVA_INT, offset);
    }

    /** errno as the last call on this capture segment left it. */
    static int errno(MemorySegment capture) {
        return capture.get(JAVA_INT, ERRNO_OFFSET);
    }

    /**
     * {@link MemoryLayout#structLayout} with the padding a C compiler inserts: each member at its natural
     * alignment, the whole rounded up to the largest.
     */
    static StructLayout struct(String name, MemoryLayout... members) {
        List<MemoryLayout> padded = new ArrayList<>();
        long offset = 0;
        long alignment = 1;
        for (MemoryLayout m : members) {
            long a = m.byteAlignment();
            long gap = (a - offset % a) % a;
            if (gap > 0) {
                padded.add(MemoryLayout.paddingLayout(gap));
            }
            padded.add(m);
            offset += gap + m.byteSize();
            alignment = Math.max(alignment, a);
        }
        long tail = (alignment - offset % alignment) % alignment;
        if (tail > 0) {
            padded.add(MemoryLayout.paddingLayout(tail));
        }
        return MemoryLayout.structLayout(padded.toArray(new MemoryLayout[0])).withName(name);
    }

    /** A downcall's Throwable as an unchecked one: the handles declare none of their own. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
