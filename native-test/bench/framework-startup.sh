#!/usr/bin/env bash
# The start-up time each framework module adds: the web services of native-test/consumer (Spring Boot 4 and 3.5
# with their starters, Quarkus with the extension, Micronaut with the module) started BENCH_STARTUP_N times
# (default 7) per variant, the variants interleaved so that drift in the machine's load falls on all of them, on
# the JDK 17..21 (JNA gateway) and the JDK 22+ (FFM gateway). Per start: the milliseconds from the JVM's launch
# until its HTTP port accepts a connection (a poll every millisecond), and until READY=1 reaches the supervisor
# (a Python receiver). Prints medians, and each variant's difference to the module switched off.
#
#   off        NOTIFY_SOCKET set, the module switched off by its property: on the class path, doing nothing
#   on         NOTIFY_SOCKET set: statuses, READY=1, the backend's load
#   no-socket  no NOTIFY_SOCKET (a laptop, a test)
#
#   native-test/bench/framework-startup.sh [SERVICE...]   (default: spring-boot spring-boot3 quarkus micronaut)
set -euo pipefail
cd "$(dirname "$0")/../.."
source native-test/lib/jdk.sh
source native-test/lib/java.sh
nt_select_jdks >/dev/null
services=("$@")
[ "${#services[@]}" -gt 0 ] || services=(spring-boot spring-boot3 quarkus micronaut)
nt_build_web_services "${services[@]}" >&2
n="${BENCH_STARTUP_N:-7}"
work=$(mktemp -d "${TMPDIR:-/tmp}/sdnotify-startup-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The service's command line on port $2 with the module switched off ($3 = off), after the JVM's options.
command_of() {
  local service=$1 port=$2 off=$3 app
  app=$(nt_web_service "$service")
  case "$service" in
    spring-boot | spring-boot3)
      echo "-jar $app --server.port=$port $([ "$off" = off ] && echo --sdnotify.enabled=false)" ;;
    quarkus)
      echo "-Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=$port $([ "$off" = off ] && echo -Dquarkus.sdnotify.enabled=false) -jar $app/quarkus-run.jar" ;;
    micronaut)
      echo "-Dmicronaut.server.host=127.0.0.1 -Dmicronaut.server.port=$port $([ "$off" = off ] && echo -Dsdnotify.enabled=false) -jar $app" ;;
  esac
}

# One start of variant $3 of service $2 on JDK $1: prints "LISTEN_MS READY_MS" (READY_MS - when none came).
start_once() {
  local jdk=$1 service=$2 variant=$3 port sock=""
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  [ "$variant" = no-socket ] || sock="$work/notify"
  # shellcheck disable=SC2046 # the command line is words without spaces
  # The services' temporary files (Tomcat's base directory, Vert.x's cache) go to the run's own directory.
  python3 - "$variant" "$sock" "$port" "$jdk/bin/java" $(nt_native_access_opt "$jdk") -Djava.io.tmpdir="$work" \
    $(command_of "$service" "$port" "$variant") <<'PY'
import os, socket, subprocess, sys, time
variant, sock, port, argv = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
env = dict(os.environ)
env.pop("NOTIFY_SOCKET", None)
rx = None
if sock:
    if os.path.exists(sock):
        os.unlink(sock)
    rx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    rx.bind(sock)
    rx.setblocking(False)
    env["NOTIFY_SOCKET"] = sock
t0 = time.monotonic()
p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
listen = ready = None
while time.monotonic() - t0 < 120 and p.poll() is None and (listen is None or (variant == "on" and ready is None)):
    if listen is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            listen = time.monotonic()
        except OSError:
            pass
    while rx and ready is None:
        try:
            if b"READY=1" in rx.recv(65536).split(b"\n"):
                ready = time.monotonic()
        except BlockingIOError:
            break
    time.sleep(0.001)
p.terminate()
p.wait()
if listen is None:
    sys.exit("the service never listened on port %d" % port)
print("%.0f %s" % ((listen - t0) * 1000, "%.0f" % ((ready - t0) * 1000) if ready else "-"))
PY
}

median() {
  sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'
}

echo "start-up per framework module, $n starts per variant, medians in ms from the JVM's launch; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-13s %-7s %-10s %11s %11s %11s\n' service gateway variant "port open" "vs off" "READY=1"
for pair in "$NT_JDK_JNA:JNA" "$NT_JDK_FFM:FFM"; do
  jdk=${pair%:*}
  gw=${pair##*:}
  for service in "${services[@]}"; do
    for v in off on no-socket; do : >"$work/$v"; done
    for _ in $(seq "$n"); do
      for v in off on no-socket; do start_once "$jdk" "$service" "$v" >>"$work/$v"; done
    done
    off=$(cut -d' ' -f1 "$work/off" | median)
    for v in off on no-socket; do
      m=$(cut -d' ' -f1 "$work/$v" | median)
      r=-
      [ "$v" != on ] || r=$(cut -d' ' -f2 "$work/$v" | median)
      printf '%-13s %-7s %-10s %11s %+11.1f %11s\n' "$service" "$gw" "$v" "$m" \
        "$(awk -v a="$m" -v b="$off" 'BEGIN {print a - b}')" "$r"
    done
  done
done
