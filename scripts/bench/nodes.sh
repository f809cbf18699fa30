#!/usr/bin/env bash
# Benchmark 7: one node against two and three behind nginx (round robin), all on this
# machine and one PostgreSQL: the authenticated patient read, and /health/live. Every
# node and the database share the same cores here, so this shows what balancing costs
# and that nodes agree (any node serves any session), not what more machines would add.
#
# Usage: scripts/bench/nodes.sh
source "$(dirname "$0")/lib.sh"
command -v nginx >/dev/null || { echo "bench: nginx is needed (apt-get install nginx-light)" >&2; exit 2; }
bench_build
url=$(bench_database nodes)
ports=(18161 18162 18163)
for port in "${ports[@]}"; do
  # why: the pools share PostgreSQL's connections; together they hold what one would.
  BENCH_CONNECTIONS=8 bench_start_node "$port" "$url" PRACTICA_NODE_ID="bench-$port" PRACTICA_TRUSTED_PROXIES='["127.0.0.1"]'
done
base="http://127.0.0.1:${ports[0]}"
admin=$(bench_login "$base" admin "$BENCH_ADMIN_PASSWORD")
token=$(bench_user "$base" "$admin" bench-clinician clinician)
patient=$(bench_patient "$base" "$token" Ada Lovelace)

balance() { # nginx port, node count
  local servers="" port
  for port in "${ports[@]:0:$2}"; do servers+="server 127.0.0.1:$port; "; done
  cat >"$BENCH_WORK/nginx-$1.conf" <<CONF
worker_processes 1;
pid $BENCH_WORK/nginx-$1.pid;
error_log $BENCH_WORK/nginx-$1-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  upstream nodes { $servers keepalive 32; }
  server {
    listen 127.0.0.1:$1;
    location / { proxy_pass http://nodes; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
  nginx -c "$BENCH_WORK/nginx-$1.conf" -p "$BENCH_WORK" -g 'daemon off;' &
  BENCH_NODES+=($!)
  sleep 0.5
}
balance 18171 1
balance 18172 2
balance 18173 3

printf '%-30s %12s %9s %9s %7s\n' setup "reads/s" "p50 ms" "p99 ms" errors
: >"$BENCH_WORK/figures"
for round in $(seq 1 "$BENCH_ROUNDS"); do
  for setup in "direct 1" "18171 1" "18172 2" "18173 3"; do
    read -r where count <<<"$setup"
    target=$([ "$where" = direct ] && echo "$base" || echo "http://127.0.0.1:$where")
    label=$([ "$where" = direct ] && echo "1 node, no balancer" || echo "$count node(s) behind nginx")
    read -r rps p50 p99 errors <<<"$(bench_wrk "$target/api/v1/patients/$patient" -H "authorization: Bearer $token")"
    printf '%-30s %12s %9s %9s %7s\n' "$label" "$rps" "$p50" "$p99" "$errors"
    echo "$where $rps" >>"$BENCH_WORK/figures"
  done
done
for where in direct 18171 18172 18173; do
  printf '%s median %s reads/s\n' "$where" "$(awk -v w="$where" '$1 == w { print $2 }' "$BENCH_WORK/figures" | bench_median)"
done
