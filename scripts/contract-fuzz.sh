#!/usr/bin/env bash
# Fuzzes a live practica server against openapi.yaml with Schemathesis: every operation,
# generated requests (valid and invalid) and stateful sequences, with every check on (no
# 5xx; status codes, content types, headers and bodies as documented; valid data accepted
# and invalid data refused; nothing used after it was deleted; authentication required
# where declared). schemathesis.toml holds the few exceptions, each with its reason.
#
#   scripts/contract-fuzz.sh BASE_URL ADMIN_PASSWORD [EXAMPLES_PER_OPERATION]
#
# Clinical operations run with a clinician's token (made for the run), the rest with the
# admin's. Operations that end the caller's own session by design (logout, revoking
# sessions, a password change) are left out: the run proves its sessions lived to the
# end, so that no case was a mere 401. Needs curl, jq and Schemathesis
# (`pip install schemathesis`; $SCHEMATHESIS names another command).
set -euo pipefail
cd "$(dirname "$0")/.."

base=${1:?usage: $0 BASE_URL ADMIN_PASSWORD [EXAMPLES_PER_OPERATION]}
base=${base%/}
admin_password=${2:?the admin password}
examples=${3:-30}
schemathesis=${SCHEMATHESIS:-schemathesis}
report=$(mktemp -d)
trap 'rm -rf "$report"' EXIT

login() { # username password
  jq -n --arg u "$1" --arg p "$2" '{username: $u, password: $p}' |
    curl -fsS -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' -d @- |
    jq -r .accessToken
}

# Prints the Authorization header for curl's `-H @file`, off the command line.
bearer() { printf 'Authorization: Bearer %s\n' "$1"; }

admin=$(login admin "$admin_password")

clinical='^(search_patients|create_patient|get_patient|update_patient|archive_patient_record|list_documents|upload_document|get_document|update_document|delete_document|download_content|list_notes|write_note|get_note|revise_note|add_addendum|sign_note|record_problem|list_problems|get_problem|revise_problem|record_allergy|list_allergies|get_allergy|revise_allergy|state_no_known_allergies|get_no_known_allergies|record_medication|list_medications|get_medication|revise_medication|record_vitals|list_vitals|get_vitals|revise_vitals|record_immunization|list_immunizations|get_immunization|revise_immunization|chart_summary|list_appointments|book_appointment|get_appointment|change_appointment|list_providers|lock_status|acquire_lock|renew_lock|release_lock|get_me)$'
administrative='^(list_jobs|run_now|list_runs|break_lock|list_nodes|list_notifications|list_audit_events|login|refresh|list_sessions|list_users|create_user|get_user|update_user|live|ready)$'

fuzz() { # label token operation-id-regex
  echo "== $1 operations"
  # why: the token reaches Schemathesis through the environment (schemathesis.toml),
  # never on a command line, where any process could read it.
  PRACTICA_FUZZ_TOKEN="$2" "$schemathesis" run openapi.yaml --url "$base" \
    --include-operation-id-regex "$3" \
    --checks all \
    --exclude-deprecated \
    --max-examples "$examples" \
    --seed 20261126 \
    --report junit --report-dir "$report/$1" \
    --no-color
}

status=0
# why: the administrative run first, and the clinician made after it: that run changes
# and deactivates the accounts it finds, which would end the clinician's session. (It
# cannot end the admin's own: no administrator may deactivate or demote themselves.)
fuzz administrative "$admin" "$administrative" || status=1
clinician_name="fuzz-$(date +%s)-$$"
clinician_password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
jq -n --arg u "$clinician_name" --arg p "$clinician_password" \
  '{username: $u, password: $p, displayName: "Dr Fuzz", roles: ["clinician"], specialty: "Family medicine", passwordChangeRequired: false}' |
  curl -fsS -o /dev/null -X POST "$base/api/v1/users" -H @<(bearer "$admin") \
    -H 'content-type: application/json' -d @-
clinician=$(login "$clinician_name" "$clinician_password")
fuzz clinical "$clinician" "$clinical" || status=1

# The retired `DELETE /api/v1/patients/{id}` archives (the record stays readable), which
# is why it was retired: Schemathesis reads a DELETE as deletion, so its use-after-free
# check is left off for this one operation.
echo "== retired operations"
PRACTICA_FUZZ_TOKEN="$clinician" "$schemathesis" run openapi.yaml --url "$base" \
  --include-operation-id archive_patient \
  --phases examples,coverage,fuzzing \
  --checks all \
  --exclude-checks use_after_free \
  --max-examples "$examples" \
  --seed 20261126 \
  --no-color || status=1

for who in clinician admin; do
  token=$([ "$who" = clinician ] && echo "$clinician" || echo "$admin")
  answered=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/me" -H @<(bearer "$token"))
  echo "== the $who's session after the run: GET /api/v1/me $answered"
  [ "$answered" = 200 ] || status=1
done
exit $status
