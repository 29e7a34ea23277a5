package dev.sdnotify.reliability;

import dev.sdnotify.reliability.FuzzCase.Op;
import dev.sdnotify.reliability.FuzzCase.Token;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random cases, weighted towards the edges of libsystemd's parsing (§1.2 numbers, addresses around
 * sun_path's size, fd names) and cheap to run: most cases parse and return, fewer send, and sends go to
 * receivers that are drained after each call. Case {@code i} of seed {@code s} is always the same case.
 */
final class FuzzGenerator {
    private static final String[] WHITESPACE = {" ", "\t", "\n", "\r", "\u000b", "\u000c", "  ", " \t"};
    private static final String[] SIGNS = {"+", "-", "+-", "--", "-+"};
    private static final String[] PREFIXES = {"0x", "0X", "0o", "0O", "0b", "0B", "0", "00"};
    private static final String[] SUFFIXES = {" ", "\n", "s", "e6", "\u00ff", "x", "0", "9", ".", "\t", ":"};
    private static final String NUMBER_NOISE = " \t\n\r\u000b\u000c+-0123456789abcdefxXoObB\u00ff\u00a0%:";
    /** The §1.2 table and the contract vectors' values, verbatim. */
    private static final String[] NUMBER_EDGES = {"5000000", " 5", "\n\t 5", "\u000b5", "5 ", "5\n", "+5", "-5", "-0",
        "0", "00", "", "abc", "1e6", "5s", "18446744073709551615", "18446744073709551616", "0x10", "0X10", "+0x10",
        "010", "08", "0o8", "0b2", "0xg", "0o17", "0b101", "0B101", "0b", "0x", "0o", "+0b1", "-0b1", "0x-1", "0b-1",
        "0b 1", "0o 7", "  +  5", "\u000b-5", "0O17", "\f5", "\r5", "18446744073709551614", "1", "2147483647",
        "2147483648", "2147483644", "2147483645", "-2147483648", "-2147483649", "4294967295", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", " ", "-", "+", "0x7fffffff",
        "0x80000000", "0xffffffffffffffff", "0x10000000000000000", "017777777777", "020000000000",
        "99999999999999999999999999", "\u00a05", "\u00855", "5\u00ff", "0b-0", "-0x0", "+0", "0 ", "2", "3"};
    private static final String NAME_CHARS = "ab:\\:\\'\" \n\u00ffxyz0:";
    private static final String PATH_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789/._- @:\n\t\u00ff\u00e9\\%$";

    private final long seed;

    FuzzGenerator(long seed) {
        this.seed = seed;
    }

    FuzzCase caseAt(long index) {
        SplittableRandom r = new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L));
        int k = r.nextInt(100);
        Op op = k < 34 ? Op.WATCHDOG : k < 50 ? Op.LISTEN : k < 66 ? Op.LISTEN_NAMES : k < 94 ? Op.NOTIFY : Op.BARRIER;
        FuzzCase c = FuzzCase.of(op).withUnset(r.nextInt(10) < 3);
        // Variables the operation does not read are sometimes set too: they must come out untouched.
        for (int v = 0; v < FuzzCase.VARIABLES.size(); v++) {
            if (r.nextInt(10) == 0) {
                c = c.withEnv(v, number(r, v == FuzzCase.WATCHDOG_USEC ? Kind.USEC : Kind.PID));
            }
        }
        switch (op) {
            case WATCHDOG -> {
                c = c.withEnv(FuzzCase.WATCHDOG_USEC, r.nextInt(10) == 0 ? null : number(r, Kind.USEC));
                c = c.withEnv(FuzzCase.WATCHDOG_PID, r.nextInt(10) < 4 ? null : number(r, Kind.PID));
                c = c.withOut(r.nextInt(10) != 0);
            }
            case LISTEN, LISTEN_NAMES -> {
                c = c.withEnv(FuzzCase.LISTEN_PID, r.nextInt(10) == 0 ? null
                        : r.nextInt(10) < 6 ? ownPid(r) : number(r, Kind.PID));
                c = c.withEnv(FuzzCase.LISTEN_FDS, r.nextInt(10) == 0 ? null : number(r, Kind.FDS));
                c = c.withEnv(FuzzCase.LISTEN_FDNAMES, r.nextInt(10) < 4 ? null : names(r));
                c = c.withEnv(FuzzCase.LISTEN_PIDFDID, r.nextInt(10) < 8 ? null : pidfdId(r));
                c = c.withOut(r.nextInt(10) != 0);
            }
            case NOTIFY -> {
                c = c.withEnv(FuzzCase.NOTIFY_SOCKET, notifySocket(r));
                c = c.withPid(pid(r));
                c = state(r, c);
                c = fds(r, c);
            }
            case BARRIER -> {
                int b = r.nextInt(10);
                if (b < 3) {
                    // The counterpart closes the fd at once: the barrier returns 1 long before this.
                    c = c.withEnv(FuzzCase.NOTIFY_SOCKET, Token.CLOSER.t()).withTimeout(5_000_000);
                } else {
                    // Nobody reads during the call, or the address is wrong: never wait long.
                    c = c.withEnv(FuzzCase.NOTIFY_SOCKET, b < 6 ? pick(r, Token.RECV.t(), Token.RECV_ABSTRACT.t(),
                            Token.RECV_LONG.t()) : notifySocket(r));
                    c = c.withTimeout(pickLong(r, 0L, 0L, 0L, 1L, 100L, 500L));
                }
            }
            default -> throw new IllegalStateException();
        }
        return c;
    }

    enum Kind { USEC, PID, FDS }

    /** LISTEN_PIDFDID: this process's pidfd inode id in the forms safe_atou64 reads, another id, or a number. */
    private static String pidfdId(SplittableRandom r) {
        String own = Token.PIDFDID.t();
        return switch (r.nextInt(8)) {
            case 0 -> " " + own;
            case 1 -> "+" + own;
            case 2 -> own + pick(r, SUFFIXES);
            case 3 -> Token.OTHER_PIDFDID.t();
            case 4 -> number(r, Kind.USEC);
            default -> own;
        };
    }

    private static String ownPid(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> pick(r, WHITESPACE) + Token.PID.t();
            case 1 -> "0x" + Token.PID_HEX.t();
            case 2 -> "0" + Token.PID_OCT.t();
            case 3 -> "0o" + Token.PID_OCT.t();
            case 4 -> "0b" + Token.PID_BIN.t();
            case 5 -> "+" + Token.PID.t();
            default -> Token.PID.t();
        };
    }

    /** A number in the §1.2 grammar, with edge cases in every part: whitespace, sign, base, digits, junk. */
    static String number(SplittableRandom r, Kind kind) {
        int k = r.nextInt(100);
        if (k < 20) {
            return pick(r, NUMBER_EDGES);
        }
        if (k < 28) {
            StringBuilder s = new StringBuilder();
            for (int i = r.nextInt(7); i > 0; i--) {
                s.append(NUMBER_NOISE.charAt(r.nextInt(NUMBER_NOISE.length())));
            }
            return s.toString();
        }
        if (kind == Kind.PID && k < 60) {
            return r.nextInt(3) == 0 ? Token.OTHER_PID.t() : r.nextInt(4) == 0 ? Token.PPID.t() : ownPid(r);
        }
        String ws = r.nextInt(10) < 7 ? "" : pick(r, WHITESPACE);
        String sign = r.nextInt(10) < 8 ? "" : pick(r, SIGNS);
        String prefix = r.nextInt(10) < 6 ? "" : pick(r, PREFIXES);
        BigInteger value = value(r, kind);
        int radix = switch (prefix) {
            case "0x", "0X" -> 16;
            case "0o", "0O", "0", "00" -> 8;
            case "0b", "0B" -> 2;
            default -> 10;
        };
        if (r.nextInt(20) == 0) {
            radix = pickInt(r, 2, 8, 10, 16);
        }
        String digits = value.toString(radix);
        if (r.nextInt(20) == 0) {
            digits = digits.toUpperCase();
        }
        String suffix = r.nextInt(10) < 9 ? "" : pick(r, SUFFIXES);
        return ws + sign + prefix + digits + suffix;
    }

    private static BigInteger value(SplittableRandom r, Kind kind) {
        int k = r.nextInt(10);
        return switch (kind) {
            case FDS -> k < 7 ? BigInteger.valueOf(r.nextInt(k < 4 ? 4 : 40))
                    : k < 9 ? BigInteger.valueOf(pickLong(r, 2147483644L, 2147483645L, 2147483646L, 2147483647L,
                            2147483648L, 4294967296L, 1L << 62))
                    : new BigInteger(70, new java.util.Random(r.nextLong()));
            case PID -> k < 5 ? BigInteger.valueOf(r.nextInt(40000))
                    : k < 8 ? BigInteger.valueOf(pickLong(r, 0L, 1L, 2147483647L, 2147483648L, 4294967295L, 4294967296L))
                    : new BigInteger(1 + r.nextInt(70), new java.util.Random(r.nextLong()));
            case USEC -> k < 5 ? BigInteger.valueOf(r.nextLong(1, 100_000_000_000L))
                    : k < 8 ? new BigInteger(pick(r, "0", "1", "18446744073709551614", "18446744073709551615",
                            "18446744073709551616", "9223372036854775808"))
                    : new BigInteger(1 + r.nextInt(72), new java.util.Random(r.nextLong()));
        };
    }

    /** LISTEN_FDNAMES: colons, escapes, a trailing lone backslash, quotes, bytes above 0x7f. */
    private static String names(SplittableRandom r) {
        if (r.nextInt(10) < 4) {
            List<String> parts = new ArrayList<>();
            for (int i = r.nextInt(5); i >= 0; i--) {
                parts.add(pick(r, "a", "b", "http", "", "unknown", "x\\:y", "q\\\\"));
            }
            return String.join(":", parts);
        }
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(9); i > 0; i--) {
            s.append(NAME_CHARS.charAt(r.nextInt(NAME_CHARS.length())));
        }
        if (r.nextInt(15) == 0) {
            s.append('\\');
        }
        return s.toString();
    }

    /** NOTIFY_SOCKET in every form: receivers, wrong kinds of files, paths and names around 108 bytes, junk. */
    static String notifySocket(SplittableRandom r) {
        int k = r.nextInt(100);
        if (k < 8) {
            return null;
        }
        if (k < 40) {
            return pick(r, Token.RECV.t(), Token.RECV.t(), Token.RECV_ABSTRACT.t(), Token.RECV_LONG.t(),
                    Token.RECV_LONG_ABSTRACT.t());
        }
        if (k < 52) {
            return pick(r, Token.STREAM.t(), Token.FILE.t(), Token.TMP.t(), Token.MISSING.t(),
                    Token.FILE.t() + "/x", Token.MISSING.t() + "/x", Token.RECV.t() + "/", "/" + Token.RECV.t(),
                    Token.TMP.t() + "/./notify", Token.TMP.t() + "//notify", Token.TMP.t() + "/../notify",
                    Token.RECV.t() + "\n", " " + Token.RECV.t(), Token.RECV_ABSTRACT.t() + " ",
                    Token.RECV_ABSTRACT.t() + "x", "@" + Token.RECV.t(), Token.RECV_LONG.t() + "x",
                    Token.RECV_LONG_ABSTRACT.t() + "x", "/dev/null", "/proc/self/fd/0", "/", "//");
        }
        if (k < 62) {
            // vsock values only of the kind that fails while parsing, in every version (VsockGuard).
            return pick(r, "", "/", "@", "x", "relative/x", "notify", "./notify", " /abs", "\n/abs", "vsock:1:x",
                    "vsock-stream::2", "vsock", "@@", "/@", "~/notify", "\\/abs", "\u00ff/abs", "a", "vsock:-2:5",
                    "vsock:-1:5", "vsock:any:5", "vsock:1:5:6", "vsock-dgram:", "vsock:4294967296:5", "VSOCK:1:5");
        }
        // Random paths and names; their lengths cluster around what sun_path holds.
        int length = r.nextInt(4) == 0 ? r.nextInt(140) : 100 + r.nextInt(14);
        StringBuilder s = new StringBuilder(k < 81 ? "/" : "@");
        for (int i = 1; i < length; i++) {
            s.append(PATH_CHARS.charAt(r.nextInt(PATH_CHARS.length())));
        }
        return s.toString();
    }

    private static String pid(SplittableRandom r) {
        if (r.nextInt(10) < 7) {
            return "0";
        }
        // Pids that exist for the whole run, or can never exist (above any pid_max): never a racing one.
        return pick(r, Token.PID.t(), Token.PPID.t(), "1", "2147483647", "4194305", "-1", "-5", "-2147483648");
    }

    private static FuzzCase state(SplittableRandom r, FuzzCase c) {
        int k = r.nextInt(1000);
        if (k < 20) {
            return c.withState(null, 1);
        }
        if (k < 50) {
            return c.withState("", 1);
        }
        if (k < 60) {
            // Sizes around the manager's 4096-byte limit.
            String unit = pick(r, "a", "STATUS=", "\u00ff", "x\n");
            int size = pickInt(r, 4095, 4096, 4097, 8192);
            return c.withState(unit, Math.max(1, size / unit.length()));
        }
        if (k < 65) {
            // Large messages, up to a few hundred KiB.
            String unit = randomBytes(r, 1 + r.nextInt(64));
            return c.withState(unit, 1 + r.nextInt(400 * 1024 / unit.length()));
        }
        if (k < 450) {
            return c.withState(randomBytes(r, r.nextInt(r.nextInt(10) == 0 ? 600 : 48)), 1);
        }
        String text = pick(r, "READY=1", "STATUS=serving", "WATCHDOG=1", "STOPPING=1", "FDSTORE=1\nFDNAME=db",
                "MAINPID=" + Token.PID.t(), "A=1\nB=2\n", "STATUS=C:\\Users\\x", "STATUS=\u00c3\u00bcber",
                "X=\u00ff\u00fe", "READY=1\u0000STATUS=hidden", "\u0000", "BARRIER=1", "STATUS=\r\n");
        if (r.nextInt(4) == 0) {
            text = text + randomBytes(r, r.nextInt(8));
        }
        return c.withState(text, 1);
    }

    private static String randomBytes(SplittableRandom r, int n) {
        StringBuilder s = new StringBuilder(n);
        boolean printable = r.nextBoolean();
        for (int i = 0; i < n; i++) {
            s.append((char) (printable && r.nextInt(10) != 0 ? 0x20 + r.nextInt(0x5f) : r.nextInt(256)));
        }
        return s.toString();
    }

    private static FuzzCase fds(SplittableRandom r, FuzzCase c) {
        int k = r.nextInt(100);
        if (k < 75) {
            return c.withFds(null, r.nextInt(10) < 9 ? 0 : pickInt(r, 1, 2, 253, 254, -1));
        }
        List<String> fds = new ArrayList<>();
        if (k < 77) {
            int n = pickInt(r, 253, 254, 300);
            for (int i = 0; i < n; i++) {
                fds.add(Token.PIPE.t());
            }
            return c.withFds(fds, r.nextBoolean() ? n : Math.min(n, pickInt(r, 253, 254)));
        }
        for (int i = r.nextInt(5); i > 0; i--) {
            fds.add(pick(r, Token.PIPE.t(), Token.PIPE.t(), Token.PIPE2.t(), "0", "1", "2", "-1", "19999", "999999",
                    "-2147483648"));
        }
        return c.withFds(fds, r.nextInt(4) == 0 ? r.nextInt(fds.size() + 1) : fds.size());
    }

    @SafeVarargs
    static <T> T pick(SplittableRandom r, T... options) {
        return options[r.nextInt(options.length)];
    }

    static int pickInt(SplittableRandom r, int... options) {
        return options[r.nextInt(options.length)];
    }

    static long pickLong(SplittableRandom r, long... options) {
        return options[r.nextInt(options.length)];
    }
}
