#!/usr/bin/env bash
# End-to-end suite under a real systemd: boots one throwaway container (systemd as PID 1), installs the units
# of native-test/units, and runs the cases, JUnit tests under native-test/suite (tagged "container"), on each
# backend against it: they check what systemd reports (unit properties, the journal, exit records). Prints one
# line per case and backend, a summary, and fails if any case fails or the container leaves anything behind.
# Surefire's reports: native-test/suite/target/surefire-reports/<root>/. Off CI a missing prerequisite (root,
# systemd-nspawn) skips the suite; with CI=true it fails it.
#
#   native-test/run.sh [CASE...]              # in the host's / (its systemd, libsystemd and JDKs)
#   NT_SUITE=sid native-test/run.sh [CASE...] # in a Debian rootfs (bullseye, trixie, sid; see lib/suite.sh):
#                                             # its systemd and libsystemd, its JDK where it fits a gateway
set -euo pipefail
cd "$(dirname "$0")/.."

source native-test/lib/container.sh
source native-test/lib/java.sh
source native-test/lib/suite.sh

BACKENDS=(libsystemd java)
# The cases (native-test/suite: <Name>Case.java; the web services' are WebServiceCase's services, the hardened
# ones HardenedCase's profiles, the rows of native-test/units/hardened.tsv) in the order of the results table.
declare -A CASE_CLASS=([readiness]=ReadinessCase [status]=StatusCase [reload]=ReloadCase
  [stopping_extend]=StoppingExtendCase [watchdog]=WatchdogCase [fdstore]=FdStoreCase [activation]=ActivationCase
  [barrier]=BarrierCase [access]=AccessCase [notifyaccess]=NotifyAccessCase [unset]=UnsetCase [example]=ExampleCase
  [quarkiverse]=QuarkiverseCase)
# The web services with a framework module and no code for systemd, each case named after its unit, and the
# project under native-test/consumer/ it runs.
declare -A WEB_SERVICE=([spring]=spring-boot [spring3]=spring-boot3 [quarkus]=quarkus [quarkus-hardened]=quarkus
  [micronaut]=micronaut)
WEB_CASES=(spring spring3 quarkus quarkus-hardened micronaut)
# Those that run by default on the host and sid only (the oldest and newest managers here), which keeps the
# other roots' runs short.
WEB_CASES_NEWEST_ONLY=(spring3 quarkus quarkus-hardened micronaut quarkiverse)
HARDENED_PROFILES=()
while IFS=$'\t' read -r name _; do
  [[ -z "$name" || "$name" == \#* ]] || HARDENED_PROFILES+=("$name")
done <native-test/units/hardened.tsv
CASES=(readiness status reload stopping_extend watchdog fdstore activation barrier access notifyaccess unset example
  "${WEB_CASES[@]}" quarkiverse "${HARDENED_PROFILES[@]/#/hardened-}")
# Arguments name the cases to run (all by default, less WEB_CASES_NEWEST_ONLY on bullseye and trixie).
SELECTED=("$@")
if [ "${#SELECTED[@]}" = 0 ]; then
  for c in "${CASES[@]}"; do
    case "${NT_SUITE:-}" in
      bullseye | trixie) [[ " ${WEB_CASES_NEWEST_ONLY[*]} " != *" $c "* ]] || continue ;;
    esac
    SELECTED+=("$c")
  done
fi
for c in "${SELECTED[@]}"; do
  [[ " ${CASES[*]} " == *" $c "* ]] || { echo "no case '$c'; cases: ${CASES[*]}" >&2; exit 2; }
done

ct_require_prerequisites "container suite"

suite_start=$(date +%s%N)
nt_build_library
nt_suite_setup
nt_compile "$NT_OUT/classes" native-test/services native-test/examples
nt_write_launcher "$NT_SUITE_JRUN_JDK/bin/java"
# The web services of the selected cases, and which of those cases.
web_services=() web_selected=()
for c in "${SELECTED[@]}"; do
  [ -z "${WEB_SERVICE[$c]:-}" ] || { web_selected+=("$c"); web_services+=("${WEB_SERVICE[$c]}"); }
  # QuarkiverseCase runs both Quarkus builds in the same unit.
  [ "$c" != quarkiverse ] || web_services+=(quarkus quarkiverse)
done
mapfile -t web_services < <(printf '%s\n' "${web_services[@]}" | sort -u | sed '/^$/d')
[ "${#web_services[@]}" = 0 ] || nt_build_web_services "${web_services[@]}"
# The frameworks need Java 17: the jrun JDK where it is one, else the FFM gateway's (bullseye's is 11).
WEB_JDK=$NT_SUITE_JRUN_JDK
if [ "$(_nt_suite_feature "$WEB_JDK")" -lt 17 ]; then WEB_JDK=${NT_SUITE_JDK[ffm]}; fi
WEB_GATEWAY=$(_nt_suite_gateway "$(_nt_suite_feature "$WEB_JDK")")
WEB_NATIVE_ACCESS=""
[ "$WEB_GATEWAY" = FFM ] && WEB_NATIVE_ACCESS="--enable-native-access=ALL-UNNAMED"
# The web services' java.
printf '#!/bin/sh\nexec %s/bin/java %s "$@"\n' "$WEB_JDK" "$WEB_NATIVE_ACCESS" >"$NT_OUT/bin/web-run"
cp native-test/services/barrier-trials.sh "$NT_OUT/bin/barrier-trials"
chmod 755 "$NT_OUT/bin/barrier-trials" "$NT_OUT/bin/web-run"

# The files of the root's libsystemd (nt_suite_setup found them), hidden from the java backend's units so
# that the library cannot load it.
LIBSYSTEMD_FILES="$NT_SUITE_LIBSYSTEMD $NT_SUITE_LIBSYSTEMD_REAL"
# What the libsystemd backend reports, on the root's library: the file loaded.
LIBSYSTEMD_REPORT="loaded $NT_SUITE_LIBSYSTEMD_REAL"

# ---------------------------------------------------------------------------------------------- units
# The unit files of native-test/units, and what depends on the root: its vsock guard, the hardened units'
# JDKs, and each backend's drop-in.
UNITS="$NT_OUT/units"
rm -rf "$UNITS"
mkdir -p "$UNITS"
cp -r native-test/units/. "$UNITS/"
rm "$UNITS/hardened.tsv"

# In a rootfs, every test process runs with socket() refusing AF_VSOCK (native-test/rootfs/no-vsock.c, as
# in the version matrix): libsystemd 253 and later connect vsock addresses, CID 2 is the hypervisor here,
# and network namespaces do not isolate vsock. Under /usr, which every profile may map executable.
NO_VSOCK_BIND=()
if [ -n "$NT_SUITE" ]; then
  gcc -shared -fPIC -O2 -Wall -Werror -o "$NT_OUT/no-vsock.so" native-test/rootfs/no-vsock.c
  NO_VSOCK_BIND=("$NT_OUT/no-vsock.so:/usr/lib/sdnotify-test/no-vsock.so")
  printf '[Service]\nEnvironment=LD_PRELOAD=/usr/lib/sdnotify-test/no-vsock.so\n' >"$UNITS/sdn-.service.d/20-no-vsock.conf"
fi

# Per hardening profile and gateway, a unit whose service runs that gateway's java itself (see hardened.tsv).
HARDENED_WATCHDOG_SEC=3 # as HardenedCase.WATCHDOG_SECONDS
while IFS=$'\t' read -r name lines _; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  for g in jna ffm; do
    extra=""
    [ "$g" = ffm ] && extra="--enable-native-access=ALL-UNNAMED "
    cat >"$UNITS/sdn-hardened-$name-$g@.service" <<EOF
[Unit]
Description=Hardened profile $name, $g gateway
[Service]
Type=notify
WatchdogSec=${HARDENED_WATCHDOG_SEC}s
Restart=on-watchdog
TimeoutStartSec=60s
$(tr ';' '\n' <<<"$lines")
ExecStart=${NT_SUITE_JDK[$g]}/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xss512k ${extra}-cp /opt/sdnotify/classes:/opt/sdnotify/lib/* HardenedService
EOF
  done
done <native-test/units/hardened.tsv

# The hardened Quarkus unit: the hardening lines of the unit in docs/quarkus.md, and on the JNA gateway the
# RuntimeDirectory= that page asks for.
{
  printf '# The hardening lines of the unit in docs/quarkus.md.\n[Service]\n'
  sed -n '/^# Hardened: the strict set/,/^```/p' docs/quarkus.md | sed '1d;$d'
  [ "$WEB_GATEWAY" = FFM ] || echo "RuntimeDirectory=%p-%i"
} >"$UNITS/sdn-quarkus-hardened@.service.d/40-docs.conf"
grep -q '^ProtectSystem=strict$' "$UNITS/sdn-quarkus-hardened@.service.d/40-docs.conf" \
  || { echo "docs/quarkus.md: no hardened unit found after '# Hardened: the strict set'" >&2; exit 1; }
# The same unit, on a port of its own and with TimeoutStartSec=20s, running the Quarkus service built with
# quarkiverse's quarkus-systemd-notify in place of sdnotify-quarkus (QuarkiverseCase); and that unit with
# NotifyAccess=all. Files of their own, so that the case needs no daemon-reload, which would re-arm the start
# timeouts of the other cases' units.
for notify in main all; do
  name=sdn-quarkiverse@
  [ "$notify" = main ] || name=sdn-quarkiverse-all@
  sed -e "s|^Description=.*|Description=Quarkus web service, hardened as docs/quarkus.md, NotifyAccess=$notify|" \
    -e 's|SDN_QUARKUS_APP=quarkus-app|SDN_QUARKUS_APP=quarkiverse-app|' -e 's|${SDN_PORT}14|${SDN_PORT}15|' \
    -e 's|^TimeoutStartSec=.*|TimeoutStartSec=20s|' -e "s|^NotifyAccess=.*|NotifyAccess=$notify|" \
    "$UNITS/sdn-quarkus-hardened@.service" >"$UNITS/$name.service"
  cp -r "$UNITS/sdn-quarkus-hardened@.service.d" "$UNITS/$name.service.d"
done

# Per backend: the libsystemd units ask for libsystemd; the java units run with the default choice and
# cannot see libsystemd's files at all. (The hardened units choose as the default does on both: the
# libsystemd instance can see libsystemd.) Ports as Backend.port.
for template in "$UNITS"/*@.service; do
  base=$(basename "$template" .service)
  for b in "${BACKENDS[@]}"; do
    mkdir -p "$UNITS/$base$b.service.d"
    if [ "$b" = libsystemd ]; then
      printf '[Service]\nEnvironment=SDN_JAVA_OPTS=-Dsdnotify.backend=libsystemd SDN_PORT=181\n' \
        >"$UNITS/$base$b.service.d/50-backend.conf"
    else
      printf '[Service]\nEnvironment=SDN_PORT=182\nInaccessiblePaths=%s\n' "$LIBSYSTEMD_FILES" \
        >"$UNITS/$base$b.service.d/50-backend.conf"
    fi
  done
done

# ------------------------------------------------------------------------------------------------ run
RESULTS="$NT_OUT/results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# Kills a process and its descendants, by pid, children first.
kill_tree() {
  local child
  for child in $(cat "/proc/$1"/task/*/children 2>/dev/null); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}

cases_pid=""
on_exit() {
  local rc=$?
  [ -z "$cases_pid" ] || kill_tree "$cases_pid"
  nt_suite_teardown || rc=1
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

mapfile -t binds < <(nt_binds "$NT_OUT/classes")
for w in "${web_services[@]}"; do
  out=$(nt_web_service "$w")
  binds+=("$out:/opt/sdnotify/web/$(basename "$out")")
done
echo "root: $NT_SUITE_LABEL ($NT_SUITE_ROOT), systemd $NT_SUITE_SYSTEMD, $NT_SUITE_LIBSYSTEMD -> $NT_SUITE_LIBSYSTEMD_REAL; JDKs:"
nt_suite_describe_jdks
boot_start=$(date +%s%N)
nt_suite_boot "${binds[@]}" "${NO_VSOCK_BIND[@]}"
boot_ms=$(( ($(date +%s%N) - boot_start) / 1000000 ))
nt_suite_check_jdks
ct_exec mkdir -p /run/sdn-test
ct_install_units "$UNITS"
echo "container $CT_NAME booted in ${boot_ms} ms; running ${#SELECTED[@]} cases on ${BACKENDS[*]}"

# The gateway(s) a case's services run on: both for a hardened profile, the web JDK's for a web service,
# else that of the jrun JDK.
case_gateway() {
  case "$1" in
    hardened-*) echo JNA+FFM ;;
    quarkiverse) echo "$WEB_GATEWAY" ;;
    *) if [ -n "${WEB_SERVICE[$1]:-}" ]; then echo "$WEB_GATEWAY"; else echo "$NT_SUITE_JRUN_GATEWAY"; fi ;;
  esac
}

# The cases, as surefire's test selection: their classes, the web services and the hardened profiles chosen.
classes=() profiles=()
for c in "${SELECTED[@]}"; do
  case "$c" in
    hardened-*) profiles+=("${c#hardened-}") ;;
    *) [ -n "${WEB_SERVICE[$c]:-}" ] || classes+=("${CASE_CLASS[$c]}") ;;
  esac
done
[ "${#web_selected[@]}" = 0 ] || classes+=(WebServiceCase)
[ "${#profiles[@]}" = 0 ] || classes+=(HardenedCase)
# With all profiles chosen, none named: HardenedCase runs them all.
[ "${#profiles[@]}" != "${#HARDENED_PROFILES[@]}" ] || profiles=()

# The cases run on the build's JDK (they only drive the container): the long, mostly waiting ones beside the
# rest, then the hardened ones (see native-test/suite/pom.xml), whichever fail: the rows below tell.
cases_log="$NT_OUT/cases.log"
rm -rf "native-test/suite/target/surefire-reports/$NT_SUITE_LABEL"
# Emptied before the follower below opens it, so that it never shows a line of an earlier run.
: >"$cases_log"
set +e
nt_mvn -B -f native-test/suite/pom.xml test -Dmaven.test.failure.ignore=true \
  -Dtest="$(IFS=,; echo "${classes[*]}")" -Dsdnotify.ct.hardened="${profiles[*]}" -Dsdnotify.ct.web="${web_selected[*]}" \
  -Dsdnotify.ct.pid="$CT_PID" -Dsdnotify.ct.label="$NT_SUITE_LABEL" -Dsdnotify.ct.systemd="$NT_SUITE_SYSTEMD" \
  -Dsdnotify.ct.libsystemd.report="$LIBSYSTEMD_REPORT" -Dsdnotify.ct.jrun.gateway="$NT_SUITE_JRUN_GATEWAY" \
  -Dsdnotify.ct.web.gateway="$WEB_GATEWAY" -Dsdnotify.ct.results="$RESULTS" \
  >"$cases_log" 2>&1 &
cases_pid=$!
# The cases' own lines (verdict, name, backend, time, and a failure's log) as they finish.
tail -n +1 -F --pid="$cases_pid" "$cases_log" 2>/dev/null | grep --line-buffered -E '^(PASS|FAIL) |^      '
wait "$cases_pid"
cases_rc=$?
cases_pid=""
set -e
if [ "$cases_rc" != 0 ] && ! grep -q '^FAIL ' "$cases_log"; then
  # Not a case's failure: the build or surefire itself.
  grep -E '^\[(ERROR|WARNING)\]' "$cases_log" | head -n 40 >&2
fi

passed=$(cat "$RESULTS"/*.line 2>/dev/null | grep -c '^PASS' || true)
failed=$(cat "$RESULTS"/*.line 2>/dev/null | grep -c '^FAIL' || true)
echo "results:"
i=0
for c in "${CASES[@]}"; do
  i=$((i + 1))
  for b in "${BACKENDS[@]}"; do
    if [ -f "$RESULTS/$c.$b.line" ]; then
      read -r verdict _ _ ms note <"$RESULTS/$c.$b.line"
      printf '  %s %2d %-24s %-10s %-7s %5d.%d s  %s\n' "$verdict" "$i" "$c" "$b" "$(case_gateway "$c")" $((ms / 1000)) $((ms % 1000 / 100)) "$note"
    elif [[ " ${SELECTED[*]} " == *" $c "* ]]; then
      echo "  MISSING $i $c $b: no result (see $cases_log)"
    fi
  done
done

trap - EXIT
leftover=PASS
nt_suite_teardown || leftover=FAIL
total_ms=$(( ($(date +%s%N) - suite_start) / 1000000 ))
echo "container suite ($NT_SUITE_LABEL, systemd $NT_SUITE_SYSTEMD): $passed passed, $failed failed, leftover check $leftover, $((total_ms / 1000)).$((total_ms % 1000 / 100)) s in all (boot ${boot_ms} ms)"
[ "$cases_rc" = 0 ] && [ "$failed" = 0 ] && [ "$passed" = $((${#SELECTED[@]} * ${#BACKENDS[@]})) ] && [ "$leftover" = PASS ]
