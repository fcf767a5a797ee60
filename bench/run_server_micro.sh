#!/usr/bin/env bash
# run_server_micro.sh — the server micro-benchmarks of docs/benchmarks.md ("Server
# micro-benchmarks"): start a jam-server, run bench/server_load's static / invalid / plan / ws
# modes against it, stop it. Run it through /tmp/quiet.sh on a shared machine.
#
#   bench/run_server_micro.sh                       # tiny test models: the network path
#   MODELS=models bench/run_server_micro.sh         # the shipped models: network + planning
#
# Environment: BIN_DIR (build/native/bin), MODELS (tests/data tiny models, copied to a temp dir),
# SERVER_ARGS ("--threads 1 --workers 1 --queue-depth 64"), PORT (18175), SECONDS_PER_RUN (5).
# Two servers run one after the other: one with the default per-connection rate limit (32/s,
# burst 64), where the clients pace themselves at 30 requests/s per connection and the offered
# load grows with the number of connections; and one with --rate-limit 0, where the clients send
# back to back (--rate 0) to find the ceiling. A run that meets the limit says so (429 count).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BIN_DIR=${BIN_DIR:-build/native/bin}
SERVER_ARGS=${SERVER_ARGS:---threads 1 --workers 1 --queue-depth 64}
PORT=${PORT:-18175}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
tmp=$(mktemp -d /tmp/jam-server-micro.XXXXXX)
server=""
cleanup() {
  [ -n "$server" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  rm -rf "$tmp"
}
trap cleanup EXIT
if [ -z "${MODELS:-}" ]; then
  mkdir -p "$tmp/models"
  cp -r tests/data/tiny_online "$tmp/models/online"
  cp -r tests/data/tiny_offline "$tmp/models/offline"
  MODELS=$tmp/models
fi
mkdir -p "$tmp/web"
printf '<!doctype html><title>jam</title>\n' > "$tmp/web/index.html"

start_server() {  # extra jam-server arguments
  # shellcheck disable=SC2086
  "$BIN_DIR/jam-server" --port "$PORT" --models "$MODELS" --web "$tmp/web" $SERVER_ARGS "$@" \
    > "$tmp/server.log" 2>&1 < /dev/null &
  server=$!
  for _ in $(seq 600); do
    grep -qs "listening on" "$tmp/server.log" && break
    kill -0 "$server" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "== jam-server --models $MODELS $SERVER_ARGS $* (pid $server); load avg $(cut -d' ' -f1-3 /proc/loadavg)"
}
stop_server() {
  kill "$server" && wait "$server" 2>/dev/null || true
  server=""
}
load() {  # server_load arguments; a failing run (errors) is reported, not fatal
  "$BIN_DIR/server_load" --port "$PORT" --seconds "$SECONDS_PER_RUN" "$@" || true
}

echo "$(date -u '+%F %T UTC'), $(nproc) cores"
start_server
load --mode static --target /index.html --connections 1
load --mode invalid --connections 1
load --mode plan --connections 1
load --mode ws --connections 1
load --mode ws --connections 10
load --mode ws --connections 50
stop_server
start_server --rate-limit 0
load --mode invalid --connections 1 --rate 0
load --mode plan --connections 1 --rate 0
load --mode ws --connections 1 --rate 0
load --mode ws --connections 4 --rate 0
stop_server
