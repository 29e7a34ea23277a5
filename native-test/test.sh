#!/usr/bin/env bash
# The full test run: the unit and contract tests (mvn -B verify), then the end-to-end suite under a real
# systemd (native-test/run.sh), which reuses the jar the first step built.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B verify
native-test/run.sh
