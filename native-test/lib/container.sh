# shellcheck shell=bash
# A throwaway container running systemd as PID 1, for end-to-end tests against a real service manager.
#
# The container's root is a tmpfs; the host's /usr is mounted read-only, the network is loopback only, and
# the machine-id is random and read-only, so nothing the container does reaches the host's units, network or
# files. Source this file, then:
#
#   ct_require_prerequisites "my suite"          # skip, or fail under CI=true, without root or nspawn
#   trap ct_teardown EXIT
#   ct_boot /host/path:/container/path ...      # read-only binds
#   ct_install_units "$dir"                      # unit files into the container's /run/systemd/system
#   ct_exec systemctl start x.service
#
# ct_teardown powers the container off (or kills its PID 1 by pid), removes what systemd-nspawn leaves on
# the host, and fails if any process, mount or cgroup of the container is still there.

CT_NAME=""
CT_DIR=""
CT_NSPAWN_PID=""
CT_PID=""
CT_CGROUPS=()
CT_TORN_DOWN=""

# The directories systemd-nspawn needs in the host's /run, which a machine may lack. They are shared by every
# container, of this run and of any other run of these scripts at the same time: each run holds a shared lock
# on /run while its containers may run (_ct_run_dirs_enter) and records in _CT_RUN_DIRS_MADE the ones that
# were missing; the last run to leave, the one that then gets the lock exclusively, removes those, unless a
# systemd-nspawn of someone else still runs (_ct_run_dirs_leave). Removing a mount point in the host's
# namespace would detach what a container mounted on it in its own.
_CT_RUN_DIRS=(/run/systemd /run/systemd/nspawn /run/systemd/nspawn/propagate /run/systemd/nspawn-root)
_CT_RUN_DIRS_MADE=/run/sdnotify-nspawn-dirs
_CT_RUN_LOCK=""

# Prints why a container cannot be booted here, and returns 0; returns 1 when everything is present.
# Ends the calling script when a prerequisite is missing: a skip with the reason (exit 0), or a failure under
# CI=true (exit 1), where nothing may pass by skipping. $1 names what is skipped.
ct_require_prerequisites() {
  local reason
  reason=$(ct_missing_prerequisite) || return 0
  if [ "${CI:-}" = true ]; then
    echo "FAIL $1: $reason (required with CI=true)"
    exit 1
  fi
  echo "SKIP $1: $reason"
  exit 0
}

ct_missing_prerequisite() {
  if [ "$(uname -s)" != Linux ]; then echo "needs Linux"; return 0; fi
  if [ "$(id -u)" != 0 ]; then echo "needs root (systemd-nspawn and nsenter)"; return 0; fi
  local tool
  for tool in systemd-nspawn nsenter; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "needs $tool (Debian: apt-get install systemd-container util-linux)"; return 0
    fi
  done
  if [ ! -x /usr/lib/systemd/systemd ]; then echo "needs systemd in /usr/lib/systemd/systemd"; return 0; fi
  if [ ! -d /sys/fs/cgroup ]; then echo "needs cgroups mounted on /sys/fs/cgroup"; return 0; fi
  return 1
}

# The cgroup hierarchies systemd-nspawn writes to, as "mount point|line prefix in /proc/self/cgroup".
_ct_cgroup_hierarchies() {
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    echo "/sys/fs/cgroup|0::"
    return
  fi
  if [ -d /sys/fs/cgroup/systemd ]; then echo "/sys/fs/cgroup/systemd|[0-9]*:name=systemd:"; fi
  if [ -f /sys/fs/cgroup/unified/cgroup.controllers ]; then echo "/sys/fs/cgroup/unified|0::"; fi
}

# Whether pid is a live (not zombie) process.
_ct_alive() {
  local state
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  state=$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# Boots the container; each argument is a read-only bind "host-path:container-path". Sets CT_PID, the pid
# (in the host's namespace) of the container's systemd.
ct_boot() {
  local state_root="${CT_STATE_ROOT:-$PWD/target/native-test/containers}"
  CT_NAME="sdnotify-test-$$-${RANDOM}"
  CT_DIR="$state_root/$CT_NAME"
  mkdir -p "$CT_DIR"
  # A random id makes every boot a new machine; read-only, so systemd does not treat it as a first boot.
  tr -d '-' </proc/sys/kernel/random/uuid >"$CT_DIR/machine-id"

  _ct_run_dirs_enter

  # systemd-nspawn --keep-unit makes payload/ and supervisor/ cgroups under the caller's cgroup: give it
  # a cgroup of its own, so they are easy to find and remove and never shared with another container.
  local root prefix own
  while IFS='|' read -r root prefix; do
    own=$(grep -E "^${prefix}" /proc/self/cgroup | head -n 1 | sed -E "s/^${prefix}//")
    own="${own%/}"
    mkdir "$root$own/$CT_NAME"
    CT_CGROUPS+=("$root$own/$CT_NAME")
  done < <(_ct_cgroup_hierarchies)

  local args=(--quiet --keep-unit --register=no --directory=/ --volatile=yes --private-network
    --console=read-only --link-journal=no "--machine=$CT_NAME"
    "--bind-ro=$CT_DIR/machine-id:/etc/machine-id")
  local bind
  for bind in "$@"; do
    args+=("--bind-ro=$bind")
  done
  # The JDK is reached through /etc/alternatives and reads its configuration from /etc/java-*.
  for d in /etc/alternatives /etc/java-*; do
    if [ -d "$d" ]; then args+=("--bind-ro=$d"); fi
  done

  (
    for d in "${CT_CGROUPS[@]}"; do echo "$BASHPID" >"$d/cgroup.procs"; done
    exec systemd-nspawn "${args[@]}" -b -- systemd.firstboot=off systemd.unit=basic.target \
      systemd.mask=systemd-machine-id-commit.service systemd.show_status=false
  ) </dev/null >"$CT_DIR/console.log" 2>&1 &
  CT_NSPAWN_PID=$!

  _ct_wait_booted 20 "container:" 0.05
}

# After nspawn started (CT_NSPAWN_PID): finds the container's systemd (sets CT_PID) and waits until it
# reports running or degraded, for at most $1 seconds; $2 starts each message, $3 is the poll interval.
_ct_wait_booted() {
  local deadline=$((SECONDS + $1)) what=$2 interval=$3 child
  # The container's systemd is a child of systemd-nspawn.
  while [ -z "$CT_PID" ]; do
    for child in $(cat "/proc/$CT_NSPAWN_PID"/task/*/children 2>/dev/null); do
      if [ "$(cat "/proc/$child/comm" 2>/dev/null)" = systemd ]; then CT_PID=$child; fi
    done
    if [ -z "$CT_PID" ]; then
      if ! _ct_alive "$CT_NSPAWN_PID" || [ $SECONDS -ge $deadline ]; then
        echo "$what systemd-nspawn did not start systemd; its output:" >&2
        sed 's/^/  /' "$CT_DIR/console.log" >&2
        return 1
      fi
      sleep 0.05
    fi
  done

  local state=""
  while :; do
    state=$(ct_exec systemctl is-system-running 2>/dev/null) || true
    case "$state" in
      running) break ;;
      degraded)
        echo "$what booted degraded; failed units:" >&2
        ct_exec systemctl --failed --no-legend --plain >&2 || true
        break ;;
    esac
    if ! _ct_alive "$CT_PID" || [ $SECONDS -ge $deadline ]; then
      echo "$what systemd did not finish booting (state '${state:-no bus}'); console and jobs:" >&2
      tail -n 20 "$CT_DIR/console.log" | sed 's/^/  /' >&2
      ct_exec systemctl list-jobs --no-legend --plain 2>/dev/null | sed 's/^/  /' >&2 || true
      return 1
    fi
    sleep "$interval"
  done
}

# Runs a command inside the container (all its namespaces), with a UTF-8 locale and no pager or colours.
ct_exec() {
  LC_ALL=C.UTF-8 SYSTEMD_PAGER="" SYSTEMD_COLORS=0 nsenter -t "$CT_PID" -a -- "$@"
}

# Copies the unit files (and drop-in directories) under $1 into the container's /run/systemd/system and
# reloads the manager.
ct_install_units() {
  tar -C "$1" -cf - . | ct_exec tar -C /run/systemd/system -xf -
  ct_exec systemctl daemon-reload
}

# Stops the container and removes its traces; returns non-zero if anything was left behind. Safe to call
# more than once, and before or after a failed boot.
ct_teardown() {
  if [ -n "$CT_TORN_DOWN" ] || [ -z "$CT_NAME" ]; then return 0; fi
  CT_TORN_DOWN=1
  if [ -n "$CT_NSPAWN_PID" ]; then
    if [ -n "$CT_PID" ] && _ct_alive "$CT_PID"; then
      timeout 5 nsenter -t "$CT_PID" -a -- systemctl poweroff --no-block >/dev/null 2>&1 || true
    fi
    _ct_wait_gone "$CT_NSPAWN_PID" 100
    if _ct_alive "$CT_NSPAWN_PID"; then
      echo "container: no clean power-off within 10 s; killing its PID 1 ($CT_PID)" >&2
      if [ -n "$CT_PID" ]; then kill -KILL "$CT_PID" 2>/dev/null || true; fi
      _ct_wait_gone "$CT_NSPAWN_PID" 50
    fi
    if _ct_alive "$CT_NSPAWN_PID"; then
      kill -KILL "$CT_NSPAWN_PID" 2>/dev/null || true
      _ct_wait_gone "$CT_NSPAWN_PID" 50
    fi
    wait "$CT_NSPAWN_PID" 2>/dev/null || true
  fi

  # The host's /run is not a tmpfs, so systemd-nspawn cannot remove these itself.
  rm -rf "/run/systemd/nspawn/propagate/$CT_NAME"
  _ct_run_dirs_leave
  local cg
  for cg in "${CT_CGROUPS[@]}"; do
    if [ -d "$cg" ]; then find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
  ct_leftover_check || return 1
  # Its machine-id and console log; kept above when something was left behind.
  rm -rf "$CT_DIR"
}

# Takes this shell's shared lock on /run (once) and records which of _CT_RUN_DIRS are missing, before
# anything creates them.
_ct_run_dirs_enter() {
  [ -z "$_CT_RUN_LOCK" ] || return 0
  exec {_CT_RUN_LOCK}</run
  flock -s "$_CT_RUN_LOCK"
  local d
  for d in "${_CT_RUN_DIRS[@]}"; do
    [ -e "$d" ] || echo "$d" >>"$_CT_RUN_DIRS_MADE"
  done
}

# Releases the lock; if no other run holds it and no systemd-nspawn runs, removes the recorded directories
# (deepest first; one still in use stays) and the record.
_ct_run_dirs_leave() {
  [ -n "$_CT_RUN_LOCK" ] || return 0
  flock -u "$_CT_RUN_LOCK"
  if flock -xn "$_CT_RUN_LOCK"; then
    if [ -f "$_CT_RUN_DIRS_MADE" ] && ! grep -lsxq systemd-nspawn /proc/[0-9]*/comm; then
      local d
      for d in $(sort -ru "$_CT_RUN_DIRS_MADE"); do rmdir "$d" 2>/dev/null || true; done
      rm -f "$_CT_RUN_DIRS_MADE"
    fi
    flock -u "$_CT_RUN_LOCK"
  fi
  exec {_CT_RUN_LOCK}<&-
  _CT_RUN_LOCK=""
}

# Polls up to $2 tenths of a second for pid $1 to exit.
_ct_wait_gone() {
  local n=0
  while _ct_alive "$1" && [ "$n" -lt "$2" ]; do
    sleep 0.1
    n=$((n + 1))
  done
}

# Fails, naming each, if a process, mount, cgroup or directory of the container is still on the host.
ct_leftover_check() {
  local problems=() p cg
  for p in "$CT_NSPAWN_PID" "$CT_PID"; do
    if [ -n "$p" ] && _ct_alive "$p"; then problems+=("process $p ($(cat "/proc/$p/comm" 2>/dev/null)) is running"); fi
  done
  for p in /proc/[0-9]*; do
    if grep -qF -- "--machine=$CT_NAME " <<<"$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null)"; then
      problems+=("process ${p#/proc/} still runs systemd-nspawn for $CT_NAME")
    fi
  done
  if grep -E -e "$CT_NAME|nspawn-root" /proc/self/mountinfo >/dev/null; then
    problems+=("mounts remain: $(grep -E -e "$CT_NAME|nspawn-root" /proc/self/mountinfo | cut -d' ' -f5 | tr '\n' ' ')")
  fi
  for cg in "${CT_CGROUPS[@]}"; do
    if [ -e "$cg" ]; then problems+=("cgroup $cg remains"); fi
  done
  if [ -e "/run/systemd/nspawn/propagate/$CT_NAME" ]; then
    problems+=("/run/systemd/nspawn/propagate/$CT_NAME remains")
  fi
  if [ "${#problems[@]}" -gt 0 ]; then
    echo "leftover check: FAIL"
    for p in "${problems[@]}"; do echo "  $p"; done
    return 1
  fi
  echo "leftover check: PASS (no nspawn process, mount or cgroup of $CT_NAME left)"
}
