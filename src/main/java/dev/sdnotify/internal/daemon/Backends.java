package dev.sdnotify.internal.daemon;

import dev.sdnotify.internal.Log;
import dev.sdnotify.Backend;
import dev.sdnotify.BackendInfo;
import dev.sdnotify.internal.kernel.Environment;
import dev.sdnotify.internal.kernel.Gateway;
import dev.sdnotify.internal.kernel.GivenEnvironment;
import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.kernel.Libsystemd;
import dev.sdnotify.internal.kernel.LinuxAbi;
import dev.sdnotify.internal.kernel.Loaded;
import dev.sdnotify.internal.protocol.Errno;
import dev.sdnotify.internal.protocol.Variables;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Chooses the process-wide backend once, on first use, and reports the choice at debug level. Every backend is a
 * {@link SdDaemon} made here: libsystemd's calls ({@link LibsystemdDaemon}), or the Java protocol
 * ({@link JavaDaemon}) over the C environment; {@code none}, the Java protocol over no variables at all; and, where
 * native access failed in a process a supervisor started, the Java protocol over the JVM's copy of the environment
 * and a kernel whose every call fails with ELIBACC, announced by one WARNING.
 */
public final class Backends {
    private Backends() {}

    /** What a supervisor sets: a process with none of them has none, and needs no native code. */
    public static final List<String> SUPERVISOR_VARIABLES = List.of(Variables.NOTIFY_SOCKET, Variables.WATCHDOG_USEC,
            Variables.LISTEN_FDS, Variables.READY_FD);

    private static volatile ChosenBackend active;
    /** Whether {@link #active} is {@code none} only because auto found no supervisor variable. */
    private static boolean unsupervised;
    private static boolean warned;
    /** One kept socket per kernel, so that every notifier of the process shares it. */
    private static final Map<Kernel, KeptSocket> KEPT = new ConcurrentHashMap<>();

    /** The process-wide backend, chosen on first use ({@link Backend#PROPERTY} names the preference). */
    public static ChosenBackend active() {
        ChosenBackend b = active;
        return b != null ? b : chooseActive();
    }

    private static synchronized ChosenBackend chooseActive() {
        if (active == null) {
            Backend preference = parse(System.getProperty(Backend.PROPERTY));
            activate(preference, choose(preference));
        }
        return active;
    }

    /** Replaces the process-wide backend; throws if it cannot be loaded. */
    public static ChosenBackend use(Backend backend) {
        return activate(backend, choose(backend));
    }

    /** Makes {@code b} the process's backend and reports it: DEBUG, and one WARNING for an unreachable supervisor. */
    private static synchronized ChosenBackend activate(Backend preference, ChosenBackend b) {
        active = b;
        unsupervised = preference == null && b.kernel() == null;
        Log.log(System.Logger.Level.DEBUG, "sdnotify backend {0}", b.info());
        if (b.info().isSupervisorUnreachable() && !warned) {
            warned = true;
            Log.log(System.Logger.Level.WARNING, "sdnotify cannot reach the supervisor that started this process, so "
                    + "every call that would talk to it throws: {0}", b.info().reason());
        }
        return b;
    }

    /**
     * The process-wide backend once the service says it has a supervisor that sets no variable (it names its
     * readiness fd itself): where auto found none for want of variables, auto's choice under a supervisor.
     */
    public static synchronized ChosenBackend supervised() {
        ChosenBackend b = active();
        return unsupervised ? activate(null, choose(null, Gateways::get, LinuxAbi.CURRENT,
                Map.of(Variables.READY_FD, "given"))) : b;
    }

    /** Parses a {@value Backend#PROPERTY} value; {@code auto} (or null) gives null, meaning "choose". */
    public static Backend parse(String value) {
        String v = value == null ? "auto" : value.trim();
        Backend named = Arrays.stream(Backend.values()).filter(n -> n.id().equalsIgnoreCase(v)).findFirst().orElse(null);
        if (named == null && !v.equalsIgnoreCase("auto")) {
            throw new IllegalArgumentException(Backend.PROPERTY + "=" + value + " is not one of auto, libsystemd, "
                    + "java, none");
        }
        return named;
    }

    /**
     * {@code preference == null} means auto: nothing at all where no supervisor variable is set, else libsystemd
     * when it loads, else Java. A backend asked for by name must load, or this throws with the reason.
     */
    public static ChosenBackend choose(Backend preference) {
        return choose(preference, Gateways::get, LinuxAbi.CURRENT, System.getenv());
    }

    /** The Java protocol over {@code variables} instead of the C environment. */
    public static ChosenBackend forEnvironment(Map<String, String> variables) {
        Loaded<Gateway> gateway = Gateways.get();
        Gateway g = gateway.value();
        String refused = g == null ? gateway.description() : LinuxAbi.CURRENT.unverifiedReason();
        if (refused != null) {
            return noneOrUnreachable(refused, variables);
        }
        Environment given = new GivenEnvironment(variables);
        return new ChosenBackend(BackendInfo.of(Backend.JAVA, g.name(), "over a given environment", false),
                java(given, g.kernel()), given, g.kernel());
    }

    public static ChosenBackend choose(Backend preference, Supplier<Loaded<Gateway>> gateways, LinuxAbi abi,
            Map<String, String> jvmEnvironment) {
        if (preference == Backend.NONE) {
            return none("chosen explicitly");
        }
        if (preference == null && present(jvmEnvironment).isEmpty()) {
            return none("no supervisor started this process (" + String.join(", ", SUPERVISOR_VARIABLES)
                    + " unset), so nothing native was loaded");
        }
        Loaded<Gateway> gateway = gateways.get();
        Gateway g = gateway.value();
        String why = gateway.description();
        if (g != null) {
            String note = why.isEmpty() ? "" : " (" + why + ")";
            String refused = abi.unverifiedReason();
            why = "chosen explicitly";
            if (preference != Backend.JAVA) {
                Loaded<Libsystemd> lib = g.libsystemd();
                if (lib.value() != null) {
                    SdDaemon timed = refused == null ? java(g.environment(), g.kernel()) : null;
                    String bound = refused == null ? "" : "; sends cannot be bounded here (" + refused + ")";
                    BackendInfo info = BackendInfo.of(Backend.LIBSYSTEMD, g.name(), lib.description() + bound + note,
                            false);
                    return new ChosenBackend(info, new LibsystemdDaemon(lib.value(), g.libc(), timed), g.environment(),
                            g.kernel());
                }
                why = lib.description();
            }
            if (refused == null && preference != Backend.LIBSYSTEMD) {
                return new ChosenBackend(BackendInfo.of(Backend.JAVA, g.name(), why + note, false),
                        java(g.environment(), g.kernel()), g.environment(), g.kernel());
            }
            why = preference == Backend.LIBSYSTEMD ? why : preference == Backend.JAVA ? refused : why + "; " + refused;
        }
        if (preference != null) {
            throw new IllegalStateException("backend " + preference.id() + " was asked for, but " + why);
        }
        return noneOrUnreachable(why, jvmEnvironment);
    }

    private static JavaDaemon java(Environment env, Kernel kernel) {
        return new JavaDaemon(env, kernel, KEPT.computeIfAbsent(kernel, KeptSocket::new));
    }

    private static List<String> present(Map<String, String> environment) {
        return SUPERVISOR_VARIABLES.stream().filter(v -> environment.get(v) != null).collect(Collectors.toList());
    }

    /** {@link Backend#NONE}, for a reason: the Java protocol over no variables, which finds nothing. */
    public static ChosenBackend none(String reason) {
        Environment nothing = new GivenEnvironment(Collections.emptyMap());
        return new ChosenBackend(BackendInfo.of(Backend.NONE, null, reason, false),
                new JavaDaemon(nothing, null, null), nothing, null);
    }

    /**
     * With no supervisor variable in the JVM's environment there is no supervisor to talk to, and {@code none}
     * tells the truth; with one, calls must fail with the reason, not answer "none".
     */
    private static ChosenBackend noneOrUnreachable(String reason, Map<String, String> jvmEnvironment) {
        List<String> present = present(jvmEnvironment);
        if (present.isEmpty()) {
            return none(reason);
        }
        String why = String.join(", ", present) + (present.size() == 1 ? " is" : " are")
                + " set, so a supervisor started this process, but native access failed: " + reason;
        Kernel failing = (Kernel) Proxy.newProxyInstance(Kernel.class.getClassLoader(), new Class<?>[] {Kernel.class},
                (proxy, method, args) -> unreachable(method));
        Environment copy = new GivenEnvironment(jvmEnvironment);
        return new ChosenBackend(BackendInfo.of(Backend.NONE, null, why, true),
                new JavaDaemon(copy, failing, new KeptSocket(failing)), copy, failing);
    }

    /** A kernel call without native access: ELIBACC, but for this process's pid, which the JDK knows. */
    private static Object unreachable(java.lang.reflect.Method call) {
        switch (call.getName()) {
            case "getpid": return (int) ProcessHandle.current().pid();
            case "realAndEffectiveIdsDiffer": return false;
            case "toString": return "a kernel without native access";
            case "socketCookie": return (long) -Errno.ELIBACC;
            default: return -Errno.ELIBACC;
        }
    }
}
