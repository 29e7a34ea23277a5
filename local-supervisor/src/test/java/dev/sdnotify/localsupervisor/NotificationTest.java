package dev.sdnotify.localsupervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NotificationTest {
    @Test
    void showsOneLinePerMessage() {
        assertEquals("READY=1 | STATUS=Serving on port 8080", message("READY=1\nSTATUS=Serving on port 8080\n")
                .display());
        assertEquals("STATUS=a\\x09tab\\x0d", message("STATUS=a\ttab\r").display());
        assertEquals("(empty)", message("").display());
    }

    @Test
    void readsAssignmentsAsSystemdDoes() {
        Notification message = message("READY=1\nSTATUS=first\nSTATUS=second\nREADY=10\n");
        assertEquals(List.of("READY=1", "STATUS=first", "STATUS=second", "READY=10"), message.lines());
        assertTrue(message.has("READY=1"));
        assertFalse(message.has("READY"));
        assertEquals(Optional.of("first"), message.value("STATUS"), "the first one counts");
        assertEquals(Optional.empty(), message.value("WATCHDOG"));
    }

    private static Notification message(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new Notification(1, bytes, bytes.length, new int[0]);
    }
}
