#!/usr/bin/env bash
# scale_bench.sh — live sessions served at p99 <= 50 ms through nginx, vs the number of
# jam-server instances (each one inference worker pinned to one core). docs/deploy.md.
#
#   tools/deploy/scale_bench.sh                               # instances 1 and 2, full models
#   INSTANCES="1 2" SESSIONS=1,2,3,4,6,8 SECONDS_PER_STEP=20 tools/deploy/scale_bench.sh
#
# Environment: INSTANCES ("1 2"), SESSIONS (1,2,3,4,6,8,10,12), SECONDS_PER_STEP (20),
# MODELS (models), BIN_DIR (build/native/bin), PORT (18190), NICE (0), SLO_MS (50),
# LOAD_ARGS (extra server_load arguments, e.g. "--lookahead 16 --commit 4").
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
INSTANCES=${INSTANCES:-1 2}
SESSIONS=${SESSIONS:-1,2,3,4,6,8,10,12}
SECONDS_PER_STEP=${SECONDS_PER_STEP:-20}
MODELS=${MODELS:-models}
BIN_DIR=${BIN_DIR:-build/native/bin}
PORT=${PORT:-18190}
NICE=${NICE:-0}
SLO_MS=${SLO_MS:-50}
dir=build/cluster-scale
summary=()
trap 'tools/deploy/run_cluster.sh --stop --dir "$dir" >/dev/null 2>&1 || true' EXIT
for n in $INSTANCES; do
  echo "== $n instance(s); load avg $(cut -d' ' -f1-3 /proc/loadavg)"
  nice -n "$NICE" tools/deploy/run_cluster.sh "$n" --detach --models "$MODELS" --web "" \
    --bin "$BIN_DIR/jam-server" --dir "$dir" --port "$PORT" --base-port $((PORT + 10))
  # shellcheck disable=SC2086
  nice -n "$NICE" "$BIN_DIR/server_load" --port "$PORT" --mode live --sessions "$SESSIONS" \
    --seconds "$SECONDS_PER_STEP" --slo-ms "$SLO_MS" --server-pid "$(cat "$dir/servers.pids")" \
    ${LOAD_ARGS:-} | tee "$dir/load-$n.txt"
  summary+=("$n instance(s): $(sed -n 's/^rated sessions.*: //p' "$dir/load-$n.txt") sessions")
  tools/deploy/run_cluster.sh --stop --dir "$dir"
  sleep 2
done
echo "== sessions at p99 <= $SLO_MS ms, 0 errors, full request rate:"
printf '%s\n' "${summary[@]}"
