"""Independent JSON Schema check for LeadLedger's contract fixtures.

Usage: python validate_fixtures.py SCHEMA_DIR FILE_LIST
FILE_LIST has lines "<schema name>\t<path>". Prints one JSON object mapping
each path to {"valid": bool, "error": str|null}. Documents that are not JSON
(or not UTF-8) are reported as invalid with error "not json".
"""
import json
import sys

from jsonschema import Draft202012Validator

schema_dir, file_list = sys.argv[1], sys.argv[2]
validators = {}
result = {}
with open(file_list, encoding="utf-8") as fl:
    for line in fl:
        line = line.rstrip("\n")
        if not line:
            continue
        name, path = line.split("\t", 1)
        if name not in validators:
            with open(f"{schema_dir}/{name}.schema.json", encoding="utf-8") as sf:
                schema = json.load(sf)
            Draft202012Validator.check_schema(schema)
            validators[name] = Draft202012Validator(schema)
        try:
            with open(path, "rb") as df:
                doc = json.loads(df.read().decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            result[path] = {"valid": False, "error": f"not json: {e}"}
            continue
        errors = sorted(validators[name].iter_errors(doc), key=lambda e: list(e.absolute_path))
        result[path] = {"valid": not errors, "error": errors[0].message if errors else None}
json.dump(result, sys.stdout, sort_keys=True)
