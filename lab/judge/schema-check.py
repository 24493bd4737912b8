#!/usr/bin/python3
# Validates every atstrace NDJSON stream of a lab run against
# docs/atstrace.schema.json, with Debian's python3-jsonschema (a validator
# no one here wrote). A stream is a file of the run whose first record is
# atstrace's header, or such a stream kept inside a string field of an
# NDJSON record (atstrace-cli's cases.ndjson holds each case's stdout).
# A file named atstrace*.ndjson without a header is an error too: every
# JSON run begins with one.
#
#   schema-check.py SCHEMA RUN_DIR   -> {"streams", "records", "errors"} on stdout
#
# A flagged run writes hundreds of thousands of records that differ only in
# their numbers; each is validated through a representative: records with
# the same shape (keys, strings, booleans, array lengths) whose every number
# falls in the same interval between the numeric bounds the schema states
# (minimum, maximum, const, enum), or equals the same bound, meet exactly
# the same constraints. A schema using a keyword this cannot honour
# (multipleOf, a numeric pattern) is refused.
import bisect
import json
import os
import sys

import jsonschema

BOUNDS = []


def collect_bounds(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "multipleOf":
                sys.exit("schema-check.py: multipleOf is not supported by the representative scheme")
            if k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "const") and \
                    isinstance(v, (int, float)) and not isinstance(v, bool):
                BOUNDS.append(v)
            elif k == "enum":
                BOUNDS.extend(x for x in v if isinstance(x, (int, float)) and not isinstance(x, bool))
            collect_bounds(v)
    elif isinstance(node, list):
        for v in node:
            collect_bounds(v)


def shape(x):
    """What validation can depend on: numbers only by their interval between bounds."""
    if isinstance(x, dict):
        return ("o",) + tuple(sorted((k, shape(v)) for k, v in x.items()))
    if isinstance(x, list):
        return ("a",) + tuple(shape(v) for v in x)
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return (type(x).__name__, x)
    i = bisect.bisect_left(BOUNDS, x)
    if i < len(BOUNDS) and BOUNDS[i] == x:
        return ("n=", x, type(x).__name__)
    return ("n", i, type(x).__name__, float(x).is_integer())


def is_header(rec):
    return isinstance(rec, dict) and rec.get("type") == "header" and rec.get("tool") == "atstrace"


def first_record(text):
    for line in text.splitlines():
        if line.strip():
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


CACHE = {}


def record_errors(validator, rec):
    key = shape(rec)
    if key not in CACHE:
        CACHE[key] = [(list(e.absolute_path), e.message) for e in
                      sorted(validator.iter_errors(rec), key=lambda e: list(e.absolute_path))]
    return CACHE[key]


def check_stream(validator, name, text, errors):
    n = 0
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{name}:{i}"
        try:
            rec = json.loads(line)
        except ValueError as e:
            errors.append(f"{where}: not JSON ({e})")
            continue
        n += 1
        if is_header(rec) != (n == 1):
            errors.append(f"{where}: " + ("a header after the first record" if n > 1
                                          else "the first record is not the header"))
        for path, message in record_errors(validator, rec):
            path = "/".join(str(p) for p in path)
            errors.append(f"{where} {rec.get('type', '?')} /{path}: {message}"[:300])
    return n


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: schema-check.py SCHEMA RUN_DIR")
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    collect_bounds(schema)
    BOUNDS.sort()
    validator = jsonschema.Draft202012Validator(schema)
    run = sys.argv[2]
    streams, records, errors = [], 0, []
    for b in sorted(os.listdir(run)):
        p = os.path.join(run, b)
        if not os.path.isfile(p) or b.endswith((".trace", ".log")) or b == "schema-check.json":
            continue
        with open(p, errors="replace") as f:
            text = f.read()
        if is_header(first_record(text)):
            streams.append(b)
            records += check_stream(validator, b, text, errors)
            continue
        if b.startswith("atstrace") and b.endswith(".ndjson"):
            errors.append(f"{b}: atstrace's NDJSON without its header")
            continue
        if not b.endswith(".ndjson"):
            continue
        for i, line in enumerate(text.splitlines(), 1):
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if not isinstance(rec, dict):
                continue
            for k, v in rec.items():
                if isinstance(v, str) and is_header(first_record(v)):
                    name = f"{b}:{i}.{k}"
                    streams.append(name)
                    records += check_stream(validator, name, v, errors)
    json.dump({"streams": streams, "records": records, "errors": errors[:20],
               "error_count": len(errors)}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
