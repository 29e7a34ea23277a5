package dev.sdnotify.internal.jna;

import com.sun.jna.Library;
import dev.sdnotify.internal.kernel.Libsystemd;

/** {@code libsystemd.so.0}'s sd-daemon functions as a JNA interface: JNA binds each method to the C function of its name. */
public interface LibSystemd extends Library, Libsystemd {
}
