package dev.sdnotify;

import dev.sdnotify.internal.core.DaemonNotifier;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One assignment of the notification protocol, such as {@code READY=1} or {@code STATUS=Serving}.
 * {@link #toString()} is the exact line sent on the wire; a message is its states joined by newlines.
 *
 * <pre>{@code
 * SdNotify.send(NotifyState.RELOADING, NotifyState.monotonicUsec(System.nanoTime() / 1000));
 * SdNotify.send(NotifyState.safeStatus("Failed: " + e.getMessage()));   // any text, made acceptable
 * }</pre>
 *
 * <p>Factories refuse values systemd would misread or silently drop, so one state can never smuggle in
 * another: free text must not contain a newline, carriage return or NUL (the manager splits on the first
 * two, and a NUL makes it drop the whole message), nor a backslash (systemd v252 consumes backslashes as
 * escapes and drops a message ending in one). Text that breaks these rules can still be sent verbatim
 * with {@link Notifier#sendRaw(String)}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class NotifyState {
    /** {@code READY=1}: start-up finished, or a reload completed. */
    public static final NotifyState READY = new NotifyState("READY=1");
    /** {@code RELOADING=1}: a reload began; pair it with {@link #monotonicUsec(long)} for Type=notify-reload. */
    public static final NotifyState RELOADING = new NotifyState("RELOADING=1");
    /** {@code STOPPING=1}: shutdown began. */
    public static final NotifyState STOPPING = new NotifyState("STOPPING=1");
    /** {@code WATCHDOG=1}: a keep-alive. */
    public static final NotifyState WATCHDOG = new NotifyState("WATCHDOG=1");
    /** {@code WATCHDOG=trigger}: asks systemd to act as if the watchdog timed out. */
    public static final NotifyState WATCHDOG_TRIGGER = new NotifyState("WATCHDOG=trigger");
    /** {@code FDSTORE=1}: store the fds sent with this message. */
    public static final NotifyState FDSTORE = new NotifyState("FDSTORE=1");
    /** {@code FDSTOREREMOVE=1}: remove the stored fds named by {@link #fdName(String)}. */
    public static final NotifyState FDSTOREREMOVE = new NotifyState("FDSTOREREMOVE=1");
    /** {@code FDPOLL=0}: do not drop the stored fds when they report POLLHUP or POLLERR. */
    public static final NotifyState FDPOLL_DISABLED = new NotifyState("FDPOLL=0");

    /** The longest text {@link #safeStatus} keeps, in characters. */
    public static final int SAFE_STATUS_MAX = 200;

    /** Longest FDNAME systemd accepts ({@code FDNAME_MAX}). */
    public static final int FDNAME_MAX = 255;

    private static final Pattern KEY = Pattern.compile("[A-Z][A-Z0-9_]*");

    private final String line;

    private NotifyState(String line) {
        this.line = line;
    }

    /** {@code STATUS=text}: a one-line status shown by {@code systemctl status}; empty clears it. */
    public static NotifyState status(String text) {
        return new NotifyState("STATUS=" + freeText("STATUS", text));
    }

    /**
     * {@code STATUS=} for any text, such as an exception's message: a line break, NUL, backslash or unpaired
     * surrogate becomes a space, and text beyond {@value #SAFE_STATUS_MAX} characters is cut.
     */
    public static NotifyState safeStatus(String text) {
        StringBuilder s = new StringBuilder(Math.min(text.length(), SAFE_STATUS_MAX));
        for (int i = 0; i < text.length() && s.length() < SAFE_STATUS_MAX; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                s.append(c).append(text.charAt(++i));
            } else {
                s.append(c < 0x20 || c == 0x7f || c == '\\' || Character.isSurrogate(c) ? ' ' : c);
            }
        }
        return new NotifyState("STATUS=" + s);
    }

    /** {@code ERRNO=n}: the service failed with this errno. */
    public static NotifyState errno(int errno) {
        if (errno < 0) {
            throw new IllegalArgumentException("ERRNO must be a non-negative errno number, got " + errno);
        }
        return new NotifyState("ERRNO=" + errno);
    }

    /** {@code BUSERROR=name}: the service failed with this D-Bus error name. */
    public static NotifyState busError(String name) {
        return new NotifyState("BUSERROR=" + freeText("BUSERROR", name));
    }

    /** {@code MAINPID=pid}: the main process is now this one. */
    public static NotifyState mainPid(long pid) {
        return new NotifyState("MAINPID=" + DaemonNotifier.checkedPid(pid, "MAINPID"));
    }

    /** {@code EXTEND_TIMEOUT_USEC=n}: the current start, reload or stop may take this much longer from now. */
    public static NotifyState extendTimeout(Duration extension) {
        return new NotifyState("EXTEND_TIMEOUT_USEC=" + micros("EXTEND_TIMEOUT_USEC", extension));
    }

    /**
     * {@code WATCHDOG_USEC=n}: changes the watchdog timeout at run time. Once sent, running
     * {@link WatchdogKeeper}s of this process feed at half the new timeout.
     */
    public static NotifyState watchdogTimeout(Duration timeout) {
        long usec = micros("WATCHDOG_USEC", timeout);
        if (usec == 0) {
            throw new IllegalArgumentException("WATCHDOG_USEC must be positive, got " + timeout);
        }
        return new NotifyState("WATCHDOG_USEC=" + usec);
    }

    /** {@code MONOTONIC_USEC=n}: the CLOCK_MONOTONIC time of a {@code RELOADING=1}, in microseconds. */
    public static NotifyState monotonicUsec(long usec) {
        if (usec < 0) {
            throw new IllegalArgumentException("MONOTONIC_USEC must not be negative, got " + usec);
        }
        return new NotifyState("MONOTONIC_USEC=" + usec);
    }

    /**
     * {@code FDNAME=name}: the name of the fds stored by this message. systemd accepts printable ASCII
     * without {@code :}, at most {@value #FDNAME_MAX} characters, and replaces anything else with
     * {@code stored}; this factory refuses such names instead.
     */
    public static NotifyState fdName(String name) {
        Objects.requireNonNull(name, "FDNAME");
        if (name.isEmpty() || name.length() > FDNAME_MAX) {
            throw new IllegalArgumentException("FDNAME must be 1.." + FDNAME_MAX + " characters, got "
                    + name.length());
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e || c == ':') {
                throw new IllegalArgumentException("FDNAME must be printable ASCII without ':', got "
                        + describe(c) + " at index " + i + " of \"" + name + "\"");
            }
        }
        return new NotifyState("FDNAME=" + name);
    }

    /**
     * Any other assignment, {@code KEY=value}, for tags this class does not name (newer systemd versions
     * add some). The key is upper-case letters, digits and underscores; the value follows the free-text
     * rules above.
     */
    public static NotifyState of(String key, String value) {
        Objects.requireNonNull(key, "key");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("a notification key is [A-Z][A-Z0-9_]*, got \"" + key + "\"");
        }
        return new NotifyState(key + "=" + freeText(key, value));
    }

    /** The wire form, {@code KEY=value}. */
    @Override
    public String toString() {
        return line;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotifyState && ((NotifyState) o).line.equals(line);
    }

    @Override
    public int hashCode() {
        return line.hashCode();
    }

    private static String freeText(String key, String text) {
        Objects.requireNonNull(text, key);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == 0 || c == '\\') {
                throw new IllegalArgumentException(key + " text must not contain " + describe(c)
                        + " (index " + i + "): systemd would split or drop the message");
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1));
                if (!paired) {
                    throw new IllegalArgumentException(key + " text has an unpaired surrogate at index " + i
                            + ", which has no UTF-8 form");
                }
                i++;
            }
        }
        return text;
    }

    private static long micros(String key, Duration d) {
        Objects.requireNonNull(d, key);
        if (d.isNegative()) {
            throw new IllegalArgumentException(key + " must not be negative, got " + d);
        }
        try {
            return Math.addExact(Math.multiplyExact(d.getSeconds(), 1_000_000L), d.getNano() / 1000);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(key + " is too large: " + d, e);
        }
    }

    private static String describe(char c) {
        return c == '\n' ? "a newline" : c == '\r' ? "a carriage return" : c == 0 ? "a NUL"
                : c == '\\' ? "a backslash" : String.format("U+%04X", (int) c);
    }
}
