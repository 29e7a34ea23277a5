#!/usr/bin/env bash
# Runs the example service as a real systemd unit (Type=notify, WatchdogSec=) in a throwaway container
# with systemd as PID 1, and prints what systemd makes of it: `systemctl status` and the unit's journal.
# The library and JNA are in /opt/sdnotify/lib there, the compiled example in /opt/sdnotify/classes.
# Needs root and systemd-nspawn; off CI a missing one skips the demo, with CI=true it fails it.
set -euo pipefail
cd "$(dirname "$0")/.."

# The example service: a Java source file whose class (named as the file) has a main method.
EXAMPLE_SERVICE=native-test/demo/ExampleService.java
UNIT=sdnotify-example.service

source native-test/lib/container.sh
source native-test/lib/java.sh

if reason=$(ct_missing_prerequisite); then
  if [ "${CI:-}" = true ]; then
    echo "FAIL demo: $reason (required with CI=true)"
    exit 1
  fi
  echo "SKIP demo: $reason"
  exit 0
fi

EXAMPLE_CLASS=$(basename "$EXAMPLE_SERVICE" .java)
nt_build_library
nt_compile "$NT_OUT/demo-classes" native-test/demo native-test/examples

units="$NT_OUT/demo-units"
rm -rf "$units"
mkdir -p "$units"
cat >"$units/$UNIT" <<EOF
[Unit]
Description=sdnotify example service

[Service]
Type=notify
WatchdogSec=4s
Restart=on-failure
# The JVM exits with 128+15 on SIGTERM: a clean stop.
SuccessExitStatus=143
ExecStart=$NT_JAVA -cp /opt/sdnotify/classes:/opt/sdnotify/lib/* $EXAMPLE_CLASS
EOF

trap ct_teardown EXIT
trap 'exit 130' INT TERM
mapfile -t binds < <(nt_binds "$NT_OUT/demo-classes")
ct_boot "${binds[@]}"
ct_install_units "$units"

show() {
  echo
  echo "\$ $*"
  ct_exec "$@" || true
}

echo "container $CT_NAME: systemd $(ct_exec systemctl --version | head -n 1 | cut -d' ' -f2) is PID 1"
echo
echo "\$ cat /run/systemd/system/$UNIT"
cat "$units/$UNIT"
echo
echo "\$ systemctl start $UNIT      # returns once the service sent READY=1"
ct_exec systemctl start "$UNIT"
# Long enough for a few watchdog keep-alives and status updates.
sleep 3
show systemctl status --no-pager --lines=0 "$UNIT"
show systemctl show -p WatchdogUSec -p WatchdogTimestamp -p NRestarts "$UNIT"
state=$(ct_exec systemctl show -P ActiveState "$UNIT")
restarts=$(ct_exec systemctl show -P NRestarts "$UNIT")
result=$(ct_exec systemctl show -P Result "$UNIT")
if [ "$state" = active ]; then
  echo
  echo "\$ systemctl stop $UNIT"
  ct_exec systemctl stop "$UNIT"
fi
show journalctl --no-pager -o short-monotonic -u "$UNIT"
echo

trap - EXIT
ct_teardown
if [ "$restarts" != 0 ] || [ "$result" != success ]; then
  echo "demo: FAIL: systemd reported Result=$result and NRestarts=$restarts for the example service"
  exit 1
fi
echo "demo: systemd accepted the service (Result=$result, NRestarts=$restarts)"
