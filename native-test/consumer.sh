#!/usr/bin/env bash
# Consumer check: builds the projects under native-test/consumer/ against the library installed in ~/.m2,
# by the coordinates the README gives, and runs each on both JDKs (the JNA gateway on the JDK from 11 to 21,
# the FFM gateway on the one at 22 or later) and both backends under a real AF_UNIX datagram receiver bound
# as NOTIFY_SOCKET.
# Fails unless the receiver got the messages the consumer sends, from the consumer's pid, and the consumer
# reports the gateway its JDK should get from the multi-release jar.
#
#   native-test/consumer.sh
#
# Needs the library installed first: `nt_mvn -B install` with the tests, or without them
# `nt_mvn -B -Dmaven.test.skip=true install` (-DskipTests still runs the failsafe tests), after
# `source native-test/lib/jdk.sh && nt_select_jdks`. Needs python3 for the receiver.
set -euo pipefail
cd "$(dirname "$0")/.."

source native-test/lib/jdk.sh
nt_select_jdks

# The version in a POM's or the README's dependency block: the <version> right after <artifactId>sdnotify.
sdnotify_version() {
  sed -n '/<artifactId>sdnotify<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q}' "$1"
}
version=$(sdnotify_version pom.xml)
readme_version=$(sdnotify_version README.md)
if [ "$readme_version" != "$version" ]; then
  echo "consumer: README.md's coordinates say $readme_version, the library is $version" >&2
  exit 1
fi
installed="$HOME/.m2/repository/dev/sdnotify/sdnotify/$version/sdnotify-$version.jar"
if [ ! -f "$installed" ]; then
  echo "consumer: dev.sdnotify:sdnotify:$version is not in ~/.m2; install it first:" \
    "source native-test/lib/jdk.sh && nt_select_jdks && nt_mvn -B -Dmaven.test.skip=true install" >&2
  exit 1
fi
if [ -n "$(find src/main pom.xml -newer "$installed" -print -quit)" ]; then
  echo "warning: the installed $installed is older than src/main or pom.xml; the consumers use it as it is"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/sdnotify-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Receives datagrams on $1 until STOPPING=1 or $2 seconds, printing each message with its sender's pid
# (SO_PASSCRED, as the manager reads it), and closing the fds that come with it, which ends a barrier.
RECEIVER='
import array, os, socket, struct, sys, time
path, limit = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(path)
print("bound", flush=True)
deadline = time.monotonic() + limit
while True:
    left = deadline - time.monotonic()
    if left <= 0:
        print("timeout", flush=True)
        sys.exit(1)
    s.settimeout(left)
    try:
        data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(253 * 4) + socket.CMSG_SPACE(12))
    except socket.timeout:
        continue
    pid = "?"
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
            for fd in fds:
                os.close(fd)
        elif level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("iII", payload[:12])[0]
    text = data.decode("utf-8", "replace")
    print("message from pid %s: %s" % (pid, text.replace("\n", "\\n")), flush=True)
    if "STOPPING=1" in text.split("\n"):
        sys.exit(0)
'

# Runs consumer $1 (its main class $2, its classes and class path built) on JDK $3 with sdnotify.backend=$5
# and checks what arrived; $4 is the gateway that JDK must get.
run_consumer() {
  local name="$1" main="$2" jdk="$3" gateway="$4" backend_asked="$5" dir="native-test/consumer/$1"
  local run="$work/$name-$gateway-$backend_asked"
  local socket="$run.sock" received="$run.received" out="$run.out"
  local java_opts=("-Dsdnotify.backend=$backend_asked") feature receiver pid status=0
  feature=$(_nt_jdk_feature "$jdk")
  # The README's unit passes it: JDK 22 and later warn on native access without it.
  if [ "$feature" -ge 22 ]; then java_opts+=(--enable-native-access=ALL-UNNAMED); fi

  python3 -c "$RECEIVER" "$socket" 60 >"$received" 2>&1 &
  receiver=$!
  for _ in $(seq 100); do
    grep -q '^bound' "$received" 2>/dev/null && break
    kill -0 "$receiver" 2>/dev/null || break
    sleep 0.1
  done
  if ! grep -q '^bound' "$received"; then
    echo "FAIL $name on JDK $feature: the receiver did not bind $socket: $(cat "$received")" >&2
    kill "$receiver" 2>/dev/null || true
    return 1
  fi

  NOTIFY_SOCKET="$socket" "$jdk/bin/java" "${java_opts[@]}" -cp "$dir/target/classes:$(cat "$dir/target/runtime.classpath")" \
    "$main" >"$out" 2>&1 &
  pid=$!
  wait "$pid" || status=$?
  # A consumer that failed sends nothing more: the receiver need not wait out its 60 s.
  if [ "$status" -ne 0 ]; then kill "$receiver" 2>/dev/null || true; fi
  if ! wait "$receiver" && [ "$status" -eq 0 ]; then
    echo "FAIL $name on JDK $feature: the receiver saw no STOPPING=1 within 60 s" >&2
  fi

  local backend failures=()
  backend=$(sed -n 's/^backend: //p' "$out")
  echo "$name on JDK $feature ($jdk), sdnotify.backend=$backend_asked: backend $backend"
  sed 's/^/  received /' "$received" | grep -v '^  received bound$' || true
  [ "$status" -eq 0 ] || failures+=("the consumer exited with $status")
  case "$backend" in
    *" via $gateway"*) ;;
    *) failures+=("the backend is not on the $gateway gateway") ;;
  esac
  case "$backend_asked:$backend" in
    auto:libsystemd\ * | auto:java\ * | java:java\ *) ;;
    *) failures+=("sdnotify.backend=$backend_asked got the backend $backend") ;;
  esac
  # What the consumer sends, each from the consumer's own pid, as the manager's NotifyAccess=main requires
  # (the receiver prints a newline inside a message as \n).
  local expected
  for expected in 'READY=1\nSTATUS=Serving on :8080' "STATUS=backend ${backend%% *} via $gateway" BARRIER=1 STOPPING=1; do
    grep -qxF "message from pid $pid: $expected" "$received" || failures+=("no message '$expected' from pid $pid")
  done
  if [ "${#failures[@]}" -gt 0 ]; then
    for expected in "${failures[@]}"; do echo "FAIL $name on JDK $feature: $expected" >&2; done
    sed 's/^/  consumer: /' "$out" >&2
    return 1
  fi
}

# The consumer projects: a directory under native-test/consumer/ with its own pom.xml, and the main class
# that sends and exits. A second consumer (native-test/consumer/spring-boot/) is one more line here.
CONSUMERS=(
  "plain example.consumer.PlainConsumer"
)

failed=0
for entry in "${CONSUMERS[@]}"; do
  read -r name main <<<"$entry"
  dir="native-test/consumer/$name"
  if [ "$(sdnotify_version "$dir/pom.xml")" != "$version" ]; then
    echo "FAIL $name: $dir/pom.xml does not depend on dev.sdnotify:sdnotify:$version" >&2
    failed=1
    continue
  fi
  echo "building $dir against dev.sdnotify:sdnotify:$version from ~/.m2"
  nt_mvn_offline_first "$work/$name-build.log" -q -f "$dir/pom.xml" clean package || { failed=1; continue; }
  # auto takes libsystemd where it loads; java is the protocol in Java, as without libsystemd.
  for backend in auto java; do
    run_consumer "$name" "$main" "$NT_JDK_JNA" JNA "$backend" || failed=1
    run_consumer "$name" "$main" "$NT_JDK_FFM" FFM "$backend" || failed=1
  done
done
if [ "$failed" -ne 0 ]; then
  echo "consumer: FAILED" >&2
  exit 1
fi
echo "consumer: every consumer ran on both gateways and both backends"
