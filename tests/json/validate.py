#!/usr/bin/env python3
"""validate.py SCHEMA FILE: every line of FILE must be one JSON object that the JSON Schema
SCHEMA accepts (draft 2020-12, checked with the jsonschema module). Prints one line per problem
and exits 1 when there is any; exits 2 when FILE has no line at all."""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    lines = [l for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
    if not lines:
        print("no JSON lines in %s" % sys.argv[2])
        sys.exit(2)
    bad = 0
    for n, line in enumerate(lines, 1):
        try:
            doc = json.loads(line)
        except ValueError as e:
            print("line %d: not JSON: %s" % (n, e))
            bad += 1
            continue
        for err in validator.iter_errors(doc):
            print("line %d: %s: %s" % (n, err.json_path, err.message[:200]))
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
