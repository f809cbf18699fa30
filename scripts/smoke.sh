#!/usr/bin/env bash
# smoke.sh: a smoke test of a live practica server, through its public API only.
#
# Usage:
#   scripts/smoke.sh BASE_URL [USER [PASS [NEW_PASS]]]
#   scripts/smoke.sh http://127.0.0.1:8080 admin 'password'
#   PRACTICA_ADMIN_PASSWORD='password' scripts/smoke.sh http://127.0.0.1:8080
#
# USER is an admin account (default `admin`); PASS defaults to $PRACTICA_ADMIN_PASSWORD.
# An account whose password was made for it (the first admin's random one, logged at the
# first start) must change it before anything else: give NEW_PASS (or set
# SMOKE_NEW_ADMIN_PASSWORD) and the smoke test changes it first, as step 2b; the
# admin's password is NEW_PASS from then on.
#
# It walks the main flows, one line per step: readiness; the admin's login; a new
# clinician account (a unique `smoke-...` username, a random password) and its login;
# a patient registered (Idempotency-Key, and its replay), read (ETag), updated (If-Match)
# and a stale update refused (412); an appointment booked with the clinician a day from
# now; a draft note locked, revised and signed under its lock, the lock released; a
# document uploaded (Content-Digest), downloaded whole (SHA-256 compared), as a byte
# range (206) and conditionally (304); the clinician's logout, after which its access
# token is refused (401); and last, the smoke clinician deactivated and the admin
# logged out.
#
# Every request carries `X-Request-Id: smoke-<step>`, so the server's log shows it. On
# an unexpected status it prints the step, the expected and actual status and the
# response body, and exits 1 (2 for bad usage or a missing tool). Access tokens and
# passwords are never printed, nor passed on curl's command line (they go through
# files in a private temporary directory, removed on exit); only the note's lock token,
# which the API takes in a header and in its URL, is.
#
# It leaves records behind, as a real user would: the patient (with its appointment,
# signed note and document), the clinician account (deactivated at the end, or by the
# clean-up after a failure), the audit trail. After a failure it logs out the sessions
# it opened.
#
# Needs: bash, curl, jq, sha256sum and base64 (coreutils), GNU or BSD date.

set -euo pipefail

die_usage() {
    echo "usage: $0 BASE_URL [USER [PASS [NEW_PASS]]]   (PASS defaults to \$PRACTICA_ADMIN_PASSWORD)" >&2
    [[ $# -gt 0 ]] && echo "smoke: $*" >&2
    exit 2
}

[[ $# -ge 1 && $# -le 4 ]] || die_usage
BASE_URL=${1%/}
ADMIN_USER=${2:-admin}
ADMIN_PASS=${3:-${PRACTICA_ADMIN_PASSWORD:-}}
NEW_ADMIN_PASS=${4:-${SMOKE_NEW_ADMIN_PASSWORD:-}}
[[ -n $BASE_URL ]] || die_usage "BASE_URL is empty"
[[ -n $ADMIN_PASS ]] || die_usage "no password: give PASS or set PRACTICA_ADMIN_PASSWORD"

for tool in curl jq sha256sum base64; do
    if ! command -v "$tool" > /dev/null 2>&1; then
        echo "smoke: $tool is required but not installed" >&2
        exit 2
    fi
done

umask 077
WORK=$(mktemp -d "${TMPDIR:-/tmp}/practica-smoke.XXXXXX")
BODY=$WORK/body       # the last response's body
HEADERS=$WORK/headers # the last response's headers
AUTH=$WORK/auth       # the `Authorization` header curl sends, when signed in
ADMIN_AUTH=$WORK/admin-auth
CLIN_AUTH=$WORK/clinician-auth

CLIN_ID=''
CLIN_ETAG=''

# Best effort, after a failure: deactivate the smoke clinician and end the sessions this
# run opened; then remove the files.
cleanup() {
    local quiet=(-sS -o /dev/null --max-time 10 -H 'X-Request-Id: smoke-cleanup')
    if [[ -s $CLIN_AUTH ]]; then
        curl "${quiet[@]}" -X POST "$BASE_URL/api/v1/auth/logout" -H "@$CLIN_AUTH" 2> /dev/null || true
    fi
    if [[ -s $ADMIN_AUTH ]]; then
        if [[ -n $CLIN_ID ]]; then
            curl "${quiet[@]}" -X PATCH "$BASE_URL/api/v1/users/$CLIN_ID" -H "@$ADMIN_AUTH" \
                -H "If-Match: $CLIN_ETAG" -H 'Content-Type: application/json' \
                --data-binary '{"active":false}' 2> /dev/null || true
        fi
        curl "${quiet[@]}" -X POST "$BASE_URL/api/v1/auth/logout" -H "@$ADMIN_AUTH" 2> /dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

STATUS=''
STEP_NAME=''

# call STEP EXPECTED METHOD PATH [curl args...]
# Sends one request (with `X-Request-Id: smoke-STEP`, and the current Authorization when
# signed in); the body lands in $BODY, the headers in $HEADERS, the status in $STATUS.
# Any status but EXPECTED ends the run, showing the body.
call() {
    local step=$1 expected=$2 method=$3 path=$4
    shift 4
    local auth=()
    [[ -s $AUTH ]] && auth=(-H "@$AUTH")
    : > "$BODY"
    : > "$HEADERS"
    if ! STATUS=$(curl -sS --max-time 60 -o "$BODY" -D "$HEADERS" -w '%{http_code}' \
        -X "$method" "$BASE_URL$path" -H "X-Request-Id: smoke-$step" \
        ${auth[@]+"${auth[@]}"} "$@"); then
        STATUS=${STATUS:-000}
    fi
    if [[ $STATUS != "$expected" ]]; then
        echo "FAILED"
        {
            echo "FAILED step $step: $STEP_NAME"
            echo "   request:  $method $path (X-Request-Id: smoke-$step)"
            echo "   expected: $expected"
            echo "   actual:   $STATUS"
            show_body
        } >&2
        exit 1
    fi
}

show_body() {
    echo "   body:"
    if [[ ! -s $BODY ]]; then
        echo "   (empty)"
    elif jq . "$BODY" > /dev/null 2>&1; then
        jq . "$BODY"
    else
        cat "$BODY"
        echo
    fi
}

# fail STEP MESSAGE: a check after the expected status failed; shows the last body.
fail() {
    echo "FAILED"
    {
        echo "FAILED step $1: $STEP_NAME: $2 (status $STATUS)"
        show_body
    } >&2
    exit 1
}

step() { STEP_NAME=$2; printf '== %s. %s ... ' "$1" "$2"; }
ok() { echo "$STATUS${1:+ ($1)}"; }

# header NAME: the last response's header NAME (empty when absent).
header() {
    { grep -i "^$1:" "$HEADERS" || true; } | tail -n 1 | cut -d: -f2- | tr -d '\r' \
        | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//'
}

# json FILTER: a value from the last JSON body (`null` when absent).
json() {
    jq -r "$1" "$BODY" 2> /dev/null && return
    { echo; echo "FAILED step $STEP: $STEP_NAME: the body is not the JSON expected"; } >&2
    show_body >&2
    return 1
}

# sign_in_as FILE USERNAME PASSWORD: logs in, stores `Authorization: Bearer ...` in FILE.
sign_in_as() {
    local file=$1
    jq -n --arg u "$2" --arg p "$3" '{username: $u, password: $p}' > "$WORK/login.json"
    : > "$AUTH"
    call "$STEP" 200 POST /api/v1/auth/login \
        -H 'Content-Type: application/json' --data-binary "@$WORK/login.json"
    rm -f "$WORK/login.json"
    local type
    type=$(json .tokenType)
    MUST_CHANGE_PASSWORD=$(json .passwordChangeRequired)
    jq -r '"Authorization: Bearer " + (.accessToken // "")' "$BODY" > "$file"
    jq -c '{refreshToken: .refreshToken}' "$BODY" > "$file.refresh"
    : > "$BODY" # the tokens, shown by no failure
    [[ $type == Bearer && $(wc -c < "$file") -gt 30 ]] || fail "$STEP" "no Bearer access token"
}

use_auth() { cp "$1" "$AUTH"; }

# change_password FILE CURRENT NEW: PUT /api/v1/me/password with the session in FILE, then
# the refresh its answer asks for (the token in hand still carries the restriction),
# which stores the new access token in FILE.
change_password() {
    local file=$1
    use_auth "$file"
    jq -n --arg c "$2" --arg n "$3" '{currentPassword: $c, newPassword: $n}' > "$WORK/password.json"
    call "$STEP" 204 PUT /api/v1/me/password \
        -H 'Content-Type: application/json' --data-binary "@$WORK/password.json"
    rm -f "$WORK/password.json"
    [[ $(header Practica-Refresh-Required) == true ]] || fail "$STEP" "no 'Practica-Refresh-Required: true'"
    : > "$AUTH"
    call "$STEP" 200 POST /api/v1/auth/refresh \
        -H 'Content-Type: application/json' --data-binary "@$file.refresh"
    [[ $(json .passwordChangeRequired) == false ]] || fail "$STEP" "the refreshed token is still restricted"
    jq -r '"Authorization: Bearer " + (.accessToken // "")' "$BODY" > "$file"
    jq -c '{refreshToken: .refreshToken}' "$BODY" > "$file.refresh"
    : > "$BODY"
}

# iso8601 OFFSET_SECONDS: UTC time that far from now, RFC 3339, whole minutes.
iso8601() {
    local at=$(($(date -u +%s) / 60 * 60 + $1))
    date -u -d "@$at" +%Y-%m-%dT%H:%M:%SZ 2> /dev/null || date -u -r "$at" +%Y-%m-%dT%H:%M:%SZ
}

RUN=$(date -u +%Y%m%d%H%M%S)-$$
echo "practica smoke test of $BASE_URL (run $RUN)"

# 1. readiness
STEP=1
step $STEP "readiness GET /health/ready"
call $STEP 200 GET /health/ready
[[ $(json .status) == ready ]] || fail $STEP "status is not ready"
ok "$(json '[.components[] | "\(.name) \(.status)"] | join(", ")')"

# 2. the admin signs in
STEP=2
step $STEP "log in as $ADMIN_USER"
sign_in_as "$ADMIN_AUTH" "$ADMIN_USER" "$ADMIN_PASS"
if [[ $MUST_CHANGE_PASSWORD == true ]]; then
    ok "the password was made for the account and must be changed first"
    [[ -n $NEW_ADMIN_PASS ]] || {
        echo "smoke: $ADMIN_USER must change its password before anything else; run again with" >&2
        echo "smoke: a new one as the fourth argument: $0 $BASE_URL $ADMIN_USER 'PASS' 'NEW_PASS'" >&2
        exit 1
    }
    STEP=2b
    step $STEP "change $ADMIN_USER's made password (PUT /api/v1/me/password), then refresh"
    change_password "$ADMIN_AUTH" "$ADMIN_PASS" "$NEW_ADMIN_PASS"
    ADMIN_PASS=$NEW_ADMIN_PASS
fi
ok

# 3. a clinician account, and its login
STEP=3a
CLIN_USER=smoke-clin-$RUN
CLIN_PASS=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')
step $STEP "create clinician $CLIN_USER (POST /api/v1/users)"
use_auth "$ADMIN_AUTH"
jq -n --arg u "$CLIN_USER" --arg p "$CLIN_PASS" \
    '{username: $u, displayName: "Dr Smoke Test", password: $p,
      roles: ["clinician"], specialty: "Smoke testing"}' > "$WORK/user.json"
call $STEP 201 POST /api/v1/users -H 'Content-Type: application/json' --data-binary "@$WORK/user.json"
rm -f "$WORK/user.json"
CLIN_ID=$(json .id)
CLIN_ETAG=$(header ETag)
[[ $(json '.roles | index("clinician") != null') == true ]] || fail $STEP "no clinician role"
ok "id $CLIN_ID"

STEP=3b
step $STEP "log in as $CLIN_USER: the admin made its password, so it must change it"
sign_in_as "$CLIN_AUTH" "$CLIN_USER" "$CLIN_PASS"
[[ $MUST_CHANGE_PASSWORD == true ]] || fail $STEP "an account the admin made is not told to change its password"
ok

STEP=3c
step $STEP "the clinician changes its password (PUT /api/v1/me/password), then refreshes"
NEW_CLIN_PASS=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')
change_password "$CLIN_AUTH" "$CLIN_PASS" "$NEW_CLIN_PASS"
CLIN_PASS=$NEW_CLIN_PASS
# The account changed with its password: its new ETag, for the deactivation at the end.
use_auth "$ADMIN_AUTH"
call $STEP 200 GET "/api/v1/users/$CLIN_ID"
[[ $(json .passwordChangeRequired) == false ]] || fail $STEP "the account still must change its password"
CLIN_ETAG=$(header ETag)
use_auth "$CLIN_AUTH"
ok "account ETag $CLIN_ETAG"

# 4. register a patient, then replay the same Idempotency-Key
STEP=4a
IDEM_KEY=smoke-patient-$RUN
step $STEP "register a patient (Idempotency-Key $IDEM_KEY)"
PATIENT_JSON=$(jq -nc --arg f "Smoke-$RUN" \
    '{givenName: "Test", familyName: $f, birthDate: "1980-01-31", sex: "unknown"}')
call $STEP 201 POST /api/v1/patients -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $IDEM_KEY" --data-binary "$PATIENT_JSON"
PATIENT_ID=$(json .id)
[[ $(header Location) == "/api/v1/patients/$PATIENT_ID" ]] || fail $STEP "Location is '$(header Location)'"
ok "id $PATIENT_ID, $(json .mrn)"

STEP=4b
step $STEP "replay the registration (same key)"
call $STEP 201 POST /api/v1/patients -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $IDEM_KEY" --data-binary "$PATIENT_JSON"
[[ $(json .id) == "$PATIENT_ID" ]] || fail $STEP "a second patient: $(json .id)"
[[ $(header Idempotent-Replayed) == true ]] || fail $STEP "no 'Idempotent-Replayed: true'"
ok "same id, Idempotent-Replayed: true"

# 5. read it back
STEP=5
step $STEP "read the patient back"
call $STEP 200 GET "/api/v1/patients/$PATIENT_ID"
ETAG1=$(header ETag)
[[ -n $ETAG1 ]] || fail $STEP "no ETag"
[[ $(json .familyName) == "Smoke-$RUN" ]] || fail $STEP "not the patient registered"
ok "ETag $ETAG1"

# 6. update it with If-Match; the old ETag is then stale
STEP=6a
step $STEP "update the patient (If-Match $ETAG1)"
call $STEP 200 PUT "/api/v1/patients/$PATIENT_ID" -H 'Content-Type: application/json' \
    -H "If-Match: $ETAG1" \
    --data-binary "$(jq -c '. + {phone: "+1 555 0100"}' <<< "$PATIENT_JSON")"
ETAG2=$(header ETag)
[[ -n $ETAG2 && $ETAG2 != "$ETAG1" ]] || fail $STEP "ETag unchanged: '$ETAG2'"
ok "ETag $ETAG2"

STEP=6b
step $STEP "update again with the old ETag $ETAG1"
call $STEP 412 PUT "/api/v1/patients/$PATIENT_ID" -H 'Content-Type: application/json' \
    -H "If-Match: $ETAG1" --data-binary "$PATIENT_JSON"
[[ $(json .code) == precondition_failed ]] || fail $STEP "code is not precondition_failed"
ok "$(json .code), currentVersion $(json .currentVersion)"

# 7. book an appointment with the clinician, tomorrow
STEP=7a
step $STEP "find the clinician in GET /api/v1/schedule/providers"
call $STEP 200 GET /api/v1/schedule/providers
PROVIDER_ID=$(jq -r --arg id "$CLIN_ID" '.items | map(select(.id == $id)) | .[0].id // empty' "$BODY")
[[ -n $PROVIDER_ID ]] || fail $STEP "the new clinician is not listed"
ok "$(json '.items | length') providers"

STEP=7b
START=$(iso8601 86400)
END=$(iso8601 88200)
step $STEP "book an appointment $START"
call $STEP 201 POST /api/v1/appointments -H 'Content-Type: application/json' \
    -H "Idempotency-Key: smoke-appointment-$RUN" \
    --data-binary "$(jq -nc --arg p "$PATIENT_ID" --arg d "$PROVIDER_ID" --arg s "$START" \
        --arg e "$END" '{patientId: $p, providerId: $d, start: $s, end: $e, reason: "smoke test"}')"
APPOINTMENT_ID=$(json .id)
[[ $(json .status) == scheduled ]] || fail $STEP "status is not scheduled"
ok "id $APPOINTMENT_ID"

# 8. a note: drafted, locked, revised and signed under the lock, the lock released
STEP=8a
step $STEP "draft a note"
call $STEP 201 POST "/api/v1/patients/$PATIENT_ID/notes" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: smoke-note-$RUN" \
    --data-binary "$(jq -nc --arg a "$APPOINTMENT_ID" \
        '{appointmentId: $a, subjective: "Smoke test.", objective: "", assessment: "", plan: ""}')"
NOTE_ID=$(json .id)
NOTE_ETAG=$(header ETag)
[[ $(json .status) == draft ]] || fail $STEP "status is not draft"
ok "id $NOTE_ID, ETag $NOTE_ETAG"

STEP=8b
step $STEP "lock notes/$NOTE_ID"
call $STEP 201 POST /api/v1/locks -H 'Content-Type: application/json' \
    --data-binary "$(jq -nc --arg r "notes/$NOTE_ID" '{resource: $r, ttlSeconds: 120}')"
LOCK_TOKEN=$(json '.token // empty')
[[ -n $LOCK_TOKEN ]] || fail $STEP "no lock token"
ok "fencing token $(json .fencingToken)"

STEP=8c
step $STEP "the note shows its lock"
call $STEP 200 GET "/api/v1/notes/$NOTE_ID"
[[ $(json .lock.holder.userId) == "$CLIN_ID" ]] || fail $STEP "lock.holder is not the clinician"
ok "held by $(json .lock.holder.displayName)"

STEP=8d
step $STEP "revise the note under the lock"
call $STEP 200 PUT "/api/v1/notes/$NOTE_ID" -H 'Content-Type: application/json' \
    -H "If-Match: $NOTE_ETAG" -H "Lock-Token: $LOCK_TOKEN" \
    --data-binary '{"subjective":"Smoke test.","objective":"Nothing to see.","assessment":"Well.","plan":"None."}'
NOTE_ETAG=$(header ETag)
ok "ETag $NOTE_ETAG"

STEP=8e
step $STEP "sign the note under the lock"
call $STEP 200 POST "/api/v1/notes/$NOTE_ID/sign" -H "If-Match: $NOTE_ETAG" -H "Lock-Token: $LOCK_TOKEN"
[[ $(json .status) == signed ]] || fail $STEP "status is not signed"
ok "signed at $(json .signedAt)"

STEP=8f
step $STEP "release the lock"
call $STEP 204 DELETE "/api/v1/locks/$LOCK_TOKEN"
LOCK_TOKEN=''
ok

# 9. a document: uploaded, downloaded whole, as a range, conditionally
STEP=9a
UPLOAD=$WORK/upload.txt
{
    echo "practica smoke test $RUN"
    head -c 3000 /dev/urandom | base64
} > "$UPLOAD"
SENT_SHA=$(sha256sum "$UPLOAD" | cut -d' ' -f1)
SENT_SIZE=$(wc -c < "$UPLOAD" | tr -d ' ')
# RFC 9530: the digest's bytes in base64 (hex turned to bytes by printf).
DIGEST=$(printf '%b' "$(sed 's/../\\x&/g' <<< "$SENT_SHA")" | base64)
step $STEP "upload a document ($SENT_SIZE bytes, text/plain, Content-Digest)"
call $STEP 201 POST "/api/v1/patients/$PATIENT_ID/documents?title=Smoke%20test%20$RUN&category=other" \
    -H 'Content-Type: text/plain' -H "Content-Digest: sha-256=:$DIGEST:" --data-binary "@$UPLOAD"
DOCUMENT_ID=$(json .id)
[[ $(json .sha256) == "$SENT_SHA" ]] || fail $STEP "sha256 $(json .sha256) is not $SENT_SHA"
[[ $(json .size) == "$SENT_SIZE" ]] || fail $STEP "size $(json .size) is not $SENT_SIZE"
ok "id $DOCUMENT_ID"

STEP=9b
step $STEP "download the content"
call $STEP 200 GET "/api/v1/documents/$DOCUMENT_ID/content"
GOT_SHA=$(sha256sum "$BODY" | cut -d' ' -f1)
[[ $GOT_SHA == "$SENT_SHA" ]] || fail $STEP "sha256 of the download $GOT_SHA is not $SENT_SHA"
CONTENT_ETAG=$(header ETag)
[[ -n $CONTENT_ETAG ]] || fail $STEP "no ETag"
ok "sha256 $GOT_SHA matches"

STEP=9c
step $STEP "download bytes 0-99 (Range)"
call $STEP 206 GET "/api/v1/documents/$DOCUMENT_ID/content" -H 'Range: bytes=0-99'
cmp -s "$BODY" <(head -c 100 "$UPLOAD") || fail $STEP "the range is not the first 100 bytes sent"
[[ $(header Content-Range) == "bytes 0-99/$SENT_SIZE" ]] || fail $STEP "Content-Range is '$(header Content-Range)'"
ok "Content-Range $(header Content-Range)"

STEP=9d
step $STEP "download again with If-None-Match"
call $STEP 304 GET "/api/v1/documents/$DOCUMENT_ID/content" -H "If-None-Match: $CONTENT_ETAG"
ok

# 10. log out; 11. the access token is refused after
STEP=10
step $STEP "log out $CLIN_USER"
call $STEP 204 POST /api/v1/auth/logout
: > "$CLIN_AUTH" # ended: the clean-up need not log it out
ok

STEP=11
step $STEP "the same access token is refused"
call $STEP 401 GET /api/v1/me
ok "$(json .code)"

# 12. tidy up: the smoke clinician deactivated, the admin logged out
STEP=12a
step $STEP "deactivate $CLIN_USER"
use_auth "$ADMIN_AUTH"
call $STEP 200 PATCH "/api/v1/users/$CLIN_ID" -H 'Content-Type: application/json' \
    -H "If-Match: $CLIN_ETAG" --data-binary '{"active":false}'
[[ $(json .active) == false ]] || fail $STEP "still active"
CLIN_ID='' # done: the clean-up need not
ok

STEP=12b
step $STEP "log out $ADMIN_USER"
call $STEP 204 POST /api/v1/auth/logout
: > "$ADMIN_AUTH"
ok

echo "smoke test passed"
