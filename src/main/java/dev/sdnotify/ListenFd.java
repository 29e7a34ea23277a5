package dev.sdnotify;

import java.util.Objects;

/** A file descriptor passed by the supervisor (socket activation or the fd store), with its name. */
public final class ListenFd {
    private final int fd;
    private final String name;

    ListenFd(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** The fd number, from {@value SocketActivation#LISTEN_FDS_START} on. This process owns it. */
    public int fd() {
        return fd;
    }

    /**
     * The name from {@code FileDescriptorName=}, the socket unit's name, the {@code FDNAME} it was stored
     * under, or {@code unknown} when the supervisor passed no names.
     */
    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ListenFd && ((ListenFd) o).fd == fd && ((ListenFd) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fd, name);
    }

    @Override
    public String toString() {
        return fd + ":" + name;
    }
}
