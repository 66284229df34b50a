#!/usr/bin/env python3
"""Draw the classification sample (run once, before labelling).

Usage: python3 bench/labels/sample.py [SDIST_DIR] > bench/labels/classify/sample.jsonl

For each package root under SDIST_DIR it runs the independent reference finder
(scripts/ast_sites.py, Python's ast; not the tool under test), then:
  * takes every site when the package has at most CAP sites;
  * otherwise takes CAP sites round-robin over the package's files in a seeded random order
    (one site per file first, at a random position within the file, then a second, ...), so that
    no single file or directory dominates and the sample is not just the first files;
  * assigns each sampled site to `holdout` with probability 1/3 (same seed), else `dev`.
The split is fixed here, before any label is written.
"""
import json
import os
import random
import subprocess
import sys

SEED = 20250611
CAP = 60
PACKAGES = {  # unpacked root -> sdist file name
    "apache_superset-6.1.0": "apache_superset-6.1.0.tar.gz",
    "chainlit-2.12.0": "chainlit-2.12.0.tar.gz",
    "dagster-1.13.29": "dagster-1.13.29.tar.gz",
    "label_studio-1.23.2": "label_studio-1.23.2.tar.gz",
    "mlflow-3.18.0": "mlflow-3.18.0.tar.gz",
    "prefect-3.9.1": "prefect-3.9.1.tar.gz",
    "zenml-0.98.0": "zenml-0.98.0.tar.gz",
}
HERE = os.path.dirname(os.path.abspath(__file__))
FINDER = os.path.join(HERE, "..", "..", "scripts", "ast_sites.py")


def main() -> None:
    sdir = sys.argv[1] if len(sys.argv) > 1 else "/work/sdists"
    rng = random.Random(SEED)
    out = []
    for root, sdist in sorted(PACKAGES.items()):
        proc = subprocess.run([sys.executable, FINDER, ".", "--json"], cwd=os.path.join(sdir, root),
                              capture_output=True, text=True, check=True)
        sites = json.loads(proc.stdout)
        if len(sites) > CAP:
            by_file = {}
            for s in sites:
                by_file.setdefault(s["path"], []).append(s)
            files = sorted(by_file)
            rng.shuffle(files)
            for f in files:
                rng.shuffle(by_file[f])
            chosen = []
            while len(chosen) < CAP:
                for f in files:
                    if by_file[f] and len(chosen) < CAP:
                        chosen.append(by_file[f].pop())
            sites = chosen
        for s in sorted(sites, key=lambda s: (s["path"], s["line"], s["column"])):
            split = "holdout" if rng.random() < 1 / 3 else "dev"
            out.append({"package": sdist, "path": s["path"], "line": s["line"], "column": s["column"],
                        "kind": s["kind"], "split": split})
    for o in out:
        print(json.dumps(o))


if __name__ == "__main__":
    main()
