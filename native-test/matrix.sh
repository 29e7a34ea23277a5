#!/usr/bin/env bash
# The version matrix: the contract tests and the differential fuzzer inside a Debian rootfs per suite, with
# that suite's libsystemd as the oracle and that suite's JDK where it can run the tests.
#
#   native-test/matrix.sh [SUITE...]        (default: bullseye trixie sid)
#
# Needs the jar and test classes of a build (native-test/test.sh, or nt_mvn -B -f library.pom.xml verify) and builds a missing
# rootfs (native-test/rootfs/build.sh, cached in /var/cache/sdnotify-rootfs). Each run is one failsafe
# execution whose JVM is the suite's java, started in the rootfs by systemd-nspawn (no boot, loopback-only
# network, the rootfs under a throwaway overlay); the checkout is bound read-only, target/ read-write.
#
#   suite      systemd  JDKs run                                   fuzz cases
#   bullseye   247      OpenJDK 11 (JNA), Temurin 25 (FFM)         -, 20000
#   trixie     257      OpenJDK 21 (JNA), Temurin 25 (FFM)         20000
#   sid        262      OpenJDK 25 (FFM)                           100000
#                       OpenJDK 26 (FFM), the channel tests only,
#                       with --illegal-final-field-mutation=deny     -
#
# JUnit 6 needs Java 17: on bullseye's OpenJDK 11 only the contract tests run (jna-java11), compiled from the
# same sources at release 11 against JUnit 5 by the pom's java11-contract profile; the fuzzer runs on
# Temurin 25 there. Reports: target/matrix/<suite>-<run>/.
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
# read-only; $4 its directory) with the options $5 in the rootfs of suite $1; release is that JDK's, for
# failsafe's version checks.
make_jdk() {
  local suite=$1 out=$2 java=$3 host_jdk=${4:-} options=${5:-} rootfs
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
  --setenv=CI=\${CI:-} --chdir="\$PWD" -- $java $options -Dsdnotify.test.libsystemd.version=$(nt_rootfs_info "$suite" systemd_version) "\$@"
WRAPPER
  chmod +x "$out/bin/java"
}

# One failsafe run, named $2 (its reports in target/failsafe-reports/$2), of the mvn goals and options after
# $4; $3 is its number of fuzz cases, or - where it does not fuzz. Prints a summary line.
run() {
  # $label (default $2) names the run in the reports, the log and the summary.
  local suite=$1 name=$2 cases=$3 run=${label:-$2} reports start rc=0
  reports="target/matrix/$suite-$run"
  shift 3
  rm -rf "target/failsafe-reports/$name" "$reports"
  start=$(date +%s)
  # Online: the JDK 11 run's JUnit 5 is the one thing no earlier build of a fresh machine has fetched (the
  # rest is in ~/.m2, and nothing here is a snapshot, so nothing else is asked for).
  nt_mvn -B -q -f library.pom.xml "$@" -Dit.test="$TESTS" >"target/matrix/$suite-$run.log" 2>&1 || rc=$?
  mkdir -p "$reports"
  cp -r "target/failsafe-reports/$name/." "$reports/" 2>/dev/null || true
  local summary="$reports/summary.xml" completed errors failures skipped
  completed=$(sed -n 's:.*<completed>\([0-9]*\)</completed>.*:\1:p' "$summary" 2>/dev/null || true)
  errors=$(sed -n 's:.*<errors>\([0-9]*\)</errors>.*:\1:p' "$summary" 2>/dev/null || true)
  failures=$(sed -n 's:.*<failures>\([0-9]*\)</failures>.*:\1:p' "$summary" 2>/dev/null || true)
  skipped=$(sed -n 's:.*<skipped>\([0-9]*\)</skipped>.*:\1:p' "$summary" 2>/dev/null || true)
  local fuzz="fuzz -" mismatches
  if [ "$cases" != - ]; then
    mismatches=$(sed -n 's/^RELIABILITY fuzz\.mismatches=//p' target/reliability-report.txt 2>/dev/null | tail -n 1)
    fuzz="fuzz $cases cases, mismatches ${mismatches:-?}"
  fi
  printf '%-9s %-10s %-4s tests %5s  failures %s  errors %s  skipped %s  %s  %ss\n' \
    "$suite" "$run" "$(nt_rootfs_info "$suite" systemd_version)" "${completed:-?}" "${failures:-?}" \
    "${errors:-?}" "${skipped:-?}" "$fuzz" "$(( $(date +%s) - start ))" | tee -a target/matrix/summary.txt
  if [ "$rc" -ne 0 ] || [ "${failures:-1}" != 0 ] || [ "${errors:-1}" != 0 ] || [ "${completed:-0}" = 0 ]; then
    echo "matrix: $suite $run failed (exit $rc); see target/matrix/$suite-$run.log and $reports" >&2
    return 1
  fi
  if [ "${CI:-}" = true ] && [ "${skipped:-1}" != 0 ]; then
    echo "matrix: $suite $run skipped tests under CI=true" >&2
    return 1
  fi
}

# The failsafe execution jna-gateway or ffm-gateway ($2) on the JDK directory $3, with $4 fuzz cases.
run_gateway() {
  run "$1" "$2" "$4" "failsafe:integration-test@$2-gateway" "-Dsdnotify.test.jdk.$2=$3" "-Dsdnotify.fuzz.cases=$4"
}

# The contract tests on the JDK 11 directory $2 (JNA): compiled afresh at release 11 against JUnit 5, then
# run by JUnit 5 (the pom's java11-contract profile). The other classes of $TESTS are not in that set.
run_java11() {
  local classes="$REPO/target/matrix/test-classes-java11"
  rm -rf "$classes"
  run "$1" jna-java11 - -Pjava11-contract "-Dsdnotify.test.java11.classes=$classes" \
    compiler:testCompile@testCompile-java11 failsafe:integration-test@jna-java11 "-Dsdnotify.test.jdk.java11=$2"
}

mkdir -p target/matrix
: >target/matrix/summary.txt
status=0
for suite in "${SUITES[@]}"; do
  jdks=target/matrix/jdk
  case "$suite" in
    bullseye)
      make_jdk bullseye "$jdks/bullseye-11" "$(nt_rootfs_java bullseye 11)"
      run_java11 bullseye "$REPO/$jdks/bullseye-11" || status=1
      make_jdk bullseye "$jdks/bullseye-temurin" "$NT_JDK_FFM/bin/java" "$NT_JDK_FFM"
      run_gateway bullseye ffm "$REPO/$jdks/bullseye-temurin" 20000 || status=1 ;;
    trixie)
      make_jdk trixie "$jdks/trixie-21" "$(nt_rootfs_java trixie 21)"
      run_gateway trixie jna "$REPO/$jdks/trixie-21" 20000 || status=1
      make_jdk trixie "$jdks/trixie-temurin" "$NT_JDK_FFM/bin/java" "$NT_JDK_FFM"
      run_gateway trixie ffm "$REPO/$jdks/trixie-temurin" 20000 || status=1 ;;
    sid)
      make_jdk sid "$jdks/sid-25" "$(nt_rootfs_java sid 25)"
      run_gateway sid ffm "$REPO/$jdks/sid-25" 100000 || status=1
      # The channels built around passed fds on a JDK that refuses final-field mutation (JEP 500).
      make_jdk sid "$jdks/sid-26" "$(nt_rootfs_java sid 26)" "" --illegal-final-field-mutation=deny
      TESTS=FdChannelsTest,FdChannelsOpensTest label=ffm-java26 \
        run sid ffm - failsafe:integration-test@ffm-gateway "-Dsdnotify.test.jdk.ffm=$REPO/$jdks/sid-26" || status=1 ;;
    *) echo "matrix: no plan for suite $suite" >&2; status=1 ;;
  esac
done
cat target/matrix/summary.txt
exit "$status"
