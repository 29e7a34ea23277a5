#!/usr/bin/env bash
# Consumer check: builds the projects under native-test/consumer/, each copied out of the tree, against the
# library (and the Spring Boot starter) installed in ~/.m2 by the coordinates the README gives, and runs each on
# both JDKs (the JNA gateway on the JDK from 11 to 21, the FFM gateway on the one at 22 or later) and both
# backends under a real AF_UNIX datagram receiver bound as NOTIFY_SOCKET.
# Fails unless the receiver got the messages the consumer sends, from the consumer's pid, and the consumer
# reports the gateway its JDK should get from the multi-release jar.
#
#   native-test/consumer.sh
#
# Needs every module installed first (`mvn install` at the root, with or without -DskipTests). Needs python3
# for the receiver.
set -euo pipefail
cd "$(dirname "$0")/.."

source native-test/lib/jdk.sh
nt_select_jdks

version=$(nt_project_version)
readme_version=$(nt_dependency_version sdnotify README.md)
if [ "$readme_version" != "$version" ]; then
  echo "consumer: README.md's coordinates say $readme_version, the library is $version" >&2
  exit 1
fi
installed="$HOME/.m2/repository/dev/sdnotify/sdnotify/$version/sdnotify-$version.jar"
if [ ! -f "$installed" ]; then
  echo "consumer: dev.sdnotify:sdnotify:$version is not in ~/.m2; install it first:" \
    "mvn -DskipTests install, on a JDK 22 or later" >&2
  exit 1
fi
if [ -n "$(find src/main pom.xml library.pom.xml -newer "$installed" -print -quit)" ]; then
  echo "warning: the installed $installed is older than src/main or the POMs; the consumers use it as it is"
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

# Prints each of the failures $3... of run $1 as "FAIL $1: ...", then the last lines of its output $2, and
# fails; succeeds when there are none.
report_failures() {
  local label="$1" out="$2" f
  shift 2
  [ "$#" -gt 0 ] || return 0
  for f in "$@"; do echo "FAIL $label: $f" >&2; done
  tail -n 30 "$out" | sed 's/^/  output: /' >&2
  return 1
}

# GET / on 127.0.0.1:$1, printing the reply's last line. Bounded by 10 s: a listening socket that nothing
# accepts on keeps the connection waiting in its backlog.
local_http_get() {
  timeout 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'GET / HTTP/1.0\r\n\r\n' >&3 && tail -n 1 <&3" 2>&1
}

# Starts the receiver on socket $1, writing to $2; RECEIVER_PID is its pid. Fails if it does not bind.
start_receiver() {
  python3 -c "$RECEIVER" "$1" 60 >"$2" 2>&1 &
  RECEIVER_PID=$!
  for _ in $(seq 100); do
    grep -q '^bound' "$2" 2>/dev/null && return 0
    kill -0 "$RECEIVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "the receiver did not bind $1" >>"$2"
  kill "$RECEIVER_PID" 2>/dev/null || true
  return 1
}

# Runs consumer $1 (its main class $2, its classes and class path built) on JDK $3 with sdnotify.backend=$5
# and checks what arrived; $4 is the gateway that JDK must get.
run_consumer() {
  local name="$1" main="$2" jdk="$3" gateway="$4" backend_asked="$5" dir="$work/$1"
  local run="$work/$name-$gateway-$backend_asked"
  local socket="$run.sock" received="$run.received" out="$run.out"
  # Tomcat's base directory goes to java.io.tmpdir: here, not /tmp.
  mkdir -p "$run.tmp"
  local java_opts=("-Dsdnotify.backend=$backend_asked" "-Djava.io.tmpdir=$run.tmp") feature receiver pid status=0
  feature=$(_nt_jdk_feature "$jdk")
  # The README's unit passes it: JDK 22 and later warn on native access without it.
  # shellcheck disable=SC2207
  java_opts+=($(nt_native_access_opt "$jdk"))

  start_receiver "$socket" "$received" || { echo "FAIL $name on JDK $feature: $(cat "$received")" >&2; return 1; }
  receiver=$RECEIVER_PID

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
  report_failures "$name on JDK $feature" "$out" "${failures[@]}"
}

# The Spring Boot service (its executable jar built) on JDK $1 with sdnotify.backend=$3; $2 is the gateway
# that JDK must get. It must send READY=1 once its port answers, keep-alives under WATCHDOG_USEC, and
# STOPPING=1 on SIGTERM, all from its own pid; GET / must answer.
run_spring_consumer() {
  local jdk="$1" gateway="$2" backend_asked="$3" feature pid receiver status=0 failures=() port="" reply
  local run="$work/spring-boot-$gateway-$backend_asked"
  local socket="$run.sock" received="$run.received" out="$run.out"
  # Tomcat's base directory goes to java.io.tmpdir: here, not /tmp.
  mkdir -p "$run.tmp"
  local java_opts=("-Dsdnotify.backend=$backend_asked" "-Djava.io.tmpdir=$run.tmp")
  feature=$(_nt_jdk_feature "$jdk")
  # shellcheck disable=SC2207
  java_opts+=($(nt_native_access_opt "$jdk"))
  start_receiver "$socket" "$received" || { echo "FAIL spring-boot on JDK $feature: $(cat "$received")" >&2; return 1; }
  receiver=$RECEIVER_PID
  NOTIFY_SOCKET="$socket" WATCHDOG_USEC=2000000 "$jdk/bin/java" "${java_opts[@]}" \
    -Xlog:class+load=info:file="$run.classes" -jar "$work/spring-boot/target/spring-boot-service.jar" --server.port=0 \
    >"$out" 2>&1 &
  pid=$!
  local deadline=$((SECONDS + 60))
  while [ -z "$port" ] && [ $SECONDS -lt $deadline ] && kill -0 "$pid" 2>/dev/null; do
    port=$(sed -n 's/.*READY=1\\nSTATUS=Accepting traffic on port \([0-9]*\).*/\1/p' "$received")
    sleep 0.2
  done
  if [ -n "$port" ]; then
    reply=$(local_http_get "$port") || true
    [ "$reply" = "hello from spring boot" ] || failures+=("GET / on port $port answered '$reply'")
    # Two keep-alive intervals, then the stop.
    sleep 2.5
    # The backend asked for: libsystemd (auto, where it is installed) is mapped into the process; java's is not.
    local mapped=no
    grep -q 'libsystemd\.so' "/proc/$pid/maps" && mapped=yes
    [ "$mapped" = "$([ "$backend_asked" = java ] && echo no || echo yes)" ] ||
      failures+=("sdnotify.backend=$backend_asked, and libsystemd mapped into the process: $mapped")
  else
    failures+=("no READY=1 with the port within 60 s")
  fi
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || status=$?
  wait "$receiver" || failures+=("the receiver saw no STOPPING=1 within 60 s")
  local backend=""
  # The gateway the multi-release jar gave this JDK, by the classes it loaded.
  grep -q ' com\.sun\.jna\.Native source' "$run.classes" && backend="${backend:-}via JNA "
  grep -q ' dev\.sdnotify\.internal\.ffm\.' "$run.classes" && backend="${backend:-}via FFM "
  echo "spring-boot on JDK $feature ($jdk), sdnotify.backend=$backend_asked: backend $backend"
  sed 's/^/  received /' "$received" | grep -v '^  received bound$' | uniq -c | sed 's/^ *//' || true
  # The JVM ends on SIGTERM with 143 once the context has closed.
  [ "$status" -eq 143 ] || [ "$status" -eq 0 ] || failures+=("the service exited with $status")
  [ "$backend" = "via $gateway " ] || failures+=("the backend is not on the $gateway gateway alone")
  local n
  n=$(grep -c "^message from pid $pid: WATCHDOG=1$" "$received" || true)
  [ "$n" -ge 2 ] || failures+=("$n keep-alives from pid $pid, expected at least 2 in 2.5 s")
  grep -qxF "message from pid $pid: STOPPING=1\\nSTATUS=Shutting down" "$received" \
    || failures+=("no STOPPING=1 from pid $pid")
  report_failures "spring-boot on JDK $feature" "$out" "${failures[@]}"
}

# Socket activation as systemd does it with StandardInput=socket: a listening TCP socket as standard input
# (made here by python3, which then execs the JVM), no NOTIFY_SOCKET. Tomcat must serve on that socket, not
# bind server.port, and say so; GET / must answer through it.
run_spring_inherited_socket() {
  local jdk="$1" feature out="$work/spring-boot-inherited.out" portfile="$work/spring-boot-inherited.port" pid
  local port="" reply failures=() opts=()
  feature=$(_nt_jdk_feature "$jdk")
  # shellcheck disable=SC2207
  opts+=($(nt_native_access_opt "$jdk"))
  mkdir -p "$work/spring-boot-inherited.tmp"
  opts+=("-Djava.io.tmpdir=$work/spring-boot-inherited.tmp")
  python3 -c '
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
os.dup2(s.fileno(), 0)
os.execv(sys.argv[2], sys.argv[2:])
' "$portfile" "$jdk/bin/java" "${opts[@]}" -jar "$work/spring-boot/target/spring-boot-service.jar" \
    --server.port=0 >"$out" 2>&1 &
  pid=$!
  local deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ] && kill -0 "$pid" 2>/dev/null; do
    grep -q "Started ServiceApplication" "$out" && break
    sleep 0.2
  done
  port=$(cat "$portfile" 2>/dev/null || true)
  if grep -q "Started ServiceApplication" "$out" && [ -n "$port" ]; then
    reply=$(local_http_get "$port") || true
    [ "$reply" = "hello from spring boot" ] || failures+=("GET / on the inherited socket's port $port answered '$reply'")
    grep -q "Tomcat serves on the socket systemd passed on standard input, /127.0.0.1:$port; server.port is not bound" "$out" \
      || failures+=("no log line saying Tomcat serves on the inherited socket")
  else
    failures+=("the service did not start within 60 s")
  fi
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "spring-boot on JDK $feature with a listening socket on standard input (port ${port:-?}): ${failures[*]:-served on it}"
  report_failures "spring-boot inherited socket" "$out" "${failures[@]}"
}

# Copies consumer $1 out of the tree (without its target/) and builds it there, by the coordinates alone.
build_consumer() {
  local name="$1"
  rm -rf "${work:?}/$name"
  mkdir -p "$work/$name"
  (cd "native-test/consumer/$name" && tar --exclude=./target -cf - .) | tar -xf - -C "$work/$name"
  echo "building $name (copied to $work/$name) against dev.sdnotify $version from ~/.m2"
  nt_mvn_offline_first "$work/$name-build.log" -q -f "$work/$name/pom.xml" clean package
}

# The plain consumer: a directory under native-test/consumer/ with its own pom.xml, and the main class
# that sends and exits.
CONSUMERS=(
  "plain example.consumer.PlainConsumer"
)

failed=0
for entry in "${CONSUMERS[@]}"; do
  read -r name main <<<"$entry"
  dir="native-test/consumer/$name"
  if [ "$(nt_dependency_version sdnotify "$dir/pom.xml")" != "$version" ]; then
    echo "FAIL $name: $dir/pom.xml does not depend on dev.sdnotify:sdnotify:$version" >&2
    failed=1
    continue
  fi
  build_consumer "$name" || { failed=1; continue; }
  # auto takes libsystemd where it loads; java is the protocol in Java, as without libsystemd.
  for backend in auto java; do
    run_consumer "$name" "$main" "$NT_JDK_JNA" JNA "$backend" || failed=1
    run_consumer "$name" "$main" "$NT_JDK_FFM" FFM "$backend" || failed=1
  done
done

# The Spring Boot consumer: the starter by its coordinates, run as an executable jar (Java 17 or later).
starter=sdnotify-spring-boot-starter
starter_version=$(nt_dependency_version $starter native-test/consumer/spring-boot/pom.xml)
readme_starter=$(nt_dependency_version $starter docs/spring-boot.md)
starter_jar="$HOME/.m2/repository/dev/sdnotify/$starter/$version/$starter-$version.jar"
if [ "$starter_version" != "$version" ] || [ "$readme_starter" != "$version" ]; then
  echo "FAIL spring-boot: the consumer depends on $starter $starter_version, docs/spring-boot.md gives $readme_starter, the library is $version" >&2
  failed=1
elif [ ! -f "$starter_jar" ]; then
  echo "FAIL spring-boot: dev.sdnotify:$starter:$version is not in ~/.m2: mvn -DskipTests install" >&2
  failed=1
elif build_consumer spring-boot; then
  for backend in auto java; do
    run_spring_consumer "$NT_JDK_JNA" JNA "$backend" || failed=1
    run_spring_consumer "$NT_JDK_FFM" FFM "$backend" || failed=1
  done
  run_spring_inherited_socket "$NT_JDK_JNA" || failed=1
else
  failed=1
fi

if [ "$failed" -ne 0 ]; then
  echo "consumer: FAILED" >&2
  exit 1
fi
echo "consumer: every consumer ran on both gateways and both backends"
