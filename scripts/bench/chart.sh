#!/usr/bin/env bash
# Benchmark 8: the chart summary (GET /api/v1/patients/{id}/chart), one request for the
# first screen, against a patient's plain read, on a small chart and on one grown to
# hundreds of entries per list: the statements it sends (PostgreSQL's own log) and its
# latency stay the same, however full the chart.
#
# Usage: scripts/bench/chart.sh
source "$(dirname "$0")/lib.sh"
bench_build
url=$(bench_database chart)
port=18190
base="http://127.0.0.1:$port"
bench_start_node "$port" "$url" PRACTICA_RUN_JOBS=false
admin=$(bench_login "$base" admin "$BENCH_ADMIN_PASSWORD")
token=$(bench_user "$base" "$admin" bench-clinician clinician)
patient=$(bench_patient "$base" "$token" Ada Lovelace)

post() { # path body
  curl -fsS -o /dev/null -X POST "$base$1" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' -d "$2"
}

# COUNT more entries in each of the patient's lists (vitals: COUNT sets, a minute apart).
grow_chart() { # from count
  local n
  for n in $(seq "$1" $(($1 + $2 - 1))); do
    post "/api/v1/patients/$patient/problems" "{\"description\": \"Problem $n\"}"
    post "/api/v1/patients/$patient/allergies" "{\"substance\": \"Substance $n\", \"category\": \"food\"}"
    post "/api/v1/patients/$patient/medications" "{\"drug\": \"Drug $n\", \"dose\": \"1 tablet\"}"
    post "/api/v1/patients/$patient/vitals" \
      "{\"takenAt\": \"$(date -u -d "-$n minutes" +%Y-%m-%dT%H:%M:%SZ)\", \"pulsePerMin\": 70, \"heightCm\": 170, \"weightKg\": 70}"
    post "/api/v1/patients/$patient/immunizations" "{\"vaccine\": \"Vaccine $n\", \"date\": \"2026-01-01\"}"
    post "/api/v1/patients/$patient/notes" "{\"subjective\": \"Visit $n\"}"
  done
}

latency() { # label url
  local figures
  figures=$(bench_wrk "$2" -H "authorization: Bearer $token")
  printf '%-48s %8s/s  p50 %6s ms  p99 %6s ms\n' "$1" $(echo "$figures" | cut -d' ' -f1-3)
}

statements() { # label
  bench_statements_of "$url" curl -fsS "$base/api/v1/patients/$patient/chart" \
    -H "authorization: Bearer $token" >/dev/null
  printf '%-48s %8s statements\n' "$1" "$BENCH_ROUND_TRIPS"
}

grow_chart 1 1
echo "== one entry in each list"
statements "GET /chart, statements sent"
latency "GET /patients/{id} (the plain read, for scale)" "$base/api/v1/patients/$patient"
latency "GET /patients/{id}/chart" "$base/api/v1/patients/$patient/chart"

grow_chart 2 299
echo "== 300 entries in each list (the summary shows at most 100 of a list)"
statements "GET /chart, statements sent"
latency "GET /patients/{id}/chart" "$base/api/v1/patients/$patient/chart"
echo "   the answer: $(curl -fsS "$base/api/v1/patients/$patient/chart" -H "authorization: Bearer $token" | wc -c) bytes"
