package dev.sdnotify.spring.boot;

import java.util.Set;

/** Actuator's health groups, as far as the watchdog asks: defined where Actuator is present. */
interface HealthGroups {
    /** The names of the groups the application defines. */
    Set<String> names();

    /** The status code of {@code group} now ({@code UP}, {@code DOWN}, ...), or a word saying why there is none. */
    String status(String group);
}
