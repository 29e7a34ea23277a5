package dev.sdnotify.bench;

import dev.sdnotify.BackendInfo;
import dev.sdnotify.SdNotify;

/**
 * The smallest service: reports READY=1 through the library and exits. Prints how long that first call
 * took (backend choice, native loading and the send), the backend and the native gateway, unless
 * {@code -Dbench.silent=true} (for counting the classes the call loads, without those of the printing).
 * The backend comes from -Dsdnotify.backend, the gateway from the JDK (or -Dsdnotify.native).
 */
public final class ColdStartService {
    private ColdStartService() {}

    public static void main(String[] args) {
        long start = System.nanoTime();
        boolean sent = SdNotify.ready();
        long firstCall = System.nanoTime() - start;
        if (!sent) {
            System.err.println("READY=1 was not sent: NOTIFY_SOCKET is not set");
            System.exit(1);
        }
        if (!Boolean.getBoolean("bench.silent")) {
            BackendInfo info = SdNotify.backend();
            System.out.println("first_call_ns=" + firstCall + " backend=" + info.backend().id() + " gateway="
                    + info.gateway().orElse("-"));
        }
    }
}
