package dev.sdnotify.internal.daemon;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.sdnotify.internal.kernel.Environment;
import dev.sdnotify.internal.kernel.Kernel;
import dev.sdnotify.internal.kernel.LinuxAbi;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mockito.AdditionalAnswers;

/**
 * A Mockito {@link Kernel} and a map-backed {@link Environment} (a mock too, so calls can be verified) for the Java
 * protocol's tests: pid 4242, AF_UNIX sockets open as fd 7, each fd's SO_COOKIE is 1000 + fd, a pipe is fds 10
 * and 11, and every sendmsg is recorded in {@link #sends} and answered from {@link #sendResults} (the whole
 * payload once that is empty). Nothing here reaches the real kernel, so vsock addresses are safe to use.
 */
final class MockedKernel {
    static final int OWN_PID = 4242;
    static final int SOCKET_FD = 7;
    static final int PIPE_READ = 10;
    static final int PIPE_WRITE = 11;
    /** What SO_SNDBUF reads before it is raised: Linux's default. */
    static final int DEFAULT_SNDBUF = 212992;
    static final int SO_SNDBUF = LinuxAbi.CURRENT.soSndbuf;
    static final int SO_SNDBUFFORCE = LinuxAbi.CURRENT.soSndbufforce;

    final Kernel kernel = mock(Kernel.class);
    final Map<String, byte[]> env = new HashMap<>();
    final Environment environment = mock(Environment.class, AdditionalAnswers.delegatesTo(new MapEnvironment(env)));
    /** Results the successive sendmsg calls return; the whole payload once exhausted. */
    final Deque<Integer> sendResults = new ArrayDeque<>();
    /** Synchronized: a test may send from several threads. */
    final List<Sent> sends = Collections.synchronizedList(new ArrayList<>());

    /** One sendmsg call, arrays copied at call time, with when it happened. */
    record Sent(int fd, byte[] address, byte[] payload, int offset, int length, int[] fds, int nFds, boolean creds,
            int credPid, boolean dontWait, long nanoTime) {
        String payloadText() {
            return new String(payload, offset, length, StandardCharsets.ISO_8859_1);
        }
    }

    /** getenv and unsetenv over a map the test fills and reads. */
    static final class MapEnvironment implements Environment {
        private final Map<String, byte[]> variables;

        MapEnvironment(Map<String, byte[]> variables) {
            this.variables = variables;
        }

        @Override
        public byte[] getenv(String name) {
            return variables.get(name);
        }

        @Override
        public void unsetenv(String name) {
            variables.remove(name);
        }
    }

    MockedKernel() {
        when(kernel.getpid()).thenReturn(OWN_PID);
        when(kernel.realAndEffectiveIdsDiffer()).thenReturn(false);
        when(kernel.socket(eq(LinuxAbi.AF_UNIX), anyInt())).thenReturn(SOCKET_FD);
        when(kernel.socketCookie(anyInt())).thenAnswer(inv -> 1000L + inv.<Integer>getArgument(0));
        when(kernel.getOption(anyInt(), anyInt())).thenReturn(DEFAULT_SNDBUF);
        when(kernel.setOption(anyInt(), anyInt(), anyInt())).thenReturn(0);
        when(kernel.sendmsg(anyInt(), any(), any(), anyInt(), anyInt(), any(), anyInt(), anyBoolean(), anyInt(),
                anyBoolean())).thenAnswer(inv -> {
                    byte[] address = inv.getArgument(1);
                    byte[] payload = inv.getArgument(2);
                    int[] fds = inv.getArgument(5);
                    sends.add(new Sent(inv.getArgument(0), address == null ? null : address.clone(),
                            payload == null ? null : payload.clone(), inv.getArgument(3), inv.getArgument(4),
                            fds == null ? null : fds.clone(), inv.getArgument(6), inv.getArgument(7),
                            inv.getArgument(8), inv.getArgument(9), System.nanoTime()));
                    Integer r;
                    synchronized (sendResults) {
                        r = sendResults.poll();
                    }
                    return r == null ? inv.<Integer>getArgument(4) : r;
                });
        when(kernel.close(anyInt())).thenReturn(0);
        when(kernel.pipeCloexec(any())).thenAnswer(inv -> {
            int[] p = inv.getArgument(0);
            p[0] = PIPE_READ;
            p[1] = PIPE_WRITE;
            return 0;
        });
    }

    /** A Java protocol over this kernel and environment, with its own kept socket. */
    JavaDaemon daemon() {
        return new JavaDaemon(environment, kernel, new KeptSocket(kernel));
    }

    static byte[] b(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
