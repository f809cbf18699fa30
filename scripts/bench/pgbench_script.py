#!/usr/bin/env python3
"""Turns the statements one request sent, as PostgreSQL logged them (log_statement=all),
into a pgbench script that sends the very same statements, in the same order, with the
same values: the database's side of the request, without the node.

Two substitutions keep a repeated run doing the request's work rather than failing or
doing less:
- an id that appears once in the request, in an INSERT, is a fresh row's key: it
  becomes gen_random_uuid(), as the node makes a new one per request;
- with --version-free, the version an UPDATE's WHERE expects is whatever the row holds
  and the version it sets is the next (each run is then a real update of the row, as
  each request is; the node sends the version it read and the one after).

Usage: pgbench_script.py LOG_EXCERPT [--version-free] > script.sql
       pgbench_script.py --self-test
"""

import re
import sys

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
STATEMENT = re.compile(r"LOG:  (?:statement|execute [^:]*): (.*)$")
PARAMETERS = re.compile(r"DETAIL:  parameters: (.*)$")
PARAMETER = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")


def read(path):
    statements = []
    with open(path, encoding="utf-8") as log:
        for line in log:
            if match := STATEMENT.search(line):
                statements.append([match.group(1).strip(), {}])
            elif (match := PARAMETERS.search(line)) and statements:
                statements[-1][1] = {int(n): v for n, v in PARAMETER.findall(match.group(1))}
    return statements


def script(statements, version_free):
    lines = []
    seen = {}
    for _, parameters in statements:
        for value in parameters.values():
            seen[value] = seen.get(value, 0) + 1
    for sql, parameters in statements:
        is_insert = "INSERT" in sql.upper()

        def literal(match):
            value = parameters[int(match.group(1))]
            if is_insert and seen[value] == 1 and UUID.match(value.strip("'")):
                return "gen_random_uuid()"
            return value

        text = re.sub(r"\$(\d+)", literal, sql)
        if version_free and "UPDATE" in text.upper():
            # The WHERE names the column with its table; the SET does not.
            text = re.sub(r'("\w+"\."version") = \'?\d+\'?', r"\1 = \1", text)
            text = re.sub(r'((?:SET|,) )"version" = \'?\d+\'?', r'\1"version" = "version" + 1', text)
        lines.append(text + ";")
    return lines


SAMPLE = """\
2026-11-27 00:00:00.001 UTC [1] postgres@db LOG:  statement: BEGIN
2026-11-27 00:00:00.002 UTC [1] postgres@db LOG:  execute sqlx_s_1: SELECT "sessions"."id" FROM "sessions" WHERE "sessions"."id" = $1
2026-11-27 00:00:00.002 UTC [1] postgres@db DETAIL:  parameters: $1 = '11111111-1111-4111-8111-111111111111'
2026-11-27 00:00:00.003 UTC [1] postgres@db LOG:  execute sqlx_s_2: WITH "updated" AS (UPDATE "patients" SET "given_name" = $1, "version" = $2 WHERE "patients"."id" = $3 AND "patients"."version" = $4 RETURNING "patients"."id"), "recorded" AS (INSERT INTO "audit_events" ("id", "session_id", "resource_id", "detail") SELECT $5, $6, $7, $8 FROM "updated") SELECT 1 FROM "updated"
2026-11-27 00:00:00.003 UTC [1] postgres@db DETAIL:  parameters: $1 = 'O''Brien', $2 = '8', $3 = '22222222-2222-7222-8222-222222222222', $4 = '7', $5 = '33333333-3333-7333-8333-333333333333', $6 = '11111111-1111-4111-8111-111111111111', $7 = '22222222-2222-7222-8222-222222222222', $8 = NULL
2026-11-27 00:00:00.004 UTC [1] postgres@db LOG:  statement: COMMIT
"""


def self_test():
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as log:
        log.write(SAMPLE)
    lines = script(read(log.name), version_free=True)
    assert lines[0] == "BEGIN;", lines
    assert lines[1].endswith("\"sessions\".\"id\" = '11111111-1111-4111-8111-111111111111';"), lines[1]
    update = lines[2]
    assert "\"given_name\" = 'O''Brien'" in update, "a quoted value passes whole"
    assert '"version" = "version" + 1' in update, "the next version is set"
    assert '"patients"."version" = "patients"."version"' in update, "whatever version the row holds"
    assert "SELECT gen_random_uuid(), '1111" in update, "a fresh id for the new row, known ids kept"
    assert update.count("22222222-2222-7222-8222-222222222222") == 2, "the record's id is kept"
    assert "NULL FROM" in update
    assert lines[3] == "COMMIT;"
    assert "\"patients\".\"version\" = '7'" in script(read(log.name), version_free=False)[2]
    print("pgbench_script.py: self-test passed")


def main():
    args = sys.argv[1:]
    if args == ["--self-test"]:
        self_test()
        return
    version_free = "--version-free" in args
    path = [a for a in args if not a.startswith("--")][0]
    print("\n".join(script(read(path), version_free)))


main()
