package dev.sdnotify.spring.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.util.Optional;

/**
 * The listening TCP socket systemd passed on standard input ({@code StandardInput=socket} in a unit activated
 * by a {@code .socket} with one {@code ListenStream=}): the one kind of passed socket that Tomcat and Jetty can
 * serve on, through {@link System#inheritedChannel()}. Sockets passed as {@code LISTEN_FDS} (fd 3 on) they
 * cannot take.
 */
final class InheritedSocket {
    private InheritedSocket() {
    }

    /** Where the inherited socket listens, if standard input is a listening TCP socket. */
    static Optional<InetSocketAddress> listening() {
        Channel channel;
        try {
            channel = System.inheritedChannel();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the channel inherited on standard input", e);
        }
        if (!(channel instanceof ServerSocketChannel server)) {
            return Optional.empty();
        }
        try {
            SocketAddress address = server.getLocalAddress();
            return address instanceof InetSocketAddress inet ? Optional.of(inet) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the address of the socket inherited on standard input", e);
        }
    }
}
