# shellcheck shell=bash
# Where the container suite runs: the host's / (NT_SUITE unset, as ct_boot boots it) or a Debian rootfs of
# native-test/rootfs/ (NT_SUITE=bullseye, trixie or sid), and what that root brings: its systemd, the
# libsystemd its units see, and the JDK that serves each gateway. Source after java.sh, then:
#
#   nt_suite_setup                 # sets the NT_SUITE_* variables below, or fails saying why
#   nt_suite_boot BIND...          # ct_boot or nt_rootfs_boot, with the JDKs bound in that the root lacks
#   nt_suite_check_jdks            # in the booted container: each gateway's JDK starts, and is the version
#   nt_suite_teardown              # ct_teardown or nt_rootfs_teardown
#
# In a rootfs each gateway runs on the suite's own JDK where it fits (JNA: 11 to 21; FFM: 22 or later), and
# otherwise on the host's JDK for it, bound read-only at the same path: bullseye and trixie have no JDK 22
# (the host's Temurin serves FFM), sid's 25 leaves JNA to the host's 17 (which needs glibc 2.34: not on
# bullseye, which never needs it). The other cases' services (jrun) run on the root's own JDK.

NT_SUITE="${NT_SUITE:-}"
NT_SUITE_LABEL=""          # "host" or the suite's name
NT_SUITE_ROOT=""           # the container's root on the host: / or the rootfs directory
NT_SUITE_SYSTEMD=""        # the major version of the container's systemd
NT_SUITE_LIBSYSTEMD=""     # libsystemd.so.0 in the container, and the file it names (both hidden from java)
NT_SUITE_LIBSYSTEMD_REAL=""
NT_SUITE_JRUN_JDK=""       # the JDK (path in the container) of the services that run through jrun
NT_SUITE_JRUN_GATEWAY=""   # JNA or FFM: the gateway the library picks on it
NT_SUITE_BINDS=()          # read-only binds the root needs besides the suite's own: host JDKs and their /etc
declare -A NT_SUITE_JDK=() # jna / ffm: the JDK home (path in the container) serving that gateway
declare -A NT_SUITE_JDK_FROM=() # jna / ffm: where that JDK comes from, for the log

# The feature release of the JDK whose home in the container is $1: the root's own, or the host's bound in.
_nt_suite_feature() {
  local home="${NT_SUITE_ROOT%/}$1"
  [ -f "$home/release" ] || home=$1
  _nt_jdk_feature "$home" || true
}

# The gateway the library takes on a JDK of feature release $1.
_nt_suite_gateway() {
  if [ "$1" -ge 22 ]; then echo FFM; else echo JNA; fi
}

# libsystemd.so.0 under the root $1, and the file it resolves to (both as paths in the container).
_nt_suite_find_libsystemd() {
  local root="${1%/}" f real
  for f in "$root"/usr/lib/*-linux-gnu/libsystemd.so.0 "$root"/lib/*-linux-gnu/libsystemd.so.0; do
    [ -e "$f" ] || continue
    real=$(readlink -f "$f")
    case "$real" in
      "$root"/*) ;;
      *) echo "libsystemd: $f resolves outside the root ($real)" >&2; return 1 ;;
    esac
    NT_SUITE_LIBSYSTEMD=${f#"$root"}
    NT_SUITE_LIBSYSTEMD_REAL=${real#"$root"}
    return 0
  done
  echo "no libsystemd.so.0 under $root/usr/lib/*-linux-gnu or $root/lib/*-linux-gnu (package libsystemd0)" >&2
  return 1
}

# Adds the host JDK $1 to the binds, with the /etc/java-* directories its links point into (Debian's
# OpenJDK keeps its conf files there); refuses to hide the root's own.
_nt_suite_bind_host_jdk() {
  local jdk="$1" link target etc
  [ ! -e "$NT_SUITE_ROOT$jdk" ] || { echo "$NT_SUITE has its own $jdk: not binding the host's over it" >&2; return 1; }
  NT_SUITE_BINDS+=("$jdk:$jdk")
  while IFS= read -r link; do
    target=$(readlink "$link")
    etc=$(cut -d/ -f1-3 <<<"$target")
    case " ${NT_SUITE_BINDS[*]} " in *" $etc:$etc "*) continue ;; esac
    [ -d "$etc" ] || continue
    [ ! -e "$NT_SUITE_ROOT$etc" ] || { echo "$NT_SUITE has its own $etc: not binding the host's over it" >&2; return 1; }
    NT_SUITE_BINDS+=("$etc:$etc")
  done < <(find "$jdk" -type l -lname '/etc/java-*')
}

nt_suite_setup() {
  [ -n "${NT_JDK_FFM:-}" ] || nt_select_jdks || return 1
  NT_SUITE_BINDS=()
  if [ -z "$NT_SUITE" ]; then
    NT_SUITE_LABEL=host
    NT_SUITE_ROOT=/
    NT_SUITE_SYSTEMD=$(/usr/lib/systemd/systemd --version | sed -n '1s/^systemd \([0-9]*\).*/\1/p')
    _nt_suite_find_libsystemd / || return 1
    NT_SUITE_JDK[jna]=$NT_JDK_JNA
    NT_SUITE_JDK[ffm]=$NT_JDK_FFM
    NT_SUITE_JDK_FROM[jna]="the host's"
    NT_SUITE_JDK_FROM[ffm]="the host's"
    NT_SUITE_JRUN_JDK=$(dirname "$(dirname "$NT_JAVA")")
  else
    source native-test/rootfs/lib.sh
    if [ ! -f "$(nt_rootfs_stamp "$NT_SUITE")" ]; then
      native-test/rootfs/build.sh "$NT_SUITE" || return 1
    fi
    NT_SUITE_ROOT=$(nt_rootfs_dir "$NT_SUITE") || return 1
    NT_SUITE_LABEL=$NT_SUITE
    NT_SUITE_SYSTEMD=$(nt_rootfs_info "$NT_SUITE" systemd_version)
    _nt_suite_find_libsystemd "$NT_SUITE_ROOT" || return 1
    local own v
    own=$(nt_rootfs_info "$NT_SUITE" jdk)
    v=$(_nt_suite_feature "$own")
    [ -n "$v" ] && [ "$v" -ge 11 ] || { echo "$NT_SUITE's JDK $own has no release file of a JDK 11 or later" >&2; return 1; }
    if [ "$v" -ge 22 ]; then
      NT_SUITE_JDK[ffm]=$own
      NT_SUITE_JDK_FROM[ffm]="$NT_SUITE's own"
      NT_SUITE_JDK[jna]=$NT_JDK_JNA
      NT_SUITE_JDK_FROM[jna]="the host's, bound in"
      _nt_suite_bind_host_jdk "$NT_JDK_JNA" || return 1
    else
      NT_SUITE_JDK[jna]=$own
      NT_SUITE_JDK_FROM[jna]="$NT_SUITE's own"
      NT_SUITE_JDK[ffm]=$NT_JDK_FFM
      NT_SUITE_JDK_FROM[ffm]="the host's, bound in"
      _nt_suite_bind_host_jdk "$NT_JDK_FFM" || return 1
    fi
    NT_SUITE_JRUN_JDK=$own
  fi
  [ -n "$NT_SUITE_SYSTEMD" ] || { echo "cannot tell the version of $NT_SUITE_LABEL's systemd" >&2; return 1; }
  NT_SUITE_JRUN_GATEWAY=$(_nt_suite_gateway "$(_nt_suite_feature "$NT_SUITE_JRUN_JDK")")
}

# The JDK for gateway $1 (jna or ffm), its feature release and where it comes from, for the log.
nt_suite_describe_jdks() {
  local g
  for g in jna ffm; do
    echo "  ${g^^} gateway: ${NT_SUITE_JDK[$g]} (JDK $(_nt_suite_feature "${NT_SUITE_JDK[$g]}"), ${NT_SUITE_JDK_FROM[$g]})"
  done
  echo "  other cases (jrun): $NT_SUITE_JRUN_JDK (JDK $(_nt_suite_feature "$NT_SUITE_JRUN_JDK"), $NT_SUITE_JRUN_GATEWAY gateway)"
}

nt_suite_boot() {
  if [ -z "$NT_SUITE" ]; then
    ct_boot "$@"
  else
    nt_rootfs_boot "$NT_SUITE" "$@" "${NT_SUITE_BINDS[@]}"
  fi
}

# In the booted container: the manager's version is the one expected, and each gateway's JDK starts there
# with the feature release its release file names.
nt_suite_check_jdks() {
  local got g out v
  got=$(ct_exec systemctl show -P Version | sed -n 's/^\([0-9]*\).*/\1/p')
  [ "$got" = "$NT_SUITE_SYSTEMD" ] || { echo "the container's systemd is '$got', expected $NT_SUITE_SYSTEMD" >&2; return 1; }
  for g in jna ffm; do
    v=$(_nt_suite_feature "${NT_SUITE_JDK[$g]}")
    if ! out=$(ct_exec "${NT_SUITE_JDK[$g]}/bin/java" -Xshare:auto -version 2>&1); then
      echo "${NT_SUITE_JDK[$g]}/bin/java does not start in $NT_SUITE_LABEL:" >&2
      sed 's/^/  /' <<<"$out" >&2
      return 1
    fi
    grep -Eq "version \"$v[.\"]" <<<"$out" || { echo "${NT_SUITE_JDK[$g]}/bin/java is not JDK $v: $(head -n 1 <<<"$out")" >&2; return 1; }
  done
}

nt_suite_teardown() {
  if [ -z "$NT_SUITE" ]; then
    ct_teardown
  else
    nt_rootfs_teardown
  fi
}
