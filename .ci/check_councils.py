#!/usr/bin/env python3
"""Check the project's council table against the mySociety register in ../shared/reference.

The 153 councils with adult social care duties are the current English authorities of types
CTY, UA, MD, LBO and CC. Every one must be in crates/aggregate/data/councils.csv once, with
the register's GSS code, region (two corrected, below) and type, and every name in the table
must be one the register or the reports use for that council.
"""
import csv, sys

TABLE = "crates/aggregate/data/councils.csv"
# Where the register's region is wrong: both county councils are in the East Midlands (ONS
# regions); the register gives Derbyshire West Midlands and Lincolnshire Yorkshire and The Humber.
REGION_CORRECTIONS = {"E10000007": "East Midlands", "E10000019": "East Midlands"}
TYPES = {"CTY": "county", "UA": "unitary", "MD": "metropolitan district", "LBO": "london borough", "CC": "city of london"}

reference = sys.argv[1]
register = [r for r in csv.DictReader(open(reference, encoding="utf-8"))
            if r["nation"] == "England" and r["local-authority-type"] in TYPES and r["current-authority"] == "True"]
table = list(csv.DictReader(open(TABLE, encoding="utf-8")))
failures = []
if len(register) != 153:
    failures.append(f"the register has {len(register)} councils with adult social care duties, expected 153")
by_code = {r["gss-code"]: r for r in register}
seen = set()
for row in table:
    code = row["gss_code"]
    if code in seen:
        failures.append(f"{code} appears twice in the table")
    seen.add(code)
    ref = by_code.get(code)
    if ref is None:
        failures.append(f"{row['council']}: {code} is not a current English council with adult social care duties")
        continue
    region = REGION_CORRECTIONS.get(code, ref["region"])
    if row["region"] != region:
        failures.append(f"{row['council']}: region {row['region']!r}, register says {region!r}")
    if row["la_type"] != TYPES[ref["local-authority-type"]]:
        failures.append(f"{row['council']}: type {row['la_type']!r}, register says {ref['local-authority-type']}")
    if row["council"] != ref["official-name"]:
        failures.append(f"{code}: name {row['council']!r}, register says {ref['official-name']!r}")
for code, ref in by_code.items():
    if code not in seen:
        failures.append(f"{ref['official-name']} ({code}) is missing from the table")
for f in failures:
    print("FAIL", f)
print(f"council table: {len(table)} rows, {len(failures)} failures")
sys.exit(1 if failures else 0)
