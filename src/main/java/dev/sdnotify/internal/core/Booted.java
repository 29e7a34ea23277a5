package dev.sdnotify.internal.core;

import dev.sdnotify.SdNotifyException;
import dev.sdnotify.internal.protocol.Errno;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * {@code sd_booted()} without native code. libsystemd checks {@code /run/systemd/system/} with the trailing slash,
 * which follows a symbolic link and requires a directory; reading the attributes with links followed gives the same
 * answers: a directory is 1, nothing there (or a dangling link) is 0, anything else an error. The JDK names the
 * kernel's error only in words, and those are localized, so the errno is told from the path itself.
 */
public final class Booted {
    private Booted() {}

    public static final String PATH = "/run/systemd/system/";

    public static boolean check(Path path) {
        try {
            if (Files.readAttributes(path, BasicFileAttributes.class).isDirectory()) {
                return true;
            }
            throw failed(Errno.ENOTDIR, path + " exists but is not a directory");
        } catch (NoSuchFileException e) {
            return false;
        } catch (AccessDeniedException e) {
            throw failed(Errno.EACCES, "checking " + path + ": permission denied");
        } catch (IOException e) {
            // On the way: a file that is not a directory (ENOTDIR), or links that lead nowhere in the end (ELOOP).
            for (int i = 0; i <= path.getNameCount(); i++) {
                Path p = i == 0 ? path.getRoot() : path.getRoot().resolve(path.subpath(0, i));
                if (Files.exists(p) && !Files.isDirectory(p)) {
                    throw failed(Errno.ENOTDIR, "checking " + path + ": " + p + " is not a directory");
                }
                if (Files.isSymbolicLink(p) && !Files.exists(p) && Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw failed(Errno.ELOOP, "checking " + path + ": " + p + " is a link that leads nowhere");
                }
            }
            throw failed(Errno.EIO, "checking " + path + ": " + e.getMessage());
        }
    }

    private static SdNotifyException failed(int errno, String detail) {
        return new SdNotifyException("sd_booted", errno, detail);
    }
}
