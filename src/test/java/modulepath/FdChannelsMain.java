package modulepath;

import dev.sdnotify.FdChannels;
import dev.sdnotify.testing.Pipe;
import dev.sdnotify.testing.Sockets;
import dev.sdnotify.testing.TestLibc;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Run by FdChannelsOpensTest in child JVMs, with and without the option that opens sun.nio.ch, on the class
 * path or the module path and on each JDK: wraps a listening TCP socket and a UDP socket made with libc, takes
 * the fd of a channel, and prints one line per step, "ok ..." or "failed Type: message".
 */
public final class FdChannelsMain {
    private FdChannelsMain() {}

    public static void main(String[] args) {
        System.out.println("module " + FdChannels.class.getModule().getName() + " java " + Runtime.version().feature());
        int tcp = Sockets.listeningTcp(TestLibc.AF_INET);
        try (ServerSocketChannel server = FdChannels.serverSocketChannel(tcp);
                SocketChannel client = SocketChannel.open(server.getLocalAddress());
                SocketChannel accepted = server.accept()) {
            client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer in = ByteBuffer.allocate(8);
            accepted.read(in);
            System.out.println("server ok " + new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            failed("server", e, tcp);
        }
        int udp = Sockets.udp(TestLibc.AF_INET6);
        try (DatagramChannel channel = FdChannels.datagramChannel(udp);
                DatagramChannel peer = DatagramChannel.open().bind(new InetSocketAddress("::1", 0))) {
            channel.send(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8)), peer.getLocalAddress());
            ByteBuffer in = ByteBuffer.allocate(8);
            peer.receive(in);
            System.out.println("datagram ok " + new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            failed("datagram", e, udp);
        }
        try (DatagramChannel own = DatagramChannel.open()) {
            int fd = FdChannels.fdOf(own);
            System.out.println("fdOf ok " + (Pipe.fdFlags(fd) >= 0));
        } catch (Exception e) {
            failed("fdOf", e, -1);
        }
    }

    private static void failed(String step, Exception e, int fd) {
        System.out.println(step + " failed " + e.getClass().getName() + ": " + e.getMessage());
        if (fd >= 0) {
            System.out.println(step + " fd still open " + (Pipe.fdFlags(fd) >= 0));
            TestLibc.INSTANCE.close(fd);
        }
    }
}
