#!/usr/bin/env bash
# run_server_load.sh — start a jam-server with the real models, drive it with bench/server_load's
# live sessions, stop it. The numbers in docs/benchmarks.md ("Server under live load", "Soak").
#
#   bench/run_server_load.sh --sessions 1,5,10,25,40 --seconds 30      # load steps
#   bench/run_server_load.sh --soak 600 --sessions 10                  # 10-minute soak
#
# Environment: BIN_DIR (build/native/bin), MODELS (models), SERVER_ARGS ("--workers 2 --threads 1"),
# PORT (18170), NICE (0; e.g. 10 on a shared machine). Every other argument goes to server_load.
# Prints the load average before and after, and the server's command line.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BIN_DIR=${BIN_DIR:-build/native/bin}
MODELS=${MODELS:-models}
SERVER_ARGS=${SERVER_ARGS:---workers 2 --threads 1}
PORT=${PORT:-18170}
NICE=${NICE:-0}
log=$(mktemp /tmp/jam-server-load.XXXXXX.log)
# shellcheck disable=SC2086
nice -n "$NICE" "$BIN_DIR/jam-server" --port "$PORT" --models "$MODELS" $SERVER_ARGS > "$log" 2>&1 < /dev/null &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  grep -qs "listening on" "$log" && break
  kill -0 $server 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
echo "server: jam-server --models $MODELS $SERVER_ARGS (pid $server, nice $NICE); $(nproc) cores; load avg $(cut -d' ' -f1-3 /proc/loadavg)"
nice -n "$NICE" "$BIN_DIR/server_load" --port "$PORT" --mode live --server-pid $server "$@"
echo "server RSS at the end: $(grep VmRSS /proc/$server/status | tr -s ' ')"
echo "load avg after: $(cut -d' ' -f1-3 /proc/loadavg)"
