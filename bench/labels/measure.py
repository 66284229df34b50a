#!/usr/bin/env python3
"""Measure uuid-migrate's ID type against the hand labels.

Usage:
    python3 bench/labels/measure.py BINARY SDIST_DIR LABELS.jsonl [--no-ignore] [--json OUT]

For every package named in LABELS it runs, with the unpacked package root as the current
directory (so the tool's paths are the labels' paths):
    BINARY scan --format json --no-cache .
then matches sites by (path, line, column) and prints: agreement on id_type overall and per
labelled type (with per tool type precision), the disagreements (label vs tool, with the code
and the tool's name), the labelled sites missing from the tool's output, and how many labelled
sites the tool calls fixable (and how many of those are labelled unknown or secret, which a
rewrite must not touch). Plain python3 stdlib. Exit 0 unless the tool could not be run.

bench/labels/classify/holdout.jsonl is for final measurements only: tune on dev.jsonl.
"""
import argparse
import collections
import json
import os
import subprocess
import sys


def scan(binary, root, no_ignore):
    cmd = [binary, "scan", "--format", "json", "--no-cache"]
    if no_ignore:
        cmd.append("--no-ignore")
    cmd.append(".")
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if proc.returncode not in (0, 1):  # 1 = violations found, the normal case
        sys.exit(f"{' '.join(cmd)} in {root}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    data = json.loads(proc.stdout)
    sites = {}
    for s in data["sites"]:
        path = s["path"][2:] if s["path"].startswith("./") else s["path"]
        sites[(path.replace("\\", "/"), s["line"], s["column"])] = s
    return sites


def pct(a, b):
    return f"{a}/{b} ({100.0 * a / b:.1f}%)" if b else f"{a}/0"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("sdist_dir")
    ap.add_argument("labels")
    ap.add_argument("--no-ignore", action="store_true", help="pass --no-ignore to the scan")
    ap.add_argument("--json", metavar="OUT", help="also write per-site results as JSON lines")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)

    labels = [json.loads(l) for l in open(args.labels, encoding="utf-8") if l.strip()]
    by_pkg = collections.defaultdict(list)
    for lab in labels:
        by_pkg[lab["package"]].append(lab)

    results = []  # (label, tool site or None)
    for pkg in sorted(by_pkg):
        root = os.path.join(args.sdist_dir, pkg[: -len(".tar.gz")] if pkg.endswith(".tar.gz") else pkg)
        if not os.path.isdir(root):
            sys.exit(f"missing {root}: run bench/labels/fetch.sh {args.sdist_dir}")
        sites = scan(binary, root, args.no_ignore)
        for lab in by_pkg[pkg]:
            results.append((lab, sites.get((lab["path"], lab["line"], lab["column"]))))

    found = [(l, s) for l, s in results if s is not None]
    missing = [l for l, s in results if s is None]
    agree = sum(l["id_type"] == s["id_type"] for l, s in found)
    print(f"labels: {args.labels}  sites: {len(results)}  matched: {len(found)}  missing from tool: {len(missing)}")
    print(f"id_type agreement (matched sites): {pct(agree, len(found))}")
    print()
    print(f"{'label':<12} {'n':>4} {'agree':>16}   {'tool says':<12} {'n':>4} {'precision':>16}")
    lab_types = collections.Counter(l["id_type"] for l, _ in found)
    tool_types = collections.Counter(s["id_type"] for _, s in found)
    rows = sorted(set(lab_types) | set(tool_types), key=lambda t: (-lab_types[t], t))
    for t in rows:
        a = sum(l["id_type"] == t and s["id_type"] == t for l, s in found)
        print(f"{t:<12} {lab_types[t]:>4} {pct(a, lab_types[t]):>16}   {t:<12} {tool_types[t]:>4} {pct(a, tool_types[t]):>16}")
    print()

    pairs = collections.Counter((l["id_type"], s["id_type"]) for l, s in found if l["id_type"] != s["id_type"])
    print("disagreements by (label -> tool):")
    for (a, b), n in pairs.most_common():
        print(f"  {n:>3}  {a} -> {b}")
    print()
    print("disagreements (label -> tool | tool name | path:line | code):")
    for l, s in found:
        if l["id_type"] != s["id_type"]:
            print(f"  {l['id_type']} -> {s['id_type']} | {s.get('name')!s} | "
                  f"{l['package']}:{l['path']}:{l['line']} | {l['code'][:110]}")
    if missing:
        print()
        print("labelled sites missing from the tool's output:")
        for l in missing:
            print(f"  {l['package']}:{l['path']}:{l['line']}:{l['column']} | {l['code'][:110]}")
    print()
    fixable = [(l, s) for l, s in found if s.get("fixable")]
    bad = [(l, s) for l, s in fixable if l["id_type"] in ("unknown", "secret")]
    wrong = [(l, s) for l, s in fixable if l["id_type"] != s["id_type"]]
    print(f"fixable per tool: {pct(len(fixable), len(found))}; of those labelled unknown/secret "
          f"(should not be rewritten): {len(bad)}; with a type other than the label: {len(wrong)}")
    for l, s in bad:
        print(f"  fixable but labelled {l['id_type']}: tool {s['id_type']} | "
              f"{l['package']}:{l['path']}:{l['line']} | {l['code'][:100]}")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            for l, s in results:
                f.write(json.dumps({**l, "tool": None if s is None else {
                    k: s.get(k) for k in ("id_type", "name", "shape", "fixable", "reasons")}}) + "\n")


if __name__ == "__main__":
    main()
