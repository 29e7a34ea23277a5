package dev.sdnotify.internal.daemon;

import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.protocol.CString;
import dev.sdnotify.internal.protocol.Errno;

/**
 * libsystemd 262's send loop ({@code pid_notify_with_fds_internal}) on one socket: the state with its fds and
 * credentials, once more without credentials if that fails, all of it at once unless the socket is a stream, and
 * the rest of a stream's message in further sends without fds or credentials.
 */
final class SendLoop {
    private SendLoop() {}

    /**
     * Sends {@code state} (up to its first NUL) on {@code fd} to {@code address} (null when connected) as
     * {@code pid} (0: this process): 1 or {@code -errno}. Two failures stand without the credential-less retry,
     * for the caller to send the whole message again: EAGAIN of a {@code dontWait} send (the receiver's queue is
     * full), and EBADF or ENOTSOCK when {@code kept} no longer is the socket at {@code fd} (other code closed it).
     */
    static int run(Kernel kernel, int fd, byte[] address, boolean stream, boolean dontWait, KeptSocket kept,
            int pid, byte[] state, int[] fds, int nFds) {
        // SCM_CREDENTIALS for another pid, or when real and effective ids differ: libsystemd's order of checks,
        // except that this process's pid is only asked for when needed.
        boolean credentials = (pid != 0 && pid != kernel.getpid()) || kernel.realAndEffectiveIdsDiffer();
        int credPid = pid != 0 ? pid : credentials ? kernel.getpid() : 0;
        int length = CString.length(state);
        int offset = 0;
        // fds and credentials go with the first bytes only.
        boolean control = true;
        do {
            int n = kernel.sendmsg(fd, address, state, offset, length - offset, control ? fds : null,
                    control ? nFds : 0, control && credentials, credPid, dontWait);
            if (n < 0) {
                // Without credentials to drop there is nothing to retry. A stream's later chunk carries none
                // either: libsystemd would shrink an already empty control length there, which is no behaviour
                // to copy.
                if (!credentials || !control || dontWait && n == -Errno.EAGAIN
                        || kept != null && (n == -Errno.EBADF || n == -Errno.ENOTSOCK) && !kept.isOurs(fd)) {
                    return n;
                }
                // Any error, not only EPERM: once more with the kernel's own credentials. Nothing was sent,
                // so with an empty state the loop ends here with 1 and the retry never happens (v254).
                credentials = false;
                n = 0;
            } else {
                if (!stream && n < length - offset) {
                    // A datagram or seqpacket socket takes all or nothing; a part is an error (v254).
                    return -Errno.EIO;
                }
                control = false;
            }
            offset += n;
        } while (offset < length);
        return 1;
    }
}
