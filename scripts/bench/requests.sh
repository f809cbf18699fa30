#!/usr/bin/env bash
# Benchmarks 1 and 2: what a request costs beyond its database work.
#
# An authenticated GET /api/v1/patients/{id} (token check, session check, read, audit
# event, the record's lock shown) and a PUT with If-Match, each against pgbench sending
# the very statements the node sent for it (read from PostgreSQL's statement log), and
# the read against GET /health/live (the HTTP ceiling), then the read on the embedded
# SQLite default. The two sides alternate BENCH_ROUNDS times; medians are quoted.
#
# Usage: scripts/bench/requests.sh   (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS)
source "$(dirname "$0")/lib.sh"
bench_build

url=$(bench_database requests)
port=18110
base="http://127.0.0.1:$port"
bench_start_node "$port" "$url"
node=$BENCH_NODE
admin=$(bench_login "$base" admin "$BENCH_ADMIN_PASSWORD")
token=$(bench_user "$base" "$admin" bench-clinician clinician)
auth="authorization: Bearer $token"
patient=$(bench_patient "$base" "$token" Ada Lovelace)
editing=()
for n in $(seq 1 "$BENCH_CONNECTIONS"); do
  editing+=("$(bench_patient "$base" "$token" "Edit$n" Lovelace)")
done

echo "== the statements of one authenticated read, GET /api/v1/patients/{id}"
# why: a request just before keeps the session's last-seen write (one per 15 s) out.
curl -fsS -o /dev/null -H "$auth" "$base/api/v1/me"
bench_statements_of "$url" curl -fsS -H "$auth" "$base/api/v1/patients/$patient"
read_trips=$BENCH_ROUND_TRIPS
read_script=$(bench_pgbench_script read)
echo "   $read_trips statements"

echo "== the statements of one update, PUT /api/v1/patients/{id} with If-Match"
body='{"givenName":"Ada","familyName":"Lovelace","birthDate":"1980-01-01","sex":"female"}'
put_first() {
  curl -fsS -X PUT -H "$auth" -H 'content-type: application/json' -H 'if-match: "1"' \
    -d "$body" "$base/api/v1/patients/${editing[0]}"
}
curl -fsS -o /dev/null -H "$auth" "$base/api/v1/me"
bench_statements_of "$url" put_first
update_trips=$BENCH_ROUND_TRIPS
bench_pgbench_script update-template --version-free >/dev/null
echo "   $update_trips statements"
wrk_args=("$token")
for n in "${!editing[@]}"; do
  sed "s/${editing[0]}/${editing[$n]}/g" "$BENCH_WORK/update-template.sql" >"$BENCH_WORK/update-$n.sql"
  version=$([ "$n" = 0 ] && echo 2 || echo 1)
  wrk_args+=("${editing[$n]}=\"$version\"")
done

# pgbench, one process per patient, one client each: as the node's clients, no two
# editing the same row. Prints "transactions/s p50_ms p99_ms failures".
pgbench_updates() {
  local n pids=()
  for n in "${!editing[@]}"; do
    (cd "$BENCH_WORK" && pgbench -n -M prepared -c 1 -j 1 -T "$BENCH_SECONDS" -l --log-prefix="upd_log_$n" \
      -f "update-$n.sql" "$url" >"upd-$n.out" 2>&1) &
    pids+=($!)
  done
  wait "${pids[@]}"
  cat "$BENCH_WORK"/upd_log_* | awk '{ print $3 }' | sort -n >"$BENCH_WORK/latencies"
  rm -f "$BENCH_WORK"/upd_log_*
  local tps
  tps=$(cat "$BENCH_WORK"/upd-*.out | awk '/^tps = / { sum += $3 } END { printf "%.0f", sum }')
  awk -v tps="$tps" '{ value[NR] = $1 } END { printf "%s %.2f %.2f 0\n", tps, value[int(NR * 0.5)] / 1000, value[int(NR * 0.99)] / 1000 }' "$BENCH_WORK/latencies"
}

printf '\n%-34s %10s %9s %9s %7s\n' "side" "per second" "p50 ms" "p99 ms" "errors"
row() { printf '%-34s %10s %9s %9s %7s\n' "$1" $2; }
: >"$BENCH_WORK/ratios"
for round in $(seq 1 "$BENCH_ROUNDS"); do
  echo "-- round $round"
  live=$(bench_wrk "$base/health/live"); row "GET /health/live" "$live"
  read_app=$(bench_wrk "$base/api/v1/patients/$patient" -H "$auth"); row "GET /patients/{id}" "$read_app"
  read_pg=$(bench_pgbench "$url" "$read_script"); row "pgbench, its $read_trips statements" "$read_pg"
  update_app=$(BENCH_WRK_THREADS=$BENCH_CONNECTIONS bench_wrk "$base/api/v1/patients" -s scripts/bench/update.lua -- "${wrk_args[@]}")
  row "PUT /patients/{id} (If-Match)" "$update_app"
  before=$(psql -Atq "$url" -c "SELECT version FROM patients WHERE id = '${editing[1]}'")
  update_pg=$(pgbench_updates); row "pgbench, its $update_trips statements" "$update_pg"
  after=$(psql -Atq "$url" -c "SELECT version FROM patients WHERE id = '${editing[1]}'")
  # pgbench must do the node's work: write the row (and its event) every time.
  [ "$after" -gt "$before" ] || { echo "bench: pgbench's updates changed no row" >&2; exit 1; }
  echo "${read_app%% *} ${read_pg%% *} ${update_app%% *} ${update_pg%% *} ${live%% *}" >>"$BENCH_WORK/ratios"
done
# A round starts with the ETags of the first: each thread's first update then gets 412
# with the current ETag, and goes on from it (one error per thread and round).

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
read_ratio=$(while read -r ra rp ua up live; do ratio "$ra" "$rp"; echo; done <"$BENCH_WORK/ratios" | bench_median)
update_ratio=$(while read -r ra rp ua up live; do ratio "$ua" "$up"; echo; done <"$BENCH_WORK/ratios" | bench_median)
live_ratio=$(while read -r ra rp ua up live; do ratio "$ra" "$live"; echo; done <"$BENCH_WORK/ratios" | bench_median)
echo
echo "read:   $read_trips statements; node/pgbench throughput, median of $BENCH_ROUNDS: $read_ratio (target 0.7)"
echo "update: $update_trips statements; node/pgbench throughput, median of $BENCH_ROUNDS: $update_ratio (target 0.7)"
echo "read/health-live throughput, median: $live_ratio"
echo "where the read's time goes: $(bench_cpu_split "$node" "$base/api/v1/patients/$patient" -H "$auth")"
bench_stop_node "$node"

echo
echo "== the embedded SQLite default, same read"
port=18111
base="http://127.0.0.1:$port"
bench_start_node "$port" "sqlite://$BENCH_WORK/practica.db"
node=$BENCH_NODE
admin=$(bench_login "$base" admin "$BENCH_ADMIN_PASSWORD")
token=$(bench_user "$base" "$admin" bench-clinician clinician)
patient=$(bench_patient "$base" "$token" Ada Lovelace)
for round in $(seq 1 "$BENCH_ROUNDS"); do
  live=$(bench_wrk "$base/health/live"); row "GET /health/live (SQLite node)" "$live"
  read_app=$(bench_wrk "$base/api/v1/patients/$patient" -H "authorization: Bearer $token"); row "GET /patients/{id} (SQLite)" "$read_app"
done
bench_stop_node "$node"
