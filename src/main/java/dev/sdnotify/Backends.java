package dev.sdnotify;

import dev.sdnotify.internal.backend.JavaDaemon;
import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.backend.SdDaemon;
import dev.sdnotify.internal.backend.TimedByJavaProtocol;
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
final class Backends {
    private static final System.Logger LOG = System.getLogger("dev.sdnotify");

    private static volatile BackendInfo active;
    /** One Java backend per process, so every notifier shares its socket. */
    private static volatile JavaDaemon javaDaemon;
    private static boolean warned;

    private Backends() {}

    static BackendInfo active() {
        BackendInfo b = active;
        if (b == null) {
            synchronized (Backends.class) {
                b = active;
                if (b == null) {
                    active = b = choose(Backend.parse(System.getProperty(Backend.PROPERTY)));
                    announce(b);
                }
            }
        }
        return b;
    }

    static BackendInfo use(Backend backend) {
        BackendInfo b = choose(backend);
        synchronized (Backends.class) {
            active = b;
            announce(b);
        }
        return b;
    }

    /** DEBUG for every choice; one WARNING per process for an unreachable supervisor. */
    private static void announce(BackendInfo b) {
        LOG.log(System.Logger.Level.DEBUG, "sdnotify backend {0}", b);
        if (b.daemon instanceof Unreachable && !warned) {
            warned = true;
            LOG.log(System.Logger.Level.WARNING, "sdnotify cannot reach the supervisor that started this process; "
                    + "every call that would talk to it throws: {0}", b.reason());
        }
    }

    /**
     * {@code preference == null} means auto: libsystemd when it loads, else Java, else none. A backend
     * asked for by name must load, or this throws with the reason.
     */
    static BackendInfo choose(Backend preference) {
        return choose(preference, Gateways.get(), LinuxAbi.current(), System.getenv());
    }

    static BackendInfo choose(Backend preference, Loaded<NativeGateway> gateway, LinuxAbi abi,
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
                SdDaemon daemon = abi.verified()
                        ? new TimedByJavaProtocol(systemd.value(), javaDaemon(libc)) : systemd.value();
                return new BackendInfo(Backend.LIBSYSTEMD, g.name(), systemd.description() + note, daemon, libc);
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
        return new BackendInfo(Backend.JAVA, g.name(), why + note, javaDaemon(libc), libc);
    }

    /**
     * With no supervisor variable in the JVM's environment (read without native code), there is no
     * supervisor to talk to and {@code none} tells the truth; with one, calls must fail, not answer "none".
     */
    private static BackendInfo noneOrUnreachable(String reason, Map<String, String> jvmEnvironment) {
        List<String> present = Unreachable.supervisorVariables(jvmEnvironment);
        if (present.isEmpty()) {
            return none(reason);
        }
        String why = String.join(", ", present) + (present.size() == 1 ? " is" : " are")
                + " set, so a supervisor started this process, but native access failed: " + reason;
        return new BackendInfo(Backend.NONE, null, why, new Unreachable(why, jvmEnvironment), null);
    }

    /** The process's Java backend over {@code posix}, the gateway's one libc binding. */
    static JavaDaemon javaDaemon(Posix posix) {
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

    private static BackendInfo none(String reason) {
        return new BackendInfo(Backend.NONE, null, reason, NoSupervisor.INSTANCE, null);
    }

    /** The {@link Backend#NONE} backend: no supervisor is ever found. */
    enum NoSupervisor implements SdDaemon {
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
