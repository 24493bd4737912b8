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
import json
import os
import sys

import jsonschema


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
        for err in sorted(validator.iter_errors(rec), key=lambda e: list(e.absolute_path)):
            path = "/".join(str(p) for p in err.absolute_path)
            errors.append(f"{where} {rec.get('type', '?')} /{path}: {err.message}"[:300])
    return n


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: schema-check.py SCHEMA RUN_DIR")
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
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
