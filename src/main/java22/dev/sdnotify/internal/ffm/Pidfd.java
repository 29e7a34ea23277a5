package dev.sdnotify.internal.ffm;

import static dev.sdnotify.internal.ffm.Libc.ERRNO;
import static dev.sdnotify.internal.ffm.Libc.LONG;
import static dev.sdnotify.internal.ffm.Libc.errno;
import static dev.sdnotify.internal.ffm.Libc.rethrow;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.nativeaccess.LinuxAbi;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * This process's pidfd inode id ({@link Posix#ownPidfdInodeId}) through the FFM API. The handles are made on
 * first use; {@code statx} is missing from glibc before 2.28, which answers EOPNOTSUPP.
 */
final class Pidfd {
    private static final LinuxAbi ABI = LinuxAbi.current();
    private static final int EOPNOTSUPP = 95;

    private Pidfd() {}

    private static final class Calls {
        static final MethodHandle SYSCALL = Libc.downcall("syscall",        // long syscall(long, ...), two longs
                FunctionDescriptor.of(LONG, LONG, LONG, LONG), ERRNO, Linker.Option.firstVariadicArg(1));
        static final MethodHandle FSTATFS = Libc.downcall("fstatfs",        // int fstatfs(int, struct statfs *)
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), ERRNO);
        static final MethodHandle CLOSE = Libc.downcall("close",            // int close(int)
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        /** Null where libc has no statx. */
        static final MethodHandle STATX = statx();

        private static MethodHandle statx() {
            try {
                return Libc.downcall("statx",                               // int statx(int, const char *, int, unsigned, struct statx *)
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), ERRNO);
            } catch (UnsatisfiedLinkError e) {
                return null;
            }
        }
    }

    static int inodeId(int pid, long[] out) {
        if (Calls.STATX == null) {
            return -EOPNOTSUPP;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(Libc.CAPTURE);
            int fd = (int) (long) Calls.SYSCALL.invokeExact(capture, (long) ABI.sysPidfdOpen, (long) pid, 0L);
            if (fd < 0) {
                return -errno(capture);
            }
            try {
                MemorySegment statfs = arena.allocate(ABI.statfsSize, 8);
                if ((int) Calls.FSTATFS.invokeExact(capture, fd, statfs) < 0) {
                    return -errno(capture);
                }
                long type = ABI.statfsFTypeSize == 8 ? statfs.get(JAVA_LONG, ABI.statfsFTypeOffset)
                        : statfs.get(JAVA_INT, ABI.statfsFTypeOffset) & 0xFFFFFFFFL;
                if (type != Posix.PID_FS_MAGIC) {
                    // An anonymous inode (Linux before 6.9): its number is the same for every pidfd.
                    return -EOPNOTSUPP;
                }
                MemorySegment statx = arena.allocate(ABI.statxSize, 8);
                if ((int) Calls.STATX.invokeExact(capture, fd, arena.allocateFrom(""), ABI.atEmptyPath, ABI.statxIno,
                        statx) < 0) {
                    return -errno(capture);
                }
                if ((statx.get(JAVA_INT, 0) & ABI.statxIno) == 0) {
                    return -EOPNOTSUPP;
                }
                out[0] = statx.get(JAVA_LONG, ABI.statxInoOffset);
                return 0;
            } finally {
                int ignored = (int) Calls.CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
