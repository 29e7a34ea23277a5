#!/usr/bin/env bash
# Builds and runs every benchmark from a fresh clone and prints one summary table (also written to
# native-test/bench/target/bench/summary.txt). The JMH benchmarks and cold starts run twice: on a JDK from
# 11 to 21 (the JNA gateway) and on a JDK 22 or later (the FFM gateway). Extra arguments go to both JMH runs:
# a benchmark regex, -prof stack...
#
# Settings (environment):
#   BENCH_JMH_ARGS      JMH run options, JNA gateway      default: -f 1 -wi 5 -w 1s -i 7 -r 1s
#   BENCH_JMH_FFM_ARGS  JMH run options, FFM gateway      default: -f 1 -wi 4 -w 1s -i 5 -r 1s
#   BENCH_C_ARGS        C warm-up batches, batches, seconds per batch   default: 5 7 1
#   BENCH_COLD_N        cold-start launches per variant                  default: 15
#   BENCH_STAGES_N      fresh JVMs per backend timing the FFM first call's steps   default: 7
#   JAVA                the java launcher for JNA         default: the JDK 11..21 native-test/lib/jdk.sh finds
#   JAVA_FFM            the java launcher for FFM         default: the JDK 22+ native-test/lib/jdk.sh finds
set -euo pipefail

bench="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$bench/../.." && pwd)"
out="$bench/target/bench"
jmh_args="${BENCH_JMH_ARGS:--f 1 -wi 5 -w 1s -i 7 -r 1s}"
jmh_ffm_args="${BENCH_JMH_FFM_ARGS:--f 1 -wi 4 -w 1s -i 5 -r 1s}"
read -r c_warmup c_batches c_seconds <<<"${BENCH_C_ARGS:-5 7 1}"
cold_n="${BENCH_COLD_N:-15}"
stages_n="${BENCH_STAGES_N:-7}"
started="${BENCH_STARTED:-$(date +%s)}"
export BENCH_STARTED="$started"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

die() {
  echo "run.sh: $*" >&2
  exit 1
}
# A step's heading, with the seconds since the run started.
phase() {
  echo "== [$(($(date +%s) - started)) s] $*"
}
# The library builds on a JDK >= 22 (its FFM classes); nt_mvn runs Maven there.
# shellcheck source=../lib/jdk.sh
source "$root/native-test/lib/jdk.sh"
nt_select_jdks || die "the benchmarks need both JDKs"
java="${JAVA:-$NT_JDK_JNA/bin/java}"
java_ffm="${JAVA_FFM:-$NT_JDK_FFM/bin/java}"
# FFM's downcalls are restricted methods; JNA's too on JDK 24 and later (a warning without the flag).
ffm_opts=(--enable-native-access=ALL-UNNAMED)
for tool in "$java" "$java_ffm" mvn gcc; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
compgen -G '/usr/lib/*/libsystemd.so.0' >/dev/null || compgen -G '/lib/*/libsystemd.so.0' >/dev/null \
  || die "libsystemd.so.0 is not installed (Debian: libsystemd0)"

jar="$bench/target/benchmarks.jar"
if [ -z "${BENCH_MEASURING:-}" ]; then
  rm -rf "$out"
  mkdir -p "$out"
  phase "building the library (installed to ~/.m2), the benchmarks and the C programs"
  (cd "$root" && nt_mvn -q -B -Dmaven.test.skip=true install)
  (cd "$bench" && nt_mvn -q -B package)
  # A shaded jar without Multi-Release: true, or without the versioned classes, would run JNA on JDK 22+.
  jar_ffm="$NT_JDK_FFM/bin/jar"
  "$jar_ffm" tf "$jar" | grep -qx 'META-INF/versions/22/dev/sdnotify/internal/ffm/FfmGateway.class' \
    || die "$jar lacks the library's META-INF/versions/22 classes"
  (cd "$out" && "$jar_ffm" xf "$jar" META-INF/MANIFEST.MF) && grep -q '^Multi-Release: true' "$out/META-INF/MANIFEST.MF" \
    || die "$jar is not a multi-release jar: the FFM gateway would not be used"
  rm -rf "$out/META-INF"
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
phase "measuring with net.unix.max_dgram_qlen=$qlen"

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

phase "C baselines: $c_warmup warm-up + $c_batches batches of ${c_seconds}s each (log: $out/c.log)"
: >"$out/c.tsv"
for mode in sendto sd_notify kept; do
  "$out/baseline" "$mode" "$socket" "$c_warmup" "$c_batches" "$c_seconds" >>"$out/c.log"
  awk -v m="$mode" '$1 == "median" && $2 == m { print m "\t" $3 "\t" $5 "\t" $7 }' "$out/c.log" >>"$out/c.tsv"
done

# One JMH run per gateway; each fork inherits the launcher's options. SendBenchmark checks the gateway.
jmh() {
  local name="$1" args="$2"
  shift 2
  phase "JMH, $name: $args -prof gc${*:+ $*} (log: $out/$name.log)"
  # shellcheck disable=SC2086 # the JMH options are meant to split into words
  # JMH's lock file goes to the JVM's temporary directory: here the run's own, not /tmp.
  BENCH_NOTIFY_SOCKET="$socket" "${launcher[@]}" -Djava.io.tmpdir="$out" -Dbench.results="$out/$name.tsv" -cp "$jar" \
    dev.sdnotify.bench.RunBenchmarks $args -prof gc "$@" 2>&1 | tee "$out/$name.log" \
    | grep --line-buffered -E '^# (Benchmark|Parameters):' || true
  [ -s "$out/$name.tsv" ] || die "JMH wrote no results; see $out/$name.log"
  if grep -q '<failure>' "$out/$name.log"; then
    echo "run.sh: some benchmarks failed and show as '-'; see $out/$name.log" >&2
  fi
}
launcher=("$java")
jmh jmh "$jmh_args" "$@"
launcher=("$java_ffm" "${ffm_opts[@]}")
jmh jmh-ffm "$jmh_ffm_args" "$@"

kill -TERM "$drain_pid"
wait "$drain_pid" || die "the receiver failed; see $out/drain.txt"
drain_pid=""

# The "tuned" variants use what a deployer can set for startup, none of which the library sets itself since
# each is JVM-wide: an AppCDS archive of the classes a first call loads (trained by one launch), JNA's
# native stub unpacked once (jna.boot.library.path: no copy to a temporary file per launch) and JNA's
# library directories given (jna.platform.library.path: no ldconfig child per launch).
phase "cold start: preparing the tuned variants (AppCDS archive, unpacked JNA stub, library directories)"
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

# A variant's command line: JNA variants on $java; none-ffm (the same empty JVM), ffm-java, ffm-libsystemd
# (the library) and ffm-minimal (MinimalFfmReady: the least FFM program that sends READY=1) on $java_ffm.
# The first argument is what to add to the JVM's options.
variant_command() {
  local variant="$1" backend="${1%-tuned}"
  shift
  case "$variant" in
    none) cmd=("$java" "$@" -cp "$jar" dev.sdnotify.bench.ColdStartBaseline) ;;
    java | libsystemd) cmd=("$java" "$@" -Dsdnotify.backend="$backend" -cp "$jar" dev.sdnotify.bench.ColdStartService) ;;
    ffm-*-tuned)
      cmd=("$java_ffm" "${ffm_opts[@]}" -XX:AOTCache="$out/aot-$backend.aot" "$@" -Dsdnotify.backend="${backend#ffm-}"
        -cp "$jar" dev.sdnotify.bench.ColdStartService) ;;
    *-tuned)
      cmd=("$java" -Xshare:on -XX:SharedArchiveFile="$out/cds-$backend.jsa" "${tuned_opts[@]}" "$@"
        -Dsdnotify.backend="$backend" -cp "$jar" dev.sdnotify.bench.ColdStartService) ;;
    none-ffm) cmd=("$java_ffm" "${ffm_opts[@]}" "$@" -cp "$jar" dev.sdnotify.bench.ColdStartBaseline) ;;
    ffm-minimal) cmd=("$java_ffm" "${ffm_opts[@]}" "$@" -cp "$jar" dev.sdnotify.bench.MinimalFfmReady) ;;
    ffm-*)
      cmd=("$java_ffm" "${ffm_opts[@]}" "$@" -Dsdnotify.backend="${variant#ffm-}" -cp "$jar"
        dev.sdnotify.bench.ColdStartService) ;;
    *) die "unknown cold-start variant $variant" ;;
  esac
}
cold_variants=(none java libsystemd java-tuned libsystemd-tuned none-ffm ffm-java ffm-libsystemd ffm-java-tuned
  ffm-libsystemd-tuned ffm-minimal)

# On the JDK 22+, "tuned" is its AOT cache (JDK 24+, JEP 483 and 514: classes loaded and linked, lambdas and
# method handles resolved), trained by one launch; the JNA settings do not apply there.
if [ "$("$java_ffm" -XX:+PrintFlagsFinal -version 2>/dev/null | grep -c ' AOTCacheOutput ')" = 1 ]; then
  phase "cold start: training the AOT caches of the FFM tuned variants"
  for backend in java libsystemd; do
    "$out/coldstart" "$work/cold.sock" 60 "$java_ffm" "${ffm_opts[@]}" -XX:AOTCacheOutput="$out/aot-ffm-$backend.aot" \
      -Dsdnotify.backend="$backend" -cp "$jar" dev.sdnotify.bench.ColdStartService >>"$out/cold.log" 2>&1 \
      && [ -s "$out/aot-ffm-$backend.aot" ] || die "the AOT cache training launch of ffm-$backend failed; see $out/cold.log"
  done
else
  echo "run.sh: $java_ffm has no AOT cache (JDK 24+): no FFM tuned variants" >&2
  cold_variants=(none java libsystemd java-tuned libsystemd-tuned none-ffm ffm-java ffm-libsystemd ffm-minimal)
fi

phase "cold start: $cold_n launches of each variant, interleaved, after one discarded round (log: $out/cold.log)"
: >"$out/cold.tsv"
for round in $(seq 0 "$cold_n"); do
  for variant in "${cold_variants[@]}"; do
    variant_command "$variant"
    result="$("$out/coldstart" "$work/cold.sock" 60 "${cmd[@]}")" || die "cold start of $variant failed"
    printf '%s round %s: %s\n' "$variant" "$round" "${result//$'\n'/ }" >>"$out/cold.log"
    ready=$(sed -n 's/.*ready_ms=\([0-9.]*\).*/\1/p' <<<"$result")
    exited=$(sed -n 's/.*exit_ms=\([0-9.]*\).*/\1/p' <<<"$result")
    first=$(sed -n 's/.*first_call_ns=\([0-9]*\).*/\1/p' <<<"$result")
    if [ "${variant#none}" = "$variant" ]; then
      backend="${variant%-tuned}"
      backend="${backend#ffm-}"
      gateway=JNA
      [ "${variant#ffm-}" = "$variant" ] || gateway=FFM
      grep -q "backend=$backend gateway=$gateway" <<<"$result" \
        || die "cold start of $variant ran another backend or gateway than $backend via $gateway: $result"
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

# The steps of the FFM first call, each timed in the order the library takes them (FfmStages), and the library's
# first call in three pieces, in fresh JVMs; every mode sends READY=1 to c/coldstart.
phase "FFM first call, step by step: $stages_n fresh JVMs per mode, interleaved (log: $out/stages.log)"
: >"$out/stages.log"
for _ in $(seq "$stages_n"); do
  for mode in java libsystemd library-java library-libsystemd; do
    "$out/coldstart" "$work/cold.sock" 60 "$java_ffm" "${ffm_opts[@]}" -cp "$jar" dev.sdnotify.bench.FfmStages "$mode" \
      >>"$out/stages.log" || die "FfmStages $mode failed; see $out/stages.log"
  done
done
sed -n 's/^child: stage\t//p' "$out/stages.log" >"$out/stages.tsv"

# Classes loaded by a launch that makes the first call (and prints nothing: -Dbench.silent) minus those of
# the empty launch on the same JDK; "not from CDS" are those the JDK's class data archive did not serve.
phase "classes loaded by the first call: one launch of each with -Xlog:class+load (logs: $out/classes-*.txt)"
: >"$out/classes.tsv"
for variant in none java libsystemd none-ffm ffm-java ffm-libsystemd ffm-minimal; do
  variant_command "$variant" -Xlog:class+load:file="$out/classes-$variant.txt" -Dbench.silent=true
  "$out/coldstart" "$work/cold.sock" 60 "${cmd[@]}" >/dev/null || die "the class-counting launch of $variant failed"
  printf '%s\t%s\t%s\t%s\n' "$variant" "$(grep -c 'class,load' "$out/classes-$variant.txt")" \
    "$(grep 'class,load' "$out/classes-$variant.txt" | grep -vc 'source: shared objects file')" \
    "$(grep -c 'source: __' "$out/classes-$variant.txt")" >>"$out/classes.tsv"
done

echo
"$java" -Dbench.settings="JMH $jmh_args (FFM: $jmh_ffm_args) -prof gc${*:+ $*}; C $c_warmup+$c_batches x ${c_seconds}s; cold start x$cold_n; stages x$stages_n" \
  -Dbench.jdks="JNA: $("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p'), FFM: $("$java_ffm" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')" \
  -Dbench.load="$load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; net.unix.max_dgram_qlen=$qlen" \
  -cp "$jar" dev.sdnotify.bench.Summary "$out"
echo "run took $(($(date +%s) - started)) s, builds included" | tee -a "$out/summary.txt"
