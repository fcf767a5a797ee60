#!/usr/bin/env bash
# run_cluster.sh — N jam-server instances on loopback behind nginx (docs/deploy.md).
#
#   tools/deploy/run_cluster.sh 2                      # foreground; Ctrl-C stops everything
#   tools/deploy/run_cluster.sh 2 --detach             # start, print the pids, return
#   tools/deploy/run_cluster.sh --stop                 # stop a detached cluster
#
# Options (defaults in brackets):
#   --models DIR      models for every instance [models]
#   --web DIR         static web app for every instance [build/wasm/site if it exists]
#   --port P          nginx listens on 127.0.0.1:P [8090]
#   --base-port P     instance i listens on 127.0.0.1:P+i [18080]; 0 = ports the kernel picks
#   --dir DIR         pid files, logs, nginx.conf and temp files [build/cluster]
#   --bin PATH        jam-server binary [build/native/bin/jam-server]
#   --no-pin          do not pin instance i to core i mod nproc with taskset
#   --server-args "…" extra jam-server arguments
#   --detach          return once everything is up
# Environment: NGINX = the nginx binary [nginx on PATH, else /usr/sbin/nginx].
# Each instance runs one I/O thread and one inference worker (--threads 1 --workers 1) pinned
# to one core, so N instances use N cores. Everything runs as the current user; nothing outside
# --dir is written. Writes DIR/servers.pids and DIR/servers.ports (comma-separated, instance
# order), DIR/nginx.pid, DIR/port and the logs DIR/server-<i>.log, DIR/nginx-error.log.
# Exit codes: 0 ok, 1 a process failed to start (its log is printed), 2 usage, 77 nginx missing.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

n=""; models=models; web=""; port=8090; base_port=18080; dir=build/cluster
bin=build/native/bin/jam-server; pin=1; detach=0; stop=0; server_args=""
[ -d build/wasm/site ] && web=build/wasm/site
while [ $# -gt 0 ]; do
  case "$1" in
    --models) models=$2; shift 2 ;;
    --web) web=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --base-port) base_port=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --server-args) server_args=$2; shift 2 ;;
    --no-pin) pin=0; shift ;;
    --detach) detach=1; shift ;;
    --stop) stop=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) n=$1; shift ;;
    *) echo "run_cluster.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

stop_cluster() {
  # Only the processes this script started (their pids are in $dir); TERM, then KILL stragglers.
  local pids=""
  [ -f "$dir/nginx.pid" ] && pids+=" $(cat "$dir/nginx.pid")"
  [ -f "$dir/servers.pids" ] && pids+=" $(tr ',' ' ' < "$dir/servers.pids")"
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  for p in $pids; do kill -9 "$p" 2>/dev/null || true; done
  rm -f "$dir/nginx.pid" "$dir/servers.pids"
}

if [ $stop -eq 1 ]; then stop_cluster; exit 0; fi
[ -n "$n" ] && [ "$n" -ge 1 ] || { echo "run_cluster.sh: give the number of instances (try --help)" >&2; exit 2; }
NGINX=${NGINX:-$(command -v nginx || true)}
[ -z "$NGINX" ] && [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx
[ -n "$NGINX" ] || { echo "run_cluster.sh: nginx not found (Debian package nginx)" >&2; exit 77; }
[ -x "$bin" ] || { echo "run_cluster.sh: $bin not found (build jam-server first)" >&2; exit 1; }
stop_cluster  # a previous detached cluster in the same dir
mkdir -p "$dir/tmp"
ncores=$(nproc)

pids=(); ports=(); upstreams=""
web_args=(); [ -n "$web" ] && web_args=(--web "$web")
for ((i = 0; i < n; i++)); do
  p=0; [ "$base_port" -ne 0 ] && p=$((base_port + i))
  pin_cmd=(); [ $pin -eq 1 ] && command -v taskset >/dev/null && pin_cmd=(taskset -c $((i % ncores)))
  # shellcheck disable=SC2086
  "${pin_cmd[@]}" "$bin" --host 127.0.0.1 --port "$p" --models "$models" "${web_args[@]}" \
    --threads 1 --workers 1 $server_args > "$dir/server-$i.log" 2>&1 < /dev/null &
  pids+=($!)
done
(IFS=,; echo "${pids[*]}") > "$dir/servers.pids"

# Wait for every instance to print its "listening" line (loading the full models takes seconds).
for ((i = 0; i < n; i++)); do
  for _ in $(seq 600); do
    grep -q "listening on" "$dir/server-$i.log" 2>/dev/null && break
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "run_cluster.sh: instance $i exited:" >&2; cat "$dir/server-$i.log" >&2; stop_cluster; exit 1
    fi
    sleep 0.1
  done
  grep -q "listening on" "$dir/server-$i.log" || { echo "run_cluster.sh: instance $i did not start" >&2; stop_cluster; exit 1; }
  # The bound port, from "jam-server listening on http://127.0.0.1:PORT ...".
  p=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$dir/server-$i.log" | head -1)
  ports+=("$p")
  upstreams+="    server 127.0.0.1:$p max_fails=2 fail_timeout=5s;"$'\n'
done
(IFS=,; echo "${ports[*]}") > "$dir/servers.ports"

sed -e "s|@RUN_DIR@|$dir|g" -e "s|@LISTEN@|127.0.0.1:$port|g" -e "s|@WORKERS@|1|g" \
    tools/deploy/nginx.conf.in | awk -v ups="$upstreams" '{ if ($0 == "@UPSTREAMS@") printf "%s", ups; else print }' \
    > "$dir/nginx.conf"
"$NGINX" -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/nginx-error.log" \
  || { cat "$dir/nginx-error.log" >&2; stop_cluster; exit 1; }
"$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/nginx-error.log" > "$dir/nginx.out" 2>&1 < /dev/null &
nginx_pid=$!
echo "$nginx_pid" > "$dir/nginx.pid"   # nginx rewrites it with the same pid (daemon off)
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$dir/nginx-error.log" >&2; stop_cluster; exit 1; }
  sleep 0.1
done
echo "$port" > "$dir/port"
echo "cluster up: http://127.0.0.1:$port -> $n instance(s) on ports $(cat "$dir/servers.ports") (pids $(cat "$dir/servers.pids"), nginx $nginx_pid)"

if [ $detach -eq 0 ]; then
  trap 'stop_cluster; exit 0' INT TERM
  wait "$nginx_pid" || true
  stop_cluster
fi
