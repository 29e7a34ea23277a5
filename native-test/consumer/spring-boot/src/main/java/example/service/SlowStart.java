package example.service;

import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;

/**
 * Registers {@code beans} beans whose construction takes {@code ms} each: a fifth of it computing, the rest
 * waiting. The computing is progress as the starter counts it (CPU time), at a fraction of a core.
 */
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
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms / 5);
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            try {
                Thread.sleep(ms - ms / 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
