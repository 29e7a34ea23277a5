package dev.sdnotify.reliability;

import dev.sdnotify.testing.ProcFds;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class FdChurnProbeTest {
    @Test
    void probe() throws Exception {
        Map<Integer, String> last = ProcFds.open();
        System.out.println("START " + last);
        long end = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < end) {
            Map<Integer, String> now = ProcFds.open();
            if (!now.equals(last)) {
                Map<Integer, String> diff = new TreeMap<>();
                for (var e : now.entrySet()) if (!e.getValue().equals(last.get(e.getKey()))) diff.put(e.getKey(), "+" + e.getValue());
                for (var e : last.entrySet()) if (!now.containsKey(e.getKey())) diff.put(e.getKey(), "-" + e.getValue());
                System.out.println("CHANGE " + diff + " threads " + Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList());
                last = now;
            }
        }
    }
}
