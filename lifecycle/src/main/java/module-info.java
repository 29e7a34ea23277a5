/** A service's life as systemd sees it, for the framework modules and the agent: {@link dev.sdnotify.lifecycle.ServiceLifecycle}. */
module dev.sdnotify.lifecycle {
    requires transitive dev.sdnotify;
    requires java.management;

    exports dev.sdnotify.lifecycle;
}
