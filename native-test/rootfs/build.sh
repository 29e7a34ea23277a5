#!/usr/bin/env bash
# Builds a Debian rootfs per suite for native-test/rootfs/lib.sh: debootstrap --variant=minbase with
# systemd, libsystemd0, dbus and the suite's JDK, cached outside any checkout in
# ${NT_ROOTFS_CACHE:-/var/cache/sdnotify-rootfs}/<suite> (~500 MB each).
#
#   native-test/rootfs/build.sh [SUITE...]     # bullseye, bookworm, trixie, sid; default: bullseye trixie sid
#   native-test/rootfs/build.sh bookworm-servers   # a suite with the servers of native-test/servers.sh (lib.sh)
#
# Idempotent: a suite whose stamp (<cache>/<suite>.stamp, written last) exists is left alone; a directory
# without one is partial and is removed and rebuilt. Each build goes into a temporary directory that is
# renamed into place only once it is complete and has run the suite's java and systemctl under
# systemd-nspawn. debootstrap runs in a mount namespace of its own (its /proc, /sys and /dev mounts vanish
# with it, whatever happens), with a policy-rc.d that keeps maintainer scripts from starting services.
# NT_ROOTFS_MIRROR overrides the mirror (by default the one this machine's apt uses). Needs root; installs debootstrap
# and systemd-container with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

source native-test/rootfs/lib.sh

if [ "$(id -u)" != 0 ]; then
  echo "FAIL rootfs build: needs root (debootstrap, systemd-nspawn)" >&2
  exit 1
fi
SUITES=("$@")
[ "${#SUITES[@]}" -gt 0 ] || SUITES=(bullseye trixie sid)
for suite in "${SUITES[@]}"; do nt_rootfs_jdk_package "$suite" >/dev/null; done

# The tools, from the host's own package lists.
nt_rootfs_install_tools() {
  local missing=()
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v systemd-nspawn >/dev/null 2>&1 || missing+=(systemd-container)
  command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
  [ "${#missing[@]}" -gt 0 ] || return 0
  echo "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; }
}

# Unmounts whatever is mounted at or under $1, deepest first (debootstrap killed half-way, in a namespace
# that somehow survived, or an older build without one).
nt_rootfs_unmount_under() {
  local m
  awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while IFS= read -r m; do umount "$m" 2>/dev/null || umount -l "$m" || true; done
}

# Removes a (partial) rootfs directory: unmounted first, and never crossing into another file system (a
# bind of the host's /dev or /proc left inside must not be emptied).
nt_rootfs_remove() {
  [ -e "$1" ] || return 0
  nt_rootfs_unmount_under "$1"
  rm -rf --one-file-system "$1"
}

# Fails, listing them, if processes run with their root in directory $1 (a daemon a maintainer script
# started despite policy-rc.d); they are ours, so they are killed by pid first.
nt_rootfs_no_processes_in() {
  local p root found=()
  for p in /proc/[0-9]*; do
    root=$(readlink "$p/root" 2>/dev/null) || continue
    if [ "$root" = "$1" ] || [[ "$root" == "$1/"* ]]; then found+=("${p#/proc/}"); fi
  done
  [ "${#found[@]}" -gt 0 ] || return 0
  for p in "${found[@]}"; do
    echo "rootfs: process $p ($(cat "/proc/$p/comm" 2>/dev/null)) was left running in $1; killing it" >&2
    kill -KILL "$p" 2>/dev/null || true
  done
  return 1
}

# What the rootfs needs to boot under nspawn, written after debootstrap.
nt_rootfs_configure() {
  local dir="$1" suite="$2" unit
  rm -f "$dir/usr/sbin/policy-rc.d"
  # No machine-id of its own: each container binds a random one read-only (an empty file is not a first
  # boot, and is a mount point for the bind); D-Bus reads the same one.
  : >"$dir/etc/machine-id"
  rm -f "$dir/var/lib/dbus/machine-id"
  mkdir -p "$dir/var/lib/dbus"
  ln -s /etc/machine-id "$dir/var/lib/dbus/machine-id"
  echo "sdnotify-$suite" >"$dir/etc/hostname"
  # Units that would commit the machine-id, ask first-boot questions, wait for a network there is none of,
  # or do periodic maintenance in a throwaway container.
  for unit in systemd-machine-id-commit.service systemd-firstboot.service \
    systemd-networkd-wait-online.service systemd-time-wait-sync.service systemd-timesyncd.service \
    apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
    fstrim.timer man-db.timer; do
    ln -sfn /dev/null "$dir/etc/systemd/system/$unit"
  done
  # The downloaded packages (about a third of the size).
  rm -f "$dir"/var/cache/apt/archives/*.deb "$dir"/var/cache/apt/*.bin
  rm -rf "$dir"/var/lib/apt/lists/*
  mkdir -p "$dir/var/lib/apt/lists/partial"
}

# Builds one suite into a temporary directory next to its final place, then renames it.
nt_rootfs_build() {
  local suite="$1" final="$NT_ROOTFS_CACHE/$1" stamp jdk_pkg arch t0 tmp out extra
  stamp=$(nt_rootfs_stamp "$suite")
  if [ -f "$stamp" ] && [ -x "$final/usr/lib/systemd/systemd" ]; then
    echo "$suite: complete in $final ($(nt_rootfs_info "$suite" systemd); built $(nt_rootfs_info "$suite" built)), nothing to do"
    return 0
  fi
  t0=$(date +%s%N)
  rm -f "$stamp"
  if [ -e "$final" ]; then
    echo "$suite: $final has no stamp: partial, removing it"
    nt_rootfs_remove "$final"
  fi
  local old
  for old in "$NT_ROOTFS_CACHE/.build-$suite".*; do
    [ -e "$old" ] || continue
    echo "$suite: removing an interrupted build, $old"
    nt_rootfs_remove "$old"
  done

  jdk_pkg=$(nt_rootfs_jdk_package "$suite")
  extra=$(nt_rootfs_extra_packages "$suite")
  arch=$(dpkg --print-architecture)
  local jdk
  jdk=$(sed -E 's/^openjdk-([0-9]+)-.*/\1/' <<<"$jdk_pkg")
  jdk="usr/lib/jvm/java-$jdk-openjdk-$arch"
  tmp=$(mktemp -d "$NT_ROOTFS_CACHE/.build-$suite.XXXXXX")
  _NT_BUILD_TMP=$tmp
  local log="$tmp.log"
  echo "$suite: debootstrap --variant=minbase --include=systemd,libsystemd0,dbus,$jdk_pkg $(nt_rootfs_suite "$suite")${extra:+ (then apt-get install $extra)} from $NT_ROOTFS_MIRROR (log $log)"
  # Two stages, with a policy-rc.d in between: no maintainer script may start a daemon. Both in a private
  # mount namespace; nice, not to starve the machine. A rootfs with extra packages gets them from apt-get in
  # the chroot afterwards (it resolves their dependencies as a user's apt does; no Recommends), under the same
  # policy-rc.d.
  if ! unshare --mount --propagation private nice -n 10 ionice -c 2 -n 7 bash -euo pipefail -c '
      tmp=$1 suite=$2 mirror=$3 include=$4 arch=$5 extra=$6 jdk=$7
      debootstrap --foreign --arch="$arch" --variant=minbase --include="$include" "$suite" "$tmp" "$mirror"
      printf "#!/bin/sh\nexit 101\n" >"$tmp/usr/sbin/policy-rc.d"
      chmod 755 "$tmp/usr/sbin/policy-rc.d"
      chroot "$tmp" /debootstrap/debootstrap --second-stage
      if [ -n "$extra" ]; then
        mountpoint -q "$tmp/proc" || mount -t proc proc "$tmp/proc"
        # A dated mirror (a snapshot) serves Release files past their Valid-Until, which debootstrap accepts.
        chroot "$tmp" apt-get -o Acquire::Check-Valid-Until=false update -q
        # shellcheck disable=SC2086
        chroot "$tmp" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $extra
        # A newer JDK among them (26 on sid) must not become the java of the rootfs.
        chroot "$tmp" update-alternatives --set java "/$jdk/bin/java"
      fi
    ' build "$tmp" "$(nt_rootfs_suite "$suite")" "$NT_ROOTFS_MIRROR" "systemd,libsystemd0,dbus,$jdk_pkg" "$arch" \
      "$extra" "$jdk" >"$log" 2>&1; then
    echo "$suite: debootstrap failed; the end of $log:" >&2
    tail -n 25 "$log" | sed 's/^/  /' >&2
    return 1
  fi
  nt_rootfs_no_processes_in "$tmp" || return 1
  nt_rootfs_configure "$tmp" "$suite"

  # Run what the stamp records under nspawn, as the tests will: this also proves the rootfs works.
  [ -x "$tmp/$jdk/bin/java" ] || { echo "$suite: no JDK under $tmp/usr/lib/jvm" >&2; return 1; }
  if ! out=$(nt_rootfs_exec_dir "$tmp" -- /bin/sh -c '
      systemctl --version | head -n 1
      dpkg-query -W -f="\${Version}\n" libsystemd0
      dpkg-query -W -f="\${Version}\n" systemd
      readlink -f /usr/bin/java
      java -version 2>&1 | head -n 1
      [ -z "$1" ] || { dpkg-query -W -f="\${Package}=\${Version} " $1; echo; }' sh "$extra" 2>&1); then
    echo "$suite: the rootfs does not run under systemd-nspawn:" >&2
    echo "$out" | sed 's/^/  /' >&2
    return 1
  fi
  local systemd libsystemd systemd_pkg java java_version extra_versions
  { read -r systemd; read -r libsystemd; read -r systemd_pkg; read -r java; read -r java_version; read -r extra_versions || true; } <<<"$out"
  [ "$java" = "/$jdk/bin/java" ] || { echo "$suite: java is $java, expected /$jdk/bin/java" >&2; return 1; }

  nt_rootfs_remove "$tmp/debootstrap"
  mv -T "$tmp" "$final"
  _NT_BUILD_TMP=""
  mv "$log" "$NT_ROOTFS_CACHE/$suite.log"
  local secs=$((($(date +%s%N) - t0) / 1000000000))
  {
    echo "suite=$suite"
    echo "mirror=$NT_ROOTFS_MIRROR"
    echo "packages=systemd,libsystemd0,dbus,$jdk_pkg${extra:+,${extra// /,}}"
    [ -z "$extra" ] || echo "extra_versions=${extra_versions% }"
    echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "build_seconds=$secs"
    echo "systemd=$systemd"
    echo "systemd_version=$(awk '{ print $2 }' <<<"$systemd")"
    echo "systemd_package=$systemd_pkg"
    echo "libsystemd0=$libsystemd"
    echo "jdk=/$jdk"
    echo "java_version=$java_version"
    echo "size_mb=$(du -sm --one-file-system "$final" | cut -f1)"
  } >"$stamp.tmp"
  mv "$stamp.tmp" "$stamp"
  echo "$suite: built in ${secs} s: $systemd, libsystemd0 $libsystemd, $java_version (/$jdk), $(nt_rootfs_info "$suite" size_mb) MB"
}

_NT_BUILD_TMP=""
on_exit() {
  local rc=$?
  if [ -n "$_NT_BUILD_TMP" ]; then
    echo "rootfs: build failed or interrupted; removing $_NT_BUILD_TMP" >&2
    nt_rootfs_remove "$_NT_BUILD_TMP"
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

nt_rootfs_install_tools
mkdir -p "$NT_ROOTFS_CACHE"
# One build per suite at a time, whoever runs this.
for suite in "${SUITES[@]}"; do
  exec {lock}>"$NT_ROOTFS_CACHE/.$suite.lock"
  if ! flock -n "$lock"; then
    echo "$suite: another build holds $NT_ROOTFS_CACHE/.$suite.lock; waiting"
    flock "$lock"
  fi
  nt_rootfs_build "$suite"
  exec {lock}>&-
done
