#!/usr/bin/env python3
"""Fails when a change to openapi.yaml would break a client written against the old one.

    scripts/contract-only-grows.py OLD.yaml NEW.yaml [--accept FILE]
    scripts/contract-only-grows.py --self-test NEW.yaml

Within /api/v1 the contract only grows (see the README's versioning policy). Breaking,
and refused here:
  - an operation removed (a path, or a method on it);
  - a field removed from a schema (a property of a component, or of an operation's
    inline request or response schema);
  - a value removed from an enum;
  - a parameter removed, or one that became required, or a new required parameter;
  - a request body field that became required, or a new required one.
Everything else (new operations, new optional fields, new responses) passes. Removing an
operation the contract had marked `deprecated` passes too, once it has been announced.

--accept FILE names breaks that were judged and accepted, one reported line each
(`breaking: ...`), each under a `#` comment that says why: a declaration that was wrong,
which no client could have used as declared, is corrected this way.
"""

import copy
import sys

import yaml

METHODS = ("get", "put", "post", "delete", "patch")


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def resolve(document, schema):
    """The schema a `$ref` names, or the schema itself."""
    while isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document.get("components", {}).get("schemas", {}).get(name, {})
    return schema


def walk(document, schema, where, seen=None):
    """Every (location, schema) inside `schema`, following refs once each."""
    seen = set() if seen is None else seen
    if isinstance(schema, dict) and "$ref" in schema:
        if schema["$ref"] in seen:
            return
        seen.add(schema["$ref"])
    schema = resolve(document, schema)
    if not isinstance(schema, dict):
        return
    yield where, schema
    for name, child in (schema.get("properties") or {}).items():
        yield from walk(document, child, f"{where}.{name}", seen)
    if isinstance(schema.get("items"), dict):
        yield from walk(document, schema["items"], f"{where}[]", seen)
    for key in ("allOf", "oneOf", "anyOf"):
        for index, child in enumerate(schema.get(key) or []):
            yield from walk(document, child, f"{where}.{key}[{index}]", seen)


def operations(document):
    for path, item in (document.get("paths") or {}).items():
        for method in METHODS:
            if method in (item or {}):
                yield f"{method.upper()} {path}", item[method]


def body_schemas(operation, kind):
    """The request body's schemas, or every response's, by media type."""
    if kind == "request":
        content = (operation.get("requestBody") or {}).get("content") or {}
        for media, entry in content.items():
            yield f"request {media}", entry.get("schema")
        return
    for status, response in (operation.get("responses") or {}).items():
        for media, entry in ((response or {}).get("content") or {}).items():
            yield f"response {status} {media}", entry.get("schema")


def breaking_changes(old, new):
    problems = []
    new_operations = dict(operations(new))
    for name, operation in operations(old):
        if name not in new_operations:
            if not operation.get("deprecated"):
                problems.append(f"operation removed: {name}")
            continue
        after = new_operations[name]
        params_before = {(p.get("in"), p.get("name")): p for p in operation.get("parameters") or []}
        params_after = {(p.get("in"), p.get("name")): p for p in after.get("parameters") or []}
        for key, param in params_before.items():
            if key not in params_after:
                problems.append(f"{name}: parameter removed: {key[0]} {key[1]}")
            elif params_after[key].get("required") and not param.get("required"):
                problems.append(f"{name}: parameter became required: {key[0]} {key[1]}")
        for key, param in params_after.items():
            if key not in params_before and param.get("required"):
                problems.append(f"{name}: new required parameter: {key[0]} {key[1]}")
        for kind in ("request", "response"):
            before = dict(body_schemas(operation, kind))
            now = dict(body_schemas(after, kind))
            for where, schema in before.items():
                if where not in now:
                    if kind == "request":
                        continue
                    problems.append(f"{name}: {where} removed")
                    continue
                problems += compare(old, schema, new, now[where], f"{name} {where}", kind)
    old_schemas = (old.get("components") or {}).get("schemas") or {}
    new_schemas = (new.get("components") or {}).get("schemas") or {}
    for schema_name, schema in old_schemas.items():
        if schema_name not in new_schemas:
            problems.append(f"schema removed: {schema_name}")
            continue
        problems += compare(old, schema, new, new_schemas[schema_name], schema_name, "schema")
    return sorted(set(problems))


def compare(old, before, new, after, where, kind):
    problems = []
    after_by_place = dict(walk(new, after, where))
    for place, schema in walk(old, before, where):
        now = after_by_place.get(place)
        if now is None:
            problems.append(f"field removed: {place}")
            continue
        removed = [value for value in schema.get("enum") or [] if value not in (now.get("enum") or [])]
        if removed and now.get("enum") is not None:
            problems.append(f"enum values removed at {place}: {removed}")
        if kind == "request":
            newly = set(now.get("required") or []) - set(schema.get("required") or [])
            for field in sorted(newly):
                problems.append(f"request field became required: {place}.{field}")
    return problems


def self_test(path):
    """Shows that each kind of break is caught, on copies of the real contract."""
    base = load(path)
    assert breaking_changes(base, base) == [], "the contract breaks itself"
    name, operation = next(operations(base))
    method, route = name.split(" ", 1)
    cases = []
    removed_operation = copy.deepcopy(base)
    del removed_operation["paths"][route][method.lower()]
    cases.append(("operation", removed_operation))
    schemas = base["components"]["schemas"]
    with_fields = next(n for n, s in schemas.items() if (s.get("properties") or {}))
    removed_field = copy.deepcopy(base)
    props = removed_field["components"]["schemas"][with_fields]["properties"]
    props.pop(next(iter(props)))
    cases.append(("field", removed_field))
    enum_place = next(
        (n, p) for n, s in schemas.items() for p, v in (s.get("properties") or {}).items()
        if isinstance(v, dict) and len(v.get("enum") or []) > 1
    )
    removed_enum = copy.deepcopy(base)
    removed_enum["components"]["schemas"][enum_place[0]]["properties"][enum_place[1]]["enum"].pop()
    cases.append(("enum value", removed_enum))
    for what, changed in cases:
        found = breaking_changes(base, changed)
        assert found, f"a removed {what} was not caught"
        print(f"self-test: a removed {what} is caught: {found[0]}")


def accepted(path):
    """The breaks a file accepts: its lines that are not comments or blank."""
    with open(path, encoding="utf-8") as handle:
        lines = (line.strip() for line in handle)
        return {line.removeprefix("breaking: ") for line in lines if line and not line.startswith("#")}


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        self_test(argv[2])
        return 0
    if len(argv) == 5 and argv[3] == "--accept":
        allowed = accepted(argv[4])
    elif len(argv) == 3:
        allowed = set()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    problems = []
    for problem in breaking_changes(load(argv[1]), load(argv[2])):
        if problem in allowed:
            print(f"accepted: {problem}")
        else:
            problems.append(problem)
    for problem in problems:
        print(f"breaking: {problem}")
    if problems:
        print(f"{len(problems)} breaking changes: the contract must only grow within /api/v1", file=sys.stderr)
        return 1
    print("the contract only grows: no operation, field, enum value or parameter removed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
