package dev.sdnotify.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ListeningPortTest {
    @Test
    void holdsWhileThisJvmListensAndNoLongerOnceClosed() throws IOException {
        ListeningPort check;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            check = new ListeningPort(s.getLocalPort());
            assertNull(check.failure());
            assertNull(check.failure(), "the second look, by the fd found");
        }
        assertEquals("this JVM does not listen on port " + check.toString().substring(5) + " yet", check.failure());
    }

    @Test
    void anyPortNamesTheOneFound() throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open().bind(new InetSocketAddress("::1", 0))) {
            ListeningPort any = new ListeningPort(0);
            assertNull(any.failure(), "an IPv6 socket counts");
            assertTrue(any.toString().startsWith("port "), any.toString());
        }
    }

    @Test
    void anotherProcessListeningDoesNotCount() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process other = new ProcessBuilder("python3", "-c", "import socket,sys,time; s=socket.socket(); "
                + "s.bind(('127.0.0.1'," + port + ")); s.listen(); print('up', flush=True); time.sleep(30)").start();
        try {
            assertEquals("up", new String(other.getInputStream().readNBytes(2)));
            assertEquals("this JVM does not listen on port " + port + " yet", new ListeningPort(port).failure());
        } finally {
            other.destroy();
            other.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
