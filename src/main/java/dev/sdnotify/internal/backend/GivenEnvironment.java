package dev.sdnotify.internal.backend;

import dev.sdnotify.internal.protocol.VsockAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * libc with the environment replaced by given variables: {@code getenv} reads them and {@code unsetenv}
 * removes them, the C environment is neither read nor changed. Every other call is libc's. A test hands the
 * Java backend a supervisor this way without touching the process's environment.
 */
public final class GivenEnvironment implements Posix {
    private final Posix libc;
    /** The values as bytes, each array kept while its variable is unchanged, as {@link Posix#getenv} allows. */
    private final Map<String, byte[]> variables = new ConcurrentHashMap<>();

    /** Copies {@code variables}; later changes to the map are not seen. */
    public GivenEnvironment(Posix libc, Map<String, String> variables) {
        this.libc = Objects.requireNonNull(libc, "libc");
        variables.forEach((name, value) -> this.variables.put(Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(value, name).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public byte[] getenv(String name) {
        return variables.get(name);
    }

    @Override
    public void unsetenv(String name) {
        variables.remove(name);
    }

    @Override
    public int getpid() {
        return libc.getpid();
    }

    @Override
    public int getuid() {
        return libc.getuid();
    }

    @Override
    public int geteuid() {
        return libc.geteuid();
    }

    @Override
    public int getgid() {
        return libc.getgid();
    }

    @Override
    public int getegid() {
        return libc.getegid();
    }

    @Override
    public boolean realAndEffectiveIdsDiffer() {
        return libc.realAndEffectiveIdsDiffer();
    }

    @Override
    public int openUnixDatagramSocket() {
        return libc.openUnixDatagramSocket();
    }

    @Override
    public int getSendBuffer(int fd) {
        return libc.getSendBuffer(fd);
    }

    @Override
    public int setSendBuffer(int fd, int bytes, boolean force) {
        return libc.setSendBuffer(fd, bytes, force);
    }

    @Override
    public int sendNotifyDatagram(int fd, byte[] sunPath, int addressLength, byte[] payload, int payloadLength,
            int[] fds, int nFds, boolean sendCredentials, int credPid) {
        return libc.sendNotifyDatagram(fd, sunPath, addressLength, payload, payloadLength, fds, nFds,
                sendCredentials, credPid);
    }

    @Override
    public int openVsockSocket(VsockAddress.Type type) {
        return libc.openVsockSocket(type);
    }

    @Override
    public int bindVsock(int fd, int port) {
        return libc.bindVsock(fd, port);
    }

    @Override
    public int connectVsock(int fd, VsockAddress to) {
        return libc.connectVsock(fd, to);
    }

    @Override
    public int sendVsock(int fd, VsockAddress to, byte[] payload, int offset, int length, int[] fds, int nFds,
            boolean sendCredentials, int credPid) {
        return libc.sendVsock(fd, to, payload, offset, length, fds, nFds, sendCredentials, credPid);
    }

    @Override
    public int shutdownWrite(int fd) {
        return libc.shutdownWrite(fd);
    }

    @Override
    public int receiveByte(int fd) {
        return libc.receiveByte(fd);
    }

    @Override
    public int setSendTimeout(int fd, long usec) {
        return libc.setSendTimeout(fd, usec);
    }

    @Override
    public int close(int fd) {
        return libc.close(fd);
    }

    @Override
    public int pipeCloexec(int[] fds) {
        return libc.pipeCloexec(fds);
    }

    @Override
    public int pollForHangup(int fd, long timeoutUsec) {
        return libc.pollForHangup(fd, timeoutUsec);
    }

    @Override
    public int getFdFlags(int fd) {
        return libc.getFdFlags(fd);
    }

    @Override
    public int setFdFlags(int fd, int flags) {
        return libc.setFdFlags(fd, flags);
    }

    @Override
    public int ownPidfdInodeId(long[] out) {
        return libc.ownPidfdInodeId(out);
    }

    @Override
    public int accessNoFollow(String path) {
        return libc.accessNoFollow(path);
    }

    @Override
    public long monotonicMicros() {
        return libc.monotonicMicros();
    }

    @Override
    public int write(int fd, byte[] data, int length) {
        return libc.write(fd, data, length);
    }

    @Override
    public int getFileStatusFlags(int fd) {
        return libc.getFileStatusFlags(fd);
    }

    @Override
    public int socketKind(int fd, int[] out) {
        return libc.socketKind(fd, out);
    }

    @Override
    public long socketCookie(int fd) {
        return libc.socketCookie(fd);
    }
}
