/*
 * A libsystemd.so.0 as old releases were: without sd_notify_barrier (v246) and sd_pid_notify_barrier (v254), and
 * with WITHOUT_NAMES defined, also without sd_listen_fds_with_names (v227). Every function it has forwards to the
 * host's real library, opened by its path (REAL_LIBSYSTEMD).
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

static void *real(const char *symbol) {
    static void *library;
    if (!library) {
        library = dlopen(REAL_LIBSYSTEMD, RTLD_NOW | RTLD_LOCAL);
        if (!library) {
            abort();
        }
    }
    void *f = dlsym(library, symbol);
    if (!f) {
        abort();
    }
    return f;
}

int sd_notify(int unset_environment, const char *state) {
    return ((int (*)(int, const char *)) real("sd_notify"))(unset_environment, state);
}

int sd_pid_notify(pid_t pid, int unset_environment, const char *state) {
    return ((int (*)(pid_t, int, const char *)) real("sd_pid_notify"))(pid, unset_environment, state);
}

int sd_pid_notify_with_fds(pid_t pid, int unset_environment, const char *state, const int *fds, unsigned n_fds) {
    return ((int (*)(pid_t, int, const char *, const int *, unsigned)) real("sd_pid_notify_with_fds"))(
            pid, unset_environment, state, fds, n_fds);
}

int sd_watchdog_enabled(int unset_environment, uint64_t *usec) {
    return ((int (*)(int, uint64_t *)) real("sd_watchdog_enabled"))(unset_environment, usec);
}

int sd_booted(void) {
    return ((int (*)(void)) real("sd_booted"))();
}

int sd_listen_fds(int unset_environment) {
    return ((int (*)(int)) real("sd_listen_fds"))(unset_environment);
}

#ifndef WITHOUT_NAMES
int sd_listen_fds_with_names(int unset_environment, char ***names) {
    return ((int (*)(int, char ***)) real("sd_listen_fds_with_names"))(unset_environment, names);
}
#endif
