#!/usr/bin/env bash
# The full test run: the unit and contract tests against the packaged jar on two JDKs (mvn -B verify),
# then the end-to-end suite under a real systemd (native-test/run.sh), which reuses the jar the first step
# built, then the version matrix (native-test/matrix.sh): the contract tests and the differential fuzzer in
# Debian rootfs of systemd 247, 257 and 262, each suite's libsystemd the oracle.
set -euo pipefail
cd "$(dirname "$0")/.."

source native-test/lib/jdk.sh
nt_select_jdks
echo "building on $NT_JDK_FFM; tests on $NT_JDK_JNA (JNA gateway) and $NT_JDK_FFM (FFM gateway)"
nt_mvn -B verify
native-test/run.sh
native-test/matrix.sh
