#!/usr/bin/env bash
# A practica cluster on one machine, without Docker: N nodes on loopback ports against
# one PostgreSQL database, behind nginx (round robin) on one port.
#
#   scripts/cluster.sh up N [--redis] [--redis-cluster] [--pgbouncer] [--build]
#   scripts/cluster.sh status
#   scripts/cluster.sh down
#   scripts/cluster.sh kill NODE [SIGNAL]   # e.g. kill 2 KILL, kill 1 STOP, kill 1 CONT
#   scripts/cluster.sh start NODE [OFFSET]  # starts a node again, on its port; with an
#                                           # OFFSET (e.g. +300s), its clock runs that far
#                                           # ahead (libfaketime, Debian's faketime)
#   scripts/cluster.sh isolate NODE         # restarts a node in a network namespace of its
#                                           # own, joined by a veth pair (ip netns)
#   scripts/cluster.sh partition NODE       # drops, without a close, every packet between
#   scripts/cluster.sh heal NODE            # an isolated node and the database, and again
#   scripts/cluster.sh rejoin NODE          # lets them through; rejoin: back on loopback
#
# --redis          sessions and locks (and job leases) in a Redis server of the cluster's own
# --redis-cluster  ... in a three-master Redis Cluster of its own
# --pgbouncer      the nodes reach PostgreSQL through PgBouncer; migrations run first on
#                  the direct URL (`practica migrate`, PRACTICA_DATABASE_MIGRATION_URL)
# --build          builds practica first (cargo, in $PRACTICA_CLUSTER_PROFILE, release
#                  unless set); without it nothing is built: the nodes run the release
#                  binary when there is one, else the debug one ($PRACTICA_CLUSTER_PROFILE
#                  picks one of the two), and `up` says which
#
# Everything the cluster starts is recorded (pid files) in $PRACTICA_CLUSTER_DIR
# (default /tmp/practica-cluster); `down` stops exactly those processes. The load
# balancer listens on $PRACTICA_CLUSTER_PORT (default 18080), node i on that port + i.
# PostgreSQL is the one at $PRACTICA_CLUSTER_POSTGRES (default postgres://postgres@127.0.0.1:5432);
# the cluster's database is $PRACTICA_CLUSTER_DATABASE (default `practica_cluster`), made
# afresh by `up`: give each user of one PostgreSQL a name of their own. `up` refuses to
# drop it while anything else is connected to it.
#
# nginx serves the API alone: `/metrics` is not on its port (each node's own port has it,
# for a scraper on the machine), as in docker-compose.yml.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${PRACTICA_CLUSTER_DIR:-/tmp/practica-cluster}
port=${PRACTICA_CLUSTER_PORT:-18080}
postgres=${PRACTICA_CLUSTER_POSTGRES:-postgres://postgres:postgres@127.0.0.1:5432}
database=${PRACTICA_CLUSTER_DATABASE:-practica_cluster}
[[ $database =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "PRACTICA_CLUSTER_DATABASE must be a plain lower-case name" >&2; exit 2; }
admin_password=${PRACTICA_CLUSTER_ADMIN_PASSWORD:-cluster admin password}
target_dir=${CARGO_TARGET_DIR:-target}
# The binary the nodes run: the profile asked for, else release when built, else debug.
if [ -n "${PRACTICA_CLUSTER_PROFILE:-}" ]; then
  profile=$PRACTICA_CLUSTER_PROFILE
elif [ -x "$target_dir/release/practica" ] || [ ! -x "$target_dir/debug/practica" ]; then
  profile=release
else
  profile=debug
fi
binary="$target_dir/$profile/practica"
redis_port=$((port + 300))
redis_cluster_port=$((port + 400))
pgbouncer_port=$((port + 500))

say() { printf '== %s\n' "$*" >&2; }

need() { # command package
  command -v "$1" >/dev/null && return
  say "installing $2"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

wait_until() { # seconds command...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

node_env() { cat "$dir/node.env"; }

start_node() { # i [clock offset]
  local i=$1 offset=${2:-} node_port=$((port + $1)) listen_host=127.0.0.1 netns=()
  if alive "$dir/node-$i.pid"; then say "node $i runs already"; return; fi
  if [ -n "$offset" ]; then need faketime faketime; fi
  if [ -f "$dir/netns-$i" ]; then
    listen_host=$(ns_address "$i" 2)
    netns=(ip netns exec "practica-node-$i")
  fi
  (
    set -a
    # shellcheck disable=SC1091
    . "$dir/node.env"
    set +a
    export PRACTICA_NODE_ID="node-$i"
    if [ -n "$offset" ]; then
      # why: preloaded into the node itself (not the faketime wrapper, which would stand
      # between the recorded pid and the node), in its thread-safe build.
      export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 FAKETIME="$offset"
    fi
    if [ ${#netns[@]} -gt 0 ]; then
      # The database, seen from the namespace, is at the host's end of the veth pair.
      PRACTICA_DATABASE_URL=${PRACTICA_DATABASE_URL/@127.0.0.1:/@$(ns_address "$i" 1):}
    fi
    exec "${netns[@]}" "$binary" serve --listen "$listen_host:$node_port" >>"$dir/node-$i.log" 2>&1
  ) &
  echo $! >"$dir/node-$i.pid"
  if ! wait_until 60 curl -fsS "http://127.0.0.1:$node_port/health/ready"; then
    say "node $i did not become ready; its log: $dir/node-$i.log"
    tail -n 20 "$dir/node-$i.log" >&2
    return 1
  fi
}

write_nginx_conf() { # nodes
  local servers="" i
  for i in $(seq 1 "$1"); do
    servers+="    server 127.0.0.1:$((port + i)) max_fails=1 fail_timeout=2s;"$'\n'
  done
  mkdir -p "$dir/nginx"
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log $dir/nginx-access.log;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  client_max_body_size 200m;
  upstream practica {
$servers    keepalive 32;
    # why: shorter than a node's own keep-alive (actix: 5 s), so that nginx never
    # reuses a connection the node is closing at that moment; such a race answers
    # "upstream prematurely closed connection" and marks a healthy node down.
    keepalive_timeout 2s;
  }
  server {
    listen 127.0.0.1:$port;
    # why: the metrics are for the monitoring network, never the clients' port.
    location = /metrics { return 404; }
    location / {
      proxy_pass http://practica;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_request_buffering off;
      proxy_buffering off;
      proxy_connect_timeout 1s;
      proxy_read_timeout 30s;
      # Idempotent requests (GET, HEAD, PUT, DELETE...) go to the next node when one is
      # down or draining (503); nginx never retries a POST on its own: its
      # Idempotency-Key retry is the client's.
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 3;
    }
  }
}
EOF
}

write_pgbouncer_conf() {
  local version mode extra=""
  version=$(pgbouncer --version | awk 'NR==1 { print $2 }')
  # why: PgBouncer tracks prepared statements in transaction pooling from 1.21 on
  # (max_prepared_statements). Before that, sqlx's named statements cannot cross
  # transactions there, so the older one pools by session.
  if printf '1.21\n%s\n' "$version" | sort -V -C; then
    mode=transaction
    extra="max_prepared_statements = 200"
  else
    mode=session
    say "PgBouncer $version has no prepared statements in transaction pooling (1.21+): pooling by session"
  fi
  echo '"postgres" ""' >"$dir/pgbouncer-users.txt"
  # The server's password, when the URL has one (a fresh install asks TCP clients for it).
  local password
  password=$(printf '%s' "$postgres" | sed -nE 's|^postgres(ql)?://[^:@/]+:([^@]*)@.*|\2|p')
  cat >"$dir/pgbouncer.ini" <<EOF
[databases]
$database = host=127.0.0.1 port=5432 dbname=$database user=postgres${password:+ password=$password}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $pgbouncer_port
unix_socket_dir =
auth_type = trust
auth_file = $dir/pgbouncer-users.txt
pool_mode = $mode
ignore_startup_parameters = extra_float_digits
max_client_conn = 500
# why: in session pooling each node connection holds a server connection, so the
# pool must cover every node's whole pool (3 nodes x 10, and restarts beside them).
default_pool_size = 60
# why: after a failed login to PostgreSQL (a restart), PgBouncer waits this long before
# trying again; its default of 15 s would keep every node refused long after the
# database is back.
server_login_retry = 1
logfile = $dir/pgbouncer/pgbouncer.log
pidfile = $dir/pgbouncer/pgbouncer.pid
$extra
EOF
}

up() {
  local nodes=${1:?usage: cluster.sh up N [--redis] [--redis-cluster] [--pgbouncer]}
  shift
  local redis=0 redis_cluster=0 pgbouncer=0 build=0
  for flag in "$@"; do
    case "$flag" in
      --build) build=1 ;;
      --redis) redis=1 ;;
      --redis-cluster) redis_cluster=1 ;;
      --pgbouncer) pgbouncer=1 ;;
      *) echo "unknown flag: $flag" >&2; exit 2 ;;
    esac
  done
  # Whatever an earlier run left recorded is stopped first (down is safe to repeat).
  down >/dev/null 2>&1 || true
  trap 'say "up failed at line $LINENO: stopping what it started"; down' ERR
  trap 'say "interrupted: stopping what it started"; down; exit 130' INT TERM
  need nginx nginx-light
  [ "$pgbouncer" = 0 ] || need pgbouncer pgbouncer
  need psql postgresql-client
  need curl curl
  if [ "$redis" = 1 ] || [ "$redis_cluster" = 1 ]; then need redis-server redis-server; fi
  rm -rf "$dir"
  mkdir -p "$dir"

  if [ "$build" = 1 ]; then
    say "building practica ($profile)"
    if [ "$profile" = release ]; then cargo build -q --release -p api; else cargo build -q -p api; fi
  fi
  [ -x "$binary" ] || { echo "no practica binary at $binary: build it (cargo build --release -p api) or pass --build" >&2; exit 1; }
  say "nodes run $binary ($profile, built $(date -r "$binary" '+%Y-%m-%d %H:%M'))"

  say "a fresh database $database"
  # why: no WITH (FORCE): a database someone else is using is theirs; `up` stops instead.
  psql -q "$postgres/postgres" -c "DROP DATABASE IF EXISTS $database" -c "CREATE DATABASE $database"
  local direct_url="$postgres/$database" url="$postgres/$database"
  if [ "$pgbouncer" = 1 ]; then
    write_pgbouncer_conf
    mkdir -p "$dir/pgbouncer"
    if [ "$(id -u)" = 0 ]; then
      # PgBouncer will not run as root: as the postgres user, writing where it may.
      chown postgres "$dir/pgbouncer"
      runuser -u postgres -- pgbouncer -d "$dir/pgbouncer.ini"
    else
      pgbouncer -d "$dir/pgbouncer.ini"
    fi
    wait_until 10 test -s "$dir/pgbouncer/pgbouncer.pid"
    url="postgres://postgres@127.0.0.1:$pgbouncer_port/$database"
    say "migrating on the direct URL (PgBouncer in front of the nodes)"
    PRACTICA_DATABASE_URL="$direct_url" "$binary" migrate >>"$dir/migrate.log" 2>&1
  fi

  {
    echo "PRACTICA_DATABASE_URL=$url"
    [ "$pgbouncer" = 0 ] || echo "PRACTICA_DATABASE_MIGRATION_URL=$direct_url"
    echo "PRACTICA_ADMIN_PASSWORD=\"$admin_password\""
    echo "PRACTICA_LOG_FORMAT=json"
    echo "PRACTICA_LOG_LEVEL=${PRACTICA_CLUSTER_LOG_LEVEL:-info}"
    echo "PRACTICA_TRUSTED_PROXIES='[\"127.0.0.1\"]'"
    echo "PRACTICA_WORKERS=${PRACTICA_CLUSTER_WORKERS:-2}"
    echo "PRACTICA_SHUTDOWN_TIMEOUT_SECS=10"
    echo "PRACTICA_LOGIN_MAX_FAILURES_PER_ADDRESS=100000"
    echo "PRACTICA_JOB_LEASE_SECONDS=${PRACTICA_JOB_LEASE_SECONDS:-6}"
    echo "PRACTICA_JOB_TICK_SECONDS=${PRACTICA_JOB_TICK_SECONDS:-1}"
    [ -z "${PRACTICA_JOB_INTERVAL_SECONDS:-}" ] || echo "PRACTICA_JOB_INTERVAL_SECONDS=$PRACTICA_JOB_INTERVAL_SECONDS"
    [ -z "${PRACTICA_ACCESS_TOKEN_TTL_SECS:-}" ] || echo "PRACTICA_ACCESS_TOKEN_TTL_SECS=$PRACTICA_ACCESS_TOKEN_TTL_SECS"
    if [ "$redis" = 1 ]; then
      echo "PRACTICA_REDIS_URL=redis://127.0.0.1:$redis_port"
    elif [ "$redis_cluster" = 1 ]; then
      echo "PRACTICA_REDIS_URL=redis://127.0.0.1:$redis_cluster_port,redis://127.0.0.1:$((redis_cluster_port + 1)),redis://127.0.0.1:$((redis_cluster_port + 2))"
      echo "PRACTICA_REDIS_CLUSTER=true"
    fi
    if [ "$redis" = 1 ] || [ "$redis_cluster" = 1 ]; then
      echo "PRACTICA_SESSION_BACKEND=redis"
      echo "PRACTICA_LOCK_BACKEND=redis"
    fi
  } >"$dir/node.env"
  if [ "$redis" = 1 ]; then
    redis-server --port "$redis_port" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir"
    wait_until 10 redis-cli -p "$redis_port" ping
  fi
  if [ "$redis_cluster" = 1 ]; then
    scripts/redis-cluster.sh start "$dir/redis-cluster" "$redis_cluster_port"
  fi

  echo "$nodes" >"$dir/nodes"
  for i in $(seq 1 "$nodes"); do
    say "node $i on 127.0.0.1:$((port + i))"
    start_node "$i"
  done
  write_nginx_conf "$nodes"
  nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/nginx-error.log"
  wait_until 10 curl -fsS "http://127.0.0.1:$port/health/ready"
  trap - ERR INT TERM
  say "the cluster answers on http://127.0.0.1:$port (admin / $admin_password)"
}

status() {
  [ -f "$dir/nodes" ] || { echo "no cluster recorded in $dir"; return 0; }
  local nodes i health
  nodes=$(cat "$dir/nodes")
  printf '%-10s %-8s %-22s %s\n' process pid address health
  for i in $(seq 1 "$nodes"); do
    health=down
    if alive "$dir/node-$i.pid"; then
      health=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$((port + i))/health/ready" || true)
      [ "$health" = 200 ] && health=ready || health="not ready ($health)"
    fi
    printf '%-10s %-8s %-22s %s\n' "node-$i" "$(cat "$dir/node-$i.pid" 2>/dev/null || echo -)" "127.0.0.1:$((port + i))" "$health"
  done
  for part in nginx pgbouncer/pgbouncer redis; do
    [ -f "$dir/$part.pid" ] || continue
    alive "$dir/$part.pid" && health=running || health=down
    printf '%-10s %-8s %-22s %s\n' "${part#*/}" "$(cat "$dir/$part.pid")" "" "$health"
  done
  if [ -d "$dir/redis-cluster" ]; then
    printf '%-10s %-8s %-22s %s\n' redis-cluster - "127.0.0.1:$redis_cluster_port+" \
      "$(redis-cli -p "$redis_cluster_port" cluster info 2>/dev/null | grep -o 'cluster_state:[a-z]*' || echo down)"
  fi
}

stop_pid_file() { # file [signal]
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -CONT "$pid" 2>/dev/null || true
    kill "-${2:-TERM}" "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

down() {
  [ -d "$dir" ] || return 0
  if [ -f "$dir/nginx.pid" ]; then stop_pid_file "$dir/nginx.pid" QUIT; fi
  for file in "$dir"/node-*.pid; do stop_pid_file "$file"; done
  for file in "$dir"/netns-?; do
    [ -f "$file" ] || continue
    remove_namespace "${file##*-}"
  done
  stop_pid_file "$dir/pgbouncer/pgbouncer.pid"
  stop_pid_file "$dir/redis.pid"
  if [ -d "$dir/redis-cluster" ]; then scripts/redis-cluster.sh stop "$dir/redis-cluster"; fi
  rm -f "$dir/nodes"
  say "stopped; logs stay in $dir"
}

# Node i's namespace is practica-node-i, joined to the host by a veth pair on
# 10.231.i.0/30: the host's end is .1, the node's .2. Two socat forwarders on the host
# keep the rest of the cluster unchanged: 127.0.0.1:<node port> (nginx, the fault suite)
# to the node, and the host's end, on the database's port, to the database.
ns_address() { echo "10.231.$1.$2"; } # i, 1 (host) or 2 (node)

database_port() {
  local url
  url=$(sed -n 's/^PRACTICA_DATABASE_URL=//p' "$dir/node.env")
  url=${url#*@127.0.0.1:}
  echo "${url%%/*}"
}

isolate() { # i
  local i=${1:?which node} host node
  [ ! -f "$dir/netns-$i" ] || { say "node $i is isolated already"; return; }
  [ "$(id -u)" = 0 ] || { echo "isolate needs root (ip netns, nftables)" >&2; return 1; }
  # The namespace reaches PostgreSQL alone: not PgBouncer's migration URL, nor Redis.
  if grep -q '^PRACTICA_REDIS_URL=\|^PRACTICA_DATABASE_MIGRATION_URL=' "$dir/node.env"; then
    echo "isolate works on a cluster without --redis, --redis-cluster or --pgbouncer" >&2
    return 1
  fi
  need socat socat
  need nft nftables
  host=$(ns_address "$i" 1) node=$(ns_address "$i" 2)
  stop_pid_file "$dir/node-$i.pid"
  ip netns add "practica-node-$i"
  echo "practica-node-$i" >"$dir/netns-$i"
  ip link add "pn$i-host" type veth peer name "pn$i-node"
  ip link set "pn$i-node" netns "practica-node-$i"
  ip addr add "$host/30" dev "pn$i-host"
  ip link set "pn$i-host" up
  ip netns exec "practica-node-$i" ip addr add "$node/30" dev "pn$i-node"
  ip netns exec "practica-node-$i" ip link set "pn$i-node" up
  ip netns exec "practica-node-$i" ip link set lo up
  # Each forwarder leads a process group of its own, with a child per connection.
  setsid socat "TCP-LISTEN:$(database_port),bind=$host,fork,reuseaddr" \
    "TCP:127.0.0.1:$(database_port)" >>"$dir/socat.log" 2>&1 &
  echo $! >"$dir/netns-$i-database.pid"
  setsid socat "TCP-LISTEN:$((port + i)),bind=127.0.0.1,fork,reuseaddr" \
    "TCP:$node:$((port + i))" >>"$dir/socat.log" 2>&1 &
  echo $! >"$dir/netns-$i-http.pid"
  if ! start_node "$i"; then
    say "node $i did not start in its namespace: back on loopback"
    stop_pid_file "$dir/node-$i.pid"
    remove_namespace "$i"
    start_node "$i"
    return 1
  fi
}

partition() { # i
  local i=${1:?which node} host
  host=$(ns_address "$i" 1)
  [ -f "$dir/netns-$i" ] || { echo "node $i is not isolated" >&2; return 1; }
  ip netns exec "practica-node-$i" nft -f - <<RULES
table inet practica_partition {
  chain out { type filter hook output priority 0; ip daddr $host tcp dport $(database_port) drop; }
  chain in { type filter hook input priority 0; ip saddr $host tcp sport $(database_port) drop; }
}
RULES
}

heal() { # i
  ip netns exec "practica-node-${1:?which node}" nft delete table inet practica_partition 2>/dev/null || true
}

rejoin() { # i
  local i=${1:?which node}
  stop_pid_file "$dir/node-$i.pid"
  remove_namespace "$i"
  start_node "$i"
}

remove_namespace() { # i
  local i=$1
  [ -f "$dir/netns-$i" ] || return 0
  local forwarder
  for forwarder in "$dir/netns-$i-http.pid" "$dir/netns-$i-database.pid"; do
    [ -f "$forwarder" ] || continue
    kill -TERM -- "-$(cat "$forwarder")" 2>/dev/null || true
    rm -f "$forwarder"
  done
  ip netns del "practica-node-$i" 2>/dev/null || true
  ip link del "pn$i-host" 2>/dev/null || true
  rm -f "$dir/netns-$i"
}

signal_node() { # i [signal]
  local file="$dir/node-${1:?which node}.pid"
  [ -f "$file" ] || { echo "node $1 is not recorded" >&2; return 1; }
  kill "-${2:-TERM}" "$(cat "$file")"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  status) status ;;
  down) down ;;
  kill) shift; signal_node "$@" ;;
  start) shift; start_node "${1:?which node}" "${2:-}" ;;
  isolate) shift; isolate "$@" ;;
  partition) shift; partition "$@" ;;
  heal) shift; heal "$@" ;;
  rejoin) shift; rejoin "$@" ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2 ;;
esac
