package dev.sdnotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sdnotify.testing.Capabilities;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * JDK 24 and later under {@code --illegal-native-access=deny}: each gateway's refusal becomes a reason that
 * names the exact flag, and a supervised process throws with it instead of answering "no supervisor".
 */
class NativeAccessFlagsTest {

    @ParameterizedTest
    @CsvSource({
        "jna, JNA was denied native access, --enable-native-access=ALL-UNNAMED, --enable-native-access=com.sun.jna",
        "ffm, FFM, --enable-native-access=ALL-UNNAMED, --enable-native-access=dev.sdnotify"})
    void denyNamesTheFlag(String gateway, String what, String classPathFlag, String modulePathFlag)
            throws IOException, InterruptedException {
        String jdk = System.getProperty("sdnotify.test.jdk.ffm");
        Capabilities.require(jdk != null && Files.isExecutable(Path.of(jdk, "bin", "java")),
                "needs a JDK 24 or later named by -Dsdnotify.test.jdk.ffm (the build sets it)");
        List<String> command = new ArrayList<>(List.of(Path.of(jdk, "bin", "java").toString(),
                "--illegal-native-access=deny", "-Dsdnotify.native=" + gateway,
                "-cp", System.getProperty("java.class.path"), HiddenLibsystemdMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("NOTIFY_SOCKET", "/run/sdnotify-test-nobody-listens");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(HiddenLibsystemdMain.FAILURE_EXIT, p.exitValue(), out);
        String backend = out.lines().findFirst().orElse("");
        assertTrue(backend.startsWith("none: NOTIFY_SOCKET is set, so a supervisor started this process, but native "
                + "access failed: sdnotify.native=" + gateway + " was asked for, but "), backend);
        assertTrue(backend.contains(what), backend);
        assertTrue(backend.contains(classPathFlag), backend);
        assertTrue(backend.contains(modulePathFlag), backend);
        assertTrue(out.contains(HiddenLibsystemdMain.FAILURE + SdNotifyException.class.getName()
                + ": sd_notify failed with ELIBACC"), out);
    }
}
