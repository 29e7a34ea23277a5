#!/usr/bin/env bash
# End-to-end suite under a real systemd: boots one throwaway container (systemd as PID 1), runs each case
# as real units on each backend, and checks what systemd reports (unit properties, the journal, exit
# records). Prints one line per case and backend, a summary, and fails if any case fails or the container
# leaves anything behind. Off CI a missing prerequisite (root, systemd-nspawn) skips the suite; with
# CI=true it fails it.
#
#   native-test/run.sh [CASE...]              # in the host's / (its systemd, libsystemd and JDKs)
#   NT_SUITE=sid native-test/run.sh [CASE...] # in a Debian rootfs (bullseye, trixie, sid; see lib/suite.sh):
#                                             # its systemd and libsystemd, its JDK where it fits a gateway
set -euo pipefail
cd "$(dirname "$0")/.."

source native-test/lib/container.sh
source native-test/lib/java.sh
source native-test/lib/checks.sh
source native-test/lib/suite.sh

BACKENDS=(libsystemd java)
# The Spring Boot service's start timeout, which its start outlasts, and its watchdog.
SPRING_TIMEOUT_START_SEC=12
# Its first start's slow beans, a second each: with the JVM's own start, longer than the timeout. The restart
# after the watchdog's kill starts without them.
SPRING_SLOW_BEANS=14
SPRING_WATCHDOG_SEC=3
# Seconds the watchdog case keeps the service alive with keep-alives before letting it hang.
WATCHDOG_KEEP_SECONDS=10
# Trials of the barrier case, per mode (with and without barrier).
BARRIER_TRIALS=6
# Messages each barrier helper sends ahead of its own (the unit's SDN_AHEAD).
BARRIER_AHEAD=500

ct_require_prerequisites "container suite"

suite_start=$(date +%s%N)
nt_build_library
nt_suite_setup
nt_compile "$NT_OUT/classes" native-test/services native-test/examples
nt_write_launcher "$NT_SUITE_JRUN_JDK/bin/java"
nt_build_spring_service
# Spring Boot 4 needs Java 17: the jrun JDK where it is one, else the FFM gateway's (bullseye's is 11).
SPRING_JDK=$NT_SUITE_JRUN_JDK
if [ "$(_nt_suite_feature "$SPRING_JDK")" -lt 17 ]; then SPRING_JDK=${NT_SUITE_JDK[ffm]}; fi
SPRING_GATEWAY=$(_nt_suite_gateway "$(_nt_suite_feature "$SPRING_JDK")")
SPRING_NATIVE_ACCESS=""
[ "$SPRING_GATEWAY" = FFM ] && SPRING_NATIVE_ACCESS="--enable-native-access=ALL-UNNAMED"
cp native-test/services/barrier-trials.sh "$NT_OUT/bin/barrier-trials"
chmod 755 "$NT_OUT/bin/barrier-trials"

# The files of the root's libsystemd (nt_suite_setup found them), hidden from the java backend's units so
# that the library cannot load it.
LIBSYSTEMD_FILES="$NT_SUITE_LIBSYSTEMD $NT_SUITE_LIBSYSTEMD_REAL"
# What the libsystemd backend reports, on the root's library: the file loaded, and the optional functions
# that version lacks (sd_notify_barrier came with 246, sd_pid_notify_barrier with 254), done by the java
# protocol instead.
LIBSYSTEMD_LACKS=""
if [ "$NT_SUITE_SYSTEMD" -lt 246 ]; then
  LIBSYSTEMD_LACKS="; it lacks sd_notify_barrier, sd_pid_notify_barrier: the java protocol does their work"
elif [ "$NT_SUITE_SYSTEMD" -lt 254 ]; then
  LIBSYSTEMD_LACKS="; it lacks sd_pid_notify_barrier: the java protocol does their work"
fi
LIBSYSTEMD_REPORT="loaded $NT_SUITE_LIBSYSTEMD_REAL$LIBSYSTEMD_LACKS"

# ---------------------------------------------------------------------------------------------- units
UNITS="$NT_OUT/units"
rm -rf "$UNITS"
mkdir -p "$UNITS"

unit() {
  cat >"$UNITS/$1"
}

# Each backend's units listen on their own ports, 18100-18199 and 18200-18299: the two run side by side.
port_prefix() {
  if [ "$1" = libsystemd ]; then echo 181; else echo 182; fi
}

# Every test unit: no core files from killed JVMs, 143 (the JVM's exit on SIGTERM) is a clean stop, and
# each exit leaves a record that outlives the unit.
mkdir -p "$UNITS/sdn-.service.d"
unit sdn-.service.d/10-common.conf <<'EOF'
[Service]
LimitCORE=0
SuccessExitStatus=143
ExecStopPost=/bin/sh -c 'echo "$SERVICE_RESULT $EXIT_CODE $EXIT_STATUS" >>/run/sdn-test/%n.exits'
EOF
# In a rootfs, every test process runs with socket() refusing AF_VSOCK (native-test/rootfs/no-vsock.c, as
# in the version matrix): libsystemd 253 and later connect vsock addresses, CID 2 is the hypervisor here,
# and network namespaces do not isolate vsock. Under /usr, which every profile may map executable.
NO_VSOCK_BIND=()
if [ -n "$NT_SUITE" ]; then
  gcc -shared -fPIC -O2 -Wall -Werror -o "$NT_OUT/no-vsock.so" native-test/rootfs/no-vsock.c
  NO_VSOCK_BIND=("$NT_OUT/no-vsock.so:/usr/lib/sdnotify-test/no-vsock.so")
  printf '[Service]\nEnvironment=LD_PRELOAD=/usr/lib/sdnotify-test/no-vsock.so\n' >"$UNITS/sdn-.service.d/20-no-vsock.conf"
fi

unit sdn-ready@.service <<'EOF'
[Unit]
Description=Readiness: binds its port after a second, then READY=1
[Service]
Type=notify
ExecStart=/opt/sdnotify/bin/jrun Readiness ${SDN_PORT}01 1000
EOF
unit sdn-ready-client@.service <<'EOF'
[Unit]
Description=Connects once to the readiness service, as soon as it is started
Requires=sdn-ready@%i.service
After=sdn-ready@%i.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/bash -c 'exec 3<>/dev/tcp/127.0.0.1/${SDN_PORT}01 && read -r -t 5 reply <&3 && [ "$$reply" = hello ]'
EOF

unit sdn-status@.service <<'EOF'
[Unit]
Description=STATUS with text outside ASCII
[Service]
Type=notify
ExecStart=/opt/sdnotify/bin/jrun Status Grüße ✓ — 日本語 🚀
EOF

unit sdn-reload@.service <<'EOF'
[Unit]
Description=Reload: RELOADING=1, one second of work, READY=1
[Service]
Type=notify
ExecStart=/opt/sdnotify/bin/jrun Reload 1000
# systemd 252 ends the reload job when ExecReload= exits, unless RELOADING=1 was processed by then: wait
# until the service has reported the reload's start (its status follows RELOADING=1). (247 to 257 do so;
# 262 ends it when ExecReload= exits all the same: see case_reload.)
ExecReload=/bin/sh -c 'kill -HUP $MAINPID; for i in $$(seq 500); do case "$$(systemctl show -P StatusText %n)" in reloading*) exit 0;; esac; sleep 0.01; done; exit 1'
EOF

# The same reload as systemd 253 and later do it for Type=notify-reload, with no ExecReload=: SIGHUP, then
# the reload lasts until READY=1, RELOADING=1 counting only with a MONOTONIC_USEC= from after the signal.
# (Before 253 the type does not exist: the manager ignores the line, and the unit is Type=simple.)
unit sdn-reload-signal@.service <<'EOF'
[Unit]
Description=Reload of Type=notify-reload: SIGHUP, RELOADING=1 with MONOTONIC_USEC, one second of work, READY=1
[Service]
Type=notify-reload
ExecStart=/opt/sdnotify/bin/jrun Reload 1000
EOF

unit sdn-stopping@.service <<'EOF'
[Unit]
Description=STOPPING=1 sent by the service itself, which then runs on for a while
[Service]
Type=notify
ExecStart=/opt/sdnotify/bin/jrun Stopping 500 2500
# What the manager knew once the main process had exited, before the unit is inactive (and may be unloaded).
ExecStopPost=/bin/sh -c 'systemctl show -p ActiveState -p ActiveExitTimestampMonotonic -p ExecMainExitTimestampMonotonic %n >/run/sdn-test/%n.stopped'
EOF

# The start timeout leaves room for a JVM start on a busy machine (over 3 s seen at a load of 11 on two
# cores); the 8 s of work outlast it.
unit sdn-extend@.service <<'EOF'
[Unit]
Description=An 8 s start under TimeoutStartSec=6s, extended twice by 6 s
[Service]
Type=notify
TimeoutStartSec=6s
ExecStart=/opt/sdnotify/bin/jrun SlowStart 6000 4000 4000
EOF
unit sdn-noextend@.service <<'EOF'
[Unit]
Description=The same start without extensions: systemd must time it out
[Service]
Type=notify
TimeoutStartSec=6s
ExecStart=/opt/sdnotify/bin/jrun SlowStart 0 4000 4000
EOF

unit sdn-watchdog@.service <<EOF
[Unit]
Description=Watchdog: keep-alives for ${WATCHDOG_KEEP_SECONDS} s, then none
[Service]
Type=notify
WatchdogSec=2s
Restart=on-failure
RestartSec=200ms
ExecStart=/opt/sdnotify/bin/jrun WatchdogService keep ${WATCHDOG_KEEP_SECONDS}000
EOF
unit sdn-wdtrigger@.service <<'EOF'
[Unit]
Description=Watchdog: WATCHDOG=trigger long before WatchdogSec= runs out
[Service]
Type=notify
WatchdogSec=30s
ExecStart=/opt/sdnotify/bin/jrun WatchdogService trigger 300
EOF
unit sdn-wdtimeout@.service <<'EOF'
[Unit]
Description=Watchdog: WATCHDOG_USEC= shortens the timeout from 30 s to 1 s, then keep-alives stop
[Service]
Type=notify
WatchdogSec=30s
ExecStart=/opt/sdnotify/bin/jrun WatchdogService timeout 1000
EOF

unit sdn-fdstore@.service <<'EOF'
[Unit]
Description=FD store: a listening socket kept by systemd across restarts
[Service]
Type=notify
FileDescriptorStoreMax=4
ExecStart=/opt/sdnotify/bin/jrun FdStore ${SDN_PORT}06
EOF

unit sdn-act@.service <<'EOF'
[Unit]
Description=Socket activation with two named sockets
Requires=sdn-act-a@%i.socket sdn-act-b@%i.socket
After=sdn-act-a@%i.socket sdn-act-b@%i.socket
[Service]
Type=notify
Sockets=sdn-act-a@%i.socket sdn-act-b@%i.socket
ExecStart=/opt/sdnotify/bin/jrun Activated
EOF
for b in "${BACKENDS[@]}"; do
  port=$(port_prefix "$b")
  for s in a b; do
    name=$([ "$s" = a ] && echo alpha || echo beta)
    num=$([ "$s" = a ] && echo 07 || echo 08)
    unit "sdn-act-$s@$b.socket" <<EOF
[Socket]
ListenStream=127.0.0.1:$port$num
FileDescriptorName=$name
Service=sdn-act@$b.service
EOF
  done
done

# /bin/kill (procps) is not in every rootfs (debootstrap's minbase): there the shell's kill sends it.
if [ -x "${NT_SUITE_ROOT%/}/bin/kill" ]; then KILL_HUP='/bin/kill -HUP $MAINPID'; else KILL_HUP="/bin/sh -c 'kill -HUP \$MAINPID'"; fi
# WatchdogSec=4s: the first health check is a cold JVM's first HTTP round trip, which with 2 s was seen to
# miss the first interval at a load of 9 on two cores (no keep-alive, no failure logged: a stalled JVM).
unit sdn-example@.service <<UNIT
[Unit]
Description=The HTTP example service: readiness, health-gated watchdog, reload, fd store
[Service]
Type=notify
WatchdogSec=4s
Restart=on-failure
FileDescriptorStoreMax=1
Environment=GREETING_FILE=/run/sdn-test/%n.greeting
ExecReload=${KILL_HUP}
Environment="SDN_JAVA_EXTRA=--add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens jdk.httpserver/sun.net.httpserver=ALL-UNNAMED"
ExecStart=/opt/sdnotify/bin/jrun HttpExampleService \${SDN_PORT}09
UNIT

# The Spring Boot service with the starter and no code for systemd. Its first start takes longer than
# TimeoutStartSec= (SPRING_SLOW_BEANS beans of a second each, after the JVM's own start), so only the
# starter's extensions, sent while beans keep coming, let it finish; /run/sdn-test/<unit>.env can set
# SLOW_BEANS for later starts. The watchdog group follows the file /run/sdn-test/<unit>.down; closing takes
# two seconds.
unit sdn-spring@.service <<UNIT
[Unit]
Description=Spring Boot web service with the sdnotify starter
[Service]
Type=notify
TimeoutStartSec=${SPRING_TIMEOUT_START_SEC}s
WatchdogSec=${SPRING_WATCHDOG_SEC}s
Restart=on-watchdog
Environment=SLOW_BEANS=$SPRING_SLOW_BEANS
EnvironmentFile=-/run/sdn-test/%n.env
ExecStart=$SPRING_JDK/bin/java $SPRING_NATIVE_ACCESS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto \$SDN_JAVA_OPTS -jar /opt/sdnotify/spring/spring-boot-service.jar --server.port=\${SDN_PORT}10 --demo.slow-beans=\${SLOW_BEANS} --demo.slow-bean-ms=1000 --sdnotify.startup.extend-timeout=6s --sdnotify.watchdog.health-group=watchdog --management.endpoint.health.group.watchdog.include=toggle --demo.down-file=/run/sdn-test/%n.down --demo.stop-ms=2000
UNIT

unit sdn-barrier@.service <<'EOF'
[Unit]
Description=Short-lived helpers send STATUS and exit, with and without a barrier
[Service]
Type=oneshot
NotifyAccess=all
# Messages each helper queues ahead of its own, so that the manager reads its own late (see BarrierHelper);
# as BARRIER_AHEAD.
Environment=SDN_AHEAD=500
ExecStart=/opt/sdnotify/bin/barrier-trials %n ${SDN_TRIALS} ${SDN_AHEAD}
EOF

unit sdn-access@.service <<'EOF'
[Unit]
Description=NotifyAccess=main: a child's own messages are ignored, its messages as the main pid are not
[Service]
Type=notify
NotifyAccess=main
ExecStart=/opt/sdnotify/bin/jrun Access /run/sdn-test/%n.go
EOF

unit sdn-nacc@.service <<'EOF'
[Unit]
Description=NotifyAccess=main, then NOTIFYACCESS=all from the main process (systemd 254 and later)
[Service]
Type=notify
NotifyAccess=main
ExecStart=/opt/sdnotify/bin/jrun NotifyAccessChange
EOF

unit sdn-unset@.service <<'EOF'
[Unit]
Description=Children started after READY=1 with NOTIFY_SOCKET unset cannot notify
[Service]
Type=notify
NotifyAccess=all
ExecStart=/opt/sdnotify/bin/jrun UnsetEnv /run/sdn-test/%n.go
EOF

# Hardened units: one case per profile, each run on both gateways (JNA on the JDK below 22, FFM on the one
# from 22) and, as every case, on both backends. A row is "name|unit lines, ';' between|JNA|FFM", the last
# two what that gateway's service must do:
#   ok        ready, watchdog fed; JNA's stub goes where JNA itself puts it (no directory chosen)
#   ok:DIR    the same, with the library choosing DIR for JNA's stub (its INFO line names DIR; %p and %i
#             as in the unit)
#   elibacc   no directory can hold JNA's stub: every send throws ELIBACC, one WARNING, never active
#   eafnosupport  no AF_UNIX socket: READY=1 throws EAFNOSUPPORT, never active
# Each unit has a RuntimeDirectory= of its own: systemd removes a shared one when any of its units stops,
# which detaches it from the others' namespaces (under NoExecPaths=/ what is left there is noexec).
# The service runs java itself (ExecStart= is the JDK's launcher under /usr, no script), so ExecPaths=/usr
# is all that NoExecPaths=/ needs: the jars are only read, and jrun under /opt would fail with 203/EXEC.
# The strict profile is what systemd-analyze security asks for (exposure 1.7, "OK"; 2.0 without its last
# line) less MemoryDenyWriteExecute=yes, under which no JVM starts, not even with -Xint ("Failed to mark memory
# page as executable"), and less PrivateNetwork=, IPAddressDeny= and DynamicUser= (profiles of their own).
# Short, with room for a keep-alive delayed while other JVMs start: the keeper sends at half of it.
HARDENED_WATCHDOG_SEC=3
HARDENED_STRICT="ProtectSystem=strict;ProtectHome=yes;PrivateTmp=yes;PrivateDevices=yes;NoNewPrivileges=yes"
HARDENED_STRICT+=";CapabilityBoundingSet=;RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6;RestrictNamespaces=yes"
HARDENED_STRICT+=";LockPersonality=yes;RestrictRealtime=yes;SystemCallArchitectures=native"
HARDENED_STRICT+=";SystemCallFilter=@system-service;ProtectKernelTunables=yes;ProtectKernelModules=yes"
HARDENED_STRICT+=";ProtectKernelLogs=yes;ProtectControlGroups=yes;ProtectClock=yes;ProtectHostname=yes"
HARDENED_STRICT+=";RestrictSUIDSGID=yes;RemoveIPC=yes;UMask=0077;RuntimeDirectory=%p-%i"
HARDENED_STRICT+=";ProtectProc=invisible;ProcSubset=pid;PrivateUsers=yes"
HARDENED_PROFILES=(
  "protect|ProtectSystem=strict;ProtectHome=yes|ok:/dev/shm|ok"
  "ro-root|ReadOnlyPaths=/|elibacc|ok"
  "noexec|NoExecPaths=/;ExecPaths=/usr|elibacc|ok"
  "ro-tmp|ReadOnlyPaths=/tmp;ProtectHome=yes|ok:/dev/shm|ok"
  "protect-rt|ProtectSystem=strict;ProtectHome=yes;RuntimeDirectory=%p-%i|ok:/run/%p-%i|ok"
  "ro-root-rt|ReadOnlyPaths=/;RuntimeDirectory=%p-%i|ok:/run/%p-%i|ok"
  "noexec-rt|NoExecPaths=/;ExecPaths=/usr;RuntimeDirectory=%p-%i|ok:/run/%p-%i|ok"
  "ro-tmp-rt|ReadOnlyPaths=/tmp;ProtectHome=yes;RuntimeDirectory=%p-%i|ok:/run/%p-%i|ok"
  "ro-tmp-state|ReadOnlyPaths=/tmp;ProtectHome=yes;StateDirectory=%p-%i|ok:/var/lib/%p-%i|ok"
  "dynamic-user|DynamicUser=yes|ok|ok"
  "private-tmp|PrivateTmp=yes|ok|ok"
  "nobody|User=nobody|ok|ok"
  "syscalls|SystemCallFilter=@system-service;NoNewPrivileges=yes;CapabilityBoundingSet=|ok|ok"
  "strict|$HARDENED_STRICT|ok|ok"
  "no-af-unix|RestrictAddressFamilies=AF_INET|eafnosupport|eafnosupport"
)
# Settings a profile uses that came after the oldest manager here, with their version: an older manager logs
# "Unknown key name" for them and ignores them, so the profile is what is left, whose expectations (name|JNA|FFM)
# HARDENED_OLDER gives; the case also checks the manager's line.
declare -A HARDENED_SETTING_SINCE=([NoExecPaths]=248 [ExecPaths]=248)
HARDENED_OLDER=(
  "noexec|ok|ok"
  "noexec-rt|ok|ok"
)
declare -A HARDENED_EXPECT=() HARDENED_IGNORED=()
hardened_jdk() {
  echo "${NT_SUITE_JDK[$1]}"
}
mkdir -p "$UNITS/sdn-hardened-.service.d"
# After 10-common.conf: the exit record's shell would run sandboxed, where /run/sdn-test may be read-only.
unit sdn-hardened-.service.d/60-hardened.conf <<'EOF'
[Service]
ExecStopPost=
EOF
for row in "${HARDENED_PROFILES[@]}"; do
  IFS='|' read -r name lines jna ffm <<<"$row"
  HARDENED_EXPECT[$name.jna]=$jna
  HARDENED_EXPECT[$name.ffm]=$ffm
  ignored=""
  while IFS= read -r key; do
    key=${key%%=*}
    if [ -n "${HARDENED_SETTING_SINCE[$key]:-}" ] && [ "$NT_SUITE_SYSTEMD" -lt "${HARDENED_SETTING_SINCE[$key]}" ]; then
      ignored+="${ignored:+ }$key"
    fi
  done < <(tr ';' '\n' <<<"$lines")
  if [ -n "$ignored" ]; then
    HARDENED_IGNORED[$name]=$ignored
    older=$(printf '%s\n' "${HARDENED_OLDER[@]}" | grep "^$name|" || true)
    [ -n "$older" ] || { echo "hardened profile $name: systemd $NT_SUITE_SYSTEMD ignores $ignored; HARDENED_OLDER has no expectation for it" >&2; exit 1; }
    IFS='|' read -r _ jna ffm <<<"$older"
    HARDENED_EXPECT[$name.jna]=$jna
    HARDENED_EXPECT[$name.ffm]=$ffm
  fi
  for g in jna ffm; do
    extra=""
    [ "$g" = ffm ] && extra="--enable-native-access=ALL-UNNAMED "
    unit "sdn-hardened-$name-$g@.service" <<EOF
[Unit]
Description=Hardened profile $name, $g gateway
[Service]
Type=notify
WatchdogSec=${HARDENED_WATCHDOG_SEC}s
Restart=on-watchdog
TimeoutStartSec=60s
$(tr ';' '\n' <<<"$lines")
ExecStart=$(hardened_jdk "$g")/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xss512k ${extra}-cp /opt/sdnotify/classes:/opt/sdnotify/lib/* HardenedService
EOF
  done
done

# Per backend: the libsystemd units ask for libsystemd; the java units run with the default choice and
# cannot see libsystemd's files at all. (The hardened units choose as the default does on both: the
# libsystemd instance can see libsystemd.)
for template in "$UNITS"/*@.service; do
  base=$(basename "$template" .service)
  for b in "${BACKENDS[@]}"; do
    mkdir -p "$UNITS/$base$b.service.d"
    if [ "$b" = libsystemd ]; then
      printf '[Service]\nEnvironment=SDN_JAVA_OPTS=-Dsdnotify.backend=libsystemd SDN_PORT=%s SDN_TRIALS=%s\n' \
        "$(port_prefix "$b")" "$BARRIER_TRIALS" >"$UNITS/$base$b.service.d/50-backend.conf"
    else
      printf '[Service]\nEnvironment=SDN_PORT=%s SDN_TRIALS=%s\nInaccessiblePaths=%s\n' \
        "$(port_prefix "$b")" "$BARRIER_TRIALS" "$LIBSYSTEMD_FILES" >"$UNITS/$base$b.service.d/50-backend.conf"
    fi
  done
done

# ---------------------------------------------------------------------------------------------- cases

# 1. A Type=notify unit is activating until READY=1; a unit ordered after it starts only then and can
#    connect at once.
case_readiness() {
  local s="sdn-ready@$1.service" c="sdn-ready-client@$1.service" cs ss
  ct_exec systemctl start --no-block "$c"
  wait_prop "$s" ActiveState activating 5
  while :; do
    # The client first: if it is running while the service (read later) is still activating, the
    # ordering was broken.
    cs=$(prop "$c" ActiveState)
    ss=$(prop "$s" ActiveState)
    [ "$ss" = activating ] || break
    [ "$cs" = inactive ] || fail "$c is $cs while $s is still activating"
    sleep 0.05
  done
  [ "$ss" = active ] || fail "$s went from activating to $ss"
  wait_prop "$c" ActiveState active 10
  expect_prop "$c" Result success
  expect_prop "$c" ExecMainStatus 0
  local ready_after client_after
  ready_after=$(usec_between "$s" ExecMainStartTimestampMonotonic "$s" ActiveEnterTimestampMonotonic)
  [ "$ready_after" -ge 1000000 ] || fail "$s became active ${ready_after} us after its start, before its 1 s bind delay"
  client_after=$(usec_between "$s" ActiveEnterTimestampMonotonic "$c" ExecMainStartTimestampMonotonic)
  [ "$client_after" -ge 0 ] || fail "$c started ${client_after} us before $s was ready"
  expect_backend "$s" "$1"
  echo "ready $((ready_after / 1000)) ms after start; client connected $((client_after / 1000)) ms after READY"
  ct_exec systemctl stop "$c" "$s"
}

# 2. STATUS= reaches StatusText byte for byte, outside ASCII too.
case_status() {
  local s="sdn-status@$1.service"
  ct_exec systemctl start "$s"
  wait_prop "$s" StatusText "Grüße ✓ — 日本語 🚀" 5
  expect_backend "$s" "$1"
  echo "StatusText=$(prop "$s" StatusText)"
  ct_exec systemctl stop "$s"
}

# 3. Reload: RELOADING=1 puts the unit in "reloading" until READY=1.
case_reload() {
  local note
  if [ "$NT_SUITE_SYSTEMD" -le 257 ]; then
    reload_check "sdn-reload@$1.service" "$1"
  else
    reload_check_ends_with_execreload "sdn-reload@$1.service" "$1"
  fi
  note=$RELOAD_NOTE
  if [ "$NT_SUITE_SYSTEMD" -ge 253 ]; then
    # The signal is the manager's, and no ExecReload= ends the job early.
    local r="sdn-reload-signal@$1.service"
    expect_prop "$r" Type notify-reload
    expect_prop "$r" ExecReload ""
    reload_check "$r" "$1"
    echo "ExecReload=: $note; Type=notify-reload: $RELOAD_NOTE"
  else
    # systemd $NT_SUITE_SYSTEMD has no Type=notify-reload (253): the line is ignored, the unit is simple.
    expect_prop "sdn-reload-signal@$1.service" Type simple
    echo "ExecReload=: $note; Type=notify-reload unknown to $NT_SUITE_SYSTEMD (Type=simple)"
  fi
}

# Systemd 262 ends the reload of a Type=notify unit when ExecReload= exits (257 still held it; 258 to 261,
# which no rootfs has, are held to 262's): a RELOADING=1 processed meanwhile no longer holds the job until
# READY=1, only Type=notify-reload waits for it. For unit $1 (backend $2): systemctl reload returns while the
# service still reloads (ExecReload= waited for its "reloading 1"; READY=1 is a second later), the unit
# active, not reloading; READY=1 then arrives with the pid unchanged. Sets RELOAD_NOTE.
reload_check_ends_with_execreload() {
  local s="$1" t0 ms pid
  RELOAD_NOTE=""
  ct_exec systemctl start "$s"
  expect_prop "$s" StatusText "reloaded 0"
  pid=$(prop "$s" MainPID)
  t0=$(date +%s%N)
  ct_exec systemctl reload "$s" || fail "systemctl reload $s failed"
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  expect_prop "$s" StatusText "reloading 1"
  expect_prop "$s" ActiveState active
  wait_prop "$s" StatusText "reloaded 1" 10
  expect_prop "$s" ActiveState active
  expect_prop "$s" MainPID "$pid"
  expect_backend "$s" "$2"
  RELOAD_NOTE="systemctl reload returned after $ms ms, when ExecReload= exited, before READY=1 (systemd $NT_SUITE_SYSTEMD)"
  ct_exec systemctl stop "$s"
}

# The reload of unit $1 (backend $2): systemctl reload returns after the 1 s reload, with READY=1 in, and
# ActiveState went through reloading. Sets RELOAD_NOTE: the states seen and how long the reload took.
reload_check() {
  local s="$1" seen="" t0 t1 rc=0 states=""
  RELOAD_NOTE=""
  ct_exec systemctl start "$s"
  expect_prop "$s" StatusText "reloaded 0"
  t0=$(date +%s%N)
  ct_exec systemctl reload "$s" &
  local reload_pid=$! st
  while kill -0 "$reload_pid" 2>/dev/null || [ -z "$seen" ]; do
    st=$(prop "$s" ActiveState)
    case "$states" in *"$st"*) ;; *) states="$states $st" ;; esac
    [ "$st" = reloading ] && seen=1
    [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 5000 ] || break
    [ "$st" = active ] && [ -n "$seen" ] && break
    sleep 0.05
  done
  wait "$reload_pid" || rc=$?
  t1=$(date +%s%N)
  [ "$rc" = 0 ] || fail "systemctl reload $s failed ($rc)"
  [ -n "$seen" ] || fail "$s never reported ActiveState=reloading (saw:$states)"
  # systemctl reload returns once the reload job is done: READY=1 must have arrived by then.
  if [ "$(prop "$s" ActiveState) $(prop "$s" StatusText)" != "active reloaded 1" ]; then
    ct_exec journalctl -q -u "$s" -o short-monotonic --no-pager | tail -n 20 | sed 's/^/    /'
  fi
  expect_prop "$s" ActiveState active
  expect_prop "$s" StatusText "reloaded 1"
  [ $(( (t1 - t0) / 1000000 )) -ge 1000 ] || fail "systemctl reload $s returned after $(( (t1 - t0) / 1000000 )) ms, before the 1 s reload ended"
  expect_backend "$s" "$2"
  RELOAD_NOTE="states seen:$states; systemctl reload returned after $(( (t1 - t0) / 1000000 )) ms"
  ct_exec systemctl stop "$s"
}

# 4. STOPPING=1 from the service puts the unit in "deactivating" while it still runs; EXTEND_TIMEOUT_USEC
#    keeps a slow start alive past TimeoutStartSec=, which does time out the same start without it.
case_stopping_extend() {
  local s="sdn-stopping@$1.service" e="sdn-extend@$1.service" n="sdn-noextend@$1.service" pid sub
  ct_exec systemctl start --no-block "$e" "$n"
  ct_exec systemctl start "$s"
  pid=$(prop "$s" MainPID)
  wait_prop "$s" ActiveState deactivating 5
  sub=$(prop "$s" SubState)
  [ "$(prop "$s" MainPID)" = "$pid" ] && ct_exec test -d "/proc/$pid" \
    || fail "$s: main process $pid gone on entering deactivating"
  wait_file_line "/run/sdn-test/$s.exits" "^success exited 0$" 5
  # By the manager's timestamps, however late the polls above ran on a busy machine: the unit left active
  # on STOPPING=1, its main process ran on for the service's 2.5 s meanwhile, and only its own exit (not a
  # kill) made the unit inactive.
  local ran_on stopped line
  declare -A at=()
  stopped=$(ct_exec cat "/run/sdn-test/$s.stopped")
  while IFS= read -r line; do at[${line%%=*}]=${line#*=}; done <<<"$stopped"
  [ "${at[ActiveState]:-}" = deactivating ] || fail "$s: '${at[ActiveState]:-}' after its main process exited, not deactivating ($(tr '\n' ' ' <<<"$stopped"))"
  [ "${at[ActiveExitTimestampMonotonic]:-0}" -gt 0 ] && [ "${at[ExecMainExitTimestampMonotonic]:-0}" -gt 0 ] \
    || fail "$s: timestamps missing: $(tr '\n' ' ' <<<"$stopped")"
  ran_on=$((at[ExecMainExitTimestampMonotonic] - at[ActiveExitTimestampMonotonic]))
  [ "$ran_on" -ge 2000000 ] || fail "$s: main process exited ${ran_on} us after STOPPING=1, not after its 2.5 s"
  expect_backend "$s" "$1"

  wait_prop "$e" ActiveState active 20
  local took
  took=$(usec_between "$e" ExecMainStartTimestampMonotonic "$e" ActiveEnterTimestampMonotonic)
  [ "$took" -gt 6000000 ] || fail "$e became active after ${took} us, not past its 6 s start timeout"
  wait_prop "$n" Result timeout 10
  expect_prop "$n" ActiveState failed
  expect_backend "$e" "$1"
  echo "deactivating ($sub) with the main process alive, which ran on $((ran_on / 1000)) ms; extended start took $((took / 1000)) ms under TimeoutStartSec=6s; without extension: Result=timeout"
  ct_exec systemctl stop "$e"
  ct_exec systemctl reset-failed "$n"
}

# 5. Watchdog: the interval reaches the service, keep-alives keep it alive, their absence gets it killed
#    (Result=watchdog) and restarted; WATCHDOG=trigger kills at once; WATCHDOG_USEC= changes the timeout.
case_watchdog() {
  local s="sdn-watchdog@$1.service" t="sdn-wdtrigger@$1.service" o="sdn-wdtimeout@$1.service"
  ct_exec systemctl start "$s"
  local started=$SECONDS w1 w2 pid
  pid=$(prop "$s" MainPID)
  expect_prop "$s" WatchdogUSec 2s
  wait_prop "$s" StatusText "watchdog interval 2000 ms" 5
  w1=$(prop "$s" WatchdogTimestampMonotonic)
  sleep $((WATCHDOG_KEEP_SECONDS - 2))
  expect_prop "$s" ActiveState active
  expect_prop "$s" NRestarts 0
  expect_prop "$s" MainPID "$pid"
  w2=$(prop "$s" WatchdogTimestampMonotonic)
  [ "$w2" -gt "$w1" ] || fail "$s: WatchdogTimestamp did not move during keep-alives ($w1, $w2)"
  wait_file_line "/run/sdn-test/$s.exits" "^watchdog killed ABRT$" 8
  local killed_after=$((SECONDS - started))
  wait_prop "$s" NRestarts 1 5
  wait_prop "$s" ActiveState active 10
  expect_backend "$s" "$1"
  ct_exec systemctl stop "$s"

  ct_exec systemctl start "$t" "$o"
  wait_prop "$t" Result watchdog 5
  wait_prop "$t" ActiveState failed 5
  local trig
  trig=$(usec_between "$t" ActiveEnterTimestampMonotonic "$t" ActiveExitTimestampMonotonic)
  [ "$trig" -lt 5000000 ] || fail "$t: killed ${trig} us after READY, not at once (WatchdogSec=30s)"
  # systemd forgets the last keep-alive's time when the unit fails: note it while the unit is active.
  local wlast=0 usec="" w st u deadline=$((SECONDS + 15))
  while :; do
    w=$(prop "$o" WatchdogTimestampMonotonic)
    u=$(prop "$o" WatchdogUSec)
    st=$(prop "$o" ActiveState)
    [ "$st" = active ] || [ "$st" = activating ] || break
    if [ "$st" = active ]; then
      wlast=$w
      usec=$u
    fi
    [ $SECONDS -lt $deadline ] || fail "$o: still $st after 15 s; WATCHDOG_USEC=1000000 had no effect"
    sleep 0.05
  done
  [ "$usec" = 1s ] || fail "$o: WatchdogUSec was '$usec' while active, expected 1s after WATCHDOG_USEC=1000000"
  wait_prop "$o" Result watchdog 5
  wait_prop "$o" ActiveState failed 5
  # From the last keep-alive systemd received to the kill: the new 1 s, not the configured 30 s.
  local over
  over=$(( $(prop "$o" ActiveExitTimestampMonotonic) - wlast ))
  [ "$over" -ge 900000 ] && [ "$over" -lt 3000000 ] \
    || fail "$o: killed ${over} us after the last keep-alive, not about 1 s as WATCHDOG_USEC=1000000 asks"
  expect_backend "$t" "$1"
  expect_backend "$o" "$1"
  echo "kept alive ${WATCHDOG_KEEP_SECONDS} s, killed about ${killed_after} s after start and restarted; trigger killed after $((trig / 1000)) ms; WATCHDOG_USEC=1s killed $((over / 1000)) ms after the last keep-alive"
  ct_exec systemctl reset-failed "$t" "$o"
}

# 6. FD store: a stored listening socket survives a restart (no refused connection meanwhile), comes back
#    with its name, and FDSTOREREMOVE=1 removes it.
case_fdstore() {
  local s="sdn-fdstore@$1.service" port pid1 pid2 log="$NT_OUT/fdstore-$1.clients"
  port=$(port_prefix "$1")06
  ct_exec systemctl start "$s"
  wait_prop "$s" NFileDescriptorStore 1 5
  wait_prop_like "$s" StatusText "created and stored fd *" 5
  pid1=$(prop "$s" MainPID)
  # A client connects every 50 ms throughout the restart and records each answer.
  ct_exec bash -c "for i in \$(seq 40); do
      if exec 3<>/dev/tcp/127.0.0.1/$port; then
        if read -r -t 5 line <&3; then echo \"ok \$line\"; else echo noreply; fi
        exec 3<&-
      else echo refused; fi
      sleep 0.05
    done" >"$log" 2>&1 &
  local client=$!
  sleep 0.5
  ct_exec systemctl restart "$s"
  wait "$client" || true
  pid2=$(prop "$s" MainPID)
  [ "$pid2" != "$pid1" ] || fail "$s: restart kept main pid $pid1"
  expect_prop "$s" NFileDescriptorStore 1
  wait_prop "$s" StatusText "reused stored fd 3" 5
  wait_journal "$s" "passed \[3:listener\]" 5
  grep -v '^ok pid ' "$log" >/dev/null && fail "failed connections during the restart: $(grep -v '^ok pid ' "$log" | sort | uniq -c | tr '\n' ' ')"
  grep -q "^ok pid $pid1\$" "$log" || fail "no connection answered by the first process ($pid1): $(sort "$log" | uniq -c | tr '\n' ' ')"
  grep -q "^ok pid $pid2\$" "$log" || fail "no connection answered by the restarted process ($pid2): $(sort "$log" | uniq -c | tr '\n' ' ')"
  local answered
  answered=$(grep -c '^ok pid ' "$log")
  ct_exec systemctl kill -s HUP --kill-who=main "$s"
  wait_prop "$s" NFileDescriptorStore 0 5
  wait_prop "$s" StatusText "removed the stored listener" 5
  ct_exec systemctl restart "$s"
  wait_prop_like "$s" StatusText "created and stored fd *" 5
  wait_prop "$s" NFileDescriptorStore 1 5
  expect_backend "$s" "$1"
  echo "$answered/40 connections answered across the restart (pids $pid1, $pid2), none refused; after FDSTOREREMOVE the next start got no fd"
  ct_exec systemctl stop "$s"
}

# 7. Socket activation: two sockets with FileDescriptorName= reach the service with their names.
case_activation() {
  local s="sdn-act@$1.service" p reply
  p=$(port_prefix "$1")
  ct_exec systemctl start "sdn-act-a@$1.socket" "sdn-act-b@$1.socket"
  expect_prop "$s" ActiveState inactive
  reply=$(ct_exec bash -c "exec 3<>/dev/tcp/127.0.0.1/${p}07 && read -r -t 10 line <&3 && echo \"\$line\"") \
    || fail "connecting to the alpha socket failed"
  [ "$reply" = alpha ] || fail "the alpha socket was served as '$reply'"
  reply=$(ct_exec bash -c "exec 3<>/dev/tcp/127.0.0.1/${p}08 && read -r -t 10 line <&3 && echo \"\$line\"") \
    || fail "connecting to the beta socket failed"
  [ "$reply" = beta ] || fail "the beta socket was served as '$reply'"
  # The service answers before READY=1 reaches the manager: wait for the manager to process it.
  wait_prop "$s" ActiveState active 5
  local status
  status=$(prop "$s" StatusText)
  case "$status" in *alpha*beta* | *beta*alpha*) ;; *) fail "$s: StatusText '$status' lacks a name" ;; esac
  expect_backend "$s" "$1"
  echo "$status"
  ct_exec systemctl stop "$s" "sdn-act-a@$1.socket" "sdn-act-b@$1.socket"
}

# 8. Barrier: a helper that sends STATUS and exits has it accounted when it waits on a barrier first; without
#    one, behind BARRIER_AHEAD messages of its own, the manager reads it after the helper is reaped and drops
#    it, at least once in BARRIER_TRIALS (the control arm, without which the barrier proves nothing).
case_barrier() {
  local s="sdn-barrier@$1.service" f="/run/sdn-test/sdn-barrier@$1.service.trials" ok lost
  ct_exec systemctl start "$s"
  wait_file_line "/run/sdn-test/$s.exits" "^success exited 0$" 5
  ok=$(ct_exec cat "$f" | grep -c '^barrier .* accounted (status: ' || true)
  [ "$ok" = "$BARRIER_TRIALS" ] || fail "with a barrier only $ok/$BARRIER_TRIALS helpers' STATUS were accounted: $(ct_exec cat "$f" | tr '\n' '|')"
  lost=$(ct_exec cat "$f" | grep -c '^none .* lost (status: queued ahead ' || true)
  # The control arm: without a barrier the manager must have lost the helper's message at least once (it read
  # the messages queued ahead, then not the helper's), or the arm with a barrier proves nothing.
  [ "$lost" -ge 1 ] || fail "without a barrier no helper's STATUS was lost in $BARRIER_TRIALS trials, so the barrier's value is not shown: $(ct_exec cat "$f" | tr '\n' '|')"
  expect_backend "$s" "$1"
  echo "with barrier $ok/$BARRIER_TRIALS accounted; without barrier $lost/$BARRIER_TRIALS lost (each helper queues $BARRIER_AHEAD messages ahead of its own)"
}

# 9. NotifyAccess=main: a child's own STATUS is ignored, its STATUS sent as the main pid is accepted, and
#    MAINPID= moves the main pid.
case_access() {
  local s="sdn-access@$1.service" pid newpid
  ct_exec systemctl start "$s"
  pid=$(prop "$s" MainPID)
  wait_journal "$s" "access-child: own-pid status processed" 10
  expect_prop "$s" StatusText "main ready"
  ct_exec touch "/run/sdn-test/$s.go"
  wait_prop "$s" StatusText "from the child as the main pid" 10
  local deadline=$((SECONDS + 10))
  while :; do
    newpid=$(prop "$s" MainPID)
    if [ "$newpid" != "$pid" ] && [ "$(ct_exec cat "/proc/$newpid/comm" 2>/dev/null)" = sleep ]; then break; fi
    [ $SECONDS -lt $deadline ] || fail "$s: MainPID is $newpid, not the sleep the service handed over to"
    sleep 0.05
  done
  expect_backend "$s" "$1"
  echo "child's own STATUS ignored, as main pid accepted; MainPID $pid -> $newpid (sleep)"
  ct_exec systemctl stop "$s"
}

# 9b. NOTIFYACCESS= (systemd 254): the main process of a NotifyAccess=main unit sends NOTIFYACCESS=all, and
#     a child's STATUS from its own pid counts from then on. Before 254 the field is ignored: NotifyAccess=
#     stays main and the child's STATUS too is ignored.
case_notifyaccess() {
  local s="sdn-nacc@$1.service"
  ct_exec systemctl start "$s"
  wait_journal "$s" "^notifyaccess: NOTIFYACCESS=all processed$" 10
  # The child's barrier returns once the manager has read its STATUS (and taken it or not).
  wait_journal "$s" "^notifyaccess-child: status processed$" 15
  if [ "$NT_SUITE_SYSTEMD" -ge 254 ]; then
    expect_prop "$s" NotifyAccess all
    expect_prop "$s" StatusText "from the child's own pid"
    echo "NotifyAccess=main -> all on NOTIFYACCESS=all; the child's own STATUS then counted"
  else
    expect_prop "$s" NotifyAccess main
    expect_prop "$s" StatusText "main ready"
    echo "systemd $NT_SUITE_SYSTEMD ignores NOTIFYACCESS= (254): NotifyAccess stays main, the child's STATUS is ignored"
  fi
  expect_backend "$s" "$1"
  ct_exec systemctl stop "$s"
}

# 10. After a send that unsets NOTIFY_SOCKET, children started from the C environment cannot notify.
case_unset() {
  local s="sdn-unset@$1.service"
  # The service sends READY=1 only after the gate: do not wait for the start job.
  ct_exec systemctl start --no-block "$s"
  wait_journal "$s" "child before: NOTIFY_SOCKET=/run/systemd/notify" 5
  wait_prop "$s" StatusText "set by the child before" 5
  ct_exec touch "/run/sdn-test/$s.go"
  wait_journal "$s" "unset-env: children done" 10
  # The journal line and READY=1 travel to different readers; either may be processed first.
  wait_prop "$s" ActiveState active 5
  expect_prop "$s" StatusText "ready, NOTIFY_SOCKET unset"
  local j
  j=$(journal "$s")
  grep -q "child after: NOTIFY_SOCKET=<unset>" <<<"$j" || fail "the child after the unset saw NOTIFY_SOCKET"
  grep -q "child after: systemd-notify exit 1" <<<"$j" || fail "systemd-notify in the child after the unset did not fail"
  expect_backend "$s" "$1"
  echo "the child before the unset set StatusText; the child after it saw no NOTIFY_SOCKET and could not"
  ct_exec systemctl stop "$s"
}

# 11. The HTTP example a user copies: serves, reloads in place, keeps its socket across a restart in the fd
#     store, and its health-gated keeper holds the 4 s watchdog.
case_example() {
  local s="sdn-example@$1.service" port greeting pid1 pid2
  port="$(port_prefix "$1")09"
  ct_exec sh -c "echo 'hello from $1' > '/run/sdn-test/$s.greeting'"
  ct_exec systemctl start "$s" || { journal "$s" | tail -n 20 >&2; fail "$s did not start"; }
  wait_prop_like "$s" StatusText "Serving on /127.0.0.1:$port (socket bound, backend $1)" 5
  greeting=$(http_get "$port")
  [ "$greeting" = "hello from $1" ] || fail "GET / answered '$greeting'"
  pid1=$(prop "$s" MainPID)
  ct_exec sh -c "echo 'reloaded on $1' > '/run/sdn-test/$s.greeting'"
  ct_exec systemctl reload "$s"
  wait_prop_like "$s" StatusText "Reloaded; greeting is now \"reloaded on $1\"" 5
  expect_prop "$s" MainPID "$pid1"
  expect_prop "$s" ActiveState active
  greeting=$(http_get "$port")
  [ "$greeting" = "reloaded on $1" ] || fail "GET / after the reload answered '$greeting'"
  expect_prop "$s" NFileDescriptorStore 1
  ct_exec systemctl restart "$s"
  wait_prop_like "$s" StatusText "Serving on /127.0.0.1:$port (socket passed by systemd, backend $1)" 5
  pid2=$(prop "$s" MainPID)
  [ "$pid2" != "$pid1" ] || fail "the restart kept pid $pid1"
  expect_prop "$s" NFileDescriptorStore 1
  greeting=$(http_get "$port")
  [ "$greeting" = "reloaded on $1" ] || fail "GET / after the restart answered '$greeting'"
  # Over two watchdog intervals: only the keeper's health-gated keep-alives hold it, and they kept coming.
  local w1 w2
  w1=$(prop "$s" WatchdogTimestampMonotonic)
  sleep 9
  expect_prop "$s" ActiveState active
  expect_prop "$s" NRestarts 0
  expect_prop "$s" MainPID "$pid2"
  w2=$(prop "$s" WatchdogTimestampMonotonic)
  [ "$w2" -ge $((w1 + 4000000)) ] || fail "$s: the last keep-alive (${w2}) is not over an interval after the one before the wait (${w1})"
  echo "served, reloaded in place (pid $pid1), restarted with its socket from the fd store (pid $pid2), fed the watchdog 9 s (WatchdogSec=4s)"
  ct_exec systemctl stop "$s"
}

# 12. The Spring Boot service: activating while its start makes progress (longer than TimeoutStartSec=, held
#     by the starter's EXTEND_TIMEOUT_USEC), its port closed until then; active once it answers; fed while
#     its health group is UP; killed by the watchdog (Result=watchdog) and restarted once the group is DOWN;
#     and on stop, STOPPING=1 with the process still running.
case_spring() {
  local s="sdn-spring@$1.service" port st status answered=0 pid took reply
  port="$(port_prefix "$1")10"
  ct_exec rm -f "/run/sdn-test/$s.down" "/run/sdn-test/$s.env"
  ct_exec systemctl start --no-block "$s"
  wait_prop "$s" ActiveState activating 10
  local progress=""
  while :; do
    st=$(prop "$s" ActiveState)
    [ "$st" = activating ] || break
    status=$(prop "$s" StatusText)
    case "$status" in "Starting: initializing beans ("*) progress=$status ;; esac
    # The web server listens once every bean is made, at the very end of the start; READY=1 follows after the
    # runners. A port that answers while activating must be followed by READY=1 at once.
    if reply=$(http_get "$port" 2>/dev/null) && [ -n "$reply" ]; then
      wait_prop "$s" ActiveState active 3
      answered=1
      st=active
      break
    fi
    sleep 0.1
  done
  [ "$st" = active ] || { journal "$s" | tail -n 30 >&2; fail "$s went from activating to $st"; }
  [ -n "$progress" ] || fail "$s: no 'Starting: initializing beans (N beans)' status seen while activating"
  reply=$(http_get "$port") || fail "$s is active but port $port does not answer"
  [ "$reply" = "hello from spring boot" ] || fail "$s: GET / answered '$reply'"
  took=$(usec_between "$s" ExecMainStartTimestampMonotonic "$s" ActiveEnterTimestampMonotonic)
  [ "$took" -gt $((SPRING_TIMEOUT_START_SEC * 1000000)) ] \
    || fail "$s: started in $((took / 1000)) ms, within TimeoutStartSec=${SPRING_TIMEOUT_START_SEC}s: the extension is not shown"
  wait_prop_like "$s" StatusText "Accepting traffic on port $port (started in * s)" 5
  local gw="$SPRING_GATEWAY"
  case "$1" in
    libsystemd) wait_journal "$s" "Notifying systemd: backend=libsystemd via $gw: $(ere_quote "${LIBSYSTEMD_REPORT:?}")\$" 10 ;;
    java) wait_journal "$s" "Notifying systemd: backend=java via $gw: libsystemd cannot be loaded \\(" 10 ;;
  esac
  # Fed over two intervals: the keeper's keep-alives, gated on the group, hold it.
  local w1 w2
  pid=$(prop "$s" MainPID)
  expect_prop "$s" WatchdogUSec "${SPRING_WATCHDOG_SEC}s"
  w1=$(prop "$s" WatchdogTimestampMonotonic)
  sleep $((SPRING_WATCHDOG_SEC * 2 + 1))
  expect_prop "$s" ActiveState active
  expect_prop "$s" NRestarts 0
  expect_prop "$s" MainPID "$pid"
  w2=$(prop "$s" WatchdogTimestampMonotonic)
  [ "$w2" -ge $((w1 + SPRING_WATCHDOG_SEC * 1000000)) ] \
    || fail "$s: the last keep-alive ($w2) is not an interval after the one before the wait ($w1)"
  # The health group DOWN: no more keep-alives, so systemd kills and restarts it (quickly, this time).
  ct_exec sh -c "echo SLOW_BEANS=0 > '/run/sdn-test/$s.env'"
  local down=$SECONDS
  ct_exec touch "/run/sdn-test/$s.down"
  wait_prop_like "$s" StatusText "Watchdog: *health group watchdog is DOWN*" "$SPRING_WATCHDOG_SEC"
  wait_file_line "/run/sdn-test/$s.exits" "^watchdog killed ABRT$" $((SPRING_WATCHDOG_SEC * 3))
  local killed=$((SECONDS - down))
  ct_exec rm -f "/run/sdn-test/$s.down"
  wait_prop "$s" NRestarts 1 5
  wait_prop "$s" ActiveState active 30
  pid=$(prop "$s" MainPID)
  # Stop: deactivating, with the starter's STOPPING=1 and its status in while the process still runs.
  ct_exec systemctl stop --no-block "$s"
  local seen="" deadline=$((SECONDS + 15)) mp
  local -A P=()
  while :; do
    # One snapshot of the three, so that they describe the same moment.
    read_props "$s" ActiveState,StatusText,MainPID
    st=${P[ActiveState]}
    status=${P[StatusText]}
    mp=${P[MainPID]}
    if [ "$st" = deactivating ] && [ "$status" = "Shutting down" ]; then
      # MainPID 0: the process is gone and the unit finishes its stop; not yet seen means not seen.
      [ "$mp" = "$pid" ] || [ "$mp" = 0 ] || fail "$s: status 'Shutting down' with MainPID $mp, expected $pid"
      [ "$mp" = "$pid" ] && seen=1
    fi
    [ "$st" = inactive ] && break
    [ $SECONDS -lt $deadline ] || fail "$s: still $st 15 s after stop"
    sleep 0.05
  done
  [ -n "$seen" ] || fail "$s: never deactivating with status 'Shutting down' (STOPPING=1) before its exit"
  expect_prop "$s" Result success
  echo "started in $((took / 1000)) ms under TimeoutStartSec=${SPRING_TIMEOUT_START_SEC}s ($progress); port answered $( [ $answered = 1 ] && echo 'at the end of the start, READY within 3 s' || echo 'once active'); fed $((SPRING_WATCHDOG_SEC * 2 + 1)) s; DOWN group killed it in about ${killed} s (Result=watchdog), restarted; stop showed 'Shutting down' with the process running ($gw)"
}

# 13. Hardened units (HARDENED_PROFILES): the profile's service on both gateways, started together. A
#     working one is active after READY=1, got WatchdogSec= as its interval and feeds the watchdog for two
#     intervals with no restart; a failing one fails with the cause in the journal and is never
#     active. Properties are read in one call and the journal once per unit, to keep the calls few.

# Waits up to 40 s for a unit to leave its start: prints active or failed.
hardened_settle() {
  local deadline=$((SECONDS + 40)) st
  while :; do
    st=$(prop "$1" ActiveState)
    case "$st" in active | failed) echo "$st"; return ;; esac
    [ $SECONDS -lt $deadline ] || fail "$1: still $st 40 s after its start"
    sleep 0.1
  done
}

# Fails unless the journal text $2 of unit $1 has a line matching the extended regex $3.
hardened_has() {
  grep -Eq -- "$3" <<<"$2" && return 0
  echo "  $1: journal:"
  tail -n 20 <<<"$2" | sed 's/^/    /'
  fail "$1: no journal line matching /$3/"
}

# The regex of what backend() reports for backend $1 over gateway $2, as expect_backend checks it.
hardened_backend_ere() {
  if [ "$1" = libsystemd ]; then
    echo "libsystemd via $2: $(ere_quote "$LIBSYSTEMD_REPORT")\$"
  else
    echo "java via $2: libsystemd cannot be loaded \\("
  fi
}

case_hardened() {
  local p="$1" b="$2" g gw u exp st j dir n key wd="$HARDENED_WATCHDOG_SEC" notes=() fed=() units=""
  local -A P=() enter=() pid=()
  for g in jna ffm; do units+=" sdn-hardened-$p-$g@$b.service"; done
  # shellcheck disable=SC2086
  ct_exec systemctl start --no-block $units
  for g in jna ffm; do
    u="sdn-hardened-$p-$g@$b.service"
    exp=${HARDENED_EXPECT[$p.$g]}
    gw=${g^^}
    dir=""
    st=$(hardened_settle "$u")
    case "$exp" in
      ok | ok:*)
        [ "$st" = active ] || { journal "$u" | tail -n 20 >&2; fail "$u: $st, expected active (profile $p, $gw)"; }
        # The keeper's line is the service's last.
        wait_journal "$u" "^hardened: keeper " 5
        j=$(journal "$u")
        ;;
      elibacc | eafnosupport)
        [ "$st" = failed ] || fail "$u: $st, expected failed (profile $p, $gw)"
        wait_journal "$u" "^hardened: ready threw: " 5
        [ "$exp" != elibacc ] || wait_journal "$u" "^WARNING: sdnotify cannot reach the supervisor" 5
        j=$(journal "$u")
        ;;
      *) fail "profile $p: unknown expectation '$exp' for $g" ;;
    esac
    # A setting this manager does not know: it said so when it loaded the unit, and ignored it.
    for key in ${HARDENED_IGNORED[$p]:-}; do
      hardened_has "$u" "$j" "sdn-hardened-$p-$g@\\.service:[0-9]+: Unknown key name '$key' in section 'Service', ignoring"
    done
    # For the log: what the service and the library said.
    echo "$u: $st"
    grep -E '^hardened: |JNA unpacks|^(WARNING|SEVERE):|Exception:' <<<"$j" | sed 's/^/  /'
    case "$exp" in
      ok | ok:*)
        hardened_has "$u" "$j" "^hardened: backend=$(hardened_backend_ere "$b" "$gw")"
        hardened_has "$u" "$j" "^hardened: watchdog interval $((wd * 1000)) ms$"
        hardened_has "$u" "$j" "^hardened: ready returned true$"
        if [ "$exp" = ok ]; then
          ! grep -q "JNA unpacks" <<<"$j" || fail "$u: the library moved JNA's stub, where JNA's own directory should do"
        else
          dir=${exp#ok:}
          dir=${dir//%p/sdn-hardened-$p-$g}
          dir=${dir//%i/$b}
          hardened_has "$u" "$j" "JNA unpacks its native stub into $dir \\("
        fi
        read_props "$u" WatchdogUSec,MainPID,ExecMainStartTimestampMonotonic,ActiveEnterTimestampMonotonic
        [ "${P[WatchdogUSec]}" = "${wd}s" ] || fail "$u: WatchdogUSec is '${P[WatchdogUSec]}', expected ${wd}s"
        enter[$g]=${P[ActiveEnterTimestampMonotonic]}
        pid[$g]=${P[MainPID]}
        notes+=("$g: active in $(((enter[$g] - P[ExecMainStartTimestampMonotonic]) / 1000)) ms${dir:+, stub in $dir}")
        fed+=("$g")
        ;;
      *)
        read_props "$u" Result,ExecMainStatus,ActiveEnterTimestampMonotonic
        [ "${P[Result]} ${P[ExecMainStatus]} ${P[ActiveEnterTimestampMonotonic]}" = "exit-code 1 0" ] \
          || fail "$u: Result=${P[Result]} ExecMainStatus=${P[ExecMainStatus]} ActiveEnterTimestampMonotonic=${P[ActiveEnterTimestampMonotonic]}, expected exit-code, 1 and 0 (never active)"
        if [ "$exp" = elibacc ]; then
          # The unit sets both variables (WatchdogSec=); the reason names both.
          local why="NOTIFY_SOCKET, WATCHDOG_USEC are set, so a supervisor started this process, but native access failed: JNA cannot load its native stub \\("
          hardened_has "$u" "$j" "^hardened: backend=none: $why"
          hardened_has "$u" "$j" "^hardened: Watchdog.interval\\(\\) threw: sd_watchdog_enabled failed with ELIBACC \\(errno 79\\): $why"
          hardened_has "$u" "$j" "^hardened: ready threw: sd_notify failed with ELIBACC \\(errno 79\\): $why"
          n=$(grep -c "sdnotify cannot reach the supervisor" <<<"$j" || true)
          [ "$n" = 1 ] || fail "$u: $n lines 'sdnotify cannot reach the supervisor', expected one WARNING"
          notes+=("$g: ELIBACC, one WARNING, never active")
        else
          hardened_has "$u" "$j" "^hardened: backend=$(hardened_backend_ere "$b" "$gw")"
          hardened_has "$u" "$j" "^hardened: watchdog interval $((wd * 1000)) ms$"
          # socket(AF_UNIX) is what fails; the message names the errno and the send it was for.
          hardened_has "$u" "$j" "^hardened: ready threw: sd_notify failed with EAFNOSUPPORT \\(errno 97\\): opening an AF_UNIX datagram socket for NOTIFY_SOCKET=\"/run/systemd/notify\": this process may not use AF_UNIX sockets"
          notes+=("$g: EAFNOSUPPORT, never active")
        fi
        ! grep -q "^hardened: ready returned" <<<"$j" || fail "$u: READY=1 answered instead of throwing"
        ct_exec systemctl reset-failed "$u"
        ;;
    esac
  done
  if [ "${#fed[@]}" -gt 0 ]; then
    # Two intervals and a half second after both were seen active (so after both READY=1), then what
    # systemd saw: no watchdog restart, and keep-alives after the first interval.
    sleep "$((wd * 2)).5"
    units=""
    for g in "${fed[@]}"; do
      u="sdn-hardened-$p-$g@$b.service"
      read_props "$u" ActiveState,NRestarts,MainPID,ActiveEnterTimestampMonotonic,WatchdogTimestampMonotonic
      [ "${P[ActiveState]} ${P[NRestarts]} ${P[MainPID]} ${P[ActiveEnterTimestampMonotonic]}" = "active 0 ${pid[$g]} ${enter[$g]}" ] \
        || fail "$u: ActiveState=${P[ActiveState]} NRestarts=${P[NRestarts]} MainPID=${P[MainPID]} ActiveEnterTimestampMonotonic=${P[ActiveEnterTimestampMonotonic]} after two intervals, expected active, 0, ${pid[$g]}, ${enter[$g]}"
      n=$((P[WatchdogTimestampMonotonic] - enter[$g]))
      [ "$n" -ge $((wd * 1000000)) ] \
        || fail "$u: the last keep-alive came $((n / 1000)) ms after READY=1, over $((wd * 1000)) ms ago"
      units+=" $u"
    done
    # shellcheck disable=SC2086
    ct_exec systemctl stop $units
    notes+=("fed for $((wd * 2)).5 s (WatchdogSec=${wd}s), NRestarts=0")
  fi
  local line
  [ -z "${HARDENED_IGNORED[$p]:-}" ] || notes+=("systemd $NT_SUITE_SYSTEMD ignores ${HARDENED_IGNORED[$p]// /, } (since ${HARDENED_SETTING_SINCE[${HARDENED_IGNORED[$p]%% *}]})")
  line=$(printf '%s; ' "${notes[@]}")
  echo "${line%; }"
}
HARDENED_CASES=()
for row in "${HARDENED_PROFILES[@]}"; do
  name=${row%%|*}
  eval "case_hardened-$name() { case_hardened $name \"\$1\"; }"
  HARDENED_CASES+=("hardened-$name")
done

CASES=(readiness status reload stopping_extend watchdog fdstore activation barrier access notifyaccess unset example
  spring "${HARDENED_CASES[@]}")
# Cases that mostly wait run beside the others: one worker per group and backend.
CASE_GROUPS=("watchdog barrier example spring" "readiness status reload stopping_extend fdstore activation access notifyaccess unset")
# The hardened cases in four more groups, taken in turn along the table; they run once the groups above
# are done (see below).
HARDENED_GROUPS=4
for i in "${!HARDENED_CASES[@]}"; do
  CASE_GROUPS[2 + i % HARDENED_GROUPS]+="${CASE_GROUPS[2 + i % HARDENED_GROUPS]:+ }${HARDENED_CASES[$i]}"
done
# Arguments name the cases to run (all by default).
if [ "$#" -gt 0 ]; then
  for c in "$@"; do
    [[ " ${CASES[*]} " == *" $c "* ]] || { echo "no case '$c'; cases: ${CASES[*]}" >&2; exit 2; }
  done
  for g in "${!CASE_GROUPS[@]}"; do
    kept=""
    for c in ${CASE_GROUPS[$g]}; do [[ " $* " == *" $c "* ]] && kept="$kept $c"; done
    CASE_GROUPS[g]="$kept"
  done
fi

# ------------------------------------------------------------------------------------------------ run
RESULTS="$NT_OUT/results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
workers=()

# Kills a process and its descendants, by pid, children first.
kill_tree() {
  local child
  for child in $(cat "/proc/$1"/task/*/children 2>/dev/null); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}

on_exit() {
  local rc=$?
  for w in "${workers[@]}"; do kill_tree "$w"; done
  nt_suite_teardown || rc=1
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

mapfile -t binds < <(nt_binds "$NT_OUT/classes")
binds+=("$NT_SPRING_JAR:/opt/sdnotify/spring/spring-boot-service.jar")
echo "root: $NT_SUITE_LABEL ($NT_SUITE_ROOT), systemd $NT_SUITE_SYSTEMD, $NT_SUITE_LIBSYSTEMD -> $NT_SUITE_LIBSYSTEMD_REAL; JDKs:"
nt_suite_describe_jdks
boot_start=$(date +%s%N)
nt_suite_boot "${binds[@]}" "${NO_VSOCK_BIND[@]}"
boot_ms=$(( ($(date +%s%N) - boot_start) / 1000000 ))
nt_suite_check_jdks
ct_exec mkdir -p /run/sdn-test
ct_install_units "$UNITS"
selected=$( (IFS=' '; echo "${CASE_GROUPS[*]}") | wc -w)
echo "container $CT_NAME booted in ${boot_ms} ms; running $selected cases on ${BACKENDS[*]}"

# The gateway(s) a case's services run on: both for a hardened profile, the Spring Boot JDK's for the
# spring case, else that of the jrun JDK.
case_gateway() {
  case "$1" in
    hardened-*) echo JNA+FFM ;;
    spring) echo "$SPRING_GATEWAY" ;;
    *) echo "$NT_SUITE_JRUN_GATEWAY" ;;
  esac
}

# Runs cases $2... on backend $1 in order, each in a subshell that stops at its first failed check.
run_cases() {
  local b="$1" c i t0 ms rc verdict
  shift
  for c in "$@"; do
    for i in "${!CASES[@]}"; do [ "${CASES[$i]}" = "$c" ] && break; done
    i=$((i + 1))
    t0=$(date +%s%N)
    set +e
    (set -euo pipefail; "case_$c" "$b") >"$RESULTS/$c.$b.log" 2>&1
    rc=$?
    set -e
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    verdict=PASS
    [ "$rc" = 0 ] || verdict=FAIL
    if [ "$verdict" = FAIL ]; then
      # What the manager and the services of this backend said meanwhile, before the verdict line.
      local note
      note=$(tail -n 1 "$RESULTS/$c.$b.log")
      {
        echo "  journal of sdn-*@$b units since the case began:"
        ct_exec journalctl -q -o short-monotonic --no-pager --since "@$((t0 / 1000000000))" -u "sdn-*@$b.service" \
          -u "sdn-*@$b.socket" 2>&1 | tail -n 60 | sed 's/^/    /'
        echo "$note"
      } >>"$RESULTS/$c.$b.log"
    fi
    printf '%s %d %s %s %d %s\n' "$verdict" "$i" "$c" "$b" "$ms" "$(tail -n 1 "$RESULTS/$c.$b.log")" \
      >"$RESULTS/$c.$b.line"
    printf '%s %2d %-24s %-10s %-7s %5d.%d s\n' "$verdict" "$i" "$c" "$b" "$(case_gateway "$c")" $((ms / 1000)) $((ms % 1000 / 100))
    if [ "$verdict" = FAIL ]; then sed 's/^/      /' "$RESULTS/$c.$b.log"; fi
  done
}

# Runs the groups with the given indexes, each on every backend in a worker of its own, and waits for them.
run_groups() {
  local b i w
  for b in "${BACKENDS[@]}"; do
    for i in "$@"; do
      [ -n "${CASE_GROUPS[$i]// /}" ] || continue
      # shellcheck disable=SC2086
      run_cases "$b" ${CASE_GROUPS[$i]} &
      workers+=($!)
    done
  done
  for w in "${workers[@]}"; do wait "$w" || true; done
  workers=()
}
run_groups 0 1
# Then the hardened cases: their JVMs, two starting at once per case and worker, would slow the timed
# checks above.
# shellcheck disable=SC2046
run_groups $(seq 2 $((${#CASE_GROUPS[@]} - 1)))

passed=$(cat "$RESULTS"/*.line 2>/dev/null | grep -c '^PASS' || true)
failed=$(cat "$RESULTS"/*.line 2>/dev/null | grep -c '^FAIL' || true)
echo "results:"
for c in "${CASES[@]}"; do
  for b in "${BACKENDS[@]}"; do
    if [ -f "$RESULTS/$c.$b.line" ]; then
      read -r verdict i _ _ ms note <"$RESULTS/$c.$b.line"
      printf '  %s %2d %-24s %-10s %-7s %5d.%d s  %s\n' "$verdict" "$i" "$c" "$b" "$(case_gateway "$c")" $((ms / 1000)) $((ms % 1000 / 100)) "$note"
    fi
  done
done

trap - EXIT
leftover=PASS
nt_suite_teardown || leftover=FAIL
total_ms=$(( ($(date +%s%N) - suite_start) / 1000000 ))
echo "container suite ($NT_SUITE_LABEL, systemd $NT_SUITE_SYSTEMD): $passed passed, $failed failed, leftover check $leftover, $((total_ms / 1000)).$((total_ms % 1000 / 100)) s in all (boot ${boot_ms} ms)"
[ "$failed" = 0 ] && [ "$passed" = $((selected * ${#BACKENDS[@]})) ] && [ "$leftover" = PASS ]
