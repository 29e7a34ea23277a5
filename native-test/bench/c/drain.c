// Stands in for the service manager's notify socket: an AF_UNIX datagram socket with SO_PASSCRED, read
// as fast as possible so senders block only as long as a quick manager would make them. Every fd that
// arrives (SCM_RIGHTS) is closed at once, which is also what lets a barrier's sender return.
//
// usage: drain SOCKET_PATH
// Runs until SIGTERM or SIGINT, then prints what it received on stdout.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define BATCH 16
#define PAYLOAD_MAX 4096
#define FDS_MAX 253

static volatile sig_atomic_t stop;

static void on_signal(int sig) {
    (void) sig;
    stop = 1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s SOCKET_PATH\n", argv[0]);
        return 2;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof(addr.sun_path)) {
        fprintf(stderr, "drain: socket path too long: %s\n", argv[1]);
        return 2;
    }
    strcpy(addr.sun_path, argv[1]);

    // No SA_RESTART: the signal must interrupt the blocking receive.
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fprintf(stderr, "drain: socket: %s (errno %d)\n", strerror(errno), errno);
        return 1;
    }
    int one = 1;
    // The manager asks for credentials on every message; so does this receiver, for the same kernel work.
    if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0) {
        fprintf(stderr, "drain: setsockopt SO_PASSCRED: %s (errno %d)\n", strerror(errno), errno);
        return 1;
    }
    unlink(addr.sun_path);
    if (bind(fd, (struct sockaddr *) &addr, sizeof addr) < 0) {
        fprintf(stderr, "drain: bind %s: %s (errno %d)\n", addr.sun_path, strerror(errno), errno);
        return 1;
    }

    static char payload[BATCH][PAYLOAD_MAX];
    static union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * FDS_MAX)];
    } control[BATCH];
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];

    unsigned long long datagrams = 0, fds_closed = 0, truncated = 0;
    while (!stop) {
        for (int i = 0; i < BATCH; i++) {
            iov[i] = (struct iovec){.iov_base = payload[i], .iov_len = PAYLOAD_MAX};
            msgs[i].msg_hdr = (struct msghdr){
                .msg_iov = &iov[i],
                .msg_iovlen = 1,
                .msg_control = control[i].buf,
                .msg_controllen = sizeof control[i].buf,
            };
        }
        int n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE | MSG_CMSG_CLOEXEC, NULL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fprintf(stderr, "drain: recvmmsg: %s (errno %d)\n", strerror(errno), errno);
            return 1;
        }
        for (int i = 0; i < n; i++) {
            struct msghdr *m = &msgs[i].msg_hdr;
            datagrams++;
            if (m->msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
                truncated++;
            }
            for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                    int *received = (int *) CMSG_DATA(c);
                    for (size_t k = 0; k < count; k++) {
                        close(received[k]);
                        fds_closed++;
                    }
                }
            }
        }
    }
    close(fd);
    unlink(addr.sun_path);
    printf("datagrams=%llu fds_closed=%llu truncated=%llu\n", datagrams, fds_closed, truncated);
    return 0;
}
