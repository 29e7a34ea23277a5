# shellcheck shell=bash
# Assertions on what systemd reports inside the container. Each failing check prints why and exits the
# (sub)shell running the case; every wait is a bounded poll.

fail() {
  echo "  $*" >&2
  exit 1
}

# A unit property, as systemctl show reports it.
prop() {
  ct_exec systemctl show -P "$2" "$1"
}

# Reads the properties $2 (comma-separated) of unit $1, in one call so that they describe one moment, into
# the caller's associative array P.
read_props() {
  local line
  P=()
  while IFS= read -r line; do P[${line%%=*}]=${line#*=}; done < <(ct_exec systemctl show -p "$2" "$1")
}

# Fails unless the property has the value now.
expect_prop() {
  local got
  got=$(prop "$1" "$2")
  [ "$got" = "$3" ] || fail "$1: $2 is '$got', expected '$3'"
}

# Waits up to $4 seconds (default 10) for a property to have a value.
wait_prop() {
  local unit="$1" name="$2" want="$3" deadline=$((SECONDS + ${4:-10})) got
  while :; do
    got=$(prop "$unit" "$name")
    [ "$got" = "$want" ] && return 0
    [ $SECONDS -lt $deadline ] || fail "$unit: $name is '$got', expected '$want' within ${4:-10} s"
    sleep 0.05
  done
}

# Waits up to $4 seconds (default 10) for a property to match a shell pattern.
wait_prop_like() {
  local unit="$1" name="$2" pattern="$3" deadline=$((SECONDS + ${4:-10})) got
  while :; do
    got=$(prop "$unit" "$name")
    # shellcheck disable=SC2053
    [[ "$got" == $pattern ]] && return 0
    [ $SECONDS -lt $deadline ] || fail "$unit: $name is '$got', expected '$pattern' within ${4:-10} s"
    sleep 0.05
  done
}

# The unit's journal (message text only).
journal() {
  ct_exec journalctl -q -u "$1" -o cat --no-pager
}

# Waits up to $3 seconds (default 10) for a journal line of the unit matching the extended regex $2.
wait_journal() {
  local unit="$1" regex="$2" deadline=$((SECONDS + ${3:-10}))
  # Read whole, then searched: grep -q ends at the first match, and journalctl, still writing, would die of
  # SIGPIPE, which pipefail makes a miss (seen with long journals on a busy machine).
  while ! grep -Eq -- "$regex" <<<"$(journal "$unit")"; do
    if [ $SECONDS -ge $deadline ]; then
      echo "  $unit: journal so far:"
      journal "$unit" | tail -n 20 | sed 's/^/    /'
      fail "$unit: no journal line matching /$regex/ within ${3:-10} s"
    fi
    sleep 0.05
  done
}

# Waits up to $3 seconds for a file in the container to have a line matching the extended regex $2.
wait_file_line() {
  local file="$1" regex="$2" deadline=$((SECONDS + ${3:-10}))
  while ! grep -Eq -- "$regex" <<<"$(ct_exec cat "$file" 2>/dev/null)"; do
    [ $SECONDS -lt $deadline ] || fail "$file: no line matching /$regex/ within ${3:-10} s (has: $(ct_exec cat "$file" 2>/dev/null | tr '\n' '|'))"
    sleep 0.05
  done
}

# The extended regex that matches the text $1 literally.
ere_quote() {
  sed 's/[][\\.|$(){}?+*^]/\\&/g' <<<"$1"
}

# Fails unless the service logged that the library chose the expected backend, over the gateway of the
# jrun services' JDK (NT_SUITE_JRUN_GATEWAY): libsystemd as the root's library file with what that version
# lacks (LIBSYSTEMD_REPORT), or java because libsystemd cannot be loaded.
expect_backend() {
  local unit="$1" backend="$2" gw="${NT_SUITE_JRUN_GATEWAY:?}"
  case "$backend" in
    libsystemd) wait_journal "$unit" "backend=libsystemd via $gw: $(ere_quote "${LIBSYSTEMD_REPORT:?}")\$" 10 ;;
    java) wait_journal "$unit" "backend=java via $gw: libsystemd cannot be loaded \\(" 10 ;;
    *) fail "unknown backend $backend" ;;
  esac
}

# Microseconds between two monotonic timestamp properties of units: $1/$2 to $3/$4.
usec_between() {
  local a b
  a=$(prop "$1" "$2")
  b=$(prop "$3" "$4")
  [ -n "$a" ] && [ "$a" != 0 ] || fail "$1: $2 is not set"
  [ -n "$b" ] && [ "$b" != 0 ] || fail "$3: $4 is not set"
  echo $((b - a))
}

# The body of GET / from 127.0.0.1:$1 inside the container (its last line).
http_get() {
  ct_exec bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && tail -n 1 <&3"
}
