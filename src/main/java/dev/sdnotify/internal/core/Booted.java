package dev.sdnotify.internal.core;

import dev.sdnotify.SdNotifyException;
import dev.sdnotify.internal.protocol.Errno;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * {@code sd_booted()} without native code. libsystemd checks {@code /run/systemd/system/} with the trailing
 * slash, which follows a symbolic link and requires a directory; reading the attributes with links followed
 * gives the same answers: a directory is 1, nothing there (or a dangling link) is 0, anything else an error.
 */
public final class Booted {
    public static final String PATH = "/run/systemd/system/";

    private Booted() {}

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
        } catch (FileSystemException e) {
            throw failed(errnoOf(e.getReason()), "checking " + path + ": " + e.getReason());
        } catch (IOException e) {
            throw failed(Errno.EIO, "checking " + path + ": " + e.getMessage());
        }
    }

    /** The JDK reports the kernel's error only as strerror text; these are the ones a lookup can give. */
    private static int errnoOf(String reason) {
        if (reason == null) {
            return Errno.EIO;
        }
        switch (reason) {
            case "Not a directory": return Errno.ENOTDIR;
            case "Too many levels of symbolic links": return Errno.ELOOP;
            case "File name too long": return Errno.ENAMETOOLONG;
            default: return Errno.EIO;
        }
    }

    private static SdNotifyException failed(int errno, String detail) {
        return new SdNotifyException("sd_booted", errno, detail);
    }
}
