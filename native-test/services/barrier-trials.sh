#!/bin/bash
# Main process of the barrier case: runs short-lived helpers that send STATUS=<token> and exit, each
# reaped at once, and records whether the manager accounted the status (StatusText right afterwards).
# Usage: barrier-trials UNIT TRIALS [AHEAD]: each helper first queues AHEAD other messages (see BarrierHelper).
set -u
unit="$1"
trials="$2"
ahead="${3:-0}"
out="/run/sdn-test/$unit.trials"
: >"$out"
for mode in barrier none; do
  for i in $(seq "$trials"); do
    token="$mode $i $RANDOM"
    /opt/sdnotify/bin/jrun BarrierHelper "$mode" "$token" "$ahead"
    # Half a second for the manager to work through what was queued: a status read later than the helper's
    # exit is a late one, not a lost one.
    [ "$mode" = barrier ] || sleep 0.5
    status=$(systemctl show -P StatusText "$unit")
    if [ "$status" = "$token" ]; then verdict=accounted; else verdict=lost; fi
    echo "$mode $i $verdict (status: $status)" >>"$out"
  done
done
