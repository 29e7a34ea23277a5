package dev.sdnotify.localsupervisor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line: what the supervisor plays (the unit's settings) and the command to run.
 *
 * @param watchdog {@code WatchdogSec=} in nanoseconds, 0 for none
 * @param startTimeout {@code TimeoutStartSec=} in nanoseconds, {@link Durations#INFINITE} for none
 */
record Options(long watchdog, long startTimeout, boolean readyFd, List<Listen> listens, List<String> command) {
    static final String USAGE = "usage: java -jar sdnotify-local-supervisor.jar [--watchdog DURATION] "
            + "[--timeout-start DURATION] [--ready-fd] [--listen PORT[:NAME]]... -- COMMAND [ARGS...]";
    /** systemd's DefaultTimeoutStartSec=. */
    private static final long DEFAULT_START_TIMEOUT = Durations.parse("90s");

    /** A {@code --listen}: a TCP port on 127.0.0.1 and the name LISTEN_FDNAMES gives it (null: the port's). */
    record Listen(int port, String name) {
    }

    /** A command line that cannot be run; the message names the problem. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Whether the options ask for the usage. */
    static boolean wantsHelp(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return false;
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    static Options parse(String[] args) throws UsageException {
        long watchdog = 0;
        long startTimeout = DEFAULT_START_TIMEOUT;
        boolean readyFd = false;
        List<Listen> listens = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                List<String> command = Arrays.asList(args).subList(i + 1, args.length);
                if (command.isEmpty()) {
                    throw new UsageException("no COMMAND after --");
                }
                return new Options(watchdog, startTimeout, readyFd, List.copyOf(listens), List.copyOf(command));
            }
            if (!arg.startsWith("-")) {
                throw new UsageException("missing -- before the command (at " + arg + ")");
            }
            int equals = arg.indexOf('=');
            String option = equals < 0 ? arg : arg.substring(0, equals);
            if (option.equals("--ready-fd") && equals < 0) {
                readyFd = true;
                continue;
            }
            if (!option.equals("--watchdog") && !option.equals("--timeout-start") && !option.equals("--listen")) {
                throw new UsageException("unknown option " + arg);
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException(option + " needs a value");
            }
            switch (option) {
                // WatchdogSec=0 and infinity turn the watchdog off, TimeoutStartSec=0 and infinity the timeout.
                case "--watchdog" -> {
                    long span = duration(option, value);
                    watchdog = span == Durations.INFINITE ? 0 : span;
                }
                case "--timeout-start" -> {
                    long span = duration(option, value);
                    startTimeout = span == 0 ? Durations.INFINITE : span;
                }
                default -> listens.add(listen(value));
            }
        }
        throw new UsageException("missing -- and the command");
    }

    private static long duration(String option, String value) throws UsageException {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("bad duration for " + option + ": '" + value
                    + "' (for example 90s, 500ms, 1min 30s, infinity)");
        }
    }

    private static Listen listen(String value) throws UsageException {
        int colon = value.indexOf(':');
        String port = colon < 0 ? value : value.substring(0, colon);
        String name = colon < 0 ? null : value.substring(colon + 1);
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new UsageException("bad port for --listen: '" + port + "' (0 to 65535; 0 takes a free one)");
        }
        // systemd's rule for FileDescriptorName=: LISTEN_FDNAMES separates names with colons.
        if (name != null && !name.matches("[\\x20-\\x39\\x3b-\\x7e]{1,255}")) {
            throw new UsageException("bad name for --listen: '" + name
                    + "' (1 to 255 printable ASCII characters but the colon)");
        }
        return new Listen(Integer.parseInt(port), name);
    }
}
