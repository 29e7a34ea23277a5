// Launches one process as a service manager would and times it: from just before fork to the READY=1
// signal, and to the process's exit. The child gets NOTIFY_SOCKET pointing at a fresh datagram socket
// owned by this launcher, and its stdout on a pipe. READY=1 counts when it arrives on the socket (the
// library's way) or as a line "READY=1" on stdout (the way of a program that has no notify library);
// other stdout lines are passed through with a "child: " prefix.
//
// usage: coldstart SOCKET_PATH TIMEOUT_SECONDS COMMAND [ARG...]
// Prints "ready_ms=R exit_ms=E via=socket|stdout" and exits 0, or exits 1 naming what went wrong.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int has_ready_line(const char *text, size_t length) {
    // A state line on its own: start of text or after a newline, followed by a newline or the end.
    static const char READY[] = "READY=1";
    size_t n = sizeof READY - 1;
    for (size_t i = 0; i + n <= length; i++) {
        if ((i == 0 || text[i - 1] == '\n') && memcmp(text + i, READY, n) == 0
            && (i + n == length || text[i + n] == '\n')) {
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s SOCKET_PATH TIMEOUT_SECONDS COMMAND [ARG...]\n", argv[0]);
        return 2;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(argv[1]) >= sizeof addr.sun_path) {
        fprintf(stderr, "coldstart: socket path too long: %s\n", argv[1]);
        return 2;
    }
    strcpy(addr.sun_path, argv[1]);
    double timeout_ms = atof(argv[2]) * 1e3;

    int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (sock < 0 || setsockopt(sock, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0) {
        fprintf(stderr, "coldstart: socket: %s (errno %d)\n", strerror(errno), errno);
        return 1;
    }
    unlink(addr.sun_path);
    if (bind(sock, (struct sockaddr *) &addr, sizeof addr) < 0) {
        fprintf(stderr, "coldstart: bind %s: %s (errno %d)\n", addr.sun_path, strerror(errno), errno);
        return 1;
    }
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0 || setenv("NOTIFY_SOCKET", addr.sun_path, 1) < 0) {
        fprintf(stderr, "coldstart: pipe2/setenv: %s (errno %d)\n", strerror(errno), errno);
        return 1;
    }

    fflush(stdout);
    double start = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "coldstart: fork: %s (errno %d)\n", strerror(errno), errno);
        return 1;
    }
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        execvp(argv[3], argv + 3);
        fprintf(stderr, "coldstart: exec %s: %s (errno %d)\n", argv[3], strerror(errno), errno);
        _exit(127);
    }
    close(out[1]);

    double ready = -1;
    const char *via = "none";
    static char text[1 << 16];
    size_t text_length = 0;
    int stdout_open = 1;
    while (stdout_open) {
        double left = timeout_ms - (now_ms() - start);
        if (left <= 0) {
            fprintf(stderr, "coldstart: %s did not finish within %s s\n", argv[3], argv[2]);
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return 1;
        }
        struct pollfd fds[2] = {{.fd = sock, .events = POLLIN}, {.fd = out[0], .events = POLLIN}};
        int n = poll(fds, 2, (int) left + 1);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "coldstart: poll: %s (errno %d)\n", strerror(errno), errno);
            return 1;
        }
        if (fds[0].revents & POLLIN) {
            char payload[4096];
            ssize_t got = recv(sock, payload, sizeof payload, MSG_DONTWAIT);
            if (got > 0 && ready < 0 && has_ready_line(payload, (size_t) got)) {
                ready = now_ms() - start;
                via = "socket";
            }
        }
        if (fds[1].revents & (POLLIN | POLLHUP)) {
            // Past the buffer's end the output is read and dropped: only the first lines matter.
            static char overflow[4096];
            size_t room = sizeof text - 1 - text_length;
            ssize_t got = room > 0 ? read(out[0], text + text_length, room) : read(out[0], overflow, sizeof overflow);
            if (got <= 0) {
                stdout_open = 0;
            } else if (room > 0) {
                text_length += (size_t) got;
                if (ready < 0 && has_ready_line(text, text_length)) {
                    ready = now_ms() - start;
                    via = "stdout";
                }
            }
        }
    }
    int status;
    waitpid(pid, &status, 0);
    double exited = now_ms() - start;
    unlink(addr.sun_path);

    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (strcmp(line, "READY=1") != 0) {
            printf("child: %s\n", line);
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (WIFEXITED(status)) {
            fprintf(stderr, "coldstart: %s exited with code %d\n", argv[3], WEXITSTATUS(status));
        } else {
            fprintf(stderr, "coldstart: %s was killed by signal %d\n", argv[3], WTERMSIG(status));
        }
        return 1;
    }
    if (ready < 0) {
        fprintf(stderr, "coldstart: %s exited without sending READY=1\n", argv[3]);
        return 1;
    }
    printf("ready_ms=%.2f exit_ms=%.2f via=%s\n", ready, exited, via);
    return 0;
}
