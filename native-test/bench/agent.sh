#!/usr/bin/env bash
# What the agent costs a JVM, on each gateway (JNA on a JDK from 17 to 21, FFM on one at 22 or later); medians of
# interleaved runs, one machine, one run:
# - without NOTIFY_SOCKET: the time to main with and without -javaagent (the agent must do nothing there);
# - with it: the time to main (premain's own work), and the gap from the port's listen to READY=1's arrival;
# - once ready, with WatchdogSec=2s (a check each second): CPU time over BENCH_AGENT_RUN seconds with the agent,
#   with an agent whose premain is empty (what -javaagent alone costs: on JDK 17 its periodic task thread) and
#   without any, and the heap that stays in use after a full GC.
#
#   native-test/bench/agent.sh            (needs the agent jar: mvn -DskipTests install at the root)
#
# Settings: BENCH_AGENT_N (runs per variant, default 15), BENCH_AGENT_RUN (seconds of the steady run, 60).
set -euo pipefail
cd "$(dirname "$0")/../.."
source native-test/lib/jdk.sh
nt_select_jdks >/dev/null
n="${BENCH_AGENT_N:-15}"
steady="${BENCH_AGENT_RUN:-60}"
version=$(nt_project_version)
jar="$PWD/agent/target/sdnotify-agent-$version.jar"
[ -f "$jar" ] || { echo "agent.sh: no $jar (mvn -DskipTests install at the root)" >&2; exit 1; }
out=$(mktemp -d "${TMPDIR:-/tmp}/sdnotify-agent-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
"$NT_JDK_FFM/bin/javac" --release 17 -d "$out" native-test/bench/agent/AgentBenchServer.java
# An agent whose premain does nothing: what -javaagent itself costs a JVM, whatever the agent.
mkdir -p "$out/empty-agent"
printf 'public class EmptyAgent { public static void premain(String a, java.lang.instrument.Instrumentation i) {} }\n' \
  >"$out/empty-agent/EmptyAgent.java"
"$NT_JDK_FFM/bin/javac" --release 11 -d "$out/empty-agent" "$out/empty-agent/EmptyAgent.java"
printf 'Premain-Class: EmptyAgent\n' >"$out/empty-agent/manifest"
"$NT_JDK_FFM/bin/jar" cfm "$out/empty.jar" "$out/empty-agent/manifest" -C "$out/empty-agent" EmptyAgent.class

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# One JVM: $1 java, $2 "agent" or "", $3 "supervised" or "", $4 seconds to run, $5 milliseconds before it
# listens (default 0); prints its output lines.
run() {
  local java=$1 agent=$2 supervised=$3 seconds=$4 delay=${5:-0} p sock rx opts=()
  p=$(port)
  [ "$agent" = agent ] && opts+=("-javaagent:$jar=ready=port:$p")
  [ "$agent" = empty ] && opts+=("-javaagent:$out/empty.jar")
  if [ "$supervised" = supervised ]; then
    sock=$(mktemp -u "$out/notify.XXXXXX")
    python3 native-test/bench/agent/receive.py "$sock" $((seconds + 5)) >"$out/rx" &
    rx=$!
    until grep -q bound "$out/rx" 2>/dev/null; do sleep 0.01; done
    NOTIFY_SOCKET=$sock WATCHDOG_USEC=2000000 "$java" "${opts[@]}" -cp "$out" AgentBenchServer "$p" "$seconds" "$delay"
    kill "$rx" 2>/dev/null || true
    wait "$rx" 2>/dev/null || true
    sed 's/^/rx /' "$out/rx"
  else
    env -u NOTIFY_SOCKET "$java" "${opts[@]}" -cp "$out" AgentBenchServer "$p" "$seconds" "$delay"
  fi
}

for gw in JNA FFM; do
  java="$NT_JDK_JNA/bin/java"
  [ "$gw" = FFM ] && java="$NT_JDK_FFM/bin/java"
  : >"$out/plain" ; : >"$out/empty" ; : >"$out/idle" ; : >"$out/sup" ; : >"$out/gap" ; : >"$out/supplain"
  for _ in $(seq "$n"); do
    run "$java" "" "" 0 | sed -n 's/^main //p' >>"$out/plain"
    run "$java" empty "" 0 | sed -n 's/^main //p' >>"$out/empty"
    run "$java" agent "" 0 | sed -n 's/^main //p' >>"$out/idle"
    run "$java" "" supervised 0 | sed -n 's/^main //p' >>"$out/supplain"
    # A server whose port opens a second after its start, as real ones take longer still.
    run "$java" agent supervised 2 1000 >"$out/one"
    sed -n 's/^main //p' "$out/one" >>"$out/sup"
    listened=$(sed -n 's/^listening //p' "$out/one")
    ready=$(awk '/^rx [0-9]+ READY=1/ {print $2; exit}' "$out/one")
    [ -n "$ready" ] && echo $(( (ready - listened) / 1000 )) >>"$out/gap"
  done
  threads=$(run "$java" agent "" 0 | sed -n 's/^threads //p')
  printf '%s  time to main (ms, median of %s): no agent %s, an empty agent %s, this agent without NOTIFY_SOCKET %s (threads: %s)\n' \
    "$gw" "$n" "$(median <"$out/plain")" "$(median <"$out/empty")" "$(median <"$out/idle")" "$threads"
  printf '%s  with NOTIFY_SOCKET: no agent %s, agent %s; listen to READY=1 arrival: median %s us, max %s us (%s runs)\n' \
    "$gw" "$(median <"$out/supplain")" "$(median <"$out/sup")" "$(median <"$out/gap")" "$(sort -n "$out/gap" | tail -1)" \
    "$(wc -l <"$out/gap")"
  # Steady state: CPU time and retained heap of one JVM each way, side by side.
  for variant in plain empty agent; do
    p=$(port)
    opts=()
    [ "$variant" = agent ] && opts=("-javaagent:$jar=ready=port:$p")
    [ "$variant" = empty ] && opts=("-javaagent:$out/empty.jar")
    sock="$out/steady.$variant"
    python3 native-test/bench/agent/receive.py "$sock" $((steady + 20)) >"$out/rx.$variant" &
    until grep -q bound "$out/rx.$variant" 2>/dev/null; do sleep 0.01; done
    NOTIFY_SOCKET=$sock WATCHDOG_USEC=2000000 "$java" "${opts[@]}" -Xlog:disable -cp "$out" AgentBenchServer "$p" \
      $((steady + 10)) 0 >/dev/null &
    pid=$!
    sleep 5
    t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    sleep "$steady"
    t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    "$(dirname "$java")/jcmd" "$pid" GC.run >/dev/null
    heap=$("$(dirname "$java")/jcmd" "$pid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$variant $(( (t1 - t0) )) $heap $(grep -c 'WATCHDOG=1' "$out/rx.$variant" || true)" >>"$out/steady"
  done
  read -r _ ticks_plain heap_plain _ < <(grep '^plain' "$out/steady" | tail -1)
  read -r _ ticks_empty _ _ < <(grep '^empty' "$out/steady" | tail -1)
  read -r _ ticks_agent heap_agent keepalives < <(grep '^agent' "$out/steady" | tail -1)
  hz=$(getconf CLK_TCK)
  awk -v a="$ticks_agent" -v e="$ticks_empty" -v p="$ticks_plain" -v hz="$hz" -v s="$steady" -v ha="$heap_agent" \
    -v hp="$heap_plain" -v k="$keepalives" -v gw="$gw" 'BEGIN { printf "%s  steady, %d s, a check and keep-alive each second: CPU of one core %.3f %% with the agent, %.3f %% with an empty agent, %.3f %% without (%d keep-alives, %.2f ms each beyond the empty agent); heap in use after GC %d KB with, %d KB without\n", gw, s, 100*a/hz/s, 100*e/hz/s, 100*p/hz/s, k, 1000*(a-e)/hz/(k>0?k:1), ha, hp }'
  rm -f "$out/steady"
done
