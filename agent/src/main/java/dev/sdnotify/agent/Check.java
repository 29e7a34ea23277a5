package dev.sdnotify.agent;

/** One predicate of {@code ready=} or {@code health=}; {@link #toString()} names it for statuses. */
interface Check {
    /**
     * Null when it holds now, else why not, in words ("nothing listens on port 8080 in this JVM"). Failures to look
     * (a refused connection, a missing MBean) are reasons too, never exceptions.
     */
    String failure();
}
