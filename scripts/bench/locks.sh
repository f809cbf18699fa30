#!/usr/bin/env bash
# Benchmark 5: a record lock taken and released through the API (POST /api/v1/locks,
# then DELETE /api/v1/locks/{token}), each connection on a record of its own: the SQL
# lock backend against Redis's. The backends alternate BENCH_ROUNDS times.
#
# Usage: scripts/bench/locks.sh
source "$(dirname "$0")/lib.sh"
bench_build
redis_port=16391
bench_redis "$redis_port"
url=$(bench_database locks)
declare -A base token patients
for backend in sql redis; do
  port=$([ $backend = sql ] && echo 18140 || echo 18141)
  base[$backend]="http://127.0.0.1:$port"
  bench_start_node "$port" "$url" PRACTICA_LOCK_BACKEND=$backend PRACTICA_REDIS_URL="redis://127.0.0.1:$redis_port" \
    PRACTICA_NODE_ID="bench-$backend"
  admin=$(bench_login "${base[$backend]}" admin "$BENCH_ADMIN_PASSWORD")
  token[$backend]=$(bench_user "${base[$backend]}" "$admin" "locker-$backend" clinician)
  ids=()
  for n in $(seq 1 "$BENCH_CONNECTIONS"); do ids+=("$(bench_patient "${base[$backend]}" "${token[$backend]}" "Lock$n" Bench)"); done
  patients[$backend]="${ids[*]}"
done
printf '%-8s %18s %12s %12s %8s\n' backend "acquire+release/s" "p50 ms" "p99 ms" errors
: >"$BENCH_WORK/figures"
for round in $(seq 1 "$BENCH_ROUNDS"); do
  for backend in sql redis; do
    # shellcheck disable=SC2086
    figures=$(BENCH_WRK_THREADS=$BENCH_CONNECTIONS bench_wrk "${base[$backend]}/api/v1/locks" -s scripts/bench/lock.lua \
      -- "${token[$backend]}" ${patients[$backend]})
    read -r rps p50 p99 errors <<<"$figures"
    pairs=$(awk -v r="$rps" 'BEGIN { printf "%.0f", r / 2 }')
    printf '%-8s %18s %12s %12s %8s\n' "$backend" "$pairs" "$p50" "$p99" "$errors"
    echo "$backend $pairs" >>"$BENCH_WORK/figures"
  done
done
sql=$(awk '$1 == "sql" { print $2 }' "$BENCH_WORK/figures" | bench_median)
redis=$(awk '$1 == "redis" { print $2 }' "$BENCH_WORK/figures" | bench_median)
echo "medians: sql $sql, redis $redis pairs/s; redis/sql $(awk -v a="$redis" -v b="$sql" 'BEGIN { printf "%.2f", a / b }')"
