package dev.sdnotify;

import dev.sdnotify.internal.core.DaemonNotifier;
import dev.sdnotify.internal.daemon.Backends;
import dev.sdnotify.internal.daemon.ChosenBackend;
import dev.sdnotify.internal.daemon.SdDaemon;
import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.Daemon;
import dev.sdnotify.testing.TestLibsystemd;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What every contract test compares: libsystemd, the oracle, bound by the tests themselves; the library's
 * {@code java} backend; and its {@code libsystemd} backend. The library's seam answers the sends and reads; the
 * barrier and {@code sd_booted}, which have no seam of their own, are the public API's, their outcome read back as
 * C's result.
 */
public final class BothBackends {
    public final Daemon libsystemd;
    public final Daemon java;
    public final Daemon libsystemdBackend;

    private BothBackends() {
        libsystemd = new TestLibsystemd();
        java = over(Backends.choose(Backend.JAVA));
        libsystemdBackend = over(Backends.choose(Backend.LIBSYSTEMD));
    }

    /** Skips off CI (fails on CI) when libsystemd, the oracle, is missing. */
    public static BothBackends load() {
        Capabilities.requireLibsystemd();
        return new BothBackends();
    }

    /** A backend of the library as a {@link Daemon}. */
    public static Daemon over(ChosenBackend backend) {
        SdDaemon d = backend.daemon();
        Notifier n = DaemonNotifier.over(backend);
        return new Daemon() {
            @Override
            public int pidNotifyWithFds(int pid, boolean unset, byte[] state, int[] fds, int nFds) {
                return d.pidNotifyWithFds(pid, unset, state, fds, nFds, SdDaemon.BLOCKING);
            }

            @Override
            public int notifyBarrier(boolean unset, long timeoutUsec) {
                Duration t = duration(timeoutUsec);
                return result(() -> unset ? n.barrierAndUnsetEnvironment(t) : timeoutUsec == -1L ? n.barrier()
                        : n.barrier(t));
            }

            @Override
            public int pidNotifyBarrier(int pid, boolean unset, long timeoutUsec) {
                if (pid == 0 || unset) {
                    throw new UnsupportedOperationException("the API's barrierAsPid takes a pid and does not unset");
                }
                return result(() -> n.barrierAsPid(pid, duration(timeoutUsec)));
            }

            @Override
            public int watchdogEnabled(boolean unset, long[] usecOut) {
                return d.watchdogEnabled(unset, usecOut);
            }

            @Override
            public int listenFds(boolean unset) {
                return d.listenFdsWithNames(unset, null);
            }

            @Override
            public int listenFdsWithNames(boolean unset, List<byte[]> namesOut) {
                return d.listenFdsWithNames(unset, namesOut);
            }

            @Override
            public int booted() {
                return result(SdNotify::isSystemdBooted);
            }

            @Override
            public String toString() {
                return backend.toString();
            }
        };
    }

    /** An unsigned count of microseconds, the largest ones as a Duration the API takes as "without end". */
    static Duration duration(long usec) {
        return usec < 0 ? Duration.ofSeconds(Long.MAX_VALUE / 2) : Duration.ofNanos(Math.min(usec, Long.MAX_VALUE / 1000)
                * 1000);
    }

    /** An API call's outcome as C's result: true 1, false 0, an exception its -errno. */
    static int result(Callable<Boolean> call) {
        try {
            return call.call() ? 1 : 0;
        } catch (SdNotifyException e) {
            return -e.errno();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
