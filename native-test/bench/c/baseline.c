// The C reference points for one keep-alive, sent to the same receiver as the Java benchmarks:
//   sendto     "WATCHDOG=1" with sendto on a datagram socket opened once: the practical floor.
//   sd_notify  sd_notify(0, "WATCHDOG=1") through libsystemd, with NOTIFY_SOCKET set to the socket.
//   kept       the java backend's steps written in C: read NOTIFY_SOCKET and compare it with the copy
//              parsed before, query the ids (credentials are needed when real and effective differ),
//              copy the payload into the message buffer, sendmsg on a socket opened once. What the
//              java backend would cost without the Java-to-native calls.
// Runs timed batches of BATCH_SECONDS each (the first WARMUP ones discarded) and prints each batch's
// ns/call and their median.
//
// usage: baseline sendto|sd_notify|kept SOCKET_PATH WARMUP BATCHES BATCH_SECONDS
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

// From <systemd/sd-daemon.h>, which only libsystemd-dev installs.
int sd_notify(int unset_environment, const char *state);

static const char MESSAGE[] = "WATCHDOG=1";
// Reading the clock once per this many calls keeps its cost out of the figure.
#define CALLS_PER_CHECK 256

static int sock = -1;
static struct sockaddr_un addr = {.sun_family = AF_UNIX};

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void send_sendto(void) {
    ssize_t n = sendto(sock, MESSAGE, sizeof MESSAGE - 1, MSG_NOSIGNAL, (struct sockaddr *) &addr, sizeof addr);
    if (n != (ssize_t) (sizeof MESSAGE - 1)) {
        fprintf(stderr, "baseline: sendto %s: %s (errno %d)\n", addr.sun_path, strerror(errno), errno);
        exit(1);
    }
}

static void send_sd_notify(void) {
    int r = sd_notify(0, MESSAGE);
    if (r <= 0) {
        fprintf(stderr, "baseline: sd_notify returned %d (%s)\n", r, r < 0 ? strerror(-r) : "NOTIFY_SOCKET unset");
        exit(1);
    }
}

static char kept_socket_path[sizeof addr.sun_path];
static char payload[4096];

static void send_kept(void) {
    const char *e = getenv("NOTIFY_SOCKET");
    if (e == NULL || strcmp(e, kept_socket_path) != 0) {
        fprintf(stderr, "baseline: NOTIFY_SOCKET changed\n");
        exit(1);
    }
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0) {
        fprintf(stderr, "baseline: getresuid/getresgid: %s (errno %d)\n", strerror(errno), errno);
        exit(1);
    }
    if (ruid != euid || rgid != egid) {
        fprintf(stderr, "baseline: kept mode does not send credentials\n");
        exit(1);
    }
    memcpy(payload, MESSAGE, sizeof MESSAGE - 1);
    struct iovec iov = {.iov_base = payload, .iov_len = sizeof MESSAGE - 1};
    struct msghdr msg = {.msg_name = &addr, .msg_namelen = sizeof addr, .msg_iov = &iov, .msg_iovlen = 1};
    ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    if (n != (ssize_t) (sizeof MESSAGE - 1)) {
        fprintf(stderr, "baseline: sendmsg %s: %s (errno %d)\n", addr.sun_path, strerror(errno), errno);
        exit(1);
    }
}

static int compare(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s sendto|sd_notify|kept SOCKET_PATH WARMUP BATCHES BATCH_SECONDS\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    int warmup = atoi(argv[3]), batches = atoi(argv[4]);
    double seconds = atof(argv[5]);
    if (batches < 1 || warmup < 0 || seconds <= 0 || strlen(argv[2]) >= sizeof addr.sun_path) {
        fprintf(stderr, "baseline: bad arguments\n");
        return 2;
    }
    strcpy(addr.sun_path, argv[2]);

    void (*send_one)(void);
    if (strcmp(mode, "sendto") == 0) {
        send_one = send_sendto;
    } else if (strcmp(mode, "kept") == 0) {
        send_one = send_kept;
    } else if (strcmp(mode, "sd_notify") == 0) {
        send_one = send_sd_notify;
    } else {
        fprintf(stderr, "baseline: unknown mode %s\n", mode);
        return 2;
    }
    // sendto and kept send on a socket of their own; kept and sd_notify read NOTIFY_SOCKET.
    if (send_one != send_sd_notify) {
        sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0) {
            fprintf(stderr, "baseline: socket: %s (errno %d)\n", strerror(errno), errno);
            return 1;
        }
    }
    if (send_one != send_sendto) {
        if (setenv("NOTIFY_SOCKET", argv[2], 1) != 0) {
            fprintf(stderr, "baseline: setenv: %s (errno %d)\n", strerror(errno), errno);
            return 1;
        }
        strcpy(kept_socket_path, argv[2]);
    }

    double *results = calloc((size_t) batches, sizeof *results);
    long long budget = (long long) (seconds * 1e9);
    for (int b = 0; b < warmup + batches; b++) {
        long long calls = 0, start = now_ns(), elapsed;
        do {
            for (int i = 0; i < CALLS_PER_CHECK; i++) {
                send_one();
            }
            calls += CALLS_PER_CHECK;
            elapsed = now_ns() - start;
        } while (elapsed < budget);
        double per_call = (double) elapsed / (double) calls;
        printf("%s %s %d: %.1f ns/call (%lld calls)\n", mode, b < warmup ? "warmup" : "batch",
               b < warmup ? b + 1 : b - warmup + 1, per_call, calls);
        if (b >= warmup) {
            results[b - warmup] = per_call;
        }
    }
    qsort(results, (size_t) batches, sizeof *results, compare);
    double median = batches % 2 ? results[batches / 2]
                                : (results[batches / 2 - 1] + results[batches / 2]) / 2;
    printf("median %s %.1f min %.1f max %.1f\n", mode, median, results[0], results[batches - 1]);
    return 0;
}
