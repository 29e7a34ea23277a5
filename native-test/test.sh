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
#   libsystemd and JDKs (about three minutes each).
set -euo pipefail
cd "$(dirname "$0")/.."

source native-test/lib/jdk.sh
nt_select_jdks
# Nothing a test makes may stay in /tmp: what is there now is the baseline.
tmp_before=$(ls -A /tmp | grep -v '^hsperfdata_' | sort)
echo "building on $NT_JDK_FFM; tests on $NT_JDK_JNA (JNA gateway) and $NT_JDK_FFM (FFM gateway)"
nt_mvn -B install
native-test/reproducible.sh
native-test/consumer.sh
native-test/run.sh
native-test/matrix.sh
for suite in bullseye trixie sid; do
  NT_SUITE=$suite native-test/run.sh
done
left=$(comm -13 <(echo "$tmp_before") <(ls -A /tmp | grep -v '^hsperfdata_' | sort))
if [ -n "$left" ]; then
  echo "test.sh: the tests left this in /tmp:" $left >&2
  exit 1
fi
