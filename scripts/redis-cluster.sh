#!/usr/bin/env bash
# A three-master Redis Cluster on loopback, for the tests and the local cluster.
#   scripts/redis-cluster.sh start DIR FIRST_PORT   # masters on FIRST_PORT..FIRST_PORT+2
#   scripts/redis-cluster.sh stop DIR
# DIR keeps each server's config, log and pid file; `stop` stops exactly those servers.
# `start` on a DIR that held the cluster starts again any master that is down; it rejoins
# with its slots, empty (nothing is kept on disk). Without a replica, a dead master's
# slots are unavailable and the other masters go on serving theirs
# (cluster-require-full-coverage no).
set -euo pipefail

command_=${1:?usage: redis-cluster.sh start DIR FIRST_PORT | stop DIR}
dir=${2:?the directory of the cluster}

start() {
  local first=${1:?the first port}
  mkdir -p "$dir"
  local ports=() port fresh=1
  for i in 0 1 2; do
    port=$((first + i))
    ports+=("127.0.0.1:$port")
    # A server that ran here before rejoins with its slots (nodes.conf), empty.
    [ -f "$dir/$port/nodes.conf" ] && fresh=0
    if redis-cli -p "$port" ping >/dev/null 2>&1; then continue; fi
    mkdir -p "$dir/$port"
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes \
      --dir "$dir/$port" --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log" \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
      --cluster-require-full-coverage no \
      --save "" --appendonly no
  done
  for port in $(seq "$first" $((first + 2))); do
    for _ in $(seq 1 50); do
      redis-cli -p "$port" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
  done
  if [ "$fresh" = 1 ] && ! redis-cli -p "$first" cluster info | grep -q 'cluster_state:ok'; then
    redis-cli --cluster create "${ports[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log"
  fi
  for _ in $(seq 1 100); do
    if redis-cli -p "$first" cluster info | grep -q 'cluster_state:ok'; then return 0; fi
    sleep 0.1
  done
  echo "the Redis Cluster on $first did not come up (see $dir)" >&2
  return 1
}

stop() {
  local pidfile pid
  for pidfile in "$dir"/*/redis.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}

case "$command_" in
  start) start "${3:-}" ;;
  stop) stop ;;
  *) echo "unknown command: $command_" >&2; exit 2 ;;
esac
