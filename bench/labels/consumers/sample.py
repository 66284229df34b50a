#!/usr/bin/env python3
"""Draw the labelled sample (run once, before labelling).

python3 bench/labels/consumers/sample.py ROOT > sample.jsonl

For each package root under ROOT (see fetch.sh) it runs scripts/ast_sites.py, shuffles the sites
with random.Random(SEED), keeps the first CAP[package], and marks every site `holdout` with
probability 1/3 (same RNG, fixed order), so the split is fixed before any label is written.
"""
import json, os, random, subprocess, sys

SEED = 20261130
CAP = {
    "letta-0.16.8": 45,
    "dstack-0.22.5": 45,
    "langsmith-0.15.1": 40,
    "crewai-1.15.30": 30,
    "lnbits-1.6.2": 30,
    "arize_phoenix-20.26.1": 12,
}

def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "/work/sdists-consumers"
    here = os.path.dirname(os.path.abspath(__file__))
    finder = os.path.join(here, "..", "..", "..", "scripts", "ast_sites.py")
    rng = random.Random(SEED)
    for pkg in sorted(CAP):
        out = subprocess.run([sys.executable, finder, ".", "--json"], cwd=os.path.join(root, pkg),
                             capture_output=True, text=True, check=True).stdout
        sites = sorted(json.loads(out), key=lambda s: (s["path"], s["line"], s["column"]))
        rng.shuffle(sites)
        for s in sorted(sites[:CAP[pkg]], key=lambda s: (s["path"], s["line"], s["column"])):
            s["package"] = pkg
            s["path"] = s["path"].replace(os.sep, "/").removeprefix("./")
            s["split"] = "holdout" if rng.random() < 1 / 3 else "dev"
            print(json.dumps(s))

main()
