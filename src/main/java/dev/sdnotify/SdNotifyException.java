package dev.sdnotify;

import dev.sdnotify.internal.protocol.Errno;

/**
 * A supervisor call failed. Carries the errno the backend returned (as libsystemd would), its symbolic
 * name, and the operation that failed; the message says which variable, address or argument was at
 * fault where that can be told.
 *
 * <pre>{@code
 * try {
 *     SdNotify.ready();
 * } catch (SdNotifyException e) {
 *     log.error(e.getMessage());   // sd_notify failed with ENOENT (errno 2): sendmsg to NOTIFY_SOCKET=...
 * }
 * }</pre>
 */
public class SdNotifyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Serialized: the libsystemd function whose semantics failed. */
    private final String operation;
    /** Serialized: the positive errno. */
    private final int errno;

    /**
     * A failure of {@code operation} with {@code errno}; the message adds the errno's name and {@code detail}.
     *
     * @param operation the libsystemd function whose semantics failed, such as {@code sd_notify}
     * @param errno     the positive errno
     * @param detail    what was being done, or null
     */
    public SdNotifyException(String operation, int errno, String detail) {
        super(message(operation, errno, detail));
        this.operation = operation;
        this.errno = errno;
    }

    private static String message(String operation, int errno, String detail) {
        String text = operation + " failed with " + Errno.name(errno) + " (errno " + errno + ")";
        return detail == null ? text : text + ": " + detail;
    }

    /** The libsystemd function whose semantics failed, such as {@code sd_notify} or {@code sd_watchdog_enabled}. */
    public String operation() {
        return operation;
    }

    /** The positive errno, for example 111 for ECONNREFUSED. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, for example {@code ECONNREFUSED}, or {@code errno N} if unknown. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
