package dev.sdnotify.internal.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.nativeaccess.LinuxAbi;

/**
 * This process's pidfd inode id ({@link Posix#ownPidfdInodeId}) over libc. Bound apart from {@link LibC}, and
 * only on first use: {@code statx} is missing from glibc before 2.28, which must not keep the rest from binding.
 */
final class Pidfd {
    private static final LinuxAbi ABI = LinuxAbi.current();
    private static final int EOPNOTSUPP = 95;

    private Pidfd() {}

    /** The calls, bound when first needed; null when libc lacks one of them. */
    private static final class Calls {
        static final boolean BOUND = bind();

        static native long syscall(long number, long pid, long flags);

        static native int fstatfs(int fd, Pointer buf);

        static native int statx(int dirfd, String path, int flags, int mask, Pointer buf);

        private static boolean bind() {
            try {
                Native.register(Calls.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
                return true;
            } catch (UnsatisfiedLinkError e) {
                return false;
            }
        }
    }

    static int inodeId(long[] out) {
        if (!Calls.BOUND) {
            return -EOPNOTSUPP;
        }
        // syscall(2) reads its arguments as longs.
        int fd = (int) Calls.syscall(ABI.sysPidfdOpen, LibC.getpid(), 0);
        if (fd < 0) {
            return -Native.getLastError();
        }
        try {
            Memory statfs = new Memory(ABI.statfsSize);
            if (Calls.fstatfs(fd, statfs) < 0) {
                return -Native.getLastError();
            }
            long type = ABI.statfsFTypeSize == 8 ? statfs.getLong(ABI.statfsFTypeOffset)
                    : statfs.getInt(ABI.statfsFTypeOffset) & 0xFFFFFFFFL;
            if (type != Posix.PID_FS_MAGIC) {
                // An anonymous inode (Linux before 6.9): its number is the same for every pidfd.
                return -EOPNOTSUPP;
            }
            Memory statx = new Memory(ABI.statxSize);
            if (Calls.statx(fd, "", ABI.atEmptyPath, ABI.statxIno, statx) < 0) {
                return -Native.getLastError();
            }
            if ((statx.getInt(0) & ABI.statxIno) == 0) {
                return -EOPNOTSUPP;
            }
            out[0] = statx.getLong(ABI.statxInoOffset);
            return 0;
        } finally {
            LibC.close(fd);
        }
    }
}
