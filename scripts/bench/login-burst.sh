#!/usr/bin/env bash
# Does a burst of logins stall other requests? Argon2id (19 MiB, 2 passes) runs on the
# blocking pool, so /health/live should answer as fast during a burst as before it.
# Prints liveness latency alone and during a burst of concurrent logins, and the
# logins' own throughput. Usage: scripts/bench/login-burst.sh [LOGINS] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/../.."
logins=${1:-40}
concurrency=${2:-8}
port=18090
target_dir=${CARGO_TARGET_DIR:-target}
cargo build -q --release -p api
binary="$target_dir/release/practica"

workdir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$workdir"' EXIT
PRACTICA_DATABASE_URL="sqlite://$workdir/bench.db" PRACTICA_ADMIN_PASSWORD="bench admin password" \
  PRACTICA_LOG_LEVEL=warn PRACTICA_LOGIN_MAX_FAILURES_PER_ADDRESS=100000 \
  "$binary" serve --listen "127.0.0.1:$port" >"$workdir/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done

liveness() { # count -> one latency (ms) per line
  for _ in $(seq 1 "$1"); do
    curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/health/live"
  done | awk '{ printf "%.2f\n", $1 * 1000 }'
}
summary() { sort -n | awk '{ a[NR] = $1 } END { printf "p50 %.2f ms, p95 %.2f ms, max %.2f ms (n=%d)\n", a[int(NR*0.5)+1], a[int(NR*0.95)], a[NR], NR }'; }

echo "liveness alone:        $(liveness 200 | summary)"

login_once() {
  curl -s -o /dev/null -w '%{http_code}\n' -X POST "http://127.0.0.1:$port/api/v1/auth/login" \
    -H 'content-type: application/json' -d '{"username":"admin","password":"bench admin password"}'
}
export -f login_once
export port
started=$(date +%s.%N)
seq 1 "$logins" | xargs -P "$concurrency" -I{} bash -c login_once >"$workdir/codes" &
burst=$!
during=$(liveness 200 | summary)
wait "$burst"
elapsed=$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
echo "liveness during burst: $during"
ok=$(grep -c '^200$' "$workdir/codes" || true)
echo "logins: $ok/$logins answered 200 in ${elapsed}s at concurrency $concurrency ($(awk -v n="$ok" -v t="$elapsed" 'BEGIN { printf "%.1f", n / t }') logins/s on $(nproc) cores)"
