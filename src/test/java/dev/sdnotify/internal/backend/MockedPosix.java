package dev.sdnotify.internal.backend;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Mockito {@link Posix} for the Java backend's tests: the environment is {@link #env}, pid 4242 with uid
 * and gid 1000, sockets open as fd 7, a pipe is fds 10 and 11, and every AF_UNIX send is recorded in
 * {@link #sends} and answered from {@link #sendResults} (the whole payload once that is empty).
 */
final class MockedPosix {
    static final int OWN_PID = 4242;
    static final int SOCKET_FD = 7;
    static final int PIPE_READ = 10;
    static final int PIPE_WRITE = 11;

    final Posix posix = mock(Posix.class);
    final Map<String, byte[]> env = new HashMap<>();
    /** Results the successive sendNotifyDatagram calls return; the whole payload sent once exhausted. */
    final Deque<Integer> sendResults = new ArrayDeque<>();
    final List<Sent> sends = new ArrayList<>();

    /** One sendNotifyDatagram call, arrays copied at call time. */
    record Sent(int fd, byte[] sunPath, int addressLength, byte[] payload, int payloadLength, int[] fds,
            int nFds, boolean creds, int credPid) {
        String payloadText() {
            return new String(payload, 0, payloadLength, StandardCharsets.ISO_8859_1);
        }
    }

    MockedPosix() {
        when(posix.getenv(anyString())).thenAnswer(inv -> env.get(inv.<String>getArgument(0)));
        doAnswer(inv -> env.remove(inv.<String>getArgument(0))).when(posix).unsetenv(anyString());
        when(posix.getpid()).thenReturn(OWN_PID);
        when(posix.getuid()).thenReturn(1000);
        when(posix.geteuid()).thenReturn(1000);
        when(posix.getgid()).thenReturn(1000);
        when(posix.getegid()).thenReturn(1000);
        when(posix.realAndEffectiveIdsDiffer()).thenCallRealMethod();
        when(posix.openUnixDatagramSocket()).thenReturn(SOCKET_FD);
        when(posix.getSendBuffer(anyInt())).thenReturn(212992);
        when(posix.setSendBuffer(anyInt(), anyInt(), anyBoolean())).thenReturn(0);
        when(posix.sendNotifyDatagram(anyInt(), any(), anyInt(), any(), anyInt(), any(), anyInt(), anyBoolean(),
                anyInt())).thenAnswer(inv -> {
                    byte[] sun = inv.getArgument(1);
                    byte[] payload = inv.getArgument(3);
                    int[] fds = inv.getArgument(5);
                    sends.add(new Sent(inv.getArgument(0), sun == null ? null : sun.clone(), inv.getArgument(2),
                            payload == null ? null : payload.clone(), inv.getArgument(4),
                            fds == null ? null : fds.clone(), inv.getArgument(6), inv.getArgument(7),
                            inv.getArgument(8)));
                    Integer r = sendResults.poll();
                    return r == null ? inv.<Integer>getArgument(4) : r;
                });
        when(posix.close(anyInt())).thenReturn(0);
        when(posix.pipeCloexec(any())).thenAnswer(inv -> {
            int[] p = inv.getArgument(0);
            p[0] = PIPE_READ;
            p[1] = PIPE_WRITE;
            return 0;
        });
    }

    static byte[] b(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
