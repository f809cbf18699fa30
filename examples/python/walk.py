"""A walk through practica's main flows with a Python client generated from openapi.yaml.

    pip install openapi-python-client==0.29.1
    openapi-python-client generate --path ../../openapi.yaml --meta none \
        --output-path practica_client
    python walk.py BASE_URL ADMIN_PASSWORD

The client (`practica_client`) is generated, not committed: a contract a generator
cannot turn into a working client fails here.
"""

import datetime
import hashlib
import io
import sys
import time
import uuid

from practica_client import AuthenticatedClient, Client
from practica_client.api.auth import login, logout
from practica_client.api.documents import download_content, upload_document
from practica_client.api.patients import create_patient, update_patient
from practica_client.api.users import create_user, get_me
from practica_client.models import (
    AddressBody,
    CategoryCode,
    LoginRequest,
    CreateUserRequest,
    PatientBody,
    PatientInput,
    Problem,
    RoleName,
    SexCode,
)
from practica_client.types import File


def fail(step, response):
    print(f"FAILED {step}: {response.status_code} {response.content.decode(errors='replace')}")
    sys.exit(1)


def say(step, detail):
    print(f"== {step} ... {detail}")


def log_in(base_url, username, password):
    response = login.sync_detailed(
        client=Client(base_url=base_url),
        body=LoginRequest(username=username, password=password),
    )
    if response.status_code != 200:
        fail(f"log in as {username}", response)
    say(f"log in as {username}", f"200, token for {response.parsed.expires_in} s")
    return AuthenticatedClient(base_url=base_url, token=response.parsed.access_token)


def main(base_url, admin_password):
    admin = log_in(base_url, "admin", admin_password)
    username, password = f"py-{int(time.time() * 1000)}", str(uuid.uuid4())
    made = create_user.sync_detailed(
        client=admin,
        body=CreateUserRequest(
            username=username,
            password=password,
            display_name="Dr Python",
            roles=[RoleName.CLINICIAN],
            specialty="Family medicine",
            # This walk chose the password itself; an account made for a person leaves
            # this out and has its owner choose one at the first sign-in.
            password_change_required=False,
        ),
    )
    if made.status_code != 201:
        fail("create a clinician", made)
    say("create a clinician", f"201 {made.parsed.username}")
    clinician = log_in(base_url, username, password)

    details = PatientInput(
        given_name="Katherine",
        family_name="Johnson",
        birth_date=datetime.date(1918, 8, 26),
        sex=SexCode.FEMALE,
        address=AddressBody(lines=[]),
    )
    registered = create_patient.sync_detailed(
        client=clinician, body=details, idempotency_key=str(uuid.uuid4())
    )
    if registered.status_code != 201 or not isinstance(registered.parsed, PatientBody):
        fail("register a patient", registered)
    patient, etag = registered.parsed, registered.headers["etag"]
    say("register a patient", f"201 {patient.mrn}, ETag {etag}")

    details.phone = "+1 555-0100"
    updated = update_patient.sync_detailed(
        patient.id, client=clinician, body=details, if_match=etag
    )
    if updated.status_code != 200:
        fail("update the patient", updated)
    say("update the patient", f"200, version {updated.parsed.version}")

    details.phone = "+1 555-0199"
    stale = update_patient.sync_detailed(
        patient.id, client=clinician, body=details, if_match=etag
    )
    if stale.status_code != 412 or not isinstance(stale.parsed, Problem):
        fail("a stale update", stale)
    say("a stale update", f"412 {stale.parsed.code}: reload, then decide")

    sent = f"Discharge summary for {patient.mrn}\n".encode() * 200
    uploaded = upload_document.sync_detailed(
        patient.id,
        client=clinician,
        body=File(payload=io.BytesIO(sent), file_name="summary.txt", mime_type="text/plain"),
        title="Discharge summary",
        category=CategoryCode.CORRESPONDENCE,
        # The generated client sends every file as application/octet-stream; the
        # file's own type goes in `mediaType`.
        content_type="application/octet-stream",
        media_type="text/plain",
    )
    if uploaded.status_code != 201:
        fail("upload a document", uploaded)
    say("upload a document", f"201, {uploaded.parsed.size} bytes")

    downloaded = download_content.sync_detailed(uploaded.parsed.id, client=clinician)
    if downloaded.status_code != 200:
        fail("download it", downloaded)
    if hashlib.sha256(downloaded.content).digest() != hashlib.sha256(sent).digest():
        fail("download it: the bytes differ", downloaded)
    say("download it", f"200, sha256 {hashlib.sha256(sent).hexdigest()[:16]}... matches")

    out = logout.sync_detailed(client=clinician)
    refused = get_me.sync_detailed(client=clinician)
    if refused.status_code != 401:
        fail("the token after logout", refused)
    say("log out", f"{out.status_code}; the token is refused after (401)")
    print("typed walk passed")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2])
