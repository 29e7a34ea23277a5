package dev.sdnotify.internal.daemon;

import dev.sdnotify.internal.kernel.Libc;
import dev.sdnotify.internal.kernel.LibcKernel;
import dev.sdnotify.internal.kernel.Libsystemd;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The libsystemd backend: each operation is libsystemd's own call, unchanged; only Java values become C ones.
 * Bounded sends alone go through the Java protocol ({@code timed}), with the same bytes, credentials and fds,
 * since libsystemd cannot bound a send; where the Java protocol cannot run ({@code timed} null), they are
 * libsystemd's unbounded sends.
 */
final class LibsystemdDaemon implements SdDaemon {
    private final Libsystemd lib;
    private final Libc libc;
    private final SdDaemon timed;

    LibsystemdDaemon(Libsystemd lib, Libc libc, SdDaemon timed) {
        this.lib = lib;
        this.libc = libc;
        this.timed = timed;
    }

    @Override
    public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds,
            long sendTimeoutUsec) {
        if (sendTimeoutUsec != BLOCKING && timed != null) {
            return timed.pidNotifyWithFds(pid, unsetEnvironment, state, fds, nFds, sendTimeoutUsec);
        }
        // A C string: the bytes and a NUL.
        byte[] cState = state == null ? null : Arrays.copyOf(state, state.length + 1);
        return pid == 0 && nFds == 0 ? lib.sd_notify(unsetEnvironment ? 1 : 0, cState)
                : lib.sd_pid_notify_with_fds(pid, unsetEnvironment ? 1 : 0, cState, fds, nFds);
    }

    @Override
    public int watchdogEnabled(boolean unsetEnvironment, long[] usecOut) {
        return lib.sd_watchdog_enabled(unsetEnvironment ? 1 : 0, usecOut);
    }

    @Override
    public int listenFdsWithNames(boolean unsetEnvironment, List<byte[]> namesOut) {
        ByteBuffer names = namesOut == null ? null : ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        int r = lib.sd_listen_fds_with_names(unsetEnvironment ? 1 : 0, names);
        if (r > 0 && namesOut != null) {
            // A NULL-terminated array of strings, each and the array malloc'ed: copied, then freed as strv_free does.
            int word = libc.pointerSize();
            long strv = word == 8 ? names.getLong(0) : names.getInt(0) & 0xFFFFFFFFL;
            ByteBuffer array = libc.view(strv, (r + 1) * word);
            for (int i = 0; i < r; i++) {
                long s = word == 8 ? array.getLong(i * word) : array.getInt(i * word) & 0xFFFFFFFFL;
                namesOut.add(LibcKernel.string(libc, s));
                libc.free(s);
            }
            libc.free(strv);
        }
        return r;
    }
}
