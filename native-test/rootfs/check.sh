#!/usr/bin/env bash
# Self-test of native-test/rootfs/lib.sh on each built suite (or the suites named as arguments):
#  - without a boot (nt_rootfs_exec): systemctl --version, libsystemd0's version (dpkg-query), java -version
#    and a small program compiled on the host with javac --release 11 and bound read-only; the command's
#    exit code, stdin, stdout and stderr come back; writes go to the overlay, never to the rootfs;
#  - booted once (nt_rootfs_boot): systemctl is-system-running says running (or degraded), and a
#    Type=notify service started with systemd-run becomes active on its READY=1 (its STATUS= arrives) and
#    ends with result success, under systemd-run --wait too;
#  - afterwards no systemd-nspawn process, mount under the rootfs cache, cgroup or /run entry of ours is
#    left.
# Prints a table (suite, systemd, libsystemd0, JDK, exec and boot times) and fails if any check failed.
set -euo pipefail
cd "$(dirname "$0")/../.."

source native-test/rootfs/lib.sh
source native-test/lib/jdk.sh

ct_require_prerequisites "rootfs check"

SUITES=("$@")
if [ "${#SUITES[@]}" -eq 0 ]; then
  for s in "${NT_ROOTFS_SUITES[@]}"; do
    if [ -f "$(nt_rootfs_stamp "$s")" ]; then SUITES+=("$s"); fi
  done
fi
if [ "${#SUITES[@]}" -eq 0 ]; then
  echo "FAIL rootfs check: no suite built in $NT_ROOTFS_CACHE (run native-test/rootfs/build.sh)"
  exit 1
fi

# What was there before (another user's) is not ours to report.
PREEXISTING=""
for p in /run/sdnotify-rootfs /run/systemd/nspawn; do
  if [ -e "$p" ]; then PREEXISTING+=" $p"; fi
done
WORK=$(mktemp -d /tmp/sdnotify-rootfs-check.XXXXXX)
on_exit() {
  local rc=$?
  nt_rootfs_teardown >/dev/null 2>&1 || rc=1
  rm -rf "$WORK"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The program, compiled once on the host for every suite's JDK (11 and later).
JAVAC_HOME=$(nt_find_jdk 11 99) || { echo "FAIL rootfs check: no JDK with javac under /usr/lib/jvm"; exit 1; }
mkdir -p "$WORK/src" "$WORK/classes"
cat >"$WORK/src/RootfsHello.java" <<'EOF'
public class RootfsHello {
    public static void main(String[] args) {
        System.out.println("hello from " + System.getProperty("java.version") + " in " + System.getProperty("java.home")
            + ", libsystemd.so.0 " + (new java.io.File("/usr/lib/x86_64-linux-gnu/libsystemd.so.0").exists() ? "present" : "absent"));
        System.exit(args.length > 0 ? Integer.parseInt(args[0]) : 0);
    }
}
EOF
"$JAVAC_HOME/bin/javac" --release 11 -d "$WORK/classes" "$WORK/src/RootfsHello.java"

FAILED=0
declare -A ROW=()
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
bad() {
  echo "  FAIL $*"
  FAILED=$((FAILED + 1))
}

check_exec() {
  local s="$1" t0 out rc dir
  dir=$(nt_rootfs_dir "$s")
  # The container's own cost: a command that does nothing.
  t0=$(date +%s%N)
  nt_rootfs_exec "$s" -- /bin/true || bad "$s: /bin/true failed"
  ROW[$s.exec]=$(ms_since "$t0")

  t0=$(date +%s%N)
  rc=0
  out=$(nt_rootfs_exec "$s" "--bind-ro=$WORK/classes:/opt/check" -- /bin/sh -c '
    systemctl --version | head -n 1
    dpkg-query -W -f="\${Version}\n" libsystemd0
    java -version 2>&1 | head -n 1
    java -cp /opt/check RootfsHello 3' 2>&1) || rc=$?
  ROW[$s.checks]=$(ms_since "$t0")
  local systemd libsystemd java hello
  { read -r systemd; read -r libsystemd; read -r java; read -r hello; } <<<"$out" || true
  echo "  exec: $systemd | libsystemd0 $libsystemd | $java | $hello | exit $rc"
  ROW[$s.systemd]=${systemd#systemd }
  ROW[$s.libsystemd]=$libsystemd
  ROW[$s.jdk]=$(sed -E 's/^[a-z]+ version "([^"]+)".*/\1/' <<<"$java")
  [ "$rc" = 3 ] || bad "$s: the program's exit code 3 came back as $rc; output: $out"
  [ "$systemd" = "$(nt_rootfs_info "$s" systemd)" ] || bad "$s: systemctl --version says '$systemd', the stamp '$(nt_rootfs_info "$s" systemd)'"
  [ "$libsystemd" = "$(nt_rootfs_info "$s" libsystemd0)" ] || bad "$s: libsystemd0 is '$libsystemd', the stamp says '$(nt_rootfs_info "$s" libsystemd0)'"
  [ "$java" = "$(nt_rootfs_info "$s" java_version)" ] || bad "$s: java -version says '$java', the stamp '$(nt_rootfs_info "$s" java_version)'"
  [[ "$hello" == "hello from "*" in $(nt_rootfs_info "$s" jdk), libsystemd.so.0 present" ]] ||
    bad "$s: the program printed '$hello'"

  # stdin in, stdout and stderr apart, the options checked, and the rootfs never written.
  out=$(echo piped | nt_rootfs_exec "$s" --setenv=NT_PROBE=set -- /bin/sh -c \
    'read -r l; echo "$l $NT_PROBE"; echo to-stderr >&2; touch /etc/sdnotify-overlay-probe' 2>"$WORK/stderr") ||
    bad "$s: the stdin/stderr probe failed"
  [ "$out" = "piped set" ] || bad "$s: stdout was '$out', expected 'piped set'"
  [ "$(cat "$WORK/stderr")" = to-stderr ] || bad "$s: stderr was '$(cat "$WORK/stderr")', expected 'to-stderr'"
  [ ! -e "$dir/etc/sdnotify-overlay-probe" ] || bad "$s: a write in the container reached the rootfs"
  if nt_rootfs_exec "$s" --network-veth -- /bin/true 2>/dev/null; then bad "$s: --network-veth was accepted"; fi
}

check_boot() {
  local s="$1" t0 state out props="" p
  t0=$(date +%s%N)
  if ! nt_rootfs_boot "$s"; then
    bad "$s: boot failed"
    nt_rootfs_teardown || true
    return 0
  fi
  ROW[$s.boot]=$(ms_since "$t0")
  state=$(ct_exec systemctl is-system-running 2>/dev/null) || true
  ROW[$s.state]=$state
  case "$state" in running | degraded) ;; *) bad "$s: is-system-running says '$state'" ;; esac

  # A Type=notify service is started (systemd-run returns) only on READY=1; STATUS= of the same message is
  # its StatusText.
  if ! out=$(ct_exec systemd-run -q -u nt-rootfs-notify -p Type=notify -p NotifyAccess=all -p TimeoutStartSec=20 \
    /bin/sh -c 'systemd-notify --ready --status="ready from sh"; exec sleep 30' 2>&1); then
    bad "$s: systemd-run -p Type=notify failed: $out"
  else
    props=""
    for p in ActiveState SubState Result StatusText; do
      props+="$(ct_exec systemctl show -P "$p" nt-rootfs-notify.service)|"
    done
    [ "$props" = "active|running|success|ready from sh|" ] ||
      bad "$s: nt-rootfs-notify.service is '$props', expected active|running|success|ready from sh|"
    ct_exec systemctl stop nt-rootfs-notify.service || bad "$s: could not stop nt-rootfs-notify.service"
  fi
  # As a short-lived notify service, waited for: it must finish with result success.
  out=$(ct_exec systemd-run --wait -u nt-rootfs-wait -p Type=notify -p NotifyAccess=all -p TimeoutStartSec=20 \
    /bin/sh -c 'systemd-notify --ready; sleep 1' 2>&1) || bad "$s: systemd-run --wait failed: $out"
  grep -q "Finished with result: success" <<<"$out" || bad "$s: systemd-run --wait said: $(tr '\n' ' ' <<<"$out")"
  ROW[$s.notify]=$(grep -o 'result: [a-z-]*' <<<"$out" | head -n 1)
  echo "  boot: ${ROW[$s.boot]} ms, $state; notify service: $props; systemd-run --wait: ${ROW[$s.notify]}"

  if ! out=$(nt_rootfs_teardown 2>&1); then bad "$s: teardown: $out"; fi
}

# Anything of ours still on the host: an nspawn process on a cached rootfs, a mount under the cache, a
# container cgroup, our state or nspawn's directories in /run.
check_leftovers() {
  local problems=() p cg
  for p in /proc/[0-9]*; do
    if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qE -- "--machine=sdnotify-(exec|boot)-|--directory=$NT_ROOTFS_CACHE/"; then
      problems+=("process ${p#/proc/}: $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | cut -c1-120)")
    fi
  done
  while IFS= read -r p; do problems+=("mount $p"); done < <(
    awk -v d="$NT_ROOTFS_CACHE" 'index($5, d "/") == 1 || $5 ~ /nspawn/ { print $5 }' /proc/self/mountinfo)
  while IFS= read -r cg; do problems+=("cgroup $cg"); done < <(
    find /sys/fs/cgroup -maxdepth 4 -type d -regex '.*/sdnotify-\(exec\|boot\)-[0-9]+-[0-9]+' 2>/dev/null)
  for p in /run/sdnotify-rootfs /run/systemd/nspawn /tmp/nspawn-volatile-*; do
    if [ -e "$p" ] && [[ " $PREEXISTING " != *" $p "* ]]; then problems+=("$p exists"); fi
  done
  if [ "${#problems[@]}" -gt 0 ]; then
    bad "leftovers:"
    printf '    %s\n' "${problems[@]}"
  else
    echo "leftovers: none (no nspawn process, mount under $NT_ROOTFS_CACHE, container cgroup or /run entry)"
  fi
}

for s in "${SUITES[@]}"; do
  echo "$s ($(nt_rootfs_dir "$s")):"
  check_exec "$s"
  check_boot "$s"
done
check_leftovers

echo
printf '%-9s %-22s %-20s %-10s %9s %11s %9s  %s\n' suite systemd libsystemd0 JDK "exec(ms)" "checks(ms)" "boot(ms)" "boot state"
for s in "${SUITES[@]}"; do
  printf '%-9s %-22s %-20s %-10s %9s %11s %9s  %s\n' "$s" "${ROW[$s.systemd]:-?}" "${ROW[$s.libsystemd]:-?}" \
    "${ROW[$s.jdk]:-?}" "${ROW[$s.exec]:-?}" "${ROW[$s.checks]:-?}" "${ROW[$s.boot]:-?}" "${ROW[$s.state]:-?}"
done
echo "(exec: nt_rootfs_exec of /bin/true; checks: one exec of systemctl, dpkg-query, java -version and the program)"
if [ "$FAILED" -gt 0 ]; then
  echo "rootfs check: FAIL ($FAILED failed checks)"
  exit 1
fi
echo "rootfs check: PASS (${SUITES[*]})"
