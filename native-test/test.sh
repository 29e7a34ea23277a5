#!/usr/bin/env bash
# The full test run:
# - the root build with every module's tests (the library's against its packaged jar on two JDKs, the
#   lifecycle's, the Spring Boot starters'), then every module installed into ~/.m2 (mvn -B install);
# - the reproducible-build check of every module (native-test/reproducible.sh) and the consumer check: projects
#   outside the tree that depend on them by the README's coordinates (native-test/consumer.sh);
# - the end-to-end suite under a real systemd (native-test/run.sh), which reuses the jars built here;
# - the version matrix (native-test/matrix.sh): the contract tests and the differential fuzzer in Debian
#   rootfs of systemd 247, 257 and 262, each suite's libsystemd the oracle;
# - the end-to-end suite again in each of those rootfs (NT_SUITE=...): their systemd the manager, their
#   libsystemd and JDKs (about three minutes each);
# - the agent on real servers (native-test/servers.sh): its CI subset under systemd 252, and Kafka under 262.
# The rootfs are built (or found cached) in the background while Maven builds: debootstrap mostly waits on
# the network.
set -euo pipefail
cd "$(dirname "$0")/.."

source native-test/lib/jdk.sh
nt_select_jdks
# Nothing a test makes may stay in /tmp: what is there now is the baseline.
tmp_before=$(ls -A /tmp | grep -v '^hsperfdata_' | sort)
echo "building on $NT_JDK_FFM; tests on $NT_JDK_JNA (JNA gateway) and $NT_JDK_FFM (FFM gateway)"
mkdir -p target/native-test
native-test/rootfs/build.sh bullseye trixie sid bookworm-servers >target/native-test/rootfs-build.log 2>&1 &
rootfs_build=$!
# A step that fails before the wait below still waits for the build: nothing of it outlives this script.
trap '[ -z "$rootfs_build" ] || wait "$rootfs_build" || true' EXIT
nt_mvn -B install
native-test/reproducible.sh
native-test/consumer.sh
native-test/run.sh
status=0
wait "$rootfs_build" || status=$?
rootfs_build=""
[ "$status" = 0 ] || { cat target/native-test/rootfs-build.log >&2; exit 1; }
cat target/native-test/rootfs-build.log
native-test/matrix.sh
for suite in bullseye trixie sid; do
  NT_SUITE=$suite native-test/run.sh
done
native-test/servers.sh --prepare
native-test/servers.sh --ci
NT_SERVERS_ROOTS=sid native-test/servers.sh kafka-ready@ffm
left=$(comm -13 <(echo "$tmp_before") <(ls -A /tmp | grep -v '^hsperfdata_' | sort))
if [ -n "$left" ]; then
  echo "test.sh: the tests left this in /tmp:" $left >&2
  exit 1
fi
