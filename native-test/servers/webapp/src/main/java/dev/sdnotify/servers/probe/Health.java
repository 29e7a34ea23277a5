package dev.sdnotify.servers.probe;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** GET /health: 503 DOWN while the file PROBE_HEALTH_DOWN_FILE (default /run/sdn-test/health-down) exists, else 200 UP. */
@WebServlet("/health")
public class Health extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean down = Files.exists(Path.of(Env.text("PROBE_HEALTH_DOWN_FILE", "/run/sdn-test/health-down")));
        response.setStatus(down ? HttpServletResponse.SC_SERVICE_UNAVAILABLE : HttpServletResponse.SC_OK);
        response.setContentType("text/plain");
        response.getWriter().println(down ? "DOWN" : "UP");
    }
}
