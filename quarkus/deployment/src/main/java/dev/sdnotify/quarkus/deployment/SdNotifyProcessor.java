package dev.sdnotify.quarkus.deployment;

import dev.sdnotify.quarkus.SdNotifyRecorder;
import dev.sdnotify.quarkus.ServerObservers;
import dev.sdnotify.quarkus.StartupObservers;
import dev.sdnotify.quarkus.StoppingListener;
import io.quarkus.arc.deployment.AdditionalBeanBuildItem;
import io.quarkus.arc.deployment.UnremovableBeanBuildItem;
import io.quarkus.deployment.Capabilities;
import io.quarkus.deployment.Capability;
import io.quarkus.deployment.IsDevelopment;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.annotations.ExecutionTime;
import io.quarkus.deployment.annotations.Record;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.ModuleEnableNativeAccessBuildItem;
import io.quarkus.deployment.builditem.ServiceStartBuildItem;
import io.quarkus.deployment.builditem.ShutdownContextBuildItem;
import io.quarkus.deployment.builditem.ShutdownListenerBuildItem;
import io.quarkus.deployment.builditem.nativeimage.RuntimeInitializedPackageBuildItem;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.DotName;

/**
 * The extension's build: observers of the start, a shutdown listener, and a recorded step that begins the lifecycle
 * at runtime init (which does nothing without a supervisor). Nothing in dev mode, where live reload restarts the
 * application inside one process.
 */
class SdNotifyProcessor {
    private static final String FEATURE = "sdnotify";
    private static final DotName HEALTH_GROUP = DotName.createSimple("io.smallrye.health.api.HealthGroup");
    private static final DotName HEALTH_GROUPS = DotName.createSimple("io.smallrye.health.api.HealthGroups");

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    @BuildStep(onlyIfNot = IsDevelopment.class)
    void observers(Capabilities capabilities, BuildProducer<AdditionalBeanBuildItem> beans,
            BuildProducer<UnremovableBeanBuildItem> unremovable) {
        beans.produce(AdditionalBeanBuildItem.unremovableOf(StartupObservers.class));
        if (capabilities.isPresent(Capability.VERTX_HTTP)) {
            beans.produce(AdditionalBeanBuildItem.unremovableOf(ServerObservers.class));
        }
        if (capabilities.isPresent(Capability.SMALLRYE_HEALTH)) {
            // Looked up by the watchdog's check, which no injection point shows.
            unremovable.produce(UnremovableBeanBuildItem.beanClassNames("io.smallrye.health.SmallRyeHealthReporter"));
        }
    }

    /** Before the start-up observers run (their step waits for every service start), so that their phases show. */
    @BuildStep(onlyIfNot = IsDevelopment.class)
    @Record(ExecutionTime.RUNTIME_INIT)
    ServiceStartBuildItem begin(SdNotifyRecorder recorder, Capabilities capabilities, CombinedIndexBuildItem index,
            ShutdownContextBuildItem shutdown) {
        boolean health = capabilities.isPresent(Capability.SMALLRYE_HEALTH);
        recorder.begin(capabilities.isPresent(Capability.VERTX_HTTP), health,
                health ? healthGroups(index) : Set.of(), shutdown);
        return new ServiceStartBuildItem(FEATURE);
    }

    @BuildStep(onlyIfNot = IsDevelopment.class)
    ShutdownListenerBuildItem stopping() {
        return new ShutdownListenerBuildItem(new StoppingListener());
    }

    /**
     * For the native gateways. On the JVM: native access for the class path (the runner jar's
     * {@code Enable-Native-Access}, so that JDK 22 and later do not warn). In a native image: the library's internals
     * and JNA are initialized at run time, so that no handle, library or environment is captured at build time; the
     * FFM downcalls are in {@code META-INF/native-image/dev.sdnotify/sdnotify-quarkus/}.
     */
    @BuildStep
    void nativeAccess(BuildProducer<ModuleEnableNativeAccessBuildItem> access,
            BuildProducer<RuntimeInitializedPackageBuildItem> runtimeInitialized) {
        access.produce(new ModuleEnableNativeAccessBuildItem("dev.sdnotify"));
        runtimeInitialized.produce(new RuntimeInitializedPackageBuildItem("dev.sdnotify.internal"));
        runtimeInitialized.produce(new RuntimeInitializedPackageBuildItem("com.sun.jna"));
    }

    /** The groups of the application's health checks ({@code @HealthGroup}), and SmallRye's default group. */
    private static Set<String> healthGroups(CombinedIndexBuildItem index) {
        Set<String> groups = new TreeSet<>();
        for (AnnotationInstance group : index.getIndex().getAnnotations(HEALTH_GROUP)) {
            groups.add(group.value().asString());
        }
        for (AnnotationInstance repeated : index.getIndex().getAnnotations(HEALTH_GROUPS)) {
            for (AnnotationInstance group : repeated.value().asNestedArray()) {
                groups.add(group.value().asString());
            }
        }
        ConfigProvider.getConfig().getOptionalValue("quarkus.smallrye-health.default-health-group", String.class)
                .ifPresent(groups::add);
        return groups;
    }
}
