#!/usr/bin/env bash
# Builds and runs every benchmark from a fresh clone and prints one summary table (also written to
# native-test/bench/target/bench/summary.txt). Extra arguments go to JMH: a benchmark regex, -prof stack...
#
# Settings (environment):
#   BENCH_JMH_ARGS  JMH run options               default: -f 1 -wi 5 -w 1s -i 7 -r 1s
#   BENCH_C_ARGS    C warm-up batches, batches, seconds per batch   default: 5 7 1
#   BENCH_COLD_N    cold-start launches per variant                  default: 15
#   JAVA            the java launcher                                default: java
set -euo pipefail

bench="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$bench/../.." && pwd)"
out="$bench/target/bench"
jmh_args="${BENCH_JMH_ARGS:--f 1 -wi 5 -w 1s -i 7 -r 1s}"
read -r c_warmup c_batches c_seconds <<<"${BENCH_C_ARGS:-5 7 1}"
cold_n="${BENCH_COLD_N:-15}"
java="${JAVA:-java}"
started="${BENCH_STARTED:-$(date +%s)}"
export BENCH_STARTED="$started"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

die() {
  echo "run.sh: $*" >&2
  exit 1
}
for tool in "$java" mvn gcc; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
compgen -G '/usr/lib/*/libsystemd.so.0' >/dev/null || compgen -G '/lib/*/libsystemd.so.0' >/dev/null \
  || die "libsystemd.so.0 is not installed (Debian: libsystemd0)"

jar="$bench/target/benchmarks.jar"
if [ -z "${BENCH_MEASURING:-}" ]; then
  rm -rf "$out"
  mkdir -p "$out"
  echo "== building the library (installed to ~/.m2), the benchmarks and the C programs"
  (cd "$root" && mvn -q -B -DskipTests install)
  (cd "$bench" && mvn -q -B package)
  gcc -O2 -Wall -Wextra -o "$out/drain" "$bench/c/drain.c"
  gcc -O2 -Wall -Wextra -o "$out/baseline" "$bench/c/baseline.c" -l:libsystemd.so.0
  gcc -O2 -Wall -Wextra -o "$out/coldstart" "$bench/c/coldstart.c"
  # The kernel's default queue of 10 datagrams makes every sender wait for the receiver, so all rows would
  # measure the receiver. systemd raises it to 512 on the hosts it boots (sysctl.d/50-default.conf); do the
  # same in a private network namespace, where the setting cannot touch the host's.
  if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
    exec unshare --net env BENCH_MEASURING=1 BENCH_QLEN=512 "$0" "$@"
  fi
  echo "run.sh: not root, so the receive queue stays at $(cat /proc/sys/net/unix/max_dgram_qlen) datagrams" >&2
fi
if [ -n "${BENCH_QLEN:-}" ]; then
  echo "$BENCH_QLEN" >/proc/sys/net/unix/max_dgram_qlen
  # JMH talks to its forks over loopback, which a new network namespace has down.
  ip link set lo up || die "cannot bring up loopback in the benchmark's network namespace"
fi
qlen="$(cat /proc/sys/net/unix/max_dgram_qlen)"
echo "== measuring with net.unix.max_dgram_qlen=$qlen"

work="$(mktemp -d)"
drain_pid=""
cleanup() {
  if [ -n "$drain_pid" ]; then
    kill -TERM "$drain_pid" 2>/dev/null || true
    wait "$drain_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# One receiver for the C baselines and every JMH fork.
socket="$work/notify.sock"
"$out/drain" "$socket" >"$out/drain.txt" &
drain_pid=$!
for _ in $(seq 100); do
  [ -S "$socket" ] && break
  sleep 0.05
done
[ -S "$socket" ] || die "the receiver did not bind $socket"

echo "== C baselines: $c_warmup warm-up + $c_batches batches of ${c_seconds}s each (log: $out/c.log)"
: >"$out/c.tsv"
for mode in sendto sd_notify kept; do
  "$out/baseline" "$mode" "$socket" "$c_warmup" "$c_batches" "$c_seconds" >>"$out/c.log"
  awk -v m="$mode" '$1 == "median" && $2 == m { print m "\t" $3 "\t" $5 "\t" $7 }' "$out/c.log" >>"$out/c.tsv"
done

echo "== JMH: $jmh_args -prof gc${*:+ $*} (log: $out/jmh.log)"
# shellcheck disable=SC2086 # the JMH options are meant to split into words
BENCH_NOTIFY_SOCKET="$socket" "$java" -Dbench.results="$out/jmh.tsv" -cp "$jar" dev.sdnotify.bench.RunBenchmarks \
  $jmh_args -prof gc "$@" 2>&1 | tee "$out/jmh.log" | grep --line-buffered -E '^# (Benchmark|Parameters):' || true
[ -s "$out/jmh.tsv" ] || die "JMH wrote no results; see $out/jmh.log"
if grep -q '<failure>' "$out/jmh.log"; then
  echo "run.sh: some benchmarks failed and show as '-'; see $out/jmh.log" >&2
fi

kill -TERM "$drain_pid"
wait "$drain_pid" || die "the receiver failed; see $out/drain.txt"
drain_pid=""

# The "tuned" variants use what a deployer can set for startup, none of which the library sets itself since
# each is JVM-wide: an AppCDS archive of the classes a first call loads (trained by one launch), JNA's
# native stub unpacked once (jna.boot.library.path: no copy to a temporary file per launch) and JNA's
# library directories given (jna.platform.library.path: no ldconfig child per launch).
echo "== cold start: preparing the tuned variants (AppCDS archive, unpacked JNA stub, library directories)"
jna_arch="$(uname -m | sed 's/^x86_64$/x86-64/')"
jar_tool="$(dirname "$(readlink -f "$(command -v "$java")")")/jar"
mkdir -p "$out/jna-boot"
(cd "$out/jna-boot" && "$jar_tool" xf "$jar" "com/sun/jna/linux-$jna_arch/libjnidispatch.so") \
  && [ -f "$out/jna-boot/com/sun/jna/linux-$jna_arch/libjnidispatch.so" ] \
  || die "could not unpack JNA's stub for linux-$jna_arch from $jar with $jar_tool"
multiarch="$(gcc -print-multiarch)"
tuned_opts=(-Djna.boot.library.path="$out/jna-boot/com/sun/jna/linux-$jna_arch"
  -Djna.platform.library.path="/lib/$multiarch:/usr/lib/$multiarch:/lib:/usr/lib")
for backend in java libsystemd; do
  "$out/coldstart" "$work/cold.sock" 60 "$java" -XX:ArchiveClassesAtExit="$out/cds-$backend.jsa" \
    -Xlog:cds=off -Xlog:cds+dynamic=off "${tuned_opts[@]}" -Dsdnotify.backend="$backend" -cp "$jar" \
    dev.sdnotify.bench.ColdStartService >>"$out/cold.log" || die "the AppCDS training launch of $backend failed"
  [ -s "$out/cds-$backend.jsa" ] || die "the AppCDS training launch of $backend wrote no archive"
done

echo "== cold start: $cold_n launches of each variant, interleaved, after one discarded round (log: $out/cold.log)"
: >"$out/cold.tsv"
for round in $(seq 0 "$cold_n"); do
  for variant in none java libsystemd java-tuned libsystemd-tuned; do
    backend="${variant%-tuned}"
    if [ "$variant" = none ]; then
      cmd=("$java" -cp "$jar" dev.sdnotify.bench.ColdStartBaseline)
    elif [ "$variant" = "$backend" ]; then
      cmd=("$java" -Dsdnotify.backend="$backend" -cp "$jar" dev.sdnotify.bench.ColdStartService)
    else
      cmd=("$java" -Xshare:on -XX:SharedArchiveFile="$out/cds-$backend.jsa" "${tuned_opts[@]}" -Dsdnotify.backend="$backend"
        -cp "$jar" dev.sdnotify.bench.ColdStartService)
    fi
    result="$("$out/coldstart" "$work/cold.sock" 60 "${cmd[@]}")" || die "cold start of $variant failed"
    printf '%s round %s: %s\n' "$variant" "$round" "${result//$'\n'/ }" >>"$out/cold.log"
    ready=$(sed -n 's/.*ready_ms=\([0-9.]*\).*/\1/p' <<<"$result")
    exited=$(sed -n 's/.*exit_ms=\([0-9.]*\).*/\1/p' <<<"$result")
    first=$(sed -n 's/.*first_call_ns=\([0-9]*\).*/\1/p' <<<"$result")
    if [ "$variant" != none ]; then
      grep -q "backend=$backend" <<<"$result" || die "cold start of $variant ran another backend: $result"
      grep -q "via=socket" <<<"$result" || die "cold start of $variant did not notify on the socket: $result"
      first=$(awk -v ns="$first" 'BEGIN { printf "%.3f", ns / 1e6 }')
    else
      first="-"
    fi
    if [ "$round" -gt 0 ]; then
      printf '%s\t%s\t%s\t%s\n' "$variant" "$ready" "$exited" "$first" >>"$out/cold.tsv"
    fi
  done
done

echo
"$java" -Dbench.settings="JMH $jmh_args -prof gc${*:+ $*}; C $c_warmup+$c_batches x ${c_seconds}s; cold start x$cold_n" \
  -Dbench.load="$load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; net.unix.max_dgram_qlen=$qlen" \
  -cp "$jar" dev.sdnotify.bench.Summary "$out"
echo "run took $(($(date +%s) - started)) s, builds included" | tee -a "$out/summary.txt"
