/*
 * Preloaded into the JVMs of the version matrix: socket(AF_VSOCK, ...) fails with EAFNOSUPPORT, so that no
 * libsystemd (253 and later connect vsock addresses) can reach a vsock peer from a test. On these machines
 * CID 2 is the hypervisor, and network namespaces do not isolate vsock. Only libsystemd's calls, which go
 * through the global symbol scope, meet this socket(); the tests themselves must never give a well-formed
 * vsock address to any backend (their harness refuses one).
 *
 * It uses nothing newer than glibc 2.2.5 (syscall, errno), so one build loads in every suite's rootfs.
 */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#define AF_VSOCK_FAMILY 40

int socket(int domain, int type, int protocol) {
    if (domain == AF_VSOCK_FAMILY) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    return (int) syscall(SYS_socket, domain, type, protocol);
}
