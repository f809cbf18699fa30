#!/usr/bin/env bash
# Benchmark 3: a patient search by name prefix as the patients table grows to 100,000
# rows, and the audit list as the trail grows to 1,000,000 events: latency stays flat
# (PostgreSQL's plans printed at the largest size). Rows beyond the first few are
# written straight into the database, shaped as the node writes them.
#
# Usage: scripts/bench/search.sh
source "$(dirname "$0")/lib.sh"
bench_build
url=$(bench_database search)
port=18130
base="http://127.0.0.1:$port"
bench_start_node "$port" "$url"
admin=$(bench_login "$base" admin "$BENCH_ADMIN_PASSWORD")
token=$(bench_user "$base" "$admin" bench-clinician clinician)
patient=$(bench_patient "$base" "$token" Ada Lovelace)
sql() { psql -Atq "$url" -c "$1"; }

# Patients named from the letters a-p: a three-letter prefix finds 1 in 4,096 of them,
# a one-letter prefix 1 in 16.
grow_patients() { # total
  sql "INSERT INTO patients (id, mrn, given_name, family_name, given_name_search, family_name_search,
         birth_date, sex, address_lines, active, version, created_at, updated_at)
       SELECT gen_random_uuid(), 'B' || lpad(to_hex(n), 10, '0'), g, f, lower(g), lower(f),
         DATE '1950-01-01' + (n % 20000)::int, 'unknown', '[]', true, 1, now(), now()
       FROM (SELECT n, initcap(translate(substr(md5(n::text), 1, 7), '0123456789', 'abcdefghij')) AS g,
                       initcap(translate(substr(md5('f' || n::text), 1, 8), '0123456789', 'abcdefghij')) AS f
             FROM generate_series((SELECT count(*) FROM patients) + 1, $1) AS n) AS names"
  sql "VACUUM (ANALYZE) patients"
}

# Audit events of 50 patients by one actor, as reads.
grow_audit() { # total
  sql "INSERT INTO audit_events (id, actor_id, session_id, action, resource_type, resource_id, patient_id,
         occurred_at, node_id, request_id, outcome)
       SELECT gen_random_uuid(), a.actor_id, a.session_id, 'read', 'patient', p, p,
         now() - make_interval(secs => n), 'bench', 'bench-' || n, 'success'
       FROM (SELECT actor_id, session_id FROM audit_events LIMIT 1) AS a,
            LATERAL (SELECT n, (SELECT id FROM patients ORDER BY id OFFSET (n % 50) LIMIT 1) AS p
                     FROM generate_series((SELECT count(*) FROM audit_events) + 1, $1) AS n) AS rows"
  sql "VACUUM (ANALYZE) audit_events"
}

latency() { # label url token
  local figures
  figures=$(BENCH_SECONDS=4 BENCH_CONNECTIONS=4 bench_wrk "$2" -H "authorization: Bearer $3")
  printf '%-44s %8s/s  p50 %6s ms  p99 %6s ms\n' "$1" $(echo "$figures" | cut -d' ' -f1-3)
}

echo "== patient search, GET /api/v1/patients?q=...&limit=20"
for total in 1000 10000 100000; do
  grow_patients "$total"
  prefix3=$(sql "SELECT family_name_search FROM patients WHERE mrn LIKE 'B%' ORDER BY mrn LIMIT 1" | cut -c1-3)
  latency "$total patients, q=$prefix3 ($(sql "SELECT count(*) FROM patients WHERE family_name_search LIKE '$prefix3%' OR given_name_search LIKE '$prefix3%'") match)" \
    "$base/api/v1/patients?q=$prefix3&limit=20" "$token"
  prefix5=$(sql "SELECT family_name_search FROM patients WHERE mrn LIKE 'B%' ORDER BY mrn DESC LIMIT 1" | cut -c1-5)
  latency "$total patients, q=$prefix5 ($(sql "SELECT count(*) FROM patients WHERE family_name_search LIKE '$prefix5%' OR given_name_search LIKE '$prefix5%'") match)" \
    "$base/api/v1/patients?q=$prefix5&limit=20" "$token"
  latency "$total patients, q=b ($(sql "SELECT count(*) FROM patients WHERE family_name_search LIKE 'b%' OR given_name_search LIKE 'b%'") match)" \
    "$base/api/v1/patients?q=b&limit=20" "$token"
done
for prefix in b "$prefix5"; do
  echo "-- the plan at 100,000 patients, q=$prefix"
  sql "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
       SELECT * FROM patients WHERE (family_name_search LIKE '$prefix%' OR given_name_search LIKE '$prefix%')
         AND archived_at IS NULL ORDER BY id LIMIT 21" | sed 's/^/    /'
done

echo "== audit list, GET /api/v1/audit?limit=50"
curl -fsS -o /dev/null -H "authorization: Bearer $token" "$base/api/v1/patients/$patient"
someone=$(sql "SELECT id FROM patients ORDER BY id LIMIT 1")
for total in 10000 100000 1000000; do
  grow_audit "$total"
  latency "$total events, first page" "$base/api/v1/audit?limit=50" "$admin"
  latency "$total events, one patient's" "$base/api/v1/audit?limit=50&patientId=$someone" "$admin"
  cursor=$(curl -fsS -H "authorization: Bearer $admin" "$base/api/v1/audit?limit=200&patientId=$someone" | jq -r '.nextCursor // empty')
  [ -n "$cursor" ] && latency "$total events, one patient's, a later page" \
    "$base/api/v1/audit?limit=50&patientId=$someone&cursor=$cursor" "$admin"
done
echo "-- the plan at 1,000,000 events, one patient's"
sql "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
     SELECT * FROM audit_events WHERE patient_id = '$someone' ORDER BY id LIMIT 51" | sed 's/^/    /'
