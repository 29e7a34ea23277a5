package dev.sdnotify.internal.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.sdnotify.internal.backend.SdDaemon;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Delegates each operation to libsystemd unchanged; only Java values are converted to C ones. */
final class LibsystemdDaemon implements SdDaemon {
    private final LibSystemd lib;
    private final Set<String> missing;

    LibsystemdDaemon(LibSystemd lib, Set<String> missing) {
        this.lib = lib;
        this.missing = missing;
    }

    @Override
    public Set<String> missingFunctions() {
        return missing;
    }

    private static int flag(boolean b) {
        return b ? 1 : 0;
    }

    /** JNA passes a {@code byte[]} as is, so the C string's terminator is added here. */
    private static byte[] cString(byte[] s) {
        return s == null ? null : Arrays.copyOf(s, s.length + 1);
    }

    @Override
    public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds) {
        return lib.sd_pid_notify_with_fds(pid, flag(unsetEnvironment), cString(state), fds, nFds);
    }

    @Override
    public int notifyBarrier(boolean unsetEnvironment, long timeoutUsec) {
        return lib.sd_notify_barrier(flag(unsetEnvironment), timeoutUsec);
    }

    @Override
    public int pidNotifyBarrier(int pid, boolean unsetEnvironment, long timeoutUsec) {
        return lib.sd_pid_notify_barrier(pid, flag(unsetEnvironment), timeoutUsec);
    }

    @Override
    public int watchdogEnabled(boolean unsetEnvironment, long[] usecOut) {
        return lib.sd_watchdog_enabled(flag(unsetEnvironment), usecOut);
    }

    @Override
    public int booted() {
        return lib.sd_booted();
    }

    @Override
    public int listenFds(boolean unsetEnvironment) {
        return lib.sd_listen_fds(flag(unsetEnvironment));
    }

    @Override
    public int listenFdsWithNames(boolean unsetEnvironment, List<byte[]> namesOut) {
        if (namesOut == null) {
            return lib.sd_listen_fds_with_names(flag(unsetEnvironment), null);
        }
        PointerByReference names = new PointerByReference();
        int r = lib.sd_listen_fds_with_names(flag(unsetEnvironment), names);
        if (r > 0) {
            takeStrv(names.getValue(), namesOut);
        }
        return r;
    }

    /** Copies a NULL-terminated {@code char **} the caller owns, then frees it as {@code strv_free} would. */
    private static void takeStrv(Pointer strv, List<byte[]> out) {
        for (int i = 0;; i++) {
            Pointer s = strv.getPointer((long) i * Native.POINTER_SIZE);
            if (s == null) {
                break;
            }
            out.add(s.getByteArray(0, (int) s.indexOf(0, (byte) 0)));
            Native.free(Pointer.nativeValue(s));
        }
        Native.free(Pointer.nativeValue(strv));
    }
}
