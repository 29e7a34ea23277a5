package dev.sdnotify.internal.core;

import dev.sdnotify.Backend;
import dev.sdnotify.BackendInfo;
import dev.sdnotify.internal.backend.GivenEnvironment;
import dev.sdnotify.internal.backend.JavaDaemon;
import dev.sdnotify.internal.backend.LibsystemdWithJavaProtocol;
import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.backend.SdDaemon;
import dev.sdnotify.internal.nativeaccess.Gateways;
import dev.sdnotify.internal.nativeaccess.LinuxAbi;
import dev.sdnotify.internal.nativeaccess.Loaded;
import dev.sdnotify.internal.nativeaccess.NativeGateway;
import java.util.List;
import java.util.Map;

/**
 * Chooses the process-wide backend once, on first use, over the process's native gateway, and reports the
 * choice at debug level. When native access fails in a process a supervisor started, the choice is an
 * {@link Unreachable} backend, announced by one WARNING, whose calls throw instead of answering "no
 * supervisor".
 */
public final class Backends {
    private static final System.Logger LOG = System.getLogger("dev.sdnotify");

    private static volatile ChosenBackend active;
    /** One Java backend per process, so every notifier shares its socket. */
    private static volatile JavaDaemon javaDaemon;
    private static boolean warned;

    private Backends() {}

    /** The process-wide backend, chosen on first use ({@link Backend#PROPERTY} names the preference). */
    public static ChosenBackend active() {
        ChosenBackend b = active;
        if (b == null) {
            synchronized (Backends.class) {
                b = active;
                if (b == null) {
                    active = b = choose(parse(System.getProperty(Backend.PROPERTY)));
                    announce(b);
                }
            }
        }
        return b;
    }

    /** Replaces the process-wide backend; throws if it cannot be loaded. */
    public static ChosenBackend use(Backend backend) {
        ChosenBackend b = choose(backend);
        synchronized (Backends.class) {
            active = b;
            announce(b);
        }
        return b;
    }

    /** Parses a {@value Backend#PROPERTY} value; {@code auto} (or null) gives null, meaning "choose". */
    public static Backend parse(String value) {
        String v = value == null ? "auto" : value.trim();
        if (v.equalsIgnoreCase("auto")) {
            return null;
        }
        for (Backend b : Backend.values()) {
            if (b.id().equalsIgnoreCase(v)) {
                return b;
            }
        }
        throw new IllegalArgumentException(Backend.PROPERTY + "=" + value
                + " is not one of auto, libsystemd, java, none");
    }

    /** DEBUG for every choice; one WARNING per process for an unreachable supervisor. */
    private static void announce(ChosenBackend b) {
        LOG.log(System.Logger.Level.DEBUG, "sdnotify backend {0}", b);
        if (b.isUnreachable() && !warned) {
            warned = true;
            LOG.log(System.Logger.Level.WARNING, "sdnotify cannot reach the supervisor that started this process; "
                    + "every call that would talk to it throws: {0}", b.info().reason());
        }
    }

    /**
     * {@code preference == null} means auto: libsystemd when it loads, else Java, else none. A backend
     * asked for by name must load, or this throws with the reason.
     */
    public static ChosenBackend choose(Backend preference) {
        return choose(preference, Gateways.get(), LinuxAbi.current(), System.getenv());
    }

    /**
     * The Java protocol over {@code variables} instead of the C environment ({@link GivenEnvironment}); with no
     * native access, a backend whose calls throw where a variable is given.
     */
    public static ChosenBackend forEnvironment(Map<String, String> variables) {
        Loaded<NativeGateway> gateway = Gateways.get();
        NativeGateway g = gateway.value();
        String refused = LinuxAbi.current().unverifiedReason();
        if (g == null || refused != null) {
            return noneOrUnreachable(g == null ? gateway.description() : refused, variables);
        }
        Posix given = new GivenEnvironment(g.libc(), variables);
        return chosen(Backend.JAVA, g.name(), "over a given environment", new JavaDaemon(given), given);
    }

    public static ChosenBackend choose(Backend preference, Loaded<NativeGateway> gateway, LinuxAbi abi,
            Map<String, String> jvmEnvironment) {
        if (preference == Backend.NONE) {
            return none("chosen explicitly");
        }
        NativeGateway g = gateway.value();
        if (g == null) {
            if (preference != null) {
                throw new IllegalStateException("backend " + preference.id() + " was asked for, but "
                        + gateway.description());
            }
            return noneOrUnreachable(gateway.description(), jvmEnvironment);
        }
        String note = gateway.description().isEmpty() ? "" : " (" + gateway.description() + ")";
        Posix libc = g.libc();
        String why;
        if (preference != Backend.JAVA) {
            Loaded<SdDaemon> systemd = g.libsystemd();
            if (systemd.value() != null) {
                LibsystemdWithJavaProtocol daemon = new LibsystemdWithJavaProtocol(systemd.value(),
                        abi.verified() ? javaDaemon(libc) : null);
                return chosen(Backend.LIBSYSTEMD, g.name(), systemd.description() + daemon.note() + note, daemon,
                        libc);
            }
            if (preference == Backend.LIBSYSTEMD) {
                throw new IllegalStateException("backend libsystemd was asked for, but " + systemd.description());
            }
            why = systemd.description();
        } else {
            why = "chosen explicitly";
        }
        String refused = abi.unverifiedReason();
        if (refused != null) {
            if (preference == Backend.JAVA) {
                throw new IllegalStateException("backend java was asked for, but " + refused);
            }
            return noneOrUnreachable(why + "; " + refused, jvmEnvironment);
        }
        return chosen(Backend.JAVA, g.name(), why + note, javaDaemon(libc), libc);
    }

    /**
     * With no supervisor variable in the JVM's environment (read without native code), there is no
     * supervisor to talk to and {@code none} tells the truth; with one, calls must fail, not answer "none".
     */
    private static ChosenBackend noneOrUnreachable(String reason, Map<String, String> jvmEnvironment) {
        List<String> present = Unreachable.supervisorVariables(jvmEnvironment);
        if (present.isEmpty()) {
            return none(reason);
        }
        String why = String.join(", ", present) + (present.size() == 1 ? " is" : " are")
                + " set, so a supervisor started this process, but native access failed: " + reason;
        return new ChosenBackend(new BackendInfo(Backend.NONE, null, why, true), new Unreachable(why, jvmEnvironment),
                null);
    }

    /** The process's Java backend over {@code posix}, the gateway's one libc binding. */
    public static JavaDaemon javaDaemon(Posix posix) {
        JavaDaemon d = javaDaemon;
        if (d == null) {
            synchronized (Backends.class) {
                d = javaDaemon;
                if (d == null) {
                    javaDaemon = d = new JavaDaemon(posix);
                }
            }
        }
        return d;
    }

    private static ChosenBackend none(String reason) {
        return new ChosenBackend(new BackendInfo(Backend.NONE, null, reason, false), NoSupervisor.INSTANCE, null);
    }

    private static ChosenBackend chosen(Backend backend, String gateway, String reason, SdDaemon daemon, Posix posix) {
        return new ChosenBackend(new BackendInfo(backend, gateway, reason, false), daemon, posix);
    }

    /** The {@link Backend#NONE} backend: no supervisor is ever found. */
    public enum NoSupervisor implements SdDaemon {
        INSTANCE;

        @Override
        public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds) {
            return 0;
        }

        @Override
        public int notifyBarrier(boolean unsetEnvironment, long timeoutUsec) {
            return 0;
        }

        @Override
        public int pidNotifyWithFds(int pid, boolean unsetEnvironment, byte[] state, int[] fds, int nFds,
                long sendTimeoutUsec) {
            return 0;
        }

        @Override
        public int notifyBarrier(boolean unsetEnvironment, long timeoutUsec, long sendTimeoutUsec) {
            return 0;
        }

        @Override
        public int pidNotifyBarrier(int pid, boolean unsetEnvironment, long timeoutUsec) {
            return 0;
        }

        @Override
        public int watchdogEnabled(boolean unsetEnvironment, long[] usecOut) {
            return 0;
        }

        @Override
        public int booted() {
            return 0;
        }

        @Override
        public int listenFds(boolean unsetEnvironment) {
            return 0;
        }

        @Override
        public int listenFdsWithNames(boolean unsetEnvironment, List<byte[]> namesOut) {
            return 0;
        }
    }
}
