#!/bin/bash
# Main process of the barrier case: runs short-lived helpers that send STATUS=<token> and exit, each
# reaped at once, and records whether the manager accounted the status (StatusText right afterwards).
# Usage: barrier-trials UNIT TRIALS
set -u
unit="$1"
trials="$2"
out="/run/sdn-test/$unit.trials"
: >"$out"
for mode in barrier none; do
  for i in $(seq "$trials"); do
    token="$mode $i $RANDOM"
    /opt/sdnotify/bin/jrun BarrierHelper "$mode" "$token"
    if [ "$(systemctl show -P StatusText "$unit")" = "$token" ]; then verdict=accounted; else verdict=lost; fi
    echo "$mode $i $verdict" >>"$out"
  done
done
