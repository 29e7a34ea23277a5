#!/usr/bin/env bash
# The agent (agent/target/sdnotify-agent-VERSION.jar) on real Java servers as their users get them, under a real
# systemd: Debian's Tomcat and ZooKeeper packages and Kafka from Maven Central, each unit changed by drop-ins
# only. Boots one throwaway container per root (a Debian rootfs of native-test/rootfs/, systemd as PID 1,
# loopback-only network), binds the agent, the probe application and Kafka's jars in, and runs the cases,
# JUnit tests under native-test/suite (Agent*Case, tagged "container" and "agent"), once per gateway: JNA on
# JDK 17, FFM on JDK 25. Prints one line per check and gateway, a table, and fails if any check fails or a
# container leaves anything behind. Reports: native-test/suite/target/surefire-reports/servers-<root>/;
# each check's log (what systemd reported): target/native-test/servers/<root>/results/<row>.<gateway>.log.
#
#   native-test/servers.sh --prepare     # fetch and build what a run needs (idempotent; CI calls it first):
#                                        # the rootfs (bookworm-servers, sid), the probe war, Kafka's jars
#   native-test/servers.sh [CASE...]     # run: all, or products (tomcat, kafka, zookeeper) or rows (tomcat-ready),
#                                        # each alone or on one gateway (tomcat@jna, kafka-ready@ffm)
#   native-test/servers.sh --ci          # the subset CI runs (CI_CASES below), on bookworm-servers only;
#                                        # native-test/servers.sh --prepare --ci prepares only what it needs
#   NT_SERVERS_ROOTS=sid-servers native-test/servers.sh   # other roots (bookworm-servers, sid, sid-servers)
#
# Without the agent jar the control arms run and every agent arm skips, saying so. Off CI a missing
# prerequisite (root, systemd-nspawn, the jar) skips; with CI=true it fails.
set -euo pipefail
cd "$(dirname "$0")/.."

source native-test/lib/container.sh
source native-test/lib/java.sh
source native-test/lib/suite.sh
source native-test/rootfs/lib.sh

SERVERS=native-test/servers
# The agent jar of this checkout's version, as the agent module builds it.
AGENT_JAR=agent/target/$(nt_module_artifact agent)-$(nt_project_version).jar
# The roots, in order: systemd 252 with every product, then 262 with Kafka (its jars need no package).
read -r -a ROOTS <<<"${NT_SERVERS_ROOTS:-bookworm-servers sid}"
declare -A ROOT_PRODUCTS=([bookworm-servers]="tomcat kafka zookeeper" [sid]="kafka" [sid-servers]="tomcat kafka zookeeper")
PRODUCTS=(tomcat kafka zookeeper)
declare -A PRODUCT_CLASS=([tomcat]=AgentTomcatCase [kafka]=AgentKafkaCase [zookeeper]=AgentZooKeeperCase)
# Each product's checks, as the @AgentCheck of its class, in their order.
declare -A PRODUCT_CHECKS=(
  [tomcat]="ready helpers timeout extend watchdog-health watchdog-deadlock watchdog-stop"
  [kafka]="ready helpers timeout watchdog-stop"
  [zookeeper]="ready helpers timeout watchdog-stop main-self")
GATEWAYS=(jna ffm)
# --ci: the subset CI runs, on systemd 252 only: the readiness race with its control arm for each product on
# both gateways, and each other kind of check once, on one gateway (6 min on two busy cores; the whole run:
# 20 min on bookworm-servers, 8 on sid).
CI_CASES="tomcat-ready tomcat-watchdog-health@jna kafka-ready kafka-helpers@ffm
  zookeeper-ready zookeeper-timeout@jna zookeeper-watchdog-stop@ffm zookeeper-main-self@ffm"
args=()
CI_SUBSET=""
for a in "$@"; do
  if [ "$a" = --ci ]; then CI_SUBSET=1; else args+=("$a"); fi
done
set -- ${args[@]+"${args[@]}"}
if [ -n "$CI_SUBSET" ]; then
  [ -n "${NT_SERVERS_ROOTS:-}" ] || ROOTS=(bookworm-servers)
fi

# ----------------------------------------------------------------------------------------------- prepare

# What a run needs, each step skipped when its output is newer than its sources: the rootfs (built once,
# cached outside the checkout), the probe application's war and Kafka's jars (Maven, offline first).
servers_prepare() {
  local t0 root
  t0=$(date +%s%N)
  for root in "${ROOTS[@]}"; do
    [ -n "${ROOT_PRODUCTS[$root]:-}" ] || { echo "no root '$root' (known: ${!ROOT_PRODUCTS[*]})" >&2; return 1; }
    [ -f "$(nt_rootfs_stamp "$root")" ] || native-test/rootfs/build.sh "$root"
  done
  [ -n "${NT_JDK_FFM:-}" ] || nt_select_jdks
  mkdir -p "$NT_OUT/servers"
  local war=$SERVERS/webapp/target/probe.war
  if [ ! -f "$war" ] || [ -n "$(find "$SERVERS/webapp/src" "$SERVERS/webapp/pom.xml" -newer "$war" -print -quit)" ]; then
    echo "building the probe application ($SERVERS/webapp)"
    nt_mvn_offline_first "$NT_OUT/servers/webapp.log" -q -f "$SERVERS/webapp/pom.xml" package
  fi
  local libs=$SERVERS/kafka/target/libs
  if [ ! -d "$libs" ] || [ "$SERVERS/kafka/pom.xml" -nt "$libs" ]; then
    echo "copying Kafka and its dependencies ($SERVERS/kafka)"
    rm -rf "$libs"
    nt_mvn_offline_first "$NT_OUT/servers/kafka.log" -q -f "$SERVERS/kafka/pom.xml" package
  fi
  echo "prepared in $((($(date +%s%N) - t0) / 1000000)) ms: ${ROOTS[*]}, $war, $libs ($(find "$libs" -name '*.jar' | wc -l) jars)"
}

if [ "${1:-}" = --prepare ]; then
  [ "$#" = 1 ] || { echo "usage: native-test/servers.sh --prepare [--ci]" >&2; exit 2; }
  if [ "$(id -u)" != 0 ]; then
    [ "${CI:-}" = true ] && { echo "FAIL servers prepare: needs root (debootstrap)"; exit 1; }
    echo "SKIP servers prepare: needs root (debootstrap)"
    exit 0
  fi
  servers_prepare
  exit 0
fi

# ------------------------------------------------------------------------------------------- selection

# Arguments name products or rows (product-check), each alone or with @jna or @ffm for one gateway; all by
# default, CI_CASES with --ci.
SELECTED=("$@")
[ "${#SELECTED[@]}" -gt 0 ] || [ -z "$CI_SUBSET" ] || read -r -d '' -a SELECTED <<<"$CI_CASES" || true
ALL_ROWS=()
for p in "${PRODUCTS[@]}"; do
  for c in ${PRODUCT_CHECKS[$p]}; do ALL_ROWS+=("$p-$c"); done
done
for s in ${SELECTED[@]+"${SELECTED[@]}"}; do
  [[ " ${PRODUCTS[*]} ${ALL_ROWS[*]} " == *" ${s%@*} "* ]] && [[ "$s" != *@* || "${s#*@}" == jna || "${s#*@}" == ffm ]] ||
    { echo "no case '$s'; cases: ${PRODUCTS[*]} ${ALL_ROWS[*]}, each alone or with @jna or @ffm" >&2; exit 2; }
done
# Whether row $2 of product $1 is selected (on gateway $3, if given: else on either).
selected() {
  [ "${#SELECTED[@]}" = 0 ] && return 0
  local s name gateway
  for s in "${SELECTED[@]}"; do
    name=${s%@*}
    gateway=""
    [[ "$s" != *@* ]] || gateway=${s#*@}
    [ "$name" = "$1" ] || [ "$name" = "$1-$2" ] || continue
    if [ -z "$gateway" ] || [ -z "${3:-}" ] || [ "$gateway" = "$3" ]; then return 0; fi
  done
  return 1
}

ct_require_prerequisites "servers suite"

suite_start=$(date +%s%N)
servers_prepare
# The agent: the jar of a build (agent/ is a module of the root build: mvn -B install, or native-test/test.sh),
# copied, so that a build during the run cannot change it under the container. Without it only the control arms
# run.
AGENT=""
if [ -f "$AGENT_JAR" ]; then
  AGENT="$NT_OUT/servers/sdnotify-agent.jar"
  cp "$AGENT_JAR" "$AGENT"
  echo "agent: $AGENT_JAR ($(date -r "$AGENT_JAR" '+%F %T'))"
  if [ -n "$(find agent/src/main agent/src/boot agent/pom.xml -newer "$AGENT_JAR" -print -quit 2>/dev/null)" ]; then
    echo "note: $AGENT_JAR is older than agent/'s sources (rebuild: mvn -B -f agent/pom.xml install)"
  fi
fi
if [ -z "$AGENT" ]; then
  if [ "${CI:-}" = true ]; then
    echo "FAIL servers suite: no $AGENT_JAR (the root build makes it; required with CI=true)"
    exit 1
  fi
  echo "SKIP agent arms: no $AGENT_JAR yet (the root build makes it); the control arms and the servers run"
fi
gcc -shared -fPIC -O2 -Wall -Werror -o "$NT_OUT/servers/no-vsock.so" native-test/rootfs/no-vsock.c

# Kills a process and its descendants, by pid, children first.
kill_tree() {
  local child
  for child in $(cat "/proc/$1"/task/*/children 2>/dev/null); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}

# Our files in the host's /tmp (the cases' own temporary files are named sdn-*): none may stay.
tmp_ours() {
  find /tmp -maxdepth 1 \( -name 'sdn-*' -o -name 'sdnotify-*' \) -newermt "@$1" -print 2>/dev/null | sort
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

# ------------------------------------------------------------------------------------------------- run

# Runs the selected checks of one root's products; its rows in $NT_OUT/servers/<root>/results.
declare -A ROOT_RC=() ROOT_LEFTOVER=() ROOT_SECONDS=()
run_root() {
  local root=$1 products=() classes=() p c
  for p in ${ROOT_PRODUCTS[$root]}; do
    for c in ${PRODUCT_CHECKS[$p]}; do
      if selected "$p" "$c"; then products+=("$p"); classes+=("${PRODUCT_CLASS[$p]}"); break; fi
    done
  done
  [ "${#products[@]}" -gt 0 ] || return 0
  local t0 out results cases_log boot_start boot_ms
  t0=$(date +%s)
  out="$NT_OUT/servers/$root"
  results="$out/results"
  rm -rf "$results"
  mkdir -p "$results"
  NT_SUITE=$root
  nt_suite_setup
  local binds=("$PWD/$SERVERS:/opt/sdnotify/servers" "$PWD/$SERVERS/kafka/target/libs:/opt/kafka/libs"
    "$PWD/$SERVERS/kafka/kafka-run:/opt/kafka/bin/kafka-run" "$NT_OUT/servers/no-vsock.so:/usr/lib/sdnotify-test/no-vsock.so")
  local jar_in=""
  if [ -n "$AGENT" ]; then
    binds+=("$AGENT:/opt/sdnotify/sdnotify-agent.jar")
    jar_in=/opt/sdnotify/sdnotify-agent.jar
  fi
  echo "root: $root ($NT_SUITE_ROOT), systemd $NT_SUITE_SYSTEMD, $(nt_rootfs_info "$root" extra_versions) ; JDKs:"
  nt_suite_describe_jdks | grep -v jrun
  boot_start=$(date +%s%N)
  nt_suite_boot "${binds[@]}"
  boot_ms=$((($(date +%s%N) - boot_start) / 1000000))
  nt_suite_check_jdks
  local units tomcat_unit=""
  units=$(ct_exec /opt/sdnotify/servers/container-setup)
  for u in $units; do case "$u" in tomcat*) tomcat_unit=$u ;; esac; done
  echo "container $CT_NAME booted in ${boot_ms} ms; units: $units; products: ${products[*]}"

  cases_log="$out/cases.log"
  rm -rf "native-test/suite/target/surefire-reports/servers-$root"
  : >"$cases_log"
  set +e
  nt_mvn -B -f native-test/suite/pom.xml test -Dmaven.test.failure.ignore=true \
    -Dtest="$(IFS=,; echo "${classes[*]}")" -Dcases.parallelism=1 -Dsdnotify.ct.label="servers-$root" \
    -Dsdnotify.agent.pid="$CT_PID" -Dsdnotify.agent.label="$root" -Dsdnotify.agent.systemd="$NT_SUITE_SYSTEMD" \
    -Dsdnotify.agent.results="$results" -Dsdnotify.agent.jar="$jar_in" \
    -Dsdnotify.agent.jdk.jna="${NT_SUITE_JDK[jna]}" -Dsdnotify.agent.jdk.ffm="${NT_SUITE_JDK[ffm]}" \
    -Dsdnotify.agent.jdk.root="$(nt_rootfs_info "$root" jdk)" -Dsdnotify.agent.products="${products[*]}" \
    -Dsdnotify.agent.tomcat.unit="$tomcat_unit" -Dsdnotify.agent.selected="${SELECTED[*]-}" \
    >"$cases_log" 2>&1 &
  cases_pid=$!
  tail -n +1 -F --pid="$cases_pid" "$cases_log" 2>/dev/null | grep --line-buffered -E '^(PASS|FAIL|SKIP) |^      '
  wait "$cases_pid"
  ROOT_RC[$root]=$?
  cases_pid=""
  set -e
  if [ "${ROOT_RC[$root]}" != 0 ] && ! grep -q '^FAIL ' "$cases_log"; then
    grep -E '^\[(ERROR|WARNING)\]' "$cases_log" | head -n 40 >&2
  fi
  ROOT_LEFTOVER[$root]=PASS
  nt_suite_teardown || ROOT_LEFTOVER[$root]=FAIL
  ROOT_SECONDS[$root]=$(($(date +%s) - t0))
}

run_start=$(date +%s)
for root in "${ROOTS[@]}"; do
  run_root "$root"
done
trap - EXIT

# ----------------------------------------------------------------------------------------------- table

passed=0 failed=0 skipped=0 missing=0
echo "results:"
for root in "${ROOTS[@]}"; do
  [ -n "${ROOT_SECONDS[$root]:-}" ] || continue
  echo "  $root (systemd $(nt_rootfs_info "$root" systemd_version)), ${ROOT_SECONDS[$root]} s, leftover check ${ROOT_LEFTOVER[$root]}:"
  [ "${ROOT_LEFTOVER[$root]}" = PASS ] || failed=$((failed + 1))
  for p in ${ROOT_PRODUCTS[$root]}; do
    for c in ${PRODUCT_CHECKS[$p]}; do
      selected "$p" "$c" || continue
      for g in "${GATEWAYS[@]}"; do
        selected "$p" "$c" "$g" || continue
        line="$NT_OUT/servers/$root/results/$p-$c.$g.line"
        if [ -f "$line" ]; then
          read -r verdict _ _ ms note <"$line"
          printf '    %s %-26s %-4s %5d.%d s  %s\n' "$verdict" "$p-$c" "$g" $((ms / 1000)) $((ms % 1000 / 100)) "$note"
          case "$verdict" in PASS) passed=$((passed + 1)) ;; FAIL) failed=$((failed + 1)) ;; *) skipped=$((skipped + 1)) ;; esac
        else
          echo "    MISSING $p-$c $g: no result (see $NT_OUT/servers/$root/cases.log)"
          missing=$((missing + 1))
        fi
      done
    done
  done
done
left=$(tmp_ours "$run_start")
if [ -n "$left" ]; then
  echo "leftover check: FAIL: in /tmp: $left"
  failed=$((failed + 1))
fi
total_ms=$((($(date +%s%N) - suite_start) / 1000000))
echo "servers suite: $passed passed, $failed failed, $skipped skipped, $missing missing, $((total_ms / 1000)).$((total_ms % 1000 / 100)) s in all"
[ "$failed" = 0 ] && [ "$missing" = 0 ] || exit 1
# Under CI nothing may pass by skipping.
[ "$skipped" = 0 ] || [ "${CI:-}" != true ] || { echo "FAIL: $skipped checks skipped (CI=true)"; exit 1; }
