#!/usr/bin/env bash
# Benchmark 6: what checking a session costs as the store fills, with 10,000, 100,000
# and 1,000,000 sessions stored, on the SQL session store and on Redis: GET
# /api/v1/me (token, session check, the user's row) at each size. The filler sessions
# are copies of a real one under other ids, written straight into the store.
#
# Usage: scripts/bench/sessions.sh
source "$(dirname "$0")/lib.sh"
bench_build
redis_port=16392
bench_redis "$redis_port"
url=$(bench_database sessions)
sql() { psql -Atq "$url" -c "$1"; }

grow_sql() { # total
  sql "INSERT INTO sessions (id, user_id, refresh_token_hash, refresh_key, generation, created_at, last_seen_at,
         idle_expires_at, absolute_expires_at, version)
       SELECT gen_random_uuid(), user_id, md5(n::text) || md5('r' || n::text), refresh_key, 0, now(), now(),
         now() + interval '30 minutes', now() + interval '12 hours', 1
       FROM (SELECT user_id, refresh_key FROM sessions LIMIT 1) AS one,
            generate_series((SELECT count(*) FROM sessions) + 1, $1) AS n"
  sql "VACUUM (ANALYZE) sessions"
}

grow_redis() { # total session_id
  local have=${redis_filled:-0} record
  redis_filled=$1
  record=$(redis-cli -p "$redis_port" GET "practica:{$2}:session")
  # RESP, so that the JSON's quotes pass untouched.
  # why: through the environment, as awk -v would read escapes in the JSON.
  RECORD=$record LC_ALL=C awk -v from="$((have + 1))" -v to="$1" 'BEGIN {
    record = ENVIRON["RECORD"]
    for (n = from; n < to; n++) {
      key = sprintf("practica:{00000000-0000-4000-8000-%012d}:session", n)
      printf "*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$2\r\nPX\r\n$8\r\n43200000\r\n", length(key), key, length(record), record
    }
  }' | redis-cli -p "$redis_port" --pipe >/dev/null
}

echo "== session check as the store grows: GET /api/v1/me, $BENCH_CONNECTIONS connections"
for backend in sql redis; do
  port=$([ $backend = sql ] && echo 18150 || echo 18151)
  base="http://127.0.0.1:$port"
  bench_start_node "$port" "$url" PRACTICA_SESSION_BACKEND=$backend PRACTICA_REDIS_URL="redis://127.0.0.1:$redis_port" \
    PRACTICA_NODE_ID="bench-$backend"
  admin=$(bench_login "$base" admin "$BENCH_ADMIN_PASSWORD")
  token=$(bench_user "$base" "$admin" "checked-$backend" clinician)
  session=$(bench_claim "$token" sid)
  [ "$backend" = sql ] && sql_session=$session
  for total in 10000 100000 1000000; do
    "grow_$backend" "$total" "$session"
    read -r rps p50 p99 errors <<<"$(bench_wrk "$base/api/v1/me" -H "authorization: Bearer $token")"
    printf '%-6s %9s sessions stored: %7s/s  p50 %5s ms  p99 %6s ms  errors %s\n' "$backend" "$total" "$rps" "$p50" "$p99" "$errors"
  done
  bench_stop_node "$BENCH_NODE"
done
echo "-- the session check's plan at 1,000,000 rows (SQL store)"
sql "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
     SELECT *, CAST(CURRENT_TIMESTAMP AS TEXT) FROM sessions WHERE id = '$sql_session' LIMIT 1" | sed 's/^/    /'
echo "-- Redis: one GET of the session's key, whatever the count ($(redis-cli -p "$redis_port" dbsize) keys)"
