# Shared by the benchmarks in this folder: a release build, a scratch PostgreSQL
# database, nodes started and signed in to, and load from wrk and pgbench. Sourced,
# never run. Every benchmark prints its figures; BENCHMARKS.md records the latest run.
#
# PRACTICA_BENCH_DATABASE_URL names the PostgreSQL server (default: local, postgres).
# BENCH_SECONDS, BENCH_ROUNDS and BENCH_CONNECTIONS set each run's length, the number of
# alternations and the connections (wrk's and pgbench's, and each node's pool).

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

BENCH_SERVER_URL=${PRACTICA_BENCH_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
BENCH_ADMIN_PASSWORD="bench admin password"
BENCH_USER_PASSWORD="bench clinician password"
# why: load and server share this machine's cores; these are what wrk and pgbench get.
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-16}
BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_ROUNDS=${BENCH_ROUNDS:-3}

for tool in curl jq wrk pgbench psql; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install wrk postgresql-client jq curl)" >&2; exit 2; }
done

BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/practica-bench.XXXXXX")
BENCH_DATABASES=()
BENCH_NODES=()

bench_cleanup() {
  local pid database
  for pid in "${BENCH_NODES[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  for database in "${BENCH_DATABASES[@]}"; do
    psql -q "$BENCH_SERVER_URL" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$BENCH_WORK"
}
trap bench_cleanup EXIT

# PRACTICA_BENCH_BINARY runs another build (an earlier commit's, to compare) instead.
bench_build() {
  if [ -n "${PRACTICA_BENCH_BINARY:-}" ]; then
    BENCH_BINARY=$PRACTICA_BENCH_BINARY
    return
  fi
  cargo build -q --release -p api
  BENCH_BINARY="${CARGO_TARGET_DIR:-target}/release/practica"
}

# A fresh database on the benchmark server; prints its URL.
bench_database() { # name
  local database="practica_bench_$1_$$"
  psql -q "$BENCH_SERVER_URL" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null
  psql -q "$BENCH_SERVER_URL" -c "CREATE DATABASE $database" >/dev/null
  BENCH_DATABASES+=("$database")
  local server=${BENCH_SERVER_URL%%\?*} query=""
  [[ $BENCH_SERVER_URL == *\?* ]] && query="?${BENCH_SERVER_URL#*\?}"
  echo "${server%/*}/$database$query"
}

# Starts a node on PORT with DATABASE_URL and any further VAR=value settings; its pid
# is in BENCH_NODE.
bench_start_node() { # port database_url [VAR=value...]
  local port=$1 url=$2
  shift 2
  env PRACTICA_DATABASE_URL="$url" PRACTICA_ADMIN_PASSWORD="$BENCH_ADMIN_PASSWORD" \
    PRACTICA_LOG_LEVEL=warn PRACTICA_DATABASE_MAX_CONNECTIONS="$BENCH_CONNECTIONS" \
    PRACTICA_NODE_ID="bench-$port" "$@" \
    "$BENCH_BINARY" serve --listen "127.0.0.1:$port" >>"$BENCH_WORK/node-$port.log" 2>&1 &
  BENCH_NODE=$!
  BENCH_NODES+=("$BENCH_NODE")
  for _ in $(seq 1 150); do
    curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && return
    sleep 0.2
  done
  echo "bench: the node on $port did not start" >&2
  cat "$BENCH_WORK/node-$port.log" >&2
  exit 1
}

bench_stop_node() { # pid
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# An access token for USER.
bench_login() { # base_url username password
  curl -fsS -X POST "$1/api/v1/auth/login" -H 'content-type: application/json' \
    -d "$(jq -n --arg u "$2" --arg p "$3" '{username: $u, password: $p}')" | jq -r .accessToken
}

# Makes a user with ROLE (the admin's token in ADMIN_TOKEN) and prints its token.
bench_user() { # base_url admin_token username role
  curl -fsS -o /dev/null -X POST "$1/api/v1/users" -H "authorization: Bearer $2" \
    -H 'content-type: application/json' \
    -d "$(jq -n --arg u "$3" --arg p "$BENCH_USER_PASSWORD" --arg r "$4" \
      '{username: $u, displayName: $u, password: $p, roles: [$r], passwordChangeRequired: false}')"
  bench_login "$1" "$3" "$BENCH_USER_PASSWORD"
}

# Registers a patient and prints its id.
bench_patient() { # base_url token given family
  curl -fsS -X POST "$1/api/v1/patients" -H "authorization: Bearer $2" -H 'content-type: application/json' \
    -d "$(jq -n --arg g "$3" --arg f "$4" '{givenName: $g, familyName: $f, birthDate: "1980-01-01", sex: "unknown"}')" |
    jq -r .id
}

# wrk against URL for BENCH_SECONDS; prints "requests/s p50_ms p99_ms non2xx".
# Further arguments go to wrk (-s script, -H header); after `--`, to its script.
bench_wrk() { # url [wrk args...] [-- script args...]
  local url=$1 options=() script_args=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do options+=("$1"); shift; done
  [ $# -gt 0 ] && shift && script_args=("$@")
  wrk -t "${BENCH_WRK_THREADS:-2}" -c "$BENCH_CONNECTIONS" -d "${BENCH_SECONDS}s" --latency \
    "${options[@]}" "$url" -- "${script_args[@]}" >"$BENCH_WORK/wrk.out"
  awk '
    function ms(value) {
      if (value ~ /us$/) return value / 1000
      if (value ~ /ms$/) return value + 0
      if (value ~ /s$/) return value * 1000
      return value
    }
    /Requests\/sec/ { rps = $2 }
    $1 == "50.000%" || $1 == "50%" { p50 = ms($2) }
    $1 == "99.000%" || $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses/ { bad = $5 }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad }
  ' "$BENCH_WORK/wrk.out"
}

# pgbench running SCRIPT on DATABASE_URL for BENCH_SECONDS with BENCH_CONNECTIONS
# clients, prepared statements as the node sends them; prints
# "transactions/s p50_ms p99_ms failures".
bench_pgbench() { # database_url script [pgbench args...]
  local url=$1 script=$2
  shift 2
  rm -f "$BENCH_WORK"/pgbench_log.*
  (cd "$BENCH_WORK" && pgbench -n -M prepared -c "$BENCH_CONNECTIONS" -j 2 -T "$BENCH_SECONDS" \
    -l --log-prefix=pgbench_log -f "$script" "$@" "$url" >"$BENCH_WORK/pgbench.out" 2>&1) || {
    cat "$BENCH_WORK/pgbench.out" >&2
    return 1
  }
  local tps failed
  tps=$(awk '/^tps = / { printf "%.0f", $3 }' "$BENCH_WORK/pgbench.out")
  failed=$(awk '/number of failed transactions/ { print $5 }' "$BENCH_WORK/pgbench.out")
  # Per-transaction log: the third field is the latency in microseconds.
  cat "$BENCH_WORK"/pgbench_log.* | awk '{ print $3 }' | sort -n >"$BENCH_WORK/latencies"
  awk -v tps="$tps" -v failed="${failed:-0}" '
    { value[NR] = $1 }
    END { printf "%s %.2f %.2f %s\n", tps, value[int(NR * 0.5)] / 1000, value[int(NR * 0.99)] / 1000, failed }
  ' "$BENCH_WORK/latencies"
}

# The median of the numbers on standard input.
bench_median() {
  sort -g | awk '{ value[NR] = $1 } END { if (NR % 2) print value[(NR + 1) / 2]; else printf "%.2f\n", (value[NR / 2] + value[NR / 2 + 1]) / 2 }'
}

# The statements one request sends, read from PostgreSQL's own statement log: turns on
# log_statement (server-wide, as pooled connections are already open), runs COMMAND,
# prints each statement sent to DATABASE (one a line, cut short) and sets
# BENCH_ROUND_TRIPS to their count. Needs the local server's log file.
bench_statements_of() { # database_url command...
  local database=${1##*/} logfile before
  database=${database%%\?*}
  shift
  logfile=$(ls -t /var/log/postgresql/postgresql-*-main.log 2>/dev/null | head -n 1)
  [ -n "$logfile" ] || { echo "bench: no PostgreSQL log to read statements from" >&2; return 1; }
  psql -q "$BENCH_SERVER_URL" -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
  before=$(wc -l <"$logfile")
  "$@" >/dev/null
  sleep 0.5
  psql -q "$BENCH_SERVER_URL" -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
  tail -n +"$((before + 1))" "$logfile" | grep "@$database " >"$BENCH_WORK/statements.log"
  grep -E 'LOG:  (statement|execute)' "$BENCH_WORK/statements.log" |
    sed -E 's/.*LOG:  (statement|execute [^:]*): //' >"$BENCH_WORK/statements"
  BENCH_ROUND_TRIPS=$(wc -l <"$BENCH_WORK/statements")
  cut -c1-150 "$BENCH_WORK/statements" | sed 's/^/    /'
}

# A pgbench script sending the statements bench_statements_of last saw (see
# pgbench_script.py); prints its path.
bench_pgbench_script() { # name [--version-free]
  python3 scripts/bench/pgbench_script.py "$BENCH_WORK/statements.log" "${@:2}" >"$BENCH_WORK/$1.sql"
  echo "$BENCH_WORK/$1.sql"
}

# A claim of an access token (sid, sub...).
bench_claim() { # token claim
  python3 -c 'import base64, json, sys
part = sys.argv[1].split(".")[1]
print(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))[sys.argv[2]])' "$1" "$2"
}

# A Redis server of the benchmark's own on PORT (nothing kept on disk), stopped at exit.
bench_redis() { # port
  redis-server --port "$1" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$BENCH_WORK/redis-$1.log" 2>&1 &
  BENCH_NODES+=($!)
  for _ in $(seq 1 50); do redis-cli -p "$1" ping 2>/dev/null | grep -q PONG && return; sleep 0.1; done
  echo "bench: Redis on $1 did not start" >&2
  exit 1
}

# Where a request's CPU goes: runs wrk against URL (further arguments to wrk) for
# BENCH_SECONDS and prints the CPU time the node, PostgreSQL's processes and wrk spent
# per request. On a machine whose cores the three share, these add up to its capacity.
bench_cpu_split() { # node_pid url [wrk args...]
  local node=$1 url=$2 ticks_per_s
  shift 2
  ticks_per_s=$(getconf CLK_TCK)
  cpu_ticks() { local total=0 pid; for pid in "$@"; do [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done; echo "$total"; }
  local node0 pg0 node1 pg1 load seconds=$BENCH_SECONDS
  node0=$(cpu_ticks "$node"); pg0=$(cpu_ticks $(pgrep postgres))
  wrk -t 2 -c "$BENCH_CONNECTIONS" -d "${seconds}s" "$@" "$url" >"$BENCH_WORK/split.out" &
  local wrk_pid=$!
  sleep "$(awk -v s="$seconds" 'BEGIN { print s - 0.2 }')"
  load=$(cpu_ticks "$wrk_pid")
  wait "$wrk_pid"
  node1=$(cpu_ticks "$node"); pg1=$(cpu_ticks $(pgrep postgres))
  awk -v rps="$(awk '/Requests\/sec/ { print $2 }' "$BENCH_WORK/split.out")" -v s="$seconds" -v hz="$ticks_per_s" \
    -v node=$((node1 - node0)) -v pg=$((pg1 - pg0)) -v wrk_ticks="$load" 'BEGIN {
      per = 1e6 / (rps * s * hz)
      printf "%.0f requests/s; CPU per request: node %.0f us, PostgreSQL %.0f us, wrk %.0f us\n", rps, node * per, pg * per, wrk_ticks * per
    }'
}
