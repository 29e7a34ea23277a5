package dev.sdnotify.localsupervisor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One datagram from the notification socket: the sender's pid (from its credentials, which the kernel vouches
 * for), the bytes, and the fds that came with it, open in this process until {@link #closeFds()}.
 *
 * @param size the datagram's real length, which is larger than {@code bytes} when it did not fit
 */
record Notification(int pid, byte[] bytes, int size, int[] fds) {
    /** systemd's NOTIFY_BUFFER_MAX: it drops longer datagrams whole. */
    static final int MAX_SIZE = 4096;

    /** Why systemd would drop the whole datagram, if it would. */
    Optional<String> dropReason() {
        if (size > MAX_SIZE) {
            return Optional.of(size + " bytes, more than the " + MAX_SIZE + " systemd reads");
        }
        for (byte b : bytes) {
            if (b == 0) {
                return Optional.of("it contains a NUL byte");
            }
        }
        return Optional.empty();
    }

    /** The assignments, split as systemd splits them: at newlines, without a trailing empty line. */
    List<String> lines() {
        List<String> lines = new ArrayList<>(List.of(new String(bytes, StandardCharsets.UTF_8).split("\n", -1)));
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** Whether one line is exactly {@code line}, as systemd tests READY=1, STOPPING=1 and the like. */
    boolean has(String line) {
        return lines().contains(line);
    }

    /** The value of the first {@code KEY=} line: systemd reads the first and ignores repeats. */
    Optional<String> value(String key) {
        String prefix = key + "=";
        return lines().stream().filter(l -> l.startsWith(prefix)).findFirst().map(l -> l.substring(prefix.length()));
    }

    /** The text on one line: newlines as " | ", other control characters escaped so the terminal shows them. */
    String display() {
        if (bytes.length == 0) {
            return "(empty)";
        }
        StringBuilder shown = new StringBuilder();
        for (String line : lines()) {
            if (shown.length() > 0) {
                shown.append(" | ");
            }
            line.chars().forEach(c -> shown.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : (char) c));
        }
        return shown.toString();
    }

    void closeFds() {
        for (int fd : fds) {
            Libc.C.close(fd);
        }
    }
}
