#!/usr/bin/env python3
"""Every council in ../shared/ratings is found from its report address's slug alone.

A page saved without its title line (as the seed page is) takes its council from the folder
it sits in; folders are often named after the report's address ("telfordandwrekin-1124").
For each slug of the published ratings, a title-less page in a folder of that name must
resolve to a council whose name shares a distinctive word with the ratings' name.
"""
import csv, os, re, subprocess, sys, tempfile

findings, ratings = sys.argv[1], sys.argv[2]
rows = [r for r in csv.DictReader(open(ratings, encoding="utf-8")) if r["slug"]]
GENERIC = {"council", "borough", "county", "city", "of", "metropolitan", "london", "royal", "the", "and", "district"}
page = "Assessing needs\n\nScore: 3\n\nKey findings for this quality statement\n\nFront door\n\nPeople were seen quickly.\n"
failures = []
with tempfile.TemporaryDirectory() as tmp:
    pages = os.path.join(tmp, "pages")
    for r in rows:
        os.makedirs(os.path.join(pages, r["slug"]), exist_ok=True)
        with open(os.path.join(pages, r["slug"], "needs.txt"), "w", encoding="utf-8") as f:
            f.write(page)
    out = os.path.join(tmp, "out")
    subprocess.run([findings, "analyse", pages, "--out", out], check=True, stdout=subprocess.DEVNULL)
    found = {r["path"].split(os.sep)[-2]: r for r in csv.DictReader(open(os.path.join(out, "reports.csv"), encoding="utf-8"))}
    for r in rows:
        got = found.get(r["slug"])
        words = lambda name: set(re.findall(r"[a-z]+", name.lower())) - GENERIC
        if got is None or not got["gss_code"]:
            failures.append(f"{r['slug']}: no council")
        elif not words(r["council"]) & words(got["council"]) or ("shire" in r["council"].lower()) != ("shire" in got["council"].lower()):
            failures.append(f"{r['slug']}: {got['council']!r}, ratings say {r['council']!r}")
for f in failures:
    print("FAIL", f)
print(f"report address slugs: {len(rows)}, {len(failures)} failures")
sys.exit(1 if failures else 0)
