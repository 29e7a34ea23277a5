package example.service;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;

/** Registers {@code beans} beans whose construction sleeps {@code ms} each. */
final class SlowStart implements BeanDefinitionRegistryPostProcessor {
    private final int beans;
    private final long ms;

    SlowStart(int beans, long ms) {
        this.beans = beans;
        this.ms = ms;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        for (int i = 0; i < beans; i++) {
            registry.registerBeanDefinition("slow" + i, new RootBeanDefinition(Slow.class, () -> new Slow(ms)));
        }
    }

    static final class Slow {
        Slow(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
