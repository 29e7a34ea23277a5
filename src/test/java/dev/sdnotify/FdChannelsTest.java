package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.internal.jdk.PassedChannels;
import dev.sdnotify.testing.Pipe;
import dev.sdnotify.testing.Receiver;
import dev.sdnotify.testing.Sockets;
import dev.sdnotify.testing.TestLibc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.Channels;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Passed fds as channels, on sockets made with the tests' own libc as a supervisor makes them, with
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} (surefire's argLine); {@link FdChannelsOpensTest} runs
 * child JVMs without it and on other JDKs.
 */
class FdChannelsTest {
    static final TestLibc C = TestLibc.INSTANCE;
    /** High numbers the JVM does not reach, so that "closed" stays closed while a test looks. */
    static final int HIGH_FD = 920;

    @TempDir Path dir;

    static InetAddress loopback(int family) throws IOException {
        return InetAddress.getByName(family == TestLibc.AF_INET ? "127.0.0.1" : "::1");
    }

    static String exchange(ServerSocketChannel server, SocketAddress address) throws IOException {
        try (SocketChannel client = SocketChannel.open(address); SocketChannel accepted = server.accept()) {
            client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer in = ByteBuffer.allocate(16);
            accepted.read(in);
            accepted.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer back = ByteBuffer.allocate(16);
            client.read(back);
            return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8) + "/"
                    + new String(back.array(), 0, back.position(), StandardCharsets.UTF_8);
        }
    }

    // ---- listening stream sockets ----

    @ParameterizedTest(name = "family {0}")
    @ValueSource(ints = {TestLibc.AF_INET, TestLibc.AF_INET6})
    void tcpListenerAcceptsAndClosingTheChannelClosesTheFd(int family) throws IOException {
        int fd = Sockets.moveTo(Sockets.listeningTcp(family), HIGH_FD);
        InetSocketAddress address = new InetSocketAddress(loopback(family), Sockets.port(fd));
        ServerSocketChannel server = FdChannels.serverSocketChannel(fd);
        try {
            assertEquals(address, server.getLocalAddress(), "the channel reports the socket's own address");
            assertTrue(server.isBlocking());
            assertEquals("ping/pong", exchange(server, address));
        } finally {
            server.close();
        }
        assertEquals(-TestLibc.EBADF, Pipe.fdFlags(fd), "closing the channel closed fd " + fd);
    }

    @Test
    void ipv4ListenerAcceptsIpv4Connections() throws IOException {
        try (ServerSocketChannel server = FdChannels.serverSocketChannel(Sockets.listeningTcp(TestLibc.AF_INET))) {
            InetSocketAddress local = (InetSocketAddress) server.getLocalAddress();
            try (SocketChannel client = SocketChannel.open(local); SocketChannel accepted = server.accept()) {
                assertTrue(((InetSocketAddress) accepted.getRemoteAddress()).getAddress() instanceof Inet4Address);
                assertEquals(client.getLocalAddress(), accepted.getRemoteAddress());
                // The documented limit: the JDK labels the channel INET6 where the host has IPv6, as it labels
                // System.inheritedChannel(), the label is final, and the accepted channel inherits it, so IP_TOS goes
                // to the IPv6 level of an IPv4 socket. Everything at the socket level works.
                accepted.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                if (ipv6Available()) {
                    assertThrows(java.net.SocketException.class,
                            () -> accepted.setOption(StandardSocketOptions.IP_TOS, 0x10));
                } else {
                    accepted.setOption(StandardSocketOptions.IP_TOS, 0x10);
                }
            }
        }
    }

    @Test
    void worksWithASelector() throws IOException {
        int fd = Sockets.listeningTcp(TestLibc.AF_INET);
        try (ServerSocketChannel server = FdChannels.serverSocketChannel(fd); Selector selector = Selector.open()) {
            server.configureBlocking(false);
            SelectionKey key = server.register(selector, SelectionKey.OP_ACCEPT);
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
                assertEquals(1, selector.select(10_000), "the selector sees the pending connection");
                assertTrue(key.isAcceptable());
                try (SocketChannel accepted = server.accept()) {
                    assertNotNull(accepted);
                    assertTrue(client.isConnected());
                }
            }
        }
    }

    @Test
    void unixListenerAccepts() throws IOException {
        Path path = dir.resolve("listener.sock");
        int fd = Sockets.moveTo(Sockets.listeningUnix(path), HIGH_FD + 1);
        try (ServerSocketChannel server = FdChannels.serverSocketChannel(fd)) {
            assertEquals(UnixDomainSocketAddress.of(path), server.getLocalAddress());
            assertEquals("ping/pong", exchange(server, UnixDomainSocketAddress.of(path)));
        }
        assertEquals(-TestLibc.EBADF, Pipe.fdFlags(fd));
    }

    @Test
    void listenFdGivesTheChannel() throws IOException {
        int fd = Sockets.listeningTcp(TestLibc.AF_INET6);
        ListenFd passed = ListenFd.of(fd, "http");
        try (ServerSocketChannel server = passed.serverSocketChannel()) {
            assertEquals("ping/pong", exchange(server, server.getLocalAddress()));
        }
    }

    @Test
    void anFdHasOneOwner() throws IOException {
        int fd = Sockets.listeningTcp(TestLibc.AF_INET);
        ListenFd passed = ListenFd.of(fd, "http");
        ServerSocketChannel first = passed.serverSocketChannel();
        try {
            IllegalStateException again = assertThrows(IllegalStateException.class, passed::serverSocketChannel);
            assertTrue(again.getMessage().startsWith("fd " + fd + " already belongs to "), again.getMessage());
            // Another ListenFd for the same number would be the same second owner.
            assertThrows(IllegalStateException.class, () -> ListenFd.of(fd, "http").serverSocketChannel());
            assertTrue(first.isOpen(), "the refusal leaves the owner alone");
            assertEquals("ping/pong", exchange(first, first.getLocalAddress()));
        } finally {
            first.close();
        }
        // Closed, the number is free: the next socket that gets it can be converted.
        int reused = Sockets.listeningTcp(TestLibc.AF_INET);
        try (ServerSocketChannel next = FdChannels.serverSocketChannel(reused)) {
            assertTrue(next.isOpen());
        }
    }

    // ---- datagram sockets ----

    /** The JDK's own answer: whether it labels inet channels made from an fd INET6. */
    static boolean ipv6Available() {
        try {
            java.lang.reflect.Method m = Class.forName("sun.nio.ch.Net").getDeclaredMethod("isIPv6Available");
            m.setAccessible(true);
            return (Boolean) m.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anIpv4DatagramSocketIsRefusedBeforeItIsTouchedWhereTheJdkWouldMislabelIt() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ipv6Available(), "the JDK labels it INET only without IPv6");
        int fd = Sockets.udp(TestLibc.AF_INET);
        IllegalArgumentException e = refused(IllegalArgumentException.class, fd, () -> FdChannels.datagramChannel(fd));
        assertTrue(e.getMessage().contains("it is an AF_INET socket") && e.getMessage().contains("ListenDatagram=[::]")
                && e.getMessage().contains("-Djava.net.preferIPv4Stack=true"), e.getMessage());
    }

    @ParameterizedTest(name = "family {0}")
    @ValueSource(ints = {TestLibc.AF_INET6})
    void udpReceivesAndSendsBack(int family) throws IOException {
        int fd = Sockets.moveTo(Sockets.udp(family), HIGH_FD + 2);
        InetSocketAddress address = new InetSocketAddress(loopback(family), Sockets.port(fd));
        StandardProtocolFamily peerFamily = family == TestLibc.AF_INET ? StandardProtocolFamily.INET
                : StandardProtocolFamily.INET6;
        DatagramChannel channel = FdChannels.datagramChannel(fd);
        try (DatagramChannel peer = DatagramChannel.open(peerFamily).bind(new InetSocketAddress(loopback(family), 0))) {
            assertEquals(address, channel.getLocalAddress());
            peer.send(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)), address);
            ByteBuffer in = ByteBuffer.allocate(64);
            SocketAddress from = channel.receive(in);
            assertEquals(peer.getLocalAddress(), from);
            assertEquals("hello", new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
            // Sending to an address is what an AF_INET socket labelled INET6 by the JDK cannot do.
            channel.send(ByteBuffer.wrap("back".getBytes(StandardCharsets.UTF_8)), from);
            ByteBuffer reply = ByteBuffer.allocate(64);
            assertEquals(address, peer.receive(reply));
            assertEquals("back", new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8));
        } finally {
            channel.close();
        }
        assertEquals(-TestLibc.EBADF, Pipe.fdFlags(fd), "closing the channel closed fd " + fd);
    }

    @Test
    void listenFdGivesTheDatagramChannel() throws IOException {
        try (DatagramChannel channel = ListenFd.of(Sockets.udp(TestLibc.AF_INET6), "dns").datagramChannel()) {
            assertTrue(channel.getLocalAddress() instanceof InetSocketAddress);
        }
    }

    // ---- the wrong kinds ----

    /** Runs {@code call} on {@code fd}, expects {@code type}, and checks the fd is still open and untouched. */
    static <T extends Throwable> T refused(Class<T> type, int fd, org.junit.jupiter.api.function.Executable call) {
        try {
            T e = assertThrows(type, call);
            assertTrue(Pipe.fdFlags(fd) >= 0, "a refused fd stays open: " + e.getMessage());
            return e;
        } finally {
            C.close(fd);
        }
    }

    @Test
    void datagramIsNoServerSocket() {
        int fd = Sockets.udp(TestLibc.AF_INET);
        IllegalArgumentException e = refused(IllegalArgumentException.class, fd,
                () -> FdChannels.serverSocketChannel(fd));
        assertEquals("fd " + fd + " is a datagram socket (AF_INET), not a listening stream socket, so it cannot be "
                + "a ServerSocketChannel", e.getMessage());
    }

    @Test
    void streamSocketNotListeningIsNoServerSocket() {
        int fd = Sockets.streamNotListening(TestLibc.AF_INET6);
        IllegalArgumentException e = refused(IllegalArgumentException.class, fd,
                () -> FdChannels.serverSocketChannel(fd));
        assertEquals("fd " + fd + " is a stream socket that is not listening (AF_INET6), not a listening stream "
                + "socket, so it cannot be a ServerSocketChannel (Accept=yes passes connected sockets)", e.getMessage());
    }

    @Test
    void listenerIsNoDatagramChannel() {
        int fd = Sockets.listeningTcp(TestLibc.AF_INET);
        IllegalArgumentException e = refused(IllegalArgumentException.class, fd, () -> FdChannels.datagramChannel(fd));
        assertEquals("fd " + fd + " is a listening stream socket (AF_INET), not an AF_INET or AF_INET6 datagram "
                + "socket, so it cannot be a DatagramChannel", e.getMessage());
    }

    @Test
    void unixDatagramHasNoJdkChannel() {
        int fd = Sockets.unixDatagram(dir.resolve("dgram.sock"));
        IllegalArgumentException e = refused(IllegalArgumentException.class, fd, () -> FdChannels.datagramChannel(fd));
        assertTrue(e.getMessage().endsWith("is a datagram socket (AF_UNIX), not an AF_INET or AF_INET6 datagram "
                + "socket, so it cannot be a DatagramChannel (the JDK has no AF_UNIX datagram channels)"),
                e.getMessage());
    }

    @Test
    void pipeIsNotASocket() {
        try (Pipe pipe = Pipe.open()) {
            SdNotifyException e = assertThrows(SdNotifyException.class,
                    () -> FdChannels.serverSocketChannel(pipe.writeEnd));
            assertEquals(88, e.errno());
            assertEquals("getsockopt failed with ENOTSOCK (errno 88): checking what fd " + pipe.writeEnd
                    + " is: it is not a socket", e.getMessage());
            assertTrue(Pipe.fdFlags(pipe.writeEnd) >= 0);
        }
    }

    @Test
    void closedFdIsNotOpen() {
        int fd = HIGH_FD + 3;
        assertEquals(-TestLibc.EBADF, Pipe.fdFlags(fd));
        SdNotifyException e = assertThrows(SdNotifyException.class, () -> FdChannels.datagramChannel(fd));
        assertEquals(9, e.errno());
        assertEquals("getsockopt failed with EBADF (errno 9): checking what fd " + fd + " is: it is not open",
                e.getMessage());
    }

    @Test
    void negativeFdIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FdChannels.serverSocketChannel(-1));
        assertEquals("fd must not be negative, got -1", e.getMessage());
    }

    // ---- fdOf ----

    @Test
    void fdOfRoundTrip() throws IOException {
        ServerSocketChannel original = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int copy;
        SocketAddress address;
        try (original) {
            int fd = FdChannels.fdOf(original);
            assertTrue(Receiver.describeFd(fd).startsWith("socket:["), "fd " + fd + " is a socket: "
                    + Receiver.describeFd(fd));
            copy = C.dup(fd);
            assertTrue(copy >= 0);
            assertEquals(Receiver.describeFd(fd), Receiver.describeFd(copy), "the dup names the same socket");
            address = original.getLocalAddress();
        }
        try (ServerSocketChannel again = FdChannels.serverSocketChannel(copy)) {
            assertEquals(address, again.getLocalAddress());
            assertEquals("ping/pong", exchange(again, address), "the socket outlives the first channel");
        }
    }

    @Test
    void fdOfOtherJdkChannels() throws IOException {
        Path file = Files.writeString(dir.resolve("data"), "x");
        try (DatagramChannel datagram = DatagramChannel.open();
                SocketChannel socket = SocketChannel.open();
                FileChannel fileChannel = FileChannel.open(file, StandardOpenOption.READ)) {
            java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
            try {
                for (Channel c : new Channel[] {datagram, socket, pipe.source(), pipe.sink()}) {
                    int fd = FdChannels.fdOf(c);
                    String target = Receiver.describeFd(fd);
                    assertTrue(target.startsWith("socket:[") || target.startsWith("pipe:["), c + " -> " + target);
                }
                assertEquals(Receiver.describeFd(FdChannels.fdOf(pipe.source())).replace("socket", "pipe"),
                        Receiver.describeFd(FdChannels.fdOf(pipe.sink())).replace("socket", "pipe"),
                        "a pipe's two ends are one pipe");
                assertEquals(file.toRealPath().toString(), Receiver.describeFd(FdChannels.fdOf(fileChannel)));
            } finally {
                pipe.source().close();
                pipe.sink().close();
            }
        }
    }

    @Test
    void fdOfClosedChannelIsRefused() throws IOException {
        DatagramChannel closed = DatagramChannel.open();
        closed.close();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FdChannels.fdOf(closed));
        assertTrue(e.getMessage().startsWith("the channel is closed"), e.getMessage());
    }

    @Test
    void fdOfForeignChannelIsRefused() {
        Channel stream = Channels.newChannel(new ByteArrayInputStream(new byte[1]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FdChannels.fdOf(stream));
        assertEquals(stream.getClass().getName() + " is not one of the JDK's socket, pipe or file channels, so it "
                + "has no fd to give", e.getMessage());
        Channel custom = new Channel() {
            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {}
        };
        assertThrows(IllegalArgumentException.class, () -> FdChannels.fdOf(custom));
        assertThrows(NullPointerException.class, () -> FdChannels.fdOf(null));
    }

    @Test
    void optionNamedForThisRun() {
        assertEquals("--add-opens java.base/sun.nio.ch=ALL-UNNAMED", PassedChannels.addOpensOption(),
                "the tests run on the class path");
        assertFalse(FdChannels.class.getModule().isNamed());
    }
}
