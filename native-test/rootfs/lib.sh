# shellcheck shell=bash
# Debian root file systems, one per suite (built by native-test/rootfs/build.sh), for running the library
# against other versions of systemd, libsystemd and the JDK than the host's. Source this file, then:
#
#   nt_rootfs_dir trixie                      # its directory, or fails if it is not (completely) built
#   nt_rootfs_info trixie libsystemd0         # a field of its stamp (suite, systemd, libsystemd0, jdk, ...)
#   nt_rootfs_exec sid --bind-ro=/host/dir:/opt/app -- java -cp /opt/app Main
#                                             # one command, no boot: its exit code, stdout and stderr
#   trap nt_rootfs_teardown EXIT
#   nt_rootfs_boot sid /host/dir:/opt/app     # boots it (systemd as PID 1); read-only binds as for ct_boot
#   ct_exec systemctl is-system-running       # in the booted container (CT_PID is its PID 1)
#
# nt_rootfs_boot is ct_boot (native-test/lib/container.sh) with the suite's directory instead of the host's
# /: it sets the same CT_* variables, so ct_exec, ct_install_units, ct_teardown and ct_leftover_check work
# on it unchanged. Each container, booted or not, has a loopback-only network, a random read-only
# machine-id, an overlay over the rootfs that vanishes with it (the rootfs is never written), and cgroups of
# its own under the caller's, removed afterwards; nspawn runs in a mount namespace of its own, where
# /run/systemd/nspawn (its propagate/<name> and locks/) is a tmpfs, so nothing of it stays on the host.
#
# systemd 258 and later (sid's) refuse the host's hybrid cgroup hierarchy: nspawn always runs with
# SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1, which gives every container (247 to 262) the unified one.

_NT_ROOTFS_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/container.sh
source "$_NT_ROOTFS_HERE/../lib/container.sh"

NT_ROOTFS_CACHE="${NT_ROOTFS_CACHE:-/var/cache/sdnotify-rootfs}"
# The Debian mirror this machine's apt uses (the first URIs: of its deb822 sources that is not the security
# archive, else the first deb line of sources.list); NT_ROOTFS_MIRROR overrides it.
nt_rootfs_mirror() {
  local m
  m=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -v -- '-security' | head -n 1 || true)
  [ -n "$m" ] || m=$(sed -n 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*\).*/\2/p' \
    /etc/apt/sources.list 2>/dev/null | grep -v -- '-security' | head -n 1 || true)
  [ -n "$m" ] || { echo "rootfs: no Debian mirror in this machine's apt sources; set NT_ROOTFS_MIRROR" >&2; return 1; }
  echo "$m"
}
NT_ROOTFS_MIRROR="${NT_ROOTFS_MIRROR:-$(nt_rootfs_mirror)}"
NT_ROOTFS_SUITES=(bullseye bookworm trixie sid)
# Where the containers' machine-ids and console logs go (not the checkout: a mvn clean there must not pull
# a file bound into a running container).
NT_ROOTFS_STATE="${NT_ROOTFS_STATE:-/run/sdnotify-rootfs}"
# Seconds a boot may take to reach running (or degraded).
NT_ROOTFS_BOOT_TIMEOUT="${NT_ROOTFS_BOOT_TIMEOUT:-60}"
# The rootfs of the container last started (for the leftover check).
_NT_ROOTFS_DIR=""

# Besides one rootfs per suite, one per suite with the Java servers of native-test/servers.sh installed as
# their users get them: SUITE-servers (bookworm-servers, sid-servers), built and used like a suite's.
NT_ROOTFS_VARIANTS=(bookworm-servers sid-servers)

# The Debian suite of a rootfs: the name itself, or the suite of a SUITE-servers rootfs.
nt_rootfs_suite() {
  echo "${1%-servers}"
}

# The packages a rootfs installs with apt-get on top of the suite's: sid's JDK 26 runs the channel tests
# with JEP 500's final-field checks denied (native-test/matrix.sh).
nt_rootfs_extra_packages() {
  case "$1" in
    sid) echo openjdk-26-jre-headless ;;
    bookworm-servers) echo tomcat10 zookeeper ;;
    sid-servers) echo tomcat11 zookeeperd ;;
    *-servers) echo "rootfs: unknown rootfs '$1' (known: ${NT_ROOTFS_SUITES[*]} ${NT_ROOTFS_VARIANTS[*]})" >&2; return 1 ;;
  esac
}

# The JDK package of a suite (or of a SUITE-servers rootfs): 11 on bullseye, 17 on bookworm, 21 on trixie,
# 25 on sid.
nt_rootfs_jdk_package() {
  nt_rootfs_extra_packages "$1" >/dev/null || return 1
  case "$(nt_rootfs_suite "$1")" in
    bullseye) echo openjdk-11-jre-headless ;;
    bookworm) echo openjdk-17-jre-headless ;;
    trixie) echo openjdk-21-jre-headless ;;
    sid) echo openjdk-25-jre-headless ;;
    *) echo "rootfs: unknown suite '$1' (known: ${NT_ROOTFS_SUITES[*]})" >&2; return 1 ;;
  esac
}

# The stamp of a suite's rootfs, written last by build.sh: while it is missing, the directory is partial.
nt_rootfs_stamp() {
  echo "$NT_ROOTFS_CACHE/$1.stamp"
}

# The java of the JDK $2 (a feature release) inside suite $1's rootfs, as the rootfs sees it.
nt_rootfs_java() {
  local dir java
  dir=$(nt_rootfs_dir "$1") || return 1
  java=$(ls -d "$dir"/usr/lib/jvm/java-"$2"-openjdk-*/bin/java 2>/dev/null | head -n 1)
  [ -n "$java" ] || { echo "rootfs: no JDK $2 in the $1 rootfs" >&2; return 1; }
  echo "${java#"$dir"}"
}

# Prints the directory of a suite's complete rootfs, or fails saying how to build it.
nt_rootfs_dir() {
  local dir="$NT_ROOTFS_CACHE/$1"
  nt_rootfs_jdk_package "$1" >/dev/null || return 1
  if [ ! -f "$(nt_rootfs_stamp "$1")" ] || [ ! -x "$dir/usr/lib/systemd/systemd" ]; then
    echo "rootfs: no complete $1 rootfs in $dir (run native-test/rootfs/build.sh $1)" >&2
    return 1
  fi
  echo "$dir"
}

# A field of a suite's stamp: suite, systemd, systemd_version, libsystemd0, jdk, java_version, ...
nt_rootfs_info() {
  local stamp
  stamp=$(nt_rootfs_stamp "$1")
  [ -f "$stamp" ] || { echo "rootfs: $1 is not built" >&2; return 1; }
  sed -n "s/^$2=//p" "$stamp" | head -n 1
}

# Makes what one container needs before nspawn starts: its name, state directory and random machine-id,
# and its own cgroup in each hierarchy nspawn writes to (so that --keep-unit's payload/ and supervisor/
# are never shared with another container, and are easy to remove). Sets the CT_* variables of
# container.sh; $1 is a word for the name.
_nt_rootfs_prepare() {
  CT_NAME="sdnotify-$1-$$-${RANDOM}"
  CT_DIR="$NT_ROOTFS_STATE/$CT_NAME"
  CT_NSPAWN_PID=""
  CT_PID=""
  CT_CGROUPS=()
  CT_TORN_DOWN=""
  mkdir -p "$CT_DIR"
  tr -d '-' </proc/sys/kernel/random/uuid >"$CT_DIR/machine-id"
  # /run/systemd/nspawn is only a mount point on the host (see _nt_rootfs_exec_nspawn); the last run to
  # leave removes it if it was made (see _ct_run_dirs_enter).
  _ct_run_dirs_enter
  mkdir -p /run/systemd/nspawn
  local root prefix own
  while IFS='|' read -r root prefix; do
    own=$(grep -E "^${prefix}" /proc/self/cgroup | head -n 1 | sed -E "s/^${prefix}//")
    own="${own%/}"
    mkdir "$root$own/$CT_NAME"
    CT_CGROUPS+=("$root$own/$CT_NAME")
  done < <(_ct_cgroup_hierarchies)
}

# The options every container gets; $1 is the rootfs directory.
_nt_rootfs_nspawn_args() {
  printf '%s\n' --quiet --keep-unit --register=no "--directory=$1" --volatile=overlay --private-network \
    --link-journal=no "--machine=$CT_NAME" "--bind-ro=$CT_DIR/machine-id:/etc/machine-id"
}

# Moves this (sub)shell into the container's cgroups and runs systemd-nspawn with the arguments (the same
# pid: CT_NSPAWN_PID stays nspawn's), in a mount namespace of its own with a tmpfs on /run/systemd/nspawn.
# The host's /run is not a tmpfs, so nspawn could not remove its propagate/<name> and locks/ there itself
# (and would say so on stderr, which is the command's under --pipe); in that tmpfs they vanish with it.
_nt_rootfs_exec_nspawn() {
  local d
  for d in "${CT_CGROUPS[@]}"; do echo "$BASHPID" >"$d/cgroup.procs"; done
  exec env SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 unshare --mount --propagation private -- /bin/sh -c \
    'mount -t tmpfs -o mode=0755,size=4m sdnotify-nspawn /run/systemd/nspawn && exec systemd-nspawn "$@"' \
    systemd-nspawn "$@"
}

# Checks the options before "--" of nt_rootfs_exec and nt_rootfs_exec_dir (binds, environment, working
# directory; nothing that could open the network or the host) into the caller's array opts.
_nt_rootfs_exec_opts() {
  opts=()
  while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
    case "$1" in
      --bind-ro=* | --bind=* | --setenv=* | --chdir=*) opts+=("$1") ;;
      *) echo "nt_rootfs_exec: option '$1' not allowed (only --bind-ro=, --bind=, --setenv=, --chdir=)" >&2; return 2 ;;
    esac
    shift
  done
  [ "$#" -gt 1 ] || { echo "usage: nt_rootfs_exec SUITE [--bind-ro=HOST:GUEST ...] -- CMD..." >&2; return 2; }
}

# nt_rootfs_exec SUITE [--bind-ro=HOST:GUEST|--bind=HOST:GUEST|--setenv=NAME=VALUE|--chdir=DIR ...] -- CMD...
# Runs CMD in the suite's rootfs without booting it (nspawn's stub init is PID 1, CMD PID 2). Standard input,
# output and error are the caller's; the exit code is CMD's (nspawn's own when it fails to start). Anything
# the container leaves behind is removed, and if that fails the problems go to stderr and the exit code is
# 125.
nt_rootfs_exec() {
  local dir
  dir=$(nt_rootfs_dir "$1") || return 1
  shift
  nt_rootfs_exec_dir "$dir" "$@"
}

# As nt_rootfs_exec, on a rootfs directory (build.sh uses it before the stamp exists).
nt_rootfs_exec_dir() (
  dir="$1"
  shift
  _nt_rootfs_exec_opts "$@" || exit $?
  while [ "$1" != -- ]; do shift; done
  shift
  trap '_nt_rootfs_exec_finish' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  _NT_ROOTFS_DIR="$dir"
  _nt_rootfs_prepare exec || exit 1
  # In the background (its stdin kept: a background job's would be /dev/null), so that its pid is known
  # for the teardown.
  exec {stdin}<&0
  mapfile -t args < <(_nt_rootfs_nspawn_args "$dir")
  _nt_rootfs_exec_nspawn "${args[@]}" --pipe --as-pid2 "${opts[@]}" -- "$@" <&"$stdin" &
  CT_NSPAWN_PID=$!
  exec {stdin}<&-
  rc=0
  wait "$CT_NSPAWN_PID" || rc=$?
  exit "$rc"
)

# The EXIT trap of nt_rootfs_exec_dir: stops nspawn if it still runs (interrupted), removes the traces and
# keeps the command's exit code unless something was left behind.
_nt_rootfs_exec_finish() {
  local rc=$? out
  trap - EXIT INT TERM
  if ! out=$(_nt_rootfs_exec_teardown 2>&1); then
    echo "nt_rootfs_exec: $out" >&2
    rc=125
  fi
  exit "$rc"
}

# ct_teardown for a container without a boot, whose nspawn has normally exited already: the same steps
# and checks, with one grep over all processes instead of two processes per process (which takes seconds
# on a busy machine, per command).
_nt_rootfs_exec_teardown() {
  local problems=() p i cg m
  if _ct_alive "$CT_NSPAWN_PID"; then
    # Interrupted: nspawn kills its container on SIGTERM.
    kill -TERM "$CT_NSPAWN_PID" 2>/dev/null || true
    _ct_wait_gone "$CT_NSPAWN_PID" 50
    if _ct_alive "$CT_NSPAWN_PID"; then
      kill -KILL "$CT_NSPAWN_PID" 2>/dev/null || true
      _ct_wait_gone "$CT_NSPAWN_PID" 50
    fi
  fi
  wait "$CT_NSPAWN_PID" 2>/dev/null || true
  rm -rf "/run/systemd/nspawn/propagate/$CT_NAME"
  _ct_run_dirs_leave
  for cg in "${CT_CGROUPS[@]}"; do
    if [ -d "$cg" ]; then find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done

  if _ct_alive "$CT_NSPAWN_PID"; then problems+=("systemd-nspawn (pid $CT_NSPAWN_PID) is running"); fi
  # The bracket keeps grep from finding its own command line.
  for p in $(grep -lszx -- "--machine=[${CT_NAME:0:1}]${CT_NAME:1}" /proc/[0-9]*/cmdline); do
    p=${p#/proc/}
    problems+=("process ${p%/cmdline} still runs systemd-nspawn for $CT_NAME")
  done
  m=$(awk -v n="$CT_NAME" -v d="$_NT_ROOTFS_DIR" 'index($0, n) || $5 == d || index($5, d "/") == 1 { print $5 }' \
    /proc/self/mountinfo)
  if [ -n "$m" ]; then problems+=("mounts remain: $(tr '\n' ' ' <<<"$m")"); fi
  for cg in "${CT_CGROUPS[@]}"; do
    if [ -e "$cg" ]; then problems+=("cgroup $cg remains"); fi
  done
  if [ -e "/run/systemd/nspawn/propagate/$CT_NAME" ]; then problems+=("/run/systemd/nspawn/propagate/$CT_NAME remains"); fi
  if [ "${#problems[@]}" -gt 0 ]; then
    echo "leftover check: FAIL (kept $CT_DIR)"
    for p in "${problems[@]}"; do echo "  $p"; done
    return 1
  fi
  rm -rf "$CT_DIR"
  rmdir "$NT_ROOTFS_STATE" 2>/dev/null || true
}

# nt_rootfs_boot SUITE [HOST:GUEST ...]: boots the suite's rootfs with systemd as PID 1 (each argument a
# read-only bind), as ct_boot boots the host's /: a small target (basic.target), no first boot, no
# machine-id commit, the console in $CT_DIR/console.log. Waits until systemctl is-system-running says
# running (or degraded, listing the failed units on stderr). Sets CT_PID, the pid of the container's
# systemd (for nsenter -t, or ct_exec), and CT_NSPAWN_PID. Tear down with nt_rootfs_teardown (or
# ct_teardown), in a trap.
nt_rootfs_boot() {
  local dir
  dir=$(nt_rootfs_dir "$1") || return 1
  shift
  nt_rootfs_boot_dir "$dir" "$@"
}

# As nt_rootfs_boot, on a rootfs directory.
nt_rootfs_boot_dir() {
  local dir="$1" bind args=()
  shift
  _nt_rootfs_prepare boot || return 1
  _NT_ROOTFS_DIR="$dir"
  mapfile -t args < <(_nt_rootfs_nspawn_args "$dir")
  args+=(--console=read-only)
  for bind in "$@"; do
    args+=("--bind-ro=$bind")
  done
  (_nt_rootfs_exec_nspawn "${args[@]}" -b -- systemd.firstboot=off systemd.unit=basic.target \
    systemd.mask=systemd-machine-id-commit.service systemd.show_status=false) \
    </dev/null >"$CT_DIR/console.log" 2>&1 &
  CT_NSPAWN_PID=$!

  _ct_wait_booted "$NT_ROOTFS_BOOT_TIMEOUT" "rootfs ($dir):" 0.1
}

# Powers the booted container off and removes its traces (ct_teardown), then checks that nothing is
# mounted under the rootfs; non-zero if anything was left. Safe to call more than once.
nt_rootfs_teardown() {
  local rc=0 m
  [ -n "$CT_NAME" ] || return 0
  ct_teardown || rc=1
  _ct_run_dirs_leave
  rmdir "$NT_ROOTFS_STATE" 2>/dev/null || true
  if [ -n "$_NT_ROOTFS_DIR" ]; then
    m=$(awk -v d="$_NT_ROOTFS_DIR" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo)
    if [ -n "$m" ]; then
      echo "leftover check: FAIL: mounts remain under $_NT_ROOTFS_DIR: $(tr "\n" " " <<<"$m")"
      rc=1
    fi
  fi
  return "$rc"
}
