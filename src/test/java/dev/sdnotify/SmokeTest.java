package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sdnotify.testing.CEnv;
import dev.sdnotify.testing.Receiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir Path dir;

    @Test
    void bothBackendsDeliver() {
        for (Backend b : new Backend[] {Backend.LIBSYSTEMD, Backend.JAVA}) {
            BackendInfo info = Backends.choose(b);
            try (Receiver r = Receiver.bindPath(dir.resolve(b.id()))) {
                CEnv.set("NOTIFY_SOCKET", r.address());
                int ret = info.daemon.pidNotifyWithFds(0, false, "READY=1".getBytes(StandardCharsets.UTF_8), null, 0);
                System.out.println(b + " -> " + ret + " " + r.drain());
                int[] p = new int[2];
                dev.sdnotify.testing.TestLibc.INSTANCE.pipe(p);
                ret = info.daemon.pidNotifyWithFds(1, false, "X".getBytes(StandardCharsets.UTF_8), p, 2);
                System.out.println(b + " -> " + ret + " " + r.drain() + " " + Receiver.describeFd(p[0]));
                ret = info.daemon.pidNotifyWithFds(0, false, "X".getBytes(StandardCharsets.UTF_8), new int[] {999}, 1);
                System.out.println(b + " -> " + ret);
                assertEquals(1, 1);
            } finally {
                CEnv.unset("NOTIFY_SOCKET");
            }
        }
    }
}
