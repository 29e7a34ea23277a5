package dev.sdnotify.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One differential case: an operation of the seam and the C environment it starts from. Values are
 * templates: a char below 256 is that byte, a char from {@link Token#BASE} on is a {@link Token} that the
 * {@link FuzzWorld} replaces (own pid, a receiver's address, ...), so a case means the same in every run.
 *
 * <p>Line form, used by the corpus ({@code src/test/resources/fuzz-corpus/*.txt}): the operation, then
 * space-separated {@code key=value} pairs. Keys: the seven variables ({@code NOTIFY_SOCKET} ...
 * {@code LISTEN_PIDFDID}; absent means unset), {@code unset=1}, and per operation {@code pid=},
 * {@code state=} (absent means NULL), {@code repeat=} (the state repeated), {@code fds=} (comma-separated;
 * absent means NULL), {@code nfds=}, {@code timeout=} (microseconds, unsigned), {@code out=0} (NULL out
 * parameter). In values, {@code ${name}} is a token, {@code %XX} a byte; printable ASCII other than
 * {@code % $ ,} stands for itself. {@code #} starts a comment line.
 */
record FuzzCase(Op op, List<String> env, boolean unset, String pid, String state, int repeat, List<String> fds,
        int nFds, long timeout, boolean out) {

    static final List<String> VARIABLES = List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_PID",
            "LISTEN_FDS", "LISTEN_FDNAMES", "LISTEN_PIDFDID");
    static final int NOTIFY_SOCKET = 0;
    static final int WATCHDOG_USEC = 1;
    static final int WATCHDOG_PID = 2;
    static final int LISTEN_PID = 3;
    static final int LISTEN_FDS = 4;
    static final int LISTEN_FDNAMES = 5;
    static final int LISTEN_PIDFDID = 6;

    enum Op {
        NOTIFY("notify"), BARRIER("barrier"), WATCHDOG("watchdog"), LISTEN("listen"), LISTEN_NAMES("listen-names");

        final String word;

        Op(String word) {
            this.word = word;
        }

        static Op of(String word) {
            for (Op op : values()) {
                if (op.word.equals(word)) {
                    return op;
                }
            }
            throw new IllegalArgumentException("unknown operation '" + word + "'");
        }
    }

    /** Names a fuzz input can use for values that differ from run to run. */
    enum Token {
        PID("pid"), PID_HEX("pidx"), PID_OCT("pido"), PID_BIN("pidb"), PPID("ppid"), OTHER_PID("otherpid"),
        TMP("tmp"), RECV("recv"), RECV_ABSTRACT("recv-abstract"), RECV_LONG("recv-long"),
        RECV_LONG_ABSTRACT("recv-long-abstract"), STREAM("stream"), FILE("file"), MISSING("missing"),
        CLOSER("closer"), PIPE("pipe"), PIPE2("pipe2"), PIDFDID("pidfdid"), OTHER_PIDFDID("otherpidfdid");

        static final char BASE = '\uE000';
        final String name;

        Token(String name) {
            this.name = name;
        }

        char ch() {
            return (char) (BASE + ordinal());
        }

        String t() {
            return String.valueOf(ch());
        }

        static Token of(char c) {
            int i = c - BASE;
            return i >= 0 && i < values().length ? values()[i] : null;
        }

        static Token named(String name) {
            for (Token t : values()) {
                if (t.name.equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown token ${" + name + "}");
        }
    }

    FuzzCase {
        env = Collections.unmodifiableList(new ArrayList<>(env));
        fds = fds == null ? null : List.copyOf(fds);
        if (env.size() != VARIABLES.size()) {
            throw new IllegalArgumentException("one value per variable");
        }
        if (op != Op.WATCHDOG && op != Op.LISTEN_NAMES) {
            out = true;
        }
        if (fds != null && (nFds < 0 || nFds > fds.size())) {
            // Reading past the array is undefined in C; such cases are not comparable.
            throw new IllegalArgumentException("nfds " + nFds + " with " + fds.size() + " fds");
        }
    }

    static FuzzCase of(Op op) {
        return new FuzzCase(op, Arrays.asList(new String[VARIABLES.size()]), false, "0", null, 1, null, 0, 0, true);
    }

    FuzzCase withEnv(int variable, String value) {
        List<String> e = new ArrayList<>(env);
        e.set(variable, value);
        return new FuzzCase(op, e, unset, pid, state, repeat, fds, nFds, timeout, out);
    }

    FuzzCase withUnset(boolean u) {
        return new FuzzCase(op, env, u, pid, state, repeat, fds, nFds, timeout, out);
    }

    FuzzCase withPid(String p) {
        return new FuzzCase(op, env, unset, p, state, repeat, fds, nFds, timeout, out);
    }

    FuzzCase withState(String s, int r) {
        return new FuzzCase(op, env, unset, pid, s, r, fds, nFds, timeout, out);
    }

    FuzzCase withFds(List<String> f, int n) {
        return new FuzzCase(op, env, unset, pid, state, repeat, f, n, timeout, out);
    }

    FuzzCase withTimeout(long t) {
        return new FuzzCase(op, env, unset, pid, state, repeat, fds, nFds, t, out);
    }

    FuzzCase withOut(boolean o) {
        return new FuzzCase(op, env, unset, pid, state, repeat, fds, nFds, timeout, o);
    }

    String variable(int i) {
        return env.get(i);
    }

    // ---- line form ---------------------------------------------------------------------------------

    String toLine() {
        StringBuilder s = new StringBuilder(op.word);
        for (int i = 0; i < VARIABLES.size(); i++) {
            if (env.get(i) != null) {
                s.append(' ').append(VARIABLES.get(i)).append('=').append(encode(env.get(i)));
            }
        }
        if (unset) {
            s.append(" unset=1");
        }
        switch (op) {
            case NOTIFY -> {
                if (!pid.equals("0")) {
                    s.append(" pid=").append(encode(pid));
                }
                if (state != null) {
                    s.append(" state=").append(encode(state));
                    if (repeat != 1) {
                        s.append(" repeat=").append(repeat);
                    }
                }
                if (fds != null) {
                    List<String> parts = new ArrayList<>();
                    fds.forEach(f -> parts.add(encode(f)));
                    s.append(" fds=").append(String.join(",", parts));
                }
                if (fds != null || nFds != 0) {
                    s.append(" nfds=").append(nFds);
                }
            }
            case BARRIER -> s.append(" timeout=").append(Long.toUnsignedString(timeout));
            case WATCHDOG, LISTEN_NAMES -> {
                if (!out) {
                    s.append(" out=0");
                }
            }
            default -> { }
        }
        return s.toString();
    }

    static FuzzCase parse(String line) {
        String[] words = line.trim().split(" +");
        FuzzCase c = of(Op.of(words[0]));
        String state = null;
        int repeat = 1;
        List<String> fds = null;
        Integer nFds = null;
        for (int w = 1; w < words.length; w++) {
            int eq = words[w].indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("'" + words[w] + "' is not key=value");
            }
            String key = words[w].substring(0, eq);
            String value = words[w].substring(eq + 1);
            int variable = VARIABLES.indexOf(key);
            if (variable >= 0) {
                c = c.withEnv(variable, decode(value));
                continue;
            }
            switch (key) {
                case "unset" -> c = c.withUnset(flag(value));
                case "pid" -> c = c.withPid(decode(value));
                case "state" -> state = decode(value);
                case "repeat" -> repeat = Integer.parseInt(value);
                case "fds" -> {
                    fds = new ArrayList<>();
                    if (!value.isEmpty()) {
                        for (String f : value.split(",", -1)) {
                            fds.add(decode(f));
                        }
                    }
                }
                case "nfds" -> nFds = Integer.parseInt(value);
                case "timeout" -> c = c.withTimeout(Long.parseUnsignedLong(value));
                case "out" -> c = c.withOut(flag(value));
                default -> throw new IllegalArgumentException("unknown key '" + key + "'");
            }
        }
        c = c.withState(state, repeat);
        return c.withFds(fds, nFds != null ? nFds : fds == null ? 0 : fds.size());
    }

    private static boolean flag(String v) {
        if (!v.equals("0") && !v.equals("1")) {
            throw new IllegalArgumentException("a flag is 0 or 1, got '" + v + "'");
        }
        return v.equals("1");
    }

    static String encode(String template) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            Token t = Token.of(c);
            if (t != null) {
                s.append("${").append(t.name).append('}');
            } else if (c > 0xff) {
                throw new IllegalArgumentException("template char " + (int) c + " is neither a byte nor a token");
            } else if (c > 0x20 && c < 0x7f && c != '%' && c != '$' && c != ',') {
                s.append(c);
            } else {
                s.append('%').append(String.format("%02X", (int) c));
            }
        }
        return s.toString();
    }

    static String decode(String text) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                s.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int end = text.indexOf('}', i);
                s.append(Token.named(text.substring(i + 2, end)).ch());
                i = end;
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
