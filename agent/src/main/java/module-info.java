/** The agent's work, loaded by its bootstrap in a module layer of its own: see {@link dev.sdnotify.agent.Agent}. */
module dev.sdnotify.agent {
    requires dev.sdnotify.lifecycle;
    requires java.instrument;
    requires java.management;
    requires jdk.unsupported;

    exports dev.sdnotify.agent;
}
