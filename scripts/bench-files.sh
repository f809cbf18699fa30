#!/usr/bin/env bash
# The toll of keeping files in the database: uploads and downloads a 500 MiB and a
# 1 MiB file through the API on PostgreSQL, with the SQL file store and with the
# directory file store, beside a plain read of the same file from disk, and reports
# the server's peak memory above idle.
#
# Usage: scripts/bench-files.sh [BIG_MiB]   (PRACTICA_BENCH_DATABASE_URL overrides the server)
set -euo pipefail
cd "$(dirname "$0")/.."
big_mib=${1:-500}
server_url=${PRACTICA_BENCH_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
target_dir=${CARGO_TARGET_DIR:-target}
port=18095
cargo build -q --release -p api
binary="$target_dir/release/practica"

work=$(mktemp -d)
database="practica_bench_$(date +%s)"
admin_url="$server_url"
bench_url="${server_url%/*}/$database"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
psql -q "$admin_url" -c "CREATE DATABASE $database" >/dev/null

make_pdf() { # size in MiB -> a file that sniffs as PDF
  { printf '%%PDF-1.7\n'; head -c $(( $1 * 1024 * 1024 - 9 )) /dev/urandom; } > "$2"
}
make_pdf "$big_mib" "$work/big.pdf"
make_pdf 1 "$work/small.pdf"

rss_kib() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
mib_per_s() { awk -v bytes="$1" -v seconds="$2" 'BEGIN { printf "%.0f", bytes / 1048576 / seconds }'; }

start_server() { # backend
  PRACTICA_DATABASE_URL="$bench_url" PRACTICA_ADMIN_PASSWORD="bench admin password" \
    PRACTICA_LOG_LEVEL=warn PRACTICA_FILE_BACKEND="$1" PRACTICA_FILE_DIRECTORY="$work/files" \
    PRACTICA_MAX_UPLOAD_BYTES=$(( 2 * 1024 * 1024 * 1024 )) \
    "$binary" serve --listen "127.0.0.1:$port" >>"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && return; sleep 0.1; done
  echo "the server did not start" >&2; cat "$work/server.log" >&2; exit 1
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

api() { curl -fsS -H "authorization: Bearer $token" "$@"; }

run_backend() { # backend
  start_server "$1"
  token=$(curl -fsS -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"username":"admin","password":"bench admin password"}' | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')
  # An admin may not touch patient data: make a front-desk user for the run.
  curl -fsS -o /dev/null -X POST "http://127.0.0.1:$port/api/v1/users" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' \
    -d "{\"username\":\"desk-$1\",\"displayName\":\"Desk\",\"password\":\"bench desk password\",\"roles\":[\"front_desk\"]}"
  token=$(curl -fsS -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"desk-$1\",\"password\":\"bench desk password\"}" | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')
  patient=$(api -X POST "http://127.0.0.1:$port/api/v1/patients" -H 'content-type: application/json' \
    -d '{"givenName":"Bench","familyName":"Mark","birthDate":"1980-01-01","sex":"unknown"}' | sed 's/.*"id":"\([^"]*\)".*/\1/' | head -c 36)
  idle=$(rss_kib "$server" VmRSS)
  for file in big small; do
    bytes=$(stat -c %s "$work/$file.pdf")
    # A fresh title per run makes a fresh document; -T streams the file from disk.
    up=$(api -o "$work/doc.json" -w '%{time_total}' -X POST -H 'content-type: application/pdf' \
      -T "$work/$file.pdf" "http://127.0.0.1:$port/api/v1/patients/$patient/documents?title=$file&category=imaging")
    id=$(sed 's/.*"id":"\([^"]*\)".*/\1/' "$work/doc.json" | head -c 36)
    down=$(api -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/api/v1/documents/$id/content")
    printf '%-9s %-6s %9s MiB/s up %9s MiB/s down\n' "$1" "$file" "$(mib_per_s "$bytes" "$up")" "$(mib_per_s "$bytes" "$down")"
  done
  peak=$(rss_kib "$server" VmHWM)
  printf '%-9s peak RSS %d MiB, idle %d MiB: %d MiB above idle\n' "$1" $(( peak / 1024 )) $(( idle / 1024 )) $(( (peak - idle) / 1024 ))
  stop_server
}

echo "files: ${big_mib} MiB and 1 MiB, PostgreSQL at ${server_url%%@*}@..., $(nproc) cores"
run_backend sql
run_backend directory
start=$(date +%s.%N)
cat "$work/big.pdf" > /dev/null
end=$(date +%s.%N)
printf '%-9s %-6s %9s MiB/s read (page cache)\n' "disk" "big" "$(mib_per_s "$(stat -c %s "$work/big.pdf")" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')")"
