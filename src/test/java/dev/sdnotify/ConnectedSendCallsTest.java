package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.daemon.Backends;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.TestLibc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calls a vsock notification makes after it is connected, on the gateway in use (JNA or FFM), tried on
 * AF_UNIX sockets: the connected send (no address, a part of the payload, fds, credentials), the shutdown
 * for writing and the one-byte receive. Nothing here opens, binds, connects or sends on an AF_VSOCK socket:
 * no test may (CID 2 is the hypervisor on these machines).
 */
class ConnectedSendCallsTest {
    static final TestLibc C = TestLibc.INSTANCE;

    @TempDir Path dir;

    static Kernel kernel() {
        Kernel kernel = Backends.choose(Backend.JAVA).kernel();
        assertNotNull(kernel, "the java backend has a kernel here");
        return kernel;
    }

    @Test
    void aConnectedSendCarriesThePartFdsAndCredentials() {
        Kernel kernel = kernel();
        try (Receiver r = Receiver.bindPath(dir.resolve("notify"))) {
            int socket = r.connectedSocket();
            int[] pipe = new int[2];
            C.pipe(pipe);
            try {
                byte[] payload = "xxREADY=1yy".getBytes(StandardCharsets.US_ASCII);
                int sent = kernel.sendmsg(socket, null, payload, 2, 7, new int[] {pipe[1]}, 1, true, C.getpid(), false);
                assertEquals(7, sent);
                List<Receiver.Datagram> got = r.drain();
                assertEquals(1, got.size());
                assertEquals("READY=1", got.get(0).text());
                assertEquals(C.getpid(), got.get(0).pid());
                assertEquals(1, got.get(0).fdTargets().size());
                assertEquals(Receiver.describeFd(pipe[1]), got.get(0).fdTargets().get(0));
                assertEquals(0, kernel.sendmsg(socket, null, payload, 0, 0, null, 0, false, 0, false), "an empty one");
                assertEquals("", r.drain().get(0).text());
            } finally {
                C.close(socket);
                C.close(pipe[0]);
                C.close(pipe[1]);
            }
        }
    }

    @Test
    void shutdownForWritingEndsThePeersStream() {
        Kernel kernel = kernel();
        int[] pair = new int[2];
        assertEquals(0, C.socketpair(TestLibc.AF_UNIX, TestLibc.SOCK_STREAM | TestLibc.SOCK_CLOEXEC, 0, pair));
        try {
            assertEquals(1L, C.write(pair[1], new byte[] {'x'}, 1));
            assertEquals(1, kernel.receiveByte(pair[0]), "a byte");
            assertEquals(0, kernel.shutdownWrite(pair[1]));
            assertEquals(0, kernel.receiveByte(pair[0]), "the end of the stream");
            assertEquals(-9, kernel.shutdownWrite(-1), "EBADF");
        } finally {
            C.close(pair[0]);
            C.close(pair[1]);
        }
        int[] pipe = new int[2];
        C.pipe(pipe);
        try {
            assertEquals(-88, kernel.receiveByte(pipe[0]), "ENOTSOCK");
        } finally {
            C.close(pipe[0]);
            C.close(pipe[1]);
        }
    }
}
