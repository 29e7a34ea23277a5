package dev.sdnotify.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import dev.sdnotify.internal.daemon.Gateways;
import dev.sdnotify.testing.Capabilities;
import dev.sdnotify.testing.TestLibc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The Java protocol sends credentials when a real id differs from the effective one, as libsystemd does. The
 * real gateway's {@link Kernel#realAndEffectiveIdsDiffer} is compared with libc's four id calls on a thread whose
 * ids are changed by the raw system call, which, unlike glibc's wrapper, changes only the calling thread's
 * credentials; the thread puts them back before it ends.
 */
class IdsDifferTest {
    private static final long UNCHANGED = -1;
    private static final long NOBODY = 65534;

    /** The raw system call, so that only the calling thread's ids change. */
    interface Syscall extends Library {
        Syscall INSTANCE = Native.load("c", Syscall.class);

        long syscall(long number, Object... args);
    }

    @Test
    void seesEachRealIdThatDiffersFromTheEffectiveOne() throws Exception {
        Capabilities.requireRoot();
        Loaded<Gateway> gateway = Gateways.get();
        assertNotNull(gateway.value(), gateway::description);
        Kernel kernel = gateway.value().kernel();
        long setresuid = Platform.isARM() ? 147 : 117;
        long setresgid = Platform.isARM() ? 149 : 119;
        List<String> seen = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                seen.add("as started: " + kernel.realAndEffectiveIdsDiffer() + " " + libcSaysIdsDiffer());
                // The group ids first: once the effective uid is not 0, setting them needs privileges it lacks.
                check(kernel, seen, "effective gid", setresgid, UNCHANGED, NOBODY, 0);
                check(kernel, seen, "real gid", setresgid, NOBODY, UNCHANGED, 0);
                check(kernel, seen, "both gids", setresgid, NOBODY, NOBODY, 0);
                check(kernel, seen, "effective uid", setresuid, UNCHANGED, NOBODY, 0);
                check(kernel, seen, "real uid", setresuid, NOBODY, UNCHANGED, 0);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "ids-differ-test");
        t.start();
        t.join();
        assertNull(failure.get(), () -> "the thread failed: " + failure.get());
        assertEquals(List.of("as started: false false",
                "effective gid changed: true true", "effective gid restored: false false",
                "real gid changed: true true", "real gid restored: false false",
                "both gids changed: false false", "both gids restored: false false",
                "effective uid changed: true true", "effective uid restored: false false",
                "real uid changed: true true", "real uid restored: false false"), seen);
    }

    /** Sets ids to nobody, records both checks, and sets them back to root. */
    private static void check(Kernel kernel, List<String> seen, String what, long call, long real,
            long effective, long root) {
        setIds(call, real, effective);
        seen.add(what + " changed: " + kernel.realAndEffectiveIdsDiffer() + " " + libcSaysIdsDiffer());
        setIds(call, real == UNCHANGED ? UNCHANGED : root, effective == UNCHANGED ? UNCHANGED : root);
        seen.add(what + " restored: " + kernel.realAndEffectiveIdsDiffer() + " " + libcSaysIdsDiffer());
    }

    /** libsystemd's own test, through the tests' separate libc mapping. */
    private static boolean libcSaysIdsDiffer() {
        TestLibc c = TestLibc.INSTANCE;
        return c.getuid() != c.geteuid() || c.getgid() != c.getegid();
    }

    private static void setIds(long call, long real, long effective) {
        long r = Syscall.INSTANCE.syscall(call, real, effective, UNCHANGED);
        if (r != 0) {
            throw new IllegalStateException("syscall " + call + "(" + real + ", " + effective + ", -1) failed with errno "
                    + Native.getLastError());
        }
    }
}
