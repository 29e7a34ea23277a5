#!/usr/bin/env bash
# The version matrix: the contract tests and the differential fuzzer inside a Debian rootfs per suite, with
# that suite's libsystemd as the oracle and that suite's JDK where it can run the tests.
#
#   native-test/matrix.sh [SUITE...]        (default: bullseye trixie sid)
#
# Needs the jar and test classes of a build (native-test/test.sh, or nt_mvn -B verify) and builds a missing
# rootfs (native-test/rootfs/build.sh, cached in /var/cache/sdnotify-rootfs). Each run is one failsafe
# execution whose JVM is the suite's java, started in the rootfs by systemd-nspawn (no boot, loopback-only
# network, the rootfs under a throwaway overlay); the checkout is bound read-only, target/ read-write.
#
#   suite      systemd  JDKs run                                   fuzz cases
#   bullseye   247      Temurin 25 from the host (FFM)             20000
#   trixie     257      OpenJDK 21 (JNA), Temurin 25 (FFM)         20000
#   sid        262      OpenJDK 25 (FFM)                           100000
#
# JUnit 6 needs Java 17, so bullseye's OpenJDK 11 runs no tests here. Reports: target/matrix/<suite>-<gateway>/.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

source native-test/lib/jdk.sh
source native-test/rootfs/lib.sh
nt_select_jdks >/dev/null

SUITES=("$@")
[ "${#SUITES[@]}" -gt 0 ] || SUITES=(bullseye trixie sid)
TESTS="${NT_MATRIX_TESTS:-ContractTest,ListenFdsContractTest,BarrierContractTest,WatchdogContractTest,BootedContractTest,DifferentialFuzzReliabilityTest}"
JAR=$(ls target/sdnotify-*.jar 2>/dev/null | grep -v -- '-sources\|-javadoc' | head -n 1 || true)
[ -n "$JAR" ] && [ -d target/test-classes ] || { echo "matrix: no build in target/ (run native-test/test.sh first)" >&2; exit 1; }

native-test/rootfs/build.sh "${SUITES[@]}"

# No test may reach a vsock peer (CID 2 is the hypervisor here; network namespaces do not isolate vsock), and
# libsystemd 253 and later connect well-formed vsock addresses: every JVM of the matrix runs with socket()
# refusing AF_VSOCK for libsystemd (native-test/rootfs/no-vsock.c), besides the tests' own guard.
mkdir -p target/matrix
gcc -shared -fPIC -O2 -Wall -Werror -o target/matrix/no-vsock.so native-test/rootfs/no-vsock.c

# A JDK directory for failsafe's <jvm>: bin/java runs $3 (a java inside the rootfs, or a host JDK bound in
# read-only) in the rootfs of suite $1; release is that JDK's, for failsafe's version checks.
make_jdk() {
  local suite=$1 out=$2 java=$3 host_jdk=${4:-} rootfs
  rootfs=$(nt_rootfs_dir "$suite")
  mkdir -p "$out/bin"
  local bind=""
  if [ -n "$host_jdk" ]; then
    cp "$host_jdk/release" "$out/release"
    bind="--bind-ro=$host_jdk"
  else
    cp "$rootfs$(dirname "$(dirname "$java")")/release" "$out/release"
  fi
  cat >"$out/bin/java" <<WRAPPER
#!/usr/bin/env bash
source "$REPO/native-test/rootfs/lib.sh"
nt_rootfs_exec $suite --bind-ro=$REPO --bind=$REPO/target --bind-ro=$HOME/.m2 $bind \\
  --bind-ro=$REPO/target/matrix/no-vsock.so:/opt/sdnotify/no-vsock.so --setenv=LD_PRELOAD=/opt/sdnotify/no-vsock.so \\
  --setenv=CI=\${CI:-} --chdir="\$PWD" -- $java -Dsdnotify.test.libsystemd.version=$(nt_rootfs_info "$suite" systemd_version) "\$@"
WRAPPER
  chmod +x "$out/bin/java"
}

# One failsafe execution (jna-gateway or ffm-gateway) on the JDK directory $3; prints a summary line.
run() {
  local suite=$1 gateway=$2 jdk=$3 cases=$4 reports="target/matrix/$1-$2" start rc=0
  rm -rf "target/failsafe-reports/$gateway" "$reports"
  start=$(date +%s)
  nt_mvn -B -o -q "failsafe:integration-test@$gateway-gateway" -Dit.test="$TESTS" \
    "-Dsdnotify.test.jdk.$gateway=$jdk" -Dsdnotify.fuzz.cases="$cases" >"target/matrix/$1-$2.log" 2>&1 || rc=$?
  mkdir -p "$reports"
  cp -r "target/failsafe-reports/$gateway/." "$reports/" 2>/dev/null || true
  local summary="$reports/summary.xml" completed errors failures skipped
  completed=$(sed -n 's:.*<completed>\([0-9]*\)</completed>.*:\1:p' "$summary" 2>/dev/null || true)
  errors=$(sed -n 's:.*<errors>\([0-9]*\)</errors>.*:\1:p' "$summary" 2>/dev/null || true)
  failures=$(sed -n 's:.*<failures>\([0-9]*\)</failures>.*:\1:p' "$summary" 2>/dev/null || true)
  skipped=$(sed -n 's:.*<skipped>\([0-9]*\)</skipped>.*:\1:p' "$summary" 2>/dev/null || true)
  local mismatches
  mismatches=$(sed -n 's/^RELIABILITY fuzz\.mismatches=//p' target/reliability-report.txt 2>/dev/null | tail -n 1)
  printf '%-9s %-4s %-8s tests %5s  failures %s  errors %s  skipped %s  fuzz %s cases, mismatches %s  %ss\n' \
    "$suite" "$gateway" "$(nt_rootfs_info "$suite" systemd_version)" "${completed:-?}" "${failures:-?}" \
    "${errors:-?}" "${skipped:-?}" "$cases" "${mismatches:-?}" "$(( $(date +%s) - start ))" | tee -a target/matrix/summary.txt
  if [ "$rc" -ne 0 ] || [ "${failures:-1}" != 0 ] || [ "${errors:-1}" != 0 ] || [ "${completed:-0}" = 0 ]; then
    echo "matrix: $suite $gateway failed (exit $rc); see target/matrix/$1-$2.log and $reports" >&2
    return 1
  fi
  if [ "${CI:-}" = true ] && [ "${skipped:-1}" != 0 ]; then
    echo "matrix: $suite $gateway skipped tests under CI=true" >&2
    return 1
  fi
}

mkdir -p target/matrix
: >target/matrix/summary.txt
status=0
for suite in "${SUITES[@]}"; do
  jdks=target/matrix/jdk
  case "$suite" in
    bullseye)
      make_jdk bullseye "$jdks/bullseye-temurin" "$NT_JDK_FFM/bin/java" "$NT_JDK_FFM"
      run bullseye ffm "$REPO/$jdks/bullseye-temurin" 20000 || status=1 ;;
    trixie)
      make_jdk trixie "$jdks/trixie-21" /usr/lib/jvm/java-21-openjdk-amd64/bin/java
      run trixie jna "$REPO/$jdks/trixie-21" 20000 || status=1
      make_jdk trixie "$jdks/trixie-temurin" "$NT_JDK_FFM/bin/java" "$NT_JDK_FFM"
      run trixie ffm "$REPO/$jdks/trixie-temurin" 20000 || status=1 ;;
    sid)
      make_jdk sid "$jdks/sid-25" /usr/lib/jvm/java-25-openjdk-amd64/bin/java
      run sid ffm "$REPO/$jdks/sid-25" 100000 || status=1 ;;
    *) echo "matrix: no plan for suite $suite" >&2; status=1 ;;
  esac
done
cat target/matrix/summary.txt
exit "$status"
