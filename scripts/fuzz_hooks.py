"""Schemathesis hooks for scripts/contract-fuzz.sh: what generated data cannot know."""

import re
import uuid
from datetime import date, datetime, timezone

import schemathesis
from hypothesis import strategies as st

# A date of birth lies between 1870-01-01 and today (the server's date). Every `date` in
# the contract accepts that range, so valid generated dates keep to it.
schemathesis.openapi.format(
    "date",
    st.dates(min_value=date(1870, 1, 1), max_value=date.today()).map(date.isoformat),
)


# A client makes a new Idempotency-Key for each new request, and sends one again only
# with the same request (the same key with another body is refused with 422, as the
# IETF draft says). Generated keys are short and collide ("0", "00"...), so each valid
# one in a valid request is made unique.
KEY = re.compile(r"^[!-~]+$")


# Schemathesis 4.32's coverage phase drops a header's pattern when the pattern needs a
# character other than a letter or digit (a UUID's `-`), and then sends values such as
# `0` in requests it calls valid. A Lock-Token so sent is given the form its pattern
# states (a lock's token, which then names no lock held: 423).
LOCK_TOKEN = re.compile(
    r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|<[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}>)$"
)


# No date or time in the contract lies ahead (a birth, an onset, a vaccine given, a
# vitals set taken), which a schema cannot say: Schemathesis's coverage phase sends
# boundary values such as the year's last day. A valid request's dates and times past
# now are brought back to now.
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")


def not_ahead(value):
    if isinstance(value, dict):
        return {key: not_ahead(item) for key, item in value.items()}
    if isinstance(value, list):
        return [not_ahead(item) for item in value]
    if isinstance(value, str) and DATE.match(value):
        try:
            return min(value, date.today().isoformat())
        except ValueError:
            return value
    if isinstance(value, str) and DATE_TIME.match(value):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        now = datetime.now(timezone.utc)
        if moment.tzinfo is not None and moment > now:
            return now.isoformat(timespec="seconds").replace("+00:00", "Z")
    return value


@schemathesis.hook
def before_call(context, case, kwargs):
    # why: only valid requests; a negative one (say, without Authorization) is refused
    # whatever it carries, and editing it would make Schemathesis judge it valid again.
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if isinstance(case.body, (dict, list)):
        case.body = not_ahead(case.body)
    if case.query:
        case.query = not_ahead(case.query)
    if not case.headers:
        return
    key = case.headers.get("Idempotency-Key")
    if key is not None and KEY.match(key) and len(key) <= 255:
        # why: within the 255 characters a key may have, a long one cut to make room.
        case.headers["Idempotency-Key"] = f"{key[:222]}-{uuid.uuid4().hex}"
    token = case.headers.get("Lock-Token")
    if token is not None and not LOCK_TOKEN.match(token):
        case.headers["Lock-Token"] = str(uuid.uuid4())
