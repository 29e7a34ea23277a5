package dev.sdnotify.internal.daemon;

import dev.sdnotify.internal.protocol.CString;
import dev.sdnotify.internal.protocol.Errno;

/**
 * libsystemd 262's send loop ({@code pid_notify_with_fds_internal}): the state with its fds and credentials,
 * once more without credentials if that fails, all of it at once unless the socket is a stream, and the rest
 * of a stream's message in further sends without fds or credentials.
 */
final class SendLoop {
    /** One {@code sendmsg(MSG_NOSIGNAL)} of {@code payload[offset..offset+length)}: bytes sent or {@code -errno}. */
    interface Sender {
        int send(byte[] payload, int offset, int length, int[] fds, int nFds, boolean sendCredentials, int credPid);

        /**
         * Whether a failure means the socket itself is gone (a kept socket closed by other code), so that
         * the caller sends again on a new one instead of the loop going on.
         */
        default boolean socketGone(int error) {
            return false;
        }
    }

    private SendLoop() {}

    /**
     * Sends {@code state} (up to its first NUL): 1 or {@code -errno}. {@code sendCredentials} and
     * {@code credPid} are as the caller computed them from the pid and the process's ids.
     */
    static int run(Sender s, boolean stream, byte[] state, int[] fds, int nFds, boolean sendCredentials,
            int credPid) {
        int length = CString.length(state);
        int offset = 0;
        boolean credentials = sendCredentials;
        // fds and credentials go with the first bytes only.
        boolean control = true;
        do {
            int n = s.send(state, offset, length - offset, control ? fds : null, control ? nFds : 0,
                    control && credentials, credPid);
            if (n < 0) {
                if (s.socketGone(n) || !credentials || !control) {
                    // Without credentials to drop there is nothing to retry. A stream's later chunk carries
                    // none either: libsystemd would shrink an already empty control length there, which is no
                    // behaviour to copy.
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
