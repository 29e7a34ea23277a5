#!/usr/bin/env bash
# The start-up time the Spring Boot starter adds: the service of native-test/consumer/spring-boot started
# BENCH_SPRING_N times (default 7) per variant, the variants interleaved so that drift in the machine's load
# falls on all of them, on the JDK 11..21 (JNA gateway) and the JDK 22+ (FFM gateway). Per start it reads
# Spring Boot's own "process running for" figure at ApplicationReadyEvent, and prints medians and the
# differences to the starter switched off. A python3 receiver is the supervisor.
#
#   off        NOTIFY_SOCKET set, sdnotify.enabled=false: the starter on the class path, doing nothing
#   on         NOTIFY_SOCKET set: READY=1, start-up statuses and extensions (the backend's load included)
#   no-socket  no NOTIFY_SOCKET (a laptop, a test): the starter's conditions only
set -euo pipefail
cd "$(dirname "$0")/../.."
source native-test/lib/jdk.sh
source native-test/lib/java.sh
nt_select_jdks
nt_build_library
nt_build_spring_service
n="${BENCH_SPRING_N:-7}"
work=$(mktemp -d "${TMPDIR:-/tmp}/sdnotify-spring-bench.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    s.recv(65536)
' "$work/notify" &
sleep 0.5

# Seconds from the JVM's start to ApplicationReadyEvent, as Spring Boot logs it.
start_once() {
  local jdk="$1" variant="$2" opts=() env=(NOTIFY_SOCKET="$work/notify")
  # shellcheck disable=SC2207
  opts+=($(nt_native_access_opt "$jdk"))
  case "$variant" in
    off) opts+=(-Dsdnotify.enabled=false) ;;
    no-socket) env=(-u NOTIFY_SOCKET) ;;
  esac
  env "${env[@]}" "$jdk/bin/java" "${opts[@]}" -jar "$NT_SPRING_JAR" --server.port=0 \
    --spring.main.lazy-initialization=false >"$work/out" 2>&1 &
  local pid=$! t=""
  for _ in $(seq 600); do
    t=$(sed -n 's/.*(process running for \([0-9.]*\)).*/\1/p' "$work/out")
    [ -n "$t" ] && break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -n "$t" ] || { echo "no start-up figure; the service said:" >&2; tail -n 20 "$work/out" >&2; return 1; }
  echo "$t"
}

median() {
  sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'
}

echo "spring-boot start-up, $n starts per variant (seconds to ApplicationReadyEvent, median); load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-5s %-10s %8s %8s\n' gateway variant median "vs off"
for pair in "$NT_JDK_JNA:JNA" "$NT_JDK_FFM:FFM"; do
  jdk=${pair%:*}
  gw=${pair##*:}
  for v in off on no-socket; do : >"$work/$v"; done
  for _ in $(seq "$n"); do
    for v in off on no-socket; do start_once "$jdk" "$v" >>"$work/$v"; done
  done
  off=$(median <"$work/off")
  for v in off on no-socket; do
    m=$(median <"$work/$v")
    printf '%-5s %-10s %8.3f %+8.3f\n' "$gw" "$v" "$m" "$(awk -v a="$m" -v b="$off" 'BEGIN {print a - b}')"
  done
done
