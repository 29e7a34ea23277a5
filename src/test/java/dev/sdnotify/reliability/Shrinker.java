package dev.sdnotify.reliability;

import dev.sdnotify.testing.VsockGuard;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Greedy shrinking: try simpler variants of a case (a variable unset, a flag cleared, a chunk of a string
 * or an fd removed, a smaller repeat or timeout) and keep the first that still shows the property, until
 * none does. Tokens are single characters of a template, so they are kept or dropped whole.
 */
final class Shrinker {
    private Shrinker() {}

    /** The smallest case found that still satisfies {@code property}; {@code attempts[0]} counts the tries. */
    static FuzzCase shrink(FuzzCase c, Predicate<FuzzCase> property, int[] attempts) {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (FuzzCase candidate : candidates(c)) {
                attempts[0]++;
                if (property.test(candidate)) {
                    c = candidate;
                    progress = true;
                    break;
                }
            }
        }
        return c;
    }

    static List<FuzzCase> candidates(FuzzCase c) {
        List<FuzzCase> out = new ArrayList<>();
        for (int v = 0; v < FuzzCase.VARIABLES.size(); v++) {
            if (c.variable(v) != null) {
                out.add(c.withEnv(v, null));
            }
        }
        if (c.unset()) {
            out.add(c.withUnset(false));
        }
        if (!c.out()) {
            out.add(c.withOut(true));
        }
        if (!c.pid().equals("0")) {
            out.add(c.withPid("0"));
        }
        // A barrier to the closer waits for a thread of the test's own: a shorter wait would race it, and the
        // outcome would be the scheduler's, not the backends'.
        if (c.timeout() != 0 && !FuzzCase.Token.CLOSER.t().equals(c.variable(FuzzCase.NOTIFY_SOCKET))) {
            out.add(c.withTimeout(0));
        }
        if (c.fds() != null) {
            out.add(c.withFds(null, 0));
            for (int i = 0; i < c.fds().size(); i++) {
                List<String> fewer = new ArrayList<>(c.fds());
                fewer.remove(i);
                out.add(c.withFds(fewer, Math.min(c.nFds(), fewer.size())));
            }
            for (String simpler : new String[] {FuzzCase.Token.PIPE.t(), "-1"}) {
                for (int i = 0; i < c.fds().size(); i++) {
                    if (!c.fds().get(i).equals(simpler)) {
                        List<String> changed = new ArrayList<>(c.fds());
                        changed.set(i, simpler);
                        out.add(c.withFds(changed, c.nFds()));
                    }
                }
            }
        }
        if (c.nFds() != 0) {
            out.add(c.withFds(c.fds(), 0));
            if (c.nFds() > 1) {
                out.add(c.withFds(c.fds(), c.nFds() - 1));
            }
        }
        if (c.state() != null) {
            if (c.repeat() > 1) {
                out.add(c.withState(c.state(), 1));
                out.add(c.withState(c.state(), c.repeat() / 2));
                out.add(c.withState(c.state(), c.repeat() - 1));
            }
            for (String s : smaller(c.state())) {
                out.add(c.withState(s, c.repeat()));
            }
        }
        for (int v = 0; v < FuzzCase.VARIABLES.size(); v++) {
            if (c.variable(v) != null) {
                for (String s : smaller(c.variable(v))) {
                    out.add(c.withEnv(v, s));
                }
            }
        }
        // "vsock:-2:5" less its '-' names CID 2: never try a case the environment helpers would refuse.
        out.removeIf(Shrinker::namesVsockPeer);
        return out;
    }

    private static boolean namesVsockPeer(FuzzCase c) {
        String socket = c.variable(FuzzCase.NOTIFY_SOCKET);
        return socket != null && VsockGuard.namesVsockPeer(socket.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The string with one chunk removed, big chunks first; then each char replaced by a plainer one. */
    static List<String> smaller(String s) {
        List<String> out = new ArrayList<>();
        for (int size = Integer.highestOneBit(Math.max(1, s.length())); size >= 1; size /= 2) {
            for (int start = 0; start + size <= s.length(); start += size) {
                out.add(s.substring(0, start) + s.substring(start + size));
            }
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean plain = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!plain && FuzzCase.Token.of(c) == null) {
                out.add(s.substring(0, i) + 'a' + s.substring(i + 1));
            }
        }
        return out;
    }
}
