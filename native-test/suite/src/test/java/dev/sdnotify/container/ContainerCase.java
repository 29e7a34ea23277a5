package dev.sdnotify.container;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A case of the container suite: its name in the results and in {@code native-test/run.sh CASE}, followed by a
 * test's String argument if it has one ({@code hardened-strict}), or that argument alone if the name is empty (each
 * web service of {@link WebServiceCase}). Its tests run against the booted container (see {@link ContainerCases}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("container")
@ExtendWith(ContainerCases.class)
@interface ContainerCase {
    String value();
}
