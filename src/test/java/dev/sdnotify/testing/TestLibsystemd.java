package dev.sdnotify.testing;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.Arrays;
import java.util.List;

/**
 * libsystemd, bound by the tests themselves: the oracle, sharing no code with the library it checks. Strings are
 * passed as NUL-terminated bytes, {@code null} for NULL.
 */
public final class TestLibsystemd implements Daemon {
    /** The functions, by JNA's interface mapping. */
    public interface Functions extends Library {
        int sd_pid_notify_with_fds(int pid, int unset, byte[] state, int[] fds, int nFds);

        int sd_notify_barrier(int unset, long timeout);

        int sd_pid_notify_barrier(int pid, int unset, long timeout);

        int sd_watchdog_enabled(int unset, long[] usec);

        int sd_listen_fds(int unset);

        int sd_listen_fds_with_names(int unset, PointerByReference names);

        int sd_booted();
    }

    private final Functions lib = Native.load("libsystemd.so.0", Functions.class);

    private static int flag(boolean b) {
        return b ? 1 : 0;
    }

    @Override
    public int pidNotifyWithFds(int pid, boolean unset, byte[] state, int[] fds, int nFds) {
        return lib.sd_pid_notify_with_fds(pid, flag(unset), state == null ? null : Arrays.copyOf(state, state.length + 1),
                fds, nFds);
    }

    @Override
    public int notifyBarrier(boolean unset, long timeoutUsec) {
        return lib.sd_notify_barrier(flag(unset), timeoutUsec);
    }

    /** -ENOSYS where this libsystemd lacks the function (before 254). */
    @Override
    public int pidNotifyBarrier(int pid, boolean unset, long timeoutUsec) {
        try {
            return lib.sd_pid_notify_barrier(pid, flag(unset), timeoutUsec);
        } catch (UnsatisfiedLinkError e) {
            return -38;
        }
    }

    @Override
    public int watchdogEnabled(boolean unset, long[] usecOut) {
        return lib.sd_watchdog_enabled(flag(unset), usecOut);
    }

    @Override
    public int listenFds(boolean unset) {
        return lib.sd_listen_fds(flag(unset));
    }

    @Override
    public int listenFdsWithNames(boolean unset, List<byte[]> namesOut) {
        PointerByReference names = namesOut == null ? null : new PointerByReference();
        int r = lib.sd_listen_fds_with_names(flag(unset), names);
        if (r > 0 && namesOut != null) {
            Pointer strv = names.getValue();
            for (int i = 0; i < r; i++) {
                Pointer s = strv.getPointer((long) i * Native.POINTER_SIZE);
                namesOut.add(s.getByteArray(0, (int) s.indexOf(0, (byte) 0)));
                Native.free(Pointer.nativeValue(s));
            }
            Native.free(Pointer.nativeValue(strv));
        }
        return r;
    }

    @Override
    public int booted() {
        return lib.sd_booted();
    }
}
