#!/usr/bin/env bash
# Runs the example HTTP service as a real systemd unit (Type=notify, WatchdogSec=, ExecReload=, an fd store)
# in a throwaway container with systemd as PID 1: starts it, asks it for a page, reloads it, restarts it
# (its listening socket survives in the fd store), and prints what systemd makes of each step.
# The library and JNA are in /opt/sdnotify/lib there, the compiled example in /opt/sdnotify/classes.
# Needs root and systemd-nspawn; off CI a missing one skips the demo, with CI=true it fails it.
set -euo pipefail
cd "$(dirname "$0")/.."

# The example service: a Java source file whose class (named as the file) has a main method.
EXAMPLE_SERVICE=native-test/examples/HttpExampleService.java
UNIT=sdnotify-example.service

source native-test/lib/container.sh
source native-test/lib/java.sh

ct_require_prerequisites demo

EXAMPLE_CLASS=$(basename "$EXAMPLE_SERVICE" .java)
nt_build_library
nt_compile "$NT_OUT/demo-classes" native-test/examples

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
FileDescriptorStoreMax=1
Environment=GREETING_FILE=/run/greeting
ExecReload=/bin/kill -HUP \$MAINPID
# The JVM exits with 128+15 on SIGTERM: a clean stop.
SuccessExitStatus=143
# What a production unit should carry (systemd-analyze security's strict set). On JDK 22+ the library
# needs nothing more; on JDK 11-21 (JNA) RuntimeDirectory= gives JNA's stub a directory it may map.
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
NoNewPrivileges=yes
CapabilityBoundingSet=
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
RuntimeDirectory=sdn-demo
UMask=0077
ExecStart=$NT_JDK_FFM/bin/java --enable-native-access=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens jdk.httpserver/sun.net.httpserver=ALL-UNNAMED -cp /opt/sdnotify/classes:/opt/sdnotify/lib/* $EXAMPLE_CLASS 8080
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
get() {
  echo "\$ curl http://127.0.0.1:8080/"
  ct_exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET / HTTP/1.0\r\n\r\n" >&3 && tail -n 1 <&3'
}

echo "\$ echo hello > /run/greeting"
ct_exec bash -c 'echo hello > /run/greeting'
echo "\$ systemctl start $UNIT      # returns once the service sent READY=1"
ct_exec systemctl start "$UNIT"
show systemctl status --no-pager --lines=0 "$UNIT"
get
first_pid=$(ct_exec systemctl show -P MainPID "$UNIT")

echo
echo "\$ echo 'hello again' > /run/greeting; systemctl reload $UNIT"
ct_exec bash -c "echo 'hello again' > /run/greeting"
ct_exec systemctl reload "$UNIT"
# The reload is over when the service sends READY=1 again, with its new status.
for _ in $(seq 50); do
  ct_exec systemctl show -P StatusText "$UNIT" | grep -q '^Reloaded' && break
  sleep 0.1
done
show systemctl show -p ActiveState -p MainPID -p StatusText "$UNIT"
get
reloaded_pid=$(ct_exec systemctl show -P MainPID "$UNIT")
reloaded_status=$(ct_exec systemctl show -P StatusText "$UNIT")

echo
echo "\$ systemctl restart $UNIT    # the listening socket waits in the fd store meanwhile"
ct_exec systemctl restart "$UNIT"
show systemctl show -p MainPID -p StatusText -p NFileDescriptorStore "$UNIT"
get
# Long enough for the health-gated keeper to send a few keep-alives.
sleep 3
show systemctl show -p WatchdogUSec -p WatchdogTimestamp -p NRestarts "$UNIT"
second_pid=$(ct_exec systemctl show -P MainPID "$UNIT")
status=$(ct_exec systemctl show -P StatusText "$UNIT")
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
if [ "$reloaded_pid" != "$first_pid" ] || [[ "$reloaded_status" != Reloaded* ]]; then
  echo "demo: FAIL: the reload did not happen in place (pid $first_pid -> $reloaded_pid, status: $reloaded_status)"
  exit 1
fi
if [ "$first_pid" = "$second_pid" ] || [[ "$status" != *"socket passed by systemd"* ]]; then
  echo "demo: FAIL: after the restart (pid $first_pid -> $second_pid) the status was: $status"
  exit 1
fi
echo "demo: systemd accepted the service (Result=$result, NRestarts=$restarts) and kept its socket across a restart"
