import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * The server agent.sh starts: prints the JVM's uptime as main begins (premain's cost is in it), waits the
 * milliseconds of its third argument (a server's own start), prints {@code listening NANOTIME} once its port
 * (the first) listens, runs for the seconds of the second, then prints the agent's threads.
 */
public class AgentBenchServer {
    public static void main(String[] args) throws Exception {
        System.out.println("main " + ManagementFactory.getRuntimeMXBean().getUptime());
        int port = Integer.parseInt(args[0]);
        Thread.sleep(Long.parseLong(args[2]));
        try (ServerSocket s = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            System.out.println("listening " + System.nanoTime());
            System.out.flush();
            Thread.sleep(Long.parseLong(args[1]) * 1000);
            System.out.println("threads " + Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith("sdnotify")).sorted().toList());
        }
    }
}
