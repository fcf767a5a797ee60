#!/usr/bin/env bash
# scale_bench.sh — live sessions served at p99 <= 50 ms through nginx, vs the number of
# jam-server instances (each one inference worker pinned to one core), and the ratio to one
# instance (issue 10's target: >= 1.8x from 1 to 2). docs/deploy.md.
#
#   tools/deploy/scale_bench.sh                                # instances 1 and 2, full models
#   INSTANCES=1 tools/deploy/scale_bench.sh && INSTANCES=2 tools/deploy/scale_bench.sh  # split
#   SESSIONS_1=8,10,12 SESSIONS_2=16,20,24 tools/deploy/scale_bench.sh
#   tools/deploy/scale_bench.sh --report                       # only the summary of the last runs
#
# Environment: INSTANCES ("1 2"), SESSIONS (1,2,4,8,12,16,20,24: session counts per step),
# SESSIONS_<n> (steps for n instances; default SESSIONS), SECONDS_PER_STEP (20), RAMP (5),
# MODELS (models), BIN_DIR (build/native/bin), PORT (18190), NICE (0), SLO_MS (50),
# SERVER_ARGS (extra jam-server arguments; default "--queue-depth 32": room for every session a
# worker is rated for, so a 503 marks real overload, not a short queue), LOAD_ARGS (extra
# server_load arguments).
# Each count's table goes to build/cluster-scale/load-<n>.txt; the summary reads every
# load-<n>.txt there (so split runs add up) and prints sessions served per instance count and
# the ratio to one instance. Served = the largest step with p99 <= SLO_MS, zero errors and
# >= 98 % of the request rate, all smaller steps included (server_load's "rated sessions").
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
INSTANCES=${INSTANCES:-1 2}
SESSIONS=${SESSIONS:-1,2,4,8,12,16,20,24}
SECONDS_PER_STEP=${SECONDS_PER_STEP:-20}
RAMP=${RAMP:-5}
MODELS=${MODELS:-models}
BIN_DIR=${BIN_DIR:-build/native/bin}
PORT=${PORT:-18190}
NICE=${NICE:-0}
SLO_MS=${SLO_MS:-50}
dir=build/cluster-scale
mkdir -p "$dir"

report() {
  echo "== sessions served at p99 <= $SLO_MS ms, 0 errors, full request rate (through nginx):"
  local base="" f n served when
  for f in $(ls "$dir"/load-*.txt 2>/dev/null | sort -V); do
    n=$(basename "$f" .txt); n=${n#load-}
    served=$(sed -n 's/^rated sessions.*: //p' "$f")
    when=$(date -u -r "$f" '+%Y-%m-%d %H:%M UTC')
    [ -z "$served" ] && { echo "$n instance(s): incomplete run ($f, $when)"; continue; }
    [ "$n" = 1 ] && base=$served
    if [ -n "$base" ] && [ "$base" -gt 0 ]; then
      echo "$n instance(s): $served sessions ($(awk -v a="$served" -v b="$base" 'BEGIN{printf "%.2f", a/b}')x one instance; $when)"
    else
      echo "$n instance(s): $served sessions ($when)"
    fi
  done
}
if [ "${1:-}" = "--report" ]; then report; exit 0; fi

trap 'tools/deploy/run_cluster.sh --stop --dir "$dir" >/dev/null 2>&1 || true' EXIT
for n in $INSTANCES; do
  steps_var="SESSIONS_$n"
  steps=${!steps_var:-$SESSIONS}
  echo "== $n instance(s), sessions $steps; load avg $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %T UTC')"
  nice -n "$NICE" tools/deploy/run_cluster.sh "$n" --detach --models "$MODELS" --web "" \
    --bin "$BIN_DIR/jam-server" --dir "$dir" --port "$PORT" --base-port $((PORT + 10)) \
    --server-args "${SERVER_ARGS---queue-depth 32}"
  # shellcheck disable=SC2086
  nice -n "$NICE" "$BIN_DIR/server_load" --port "$PORT" --mode live --sessions "$steps" \
    --seconds "$SECONDS_PER_STEP" --ramp "$RAMP" --slo-ms "$SLO_MS" \
    --server-pid "$(cat "$dir/servers.pids")" ${LOAD_ARGS:-} | tee "$dir/load-$n.txt.part"
  mv "$dir/load-$n.txt.part" "$dir/load-$n.txt"
  tools/deploy/run_cluster.sh --stop --dir "$dir"
  sleep 2
done
report
