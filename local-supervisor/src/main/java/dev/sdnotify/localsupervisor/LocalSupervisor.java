package dev.sdnotify.localsupervisor;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import sun.misc.Signal;

/**
 * Plays systemd for one command, without root: gives it a notification socket (and, if asked, a watchdog, a
 * readiness fd and listening sockets) and reports what it sends and what systemd would make of it.
 *
 * <pre>java -jar sdnotify-local-supervisor.jar [options] -- COMMAND [ARGS...]</pre>
 *
 * <p>Exits with the command's status (128 plus the signal if one killed it), 2 on a bad command line, 125 when it
 * cannot set up.
 */
public final class LocalSupervisor {
    /** What a supervisor sets; this one's own, if it runs under one, are not passed on. */
    private static final List<String> SUPERVISOR_VARIABLES = List.of("NOTIFY_SOCKET", "WATCHDOG_USEC",
            "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "LISTEN_PIDFDID", "READY_FD");
    private static final int SETUP_FAILED = 125;
    /** Where {@link Libc}'s constants hold: the kernel's generic values, which these two use. */
    private static final Set<String> ARCHITECTURES = Set.of("amd64", "aarch64");

    private LocalSupervisor() {
    }

    /** Runs the command line; see the class description. */
    public static void main(String[] args) {
        if (Options.wantsHelp(args)) {
            System.out.println(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (Options.UsageException e) {
            System.err.println("local-supervisor: " + e.getMessage() + "\n" + Options.USAGE);
            System.exit(2);
            return;
        }
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if (!os.equals("Linux") || !ARCHITECTURES.contains(arch)) {
            System.err.println("local-supervisor: runs on Linux on amd64 or aarch64, not on " + os + " on " + arch);
            System.exit(SETUP_FAILED);
        }
        try {
            System.exit(run(options));
        } catch (IOException | LastErrorException | LinkageError e) {
            // LinkageError: JNA could not load its stub or the C library.
            System.err.println("local-supervisor: cannot set up: " + e);
            System.exit(SETUP_FAILED);
        }
    }

    private static int run(Options options) throws IOException {
        NotifySocket socket = NotifySocket.open();
        // The directory goes however the JVM ends: after the command, on an error, on SIGHUP.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
        Map<String, String> environment = new TreeMap<>(System.getenv());
        environment.keySet().removeAll(SUPERVISOR_VARIABLES);
        List<String> given = new ArrayList<>();
        List<String> pidVariables = new ArrayList<>();
        List<Integer> fds = new ArrayList<>();
        environment.put("NOTIFY_SOCKET", socket.path().toString());
        given.add("NOTIFY_SOCKET=" + socket.path());
        given.add("TimeoutStartSec=" + Durations.format(options.startTimeout()) + ": the time to send READY=1");
        if (options.watchdog() != 0) {
            environment.put("WATCHDOG_USEC", String.valueOf(options.watchdog() / 1000));
            pidVariables.add("WATCHDOG_PID");
            given.add("WATCHDOG_USEC=" + options.watchdog() / 1000 + " (WatchdogSec="
                    + Durations.format(options.watchdog()) + "): watched from READY=1 or the first WATCHDOG=1");
        }
        List<TcpListener> listeners = new ArrayList<>();
        for (Options.Listen listen : options.listens()) {
            TcpListener listener = TcpListener.open(listen.port(), listen.name());
            listeners.add(listener);
            fds.add(listener.fd());
            given.add("fd " + (2 + fds.size()) + " (" + listener.name() + "): listening on 127.0.0.1:"
                    + listener.port());
        }
        if (!listeners.isEmpty()) {
            environment.put("LISTEN_FDS", String.valueOf(listeners.size()));
            environment.put("LISTEN_FDNAMES",
                    listeners.stream().map(TcpListener::name).collect(Collectors.joining(":")));
            pidVariables.add("LISTEN_PID");
        }
        Pipe readiness = options.readyFd() ? Pipe.open() : null;
        if (readiness != null) {
            fds.add(readiness.writeEnd());
            environment.put("READY_FD", String.valueOf(2 + fds.size()));
            given.add("READY_FD=" + (2 + fds.size()) + ": a pipe, for a newline once ready");
        }

        Console console = new Console(System.err);
        ChildProcess child = ChildProcess.start(options.command(), environment, pidVariables, fds);
        // The command has its own copies; the readiness pipe reports its end only once this one is closed too.
        fds.forEach(Libc.C::close);
        console.line("started pid " + child.pid() + ": " + String.join(" ", options.command()), given);
        for (String name : List.of("INT", "TERM")) {
            Signal.handle(new Signal(name), signal -> child.signal(signal.getNumber(), () -> console.line(
                    "SIG" + name + ": passed on to pid " + child.pid() + "; waiting for it to exit")));
        }
        ManagerModel manager = new ManagerModel(child.pid(), options.startTimeout(), options.watchdog());
        ExitStatus status = new Supervision(console, socket, readiness != null ? readiness.readEnd() : -1, child,
                manager).run();
        console.line(status.describe(child.pid()));
        return status.exitCode();
    }
}
