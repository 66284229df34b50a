#!/usr/bin/env python3
"""Sketch: score `uuid-migrate scan` against the consumer labels (stdlib only).

usage: measure.py [--split dev|holdout|extras|all] [--root /work/sdists-consumers] [--bin uuid-migrate]

For each labelled package it runs `uuid-migrate scan --format json --no-cache ROOT/PKG` (cwd ROOT/PKG,
so paths come out relative to the sdist root), matches sites by path+line+column and reports
  - consumer in (uuid, format, pinned): caught (fixable: false) vs missed (fixable: true, unsafe);
  - consumer none: kept fixable vs made manual (over-cautious; may be right for other reasons,
    e.g. shape object or type unknown — those are listed separately);
  - unclear: counted only;
  - labelled sites the tool did not report at all.
Use the holdout split only for the final measurement.
"""
import argparse, collections, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))

def load(split):
    names = ["dev", "holdout", "extras"] if split == "all" else [split]
    rows = []
    for n in names:
        with open(os.path.join(HERE, n + ".jsonl")) as f:
            rows += [dict(json.loads(l), split=n) for l in f if l.strip()]
    return rows

def scan(binary, root, pkg):
    out = subprocess.run([binary, "scan", "--format", "json", "--no-cache", "."], cwd=os.path.join(root, pkg),
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"{pkg}: uuid-migrate exited {out.returncode}: {out.stderr[:500]}")
    sites = json.loads(out.stdout)["sites"]
    return {(s["path"].removeprefix("./"), s["line"], s["column"]): s for s in sites}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev", choices=["dev", "holdout", "extras", "all"])
    ap.add_argument("--root", default="/work/sdists-consumers")
    ap.add_argument("--bin", default="uuid-migrate")
    ap.add_argument("-v", action="store_true", help="list every miss")
    a = ap.parse_args()
    rows = load(a.split)
    found = {pkg: scan(a.bin, a.root, pkg) for pkg in sorted({r["package"] for r in rows})}
    c = collections.Counter(); misses = []
    # The consumer verdict itself (JSON version 2: a blocking entry in `consumers`), apart from
    # sites that are manual for other reasons: its precision and recall.
    v = collections.Counter()
    for r in rows:
        s = found[r["package"]].get((r["path"], r["line"], r["column"]))
        if s is None:
            c["not reported"] += 1; misses.append(("not reported", r)); continue
        blocked = any(x.get("verdict") == "blocks" for x in s.get("consumers", []))
        if r["consumer"] in ("uuid", "format", "pinned", "none"):
            positive = r["consumer"] != "none"
            v[("flagged" if blocked else "not flagged", positive)] += 1
        if r["consumer"] in ("uuid", "format", "pinned"):
            if s["fixable"]:
                c[f"{r['consumer']}: missed (fixable, unsafe)"] += 1; misses.append(("missed", r))
            else:
                c[f"{r['consumer']}: caught (manual)"] += 1
        elif r["consumer"] == "none":
            c["none: kept fixable" if s["fixable"] else "none: manual"] += 1
        else:
            c["unclear"] += 1
    print(f"split={a.split} labelled={len(rows)}")
    for k in sorted(c):
        print(f"  {k:40s} {c[k]}")
    pos = sum(v for k, v in c.items() if k.split(":")[0] in ("uuid", "format", "pinned"))
    caught = sum(v for k, v in c.items() if k.endswith("caught (manual)"))
    if pos:
        print(f"  consumer recall: {caught}/{pos} = {caught / pos:.0%}")
    tp, fp, fn = v[("flagged", True)], v[("flagged", False)], v[("not flagged", True)]
    if tp + fp:
        print(f"  consumer verdicts: precision {tp}/{tp + fp} = {tp / (tp + fp):.0%}, "
              f"recall {tp}/{tp + fn} = {tp / (tp + fn):.0%} (sites with a blocking consumer)")
    if a.v:
        for why, r in misses:
            print(f"{why}: {r['package']}/{r['path']}:{r['line']}:{r['column']} {r['consumer']} via {r['flow']}")

main()
