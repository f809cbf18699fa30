#!/usr/bin/env python3
"""Turns the statements one request sent, as PostgreSQL logged them (log_statement=all),
into a pgbench script that sends the very same statements, in the same order, with the
same values: the database's side of the request, without the node.

Two substitutions keep a repeated run doing the request's work rather than failing or
doing less:
- an id that appears once in the request, in an INSERT, is a fresh row's key: it
  becomes gen_random_uuid(), as the node makes a new one per request;
- with --version-free, a row's version in an UPDATE's WHERE matches whatever the row
  holds (each run is then a real update of the row, as each request is).

Usage: pgbench_script.py LOG_EXCERPT [--version-free] > script.sql
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


def main():
    args = sys.argv[1:]
    version_free = "--version-free" in args
    path = [a for a in args if not a.startswith("--")][0]
    statements = read(path)
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
        if version_free and text.lstrip().upper().startswith("UPDATE"):
            text = re.sub(r'"version" = \'?\d+\'?(?=[^,]*$)', '"version" = "version"', text)
        print(text + ";")


main()
