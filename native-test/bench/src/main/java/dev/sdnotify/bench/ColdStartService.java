package dev.sdnotify.bench;

import dev.sdnotify.SdNotify;

/**
 * The smallest service: reports READY=1 through the library and exits. Prints how long that first call
 * took (backend choice, native loading and the send). The backend comes from -Dsdnotify.backend.
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
        System.out.println("first_call_ns=" + firstCall + " backend=" + SdNotify.backend().backend().id());
    }
}
