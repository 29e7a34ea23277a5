package dev.sdnotify;

import dev.sdnotify.internal.backend.JavaDaemon;
import dev.sdnotify.internal.backend.Posix;
import dev.sdnotify.internal.backend.SdDaemon;
import dev.sdnotify.internal.jna.NativeAccess;
import java.util.List;
import java.util.function.Supplier;

/** Chooses the process-wide backend once, on first use, and reports the choice at debug level. */
final class Backends {
    private static final System.Logger LOG = System.getLogger("dev.sdnotify");

    private static volatile BackendInfo active;
    /** One Java backend per process, so every notifier shares its socket. */
    private static volatile JavaDaemon javaDaemon;

    private Backends() {}

    static BackendInfo active() {
        BackendInfo b = active;
        if (b == null) {
            synchronized (Backends.class) {
                b = active;
                if (b == null) {
                    active = b = choose(Backend.parse(System.getProperty(Backend.PROPERTY)));
                    LOG.log(System.Logger.Level.DEBUG, "sdnotify backend {0}", b);
                }
            }
        }
        return b;
    }

    static BackendInfo use(Backend backend) {
        BackendInfo b = choose(backend);
        synchronized (Backends.class) {
            active = b;
        }
        LOG.log(System.Logger.Level.DEBUG, "sdnotify backend {0}", b);
        return b;
    }

    /**
     * {@code preference == null} means auto: libsystemd when it loads, else Java, else none. A backend
     * asked for by name must load, or this throws with the reason.
     */
    static BackendInfo choose(Backend preference) {
        if (preference == Backend.NONE) {
            return none("chosen explicitly");
        }
        Probe<Posix> libc = Probe.of(NativeAccess::libc);
        if (preference != Backend.JAVA) {
            Probe<SdDaemon> systemd = Probe.of(NativeAccess::libsystemd);
            if (systemd.value != null && libc.value != null) {
                return new BackendInfo(Backend.LIBSYSTEMD, systemd.description, systemd.value, libc.value);
            }
            String why = systemd.value == null ? systemd.description : libc.description;
            if (preference == Backend.LIBSYSTEMD) {
                throw new IllegalStateException("backend libsystemd was asked for, but " + why);
            }
            if (libc.value == null) {
                return none(libc.description);
            }
            return new BackendInfo(Backend.JAVA, why, javaDaemon(libc.value), libc.value);
        }
        if (libc.value == null) {
            throw new IllegalStateException("backend java was asked for, but " + libc.description);
        }
        return new BackendInfo(Backend.JAVA, "chosen explicitly; " + libc.description,
                javaDaemon(libc.value), libc.value);
    }

    /** The process's Java backend over {@code posix}, the one libc binding {@link NativeAccess} makes. */
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

    /** A native binding or why not, including the case where JNA itself cannot be loaded. */
    private static final class Probe<T> {
        final T value;
        final String description;

        private Probe(T value, String description) {
            this.value = value;
            this.description = description;
        }

        static <T> Probe<T> of(Supplier<NativeAccess.Loaded<T>> loader) {
            try {
                NativeAccess.Loaded<T> loaded = loader.get();
                return new Probe<>(loaded.value(), loaded.description());
            } catch (LinkageError e) {
                return new Probe<>(null, "JNA is not usable: " + e);
            }
        }
    }

    private static BackendInfo none(String reason) {
        return new BackendInfo(Backend.NONE, reason, NoSupervisor.INSTANCE, null);
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
