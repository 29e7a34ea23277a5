#!/usr/bin/env bash
# Prints the Linux constants that LinuxAbi.java tabulates, per architecture, as the kernel's uapi headers
# and glibc's headers for that architecture define them. Nothing is run on the target: the host gcc
# compiles (-S only) a probe against /usr/<triplet>/include (Debian's linux-libc-dev-<arch>-cross and
# libc6-dev-<arch>-cross), with the host's architecture macros replaced by the target's, and the values
# are read back from the assembly.
#
# Usage: verify-linux-abi.sh [os.arch ...]      (default: every architecture below)
#
# Output, one line each, on standard output:
#   <os.arch> <CONSTANT> <decimal value>      a value; os.arch is the JVM's name (amd64, aarch64, ...)
#   <os.arch> MISSING <package> ...           headers not installed: apt-get install these
# Exit status: 0 when every architecture asked for was evaluated; 3 when some
# are MISSING; 1 on any other failure (no gcc, a probe that does not compile, headers that disagree).
#
# SO_SNDTIMEO is the value a 64-bit process (64-bit long and time_t) gets, i.e. SO_SNDTIMEO_OLD, the
# struct timeval of two longs; the script checks that the two agree. Where the kernel's uapi headers
# define a constant too (SOL_SOCKET, SO_*, O_CLOEXEC, F_*, FD_CLOEXEC, AT_EMPTY_PATH, STATX_*), the uapi value and the
# glibc value must agree, and every architecture must have __WORDSIZE == __BITS_PER_LONG == 64, which
# shows the target's macros took effect.
set -euo pipefail

# debian-arch os.arch triplet target-macros
ARCHES=(
  "amd64|amd64|x86_64-linux-gnu|-D__x86_64__ -D__x86_64 -D__amd64__ -D__amd64 -D__SSE__ -D__SSE2__ -D__MMX__"
  "arm64|aarch64|aarch64-linux-gnu|-D__aarch64__ -D__AARCH64EL__ -D__ARM_64BIT_STATE -D__ARM_ARCH=8 -D__ARM_PCS_AAPCS64 -D__CHAR_UNSIGNED__"
  "riscv64|riscv64|riscv64-linux-gnu|-D__riscv -D__riscv_xlen=64 -D__riscv_flen=64 -D__riscv_float_abi_double -D__riscv_atomic -D__riscv_mul -D__riscv_div -D__CHAR_UNSIGNED__"
  "s390x|s390x|s390x-linux-gnu|-D__s390__ -D__s390x__ -D__zarch__ -D__CHAR_UNSIGNED__ -D__LONG_DOUBLE_128__"
  "ppc64el|ppc64le|powerpc64le-linux-gnu|-D__powerpc__ -D__powerpc64__ -D__PPC__ -D__PPC64__ -D_ARCH_PPC -D_ARCH_PPC64 -D__LITTLE_ENDIAN__ -D_LITTLE_ENDIAN -D_CALL_ELF=2 -D__CHAR_UNSIGNED__ -D__LONG_DOUBLE_128__"
  "ppc64|ppc64|powerpc64-linux-gnu|-D__powerpc__ -D__powerpc64__ -D__PPC__ -D__PPC64__ -D_ARCH_PPC -D_ARCH_PPC64 -D__BIG_ENDIAN__ -D_BIG_ENDIAN -D_CALL_ELF=1 -D__CHAR_UNSIGNED__ -D__LONG_DOUBLE_128__"
)
# Big-endian targets; the host's byte-order macros are replaced for them.
BIG_ENDIAN_ARCHES=" s390x ppc64 "

# The constants LinuxAbi.java tabulates, in its order. Names ending in _SIZE or _OFFSET are the probe's own
# macros (below) for a structure's size or a member's offset or size.
CONSTANTS=(SOL_SOCKET SO_TYPE SO_SNDBUF SO_SNDTIMEO SO_ACCEPTCONN SO_DOMAIN SO_SNDBUFFORCE SO_COOKIE
  STATFS_SIZE STATFS_F_TYPE_SIZE
  AF_UNIX AF_VSOCK SOCK_STREAM SOCK_DGRAM SOCK_SEQPACKET SOCK_CLOEXEC O_CLOEXEC SCM_RIGHTS SCM_CREDENTIALS
  MSG_DONTWAIT MSG_NOSIGNAL F_GETFD F_SETFD F_GETFL FD_CLOEXEC SHUT_WR
  SYS_pidfd_open AT_EMPTY_PATH STATX_INO STATX_SIZE STATX_INO_OFFSET)
# Those the kernel's uapi headers define as well (asm/socket.h, linux/fcntl.h, linux/time.h, asm/unistd.h,
# linux/stat.h).
UAPI_CONSTANTS=(SOL_SOCKET SO_TYPE SO_SNDBUF SO_SNDTIMEO SO_ACCEPTCONN SO_DOMAIN SO_SNDBUFFORCE SO_COOKIE
  O_CLOEXEC F_GETFD F_SETFD F_GETFL FD_CLOEXEC SYS_pidfd_open AT_EMPTY_PATH STATX_INO STATX_SIZE STATX_INO_OFFSET)

die() { echo "verify-linux-abi: $*" >&2; exit 1; }

command -v gcc >/dev/null 2>&1 || die "gcc not found (Debian package gcc)"
GCC_INCLUDE=$(gcc -print-file-name=include)
[ -f "$GCC_INCLUDE/stddef.h" ] || die "gcc's own include directory not found ($GCC_INCLUDE)"
HOST_DEBARCH=$(dpkg --print-architecture 2>/dev/null || true)

# Every predefined macro that names the host's architecture is undefined before the target's are set.
HOST_UNDEFS=()
while read -r _ name _; do
  case "$name" in
    *x86*|*amd64*|*i386*|*i486*|*i586*|*i686*|__k8*|*SSE*|*MMX*|*FXSR*|__SEG_*|__code_model*|*aarch64*|*AARCH64*|*ARM*|__arm*|*riscv*|*s390*|*zarch*|*powerpc*|*PPC*|_ARCH_*|_CALL_ELF|*loongarch*|*mips*|*MIPS*|*sparc*|__ILP32__|*FLOAT80*|*FLOAT128*|__CHAR_UNSIGNED__|__BIG_ENDIAN__|__LITTLE_ENDIAN__|_BIG_ENDIAN|_LITTLE_ENDIAN|__BYTE_ORDER__|__FLOAT_WORD_ORDER__|__LONG_DOUBLE_128__)
      HOST_UNDEFS+=("-U$name") ;;
  esac
done < <(gcc -dM -E -x c /dev/null)

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# A translation unit whose assembly carries "@@ABI NAME VALUE" for each NAME in the arguments.
probe_source() {
  local headers=$1; shift
  printf '%s\n' "$headers"
  printf '#define ABI_PROBE(name, expr) __asm__ volatile ("\\n@@ABI " name " %%c0" : : "i" ((long long) (expr)))\n'
  printf 'void abi_probe(void) {\n'
  local c
  for c in "$@"; do
    printf '#ifdef %s\n    ABI_PROBE("%s", %s);\n#endif\n' "$c" "$c" "$c"
  done
  printf '}\n'
}

# Compiles probe $1 for the target and prints "NAME VALUE" lines.
evaluate() {
  local source=$1 inc=$2; shift 2
  gcc -S -o "$source.s" -std=gnu11 -O0 -w -nostdinc -isystem "$GCC_INCLUDE" "${HOST_UNDEFS[@]}" "$@" \
    $inc "$source" || return 1
  sed -n 's/^[[:space:]]*@@ABI \([A-Za-z0-9_]*\) \(-\{0,1\}[0-9][0-9]*\)[[:space:]]*$/\1 \2/p' "$source.s"
}

lookup() { # lookup NAME FILE
  awk -v n="$1" '$1 == n { print $2; exit }' "$2"
}

LIBC_HEADERS='#define _GNU_SOURCE
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>
#include <bits/wordsize.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <linux/vm_sockets.h>
#define STATFS_SIZE sizeof(struct statfs)
#define STATFS_F_TYPE_SIZE sizeof(((struct statfs *) 0)->f_type)
#define STATX_SIZE sizeof(struct statx)
#define STATX_INO_OFFSET __builtin_offsetof(struct statx, stx_ino)'
UAPI_HEADERS='#include <asm/bitsperlong.h>
#include <asm/socket.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <linux/time.h>
#include <linux/stat.h>
#define SYS_pidfd_open __NR_pidfd_open
#define STATX_SIZE sizeof(struct statx)
#define STATX_INO_OFFSET __builtin_offsetof(struct statx, stx_ino)'

if [ "$#" -gt 0 ]; then
  wanted=" $* "
else
  wanted=""
fi

status=0
for entry in "${ARCHES[@]}"; do
  IFS='|' read -r debarch osarch triplet macros <<<"$entry"
  if [ -n "$wanted" ] && [[ "$wanted" != *" $osarch "* ]]; then
    continue
  fi
  cross=/usr/$triplet/include
  if [ -f "$cross/asm/socket.h" ] && [ -f "$cross/sys/socket.h" ]; then
    inc="-isystem $cross"
  elif [ "$debarch" = "$HOST_DEBARCH" ] && [ -f "/usr/include/$triplet/asm/socket.h" ] \
      && [ -f "/usr/include/$triplet/sys/socket.h" ]; then
    # The host's own architecture: its native multiarch headers (linux-libc-dev, libc6-dev) will do.
    inc="-isystem /usr/include/$triplet -isystem /usr/include"
  else
    packages=""
    [ -f "$cross/asm/socket.h" ] || packages+=" linux-libc-dev-$debarch-cross"
    [ -f "$cross/sys/socket.h" ] || packages+=" libc6-dev-$debarch-cross"
    echo "$osarch MISSING$packages"
    echo "verify-linux-abi: $osarch: headers not installed: apt-get install$packages" >&2
    status=3
    continue
  fi

  # shellcheck disable=SC2206
  flags=($macros)
  if [[ "$BIG_ENDIAN_ARCHES" == *" $debarch "* ]]; then
    flags+=(-D__BYTE_ORDER__=__ORDER_BIG_ENDIAN__ -D__FLOAT_WORD_ORDER__=__ORDER_BIG_ENDIAN__)
  else
    flags+=(-D__BYTE_ORDER__=__ORDER_LITTLE_ENDIAN__ -D__FLOAT_WORD_ORDER__=__ORDER_LITTLE_ENDIAN__)
  fi

  dir=$WORK/$osarch
  mkdir -p "$dir"
  probe_source "$LIBC_HEADERS" "${CONSTANTS[@]}" SO_SNDTIMEO_OLD __WORDSIZE >"$dir/libc.c"
  probe_source "$UAPI_HEADERS" "${UAPI_CONSTANTS[@]}" SO_SNDTIMEO_OLD __BITS_PER_LONG >"$dir/uapi.c"
  evaluate "$dir/libc.c" "$inc" "${flags[@]}" >"$dir/libc.txt" || die "$osarch: the glibc probe failed to compile"
  evaluate "$dir/uapi.c" "$inc" "${flags[@]}" >"$dir/uapi.txt" || die "$osarch: the uapi probe failed to compile"

  [ "$(lookup __WORDSIZE "$dir/libc.txt")" = 64 ] || die "$osarch: __WORDSIZE is not 64: the target macros did not take"
  [ "$(lookup __BITS_PER_LONG "$dir/uapi.txt")" = 64 ] || die "$osarch: __BITS_PER_LONG is not 64: the target macros did not take"
  for f in libc uapi; do
    old=$(lookup SO_SNDTIMEO_OLD "$dir/$f.txt")
    now=$(lookup SO_SNDTIMEO "$dir/$f.txt")
    [ -z "$old" ] || [ "$old" = "$now" ] || die "$osarch: $f SO_SNDTIMEO=$now but SO_SNDTIMEO_OLD=$old"
  done
  for c in "${CONSTANTS[@]}"; do
    value=$(lookup "$c" "$dir/libc.txt")
    [ -n "$value" ] || die "$osarch: glibc's headers do not define $c"
    kernel=$(lookup "$c" "$dir/uapi.txt")
    if [[ " ${UAPI_CONSTANTS[*]} " == *" $c "* ]]; then
      [ -n "$kernel" ] || die "$osarch: the uapi headers do not define $c"
      [ "$kernel" = "$value" ] || die "$osarch: $c is $value in glibc's headers but $kernel in the kernel's"
    fi
    echo "$osarch $c $value"
  done
done
exit "$status"
