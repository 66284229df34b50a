#!/usr/bin/env python3
"""Generate a deterministic synthetic git history and time `uuid-migrate progress` on it.

The history has the shape of the monorepo in issue 15: a first-parent chain of COMMITS commits
over eight weeks, growing from 0 to FILES Python files, with about 2.7 distinct blobs per final
file (66,833 blobs for 25,000 files at --scale 1, 1.2 GB). Every tenth commit on the main line
merges a side branch, so `--first-parent` matters. About 20% of the files create ids with
`uuid.uuid4()`; from the middle of the history on, edits migrate sites to `UnifiedIdGenerator`,
so the chart burns down. Same arguments, same repository: everything is drawn from
`random.Random(seed)`; the repository is written with `git fast-import` (no checkout).

Then, with a release build of uuid-migrate:
  * `git cat-file --batch` over every distinct Python blob of the first-parent history (the floor:
    reading each blob once);
  * `progress --first-parent` cold (an empty `--cache-dir`) and warm (the same cache again);
  * for three commits, `scan --format json` of an extracted tree (`git archive`) against
    `progress`'s point for that commit.

Usage: python3 bench/history.py [--dir DIR] [--scale 0.25] [--commits 1875] [--seed 1] [--runs 3]
                                [--bin PATH]
                                [--force] [--generate-only]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

START = 1_735_689_600  # 2025-01-01T00:00:00Z
EIGHT_WEEKS = 8 * 7 * 86_400

SERVICES = ["auth", "gateway", "billing", "agents", "ws", "search", "notify", "ledger"]
NAMES = [
    ("connection_id", "str(uuid.uuid4())"),
    ("message_id", "str(uuid.uuid4())"),
    ("user_id", 'f"test_user_{uuid.uuid4().hex[:8]}"'),
    ("thread_id", 'f"thread_{uuid.uuid4().hex[:8]}"'),
    ("run_id", "str(uuid.uuid4())"),
    ("event_id", "uuid.uuid4().hex"),
    ("session_id", 'f"sess_{uuid.uuid4()}"'),
    ("request_id", "str(uuid.uuid4())"),
    ("api_token", "str(uuid.uuid4())"),
    ("order_key", "uuid.uuid4()"),
    ("make_run_id", "lambda: str(uuid.uuid4())"),
]
MIGRATED = 'UnifiedIdGenerator.generate_base_id("{prefix}")'


class PyFile:
    """A file as blocks of code; its text is their concatenation."""

    def __init__(self, rng: random.Random, path: str, uses_uuid: bool) -> None:
        self.path = path
        self.uses_uuid = uses_uuid
        self.blocks: list[str] = []
        self.sites: list[int] = []  # indices of blocks holding a live site
        for _ in range(rng.randint(8, 40)):
            self.add_block(rng)

    def add_block(self, rng: random.Random) -> None:
        n = len(self.blocks)
        body = [f"def helper_{n}_{rng.randrange(10**6)}(value, scale={rng.randint(1, 99)}):"]
        body.append(f'    """Compute a derived quantity ({rng.random():.6f})."""')
        for k in range(rng.randint(6, 16)):
            body.append(f"    value = (value * {rng.randint(2, 999)} + {k}) % {rng.randint(1000, 99999)}")
        if self.uses_uuid and rng.random() < 0.5:
            name, expr = rng.choice(NAMES)
            body.append(f"    {name} = {expr}")
            body.append(f"    return {name}, value")
            self.sites.append(n)
        else:
            body.append("    return value")
        self.blocks.append("\n".join(body) + "\n\n\n")

    def migrate_one(self, rng: random.Random) -> bool:
        if not self.sites:
            return False
        n = self.sites.pop(rng.randrange(len(self.sites)))
        lines = self.blocks[n].split("\n")
        for i, line in enumerate(lines):
            if "uuid.uuid4()" in line:
                name = line.split("=")[0].strip()
                lines[i] = f"    {name} = " + MIGRATED.format(prefix=name.split("_")[0])
        self.blocks[n] = "\n".join(lines)
        return True

    def text(self) -> bytes:
        head = '"""Generated module."""\n'
        if self.uses_uuid:
            head += "import uuid\n\nfrom shared.id_generation.unified_id_generator import UnifiedIdGenerator\n"
        return (head + "\n\n" + "".join(self.blocks)).encode()


def new_path(rng: random.Random, n: int) -> str:
    svc = rng.choice(SERVICES)
    if rng.random() < 0.6:
        return f"services/{svc}/tests/pkg{n % 97}/test_mod_{n}.py"
    return f"services/{svc}/src/pkg{n % 89}/mod_{n}.py"


def generate(out: Path, scale: float, seed: int, commits: int) -> dict:
    rng = random.Random(seed)
    final_files = max(50, round(25_000 * scale))
    total_blobs = round(66_833 * scale)
    edits_total = max(0, total_blobs - final_files)
    if out.exists():
        shutil.rmtree(out)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    fast_import = subprocess.Popen(
        ["git", "fast-import", "--quiet"], cwd=out, stdin=subprocess.PIPE
    )
    assert fast_import.stdin is not None
    w = fast_import.stdin.write

    def data(payload: bytes) -> None:
        w(b"data %d\n" % len(payload))
        w(payload)
        w(b"\n")

    files: dict[str, PyFile] = {}
    order: list[str] = []
    with_sites: list[str] = []
    site_set: set[str] = set()
    mark = 0
    main_tip = 0
    # Files added and edited per commit grow with the history (a front-loaded ramp).
    weights = [0.3 + 1.4 * (i / commits) for i in range(commits)]
    scale_add = final_files / sum(weights)
    scale_edit = edits_total / sum(weights)
    carried = 0.0
    carried_edits = 0.0
    counter = 0
    side: list[tuple[str, bytes]] | None = None
    for i in range(commits):
        when = START + (EIGHT_WEEKS * i) // commits
        carried += weights[i] * scale_add
        carried_edits += weights[i] * scale_edit
        adds, carried = int(carried), carried - int(carried)
        edits, carried_edits = int(carried_edits), carried_edits - int(carried_edits)
        changed: dict[str, bytes] = {}
        for _ in range(adds):
            counter += 1
            path = new_path(rng, counter)
            files[path] = PyFile(rng, path, rng.random() < (0.2 if i < commits // 2 else 0.04))
            order.append(path)
            if files[path].sites:
                site_set.add(path)
                with_sites.append(path)
            changed[path] = files[path].text()
        migrating = i > commits * 2 // 5
        for _ in range(edits):
            if not order:
                break
            path = order[rng.randrange(len(order))]
            if migrating and with_sites and rng.random() < 0.35:
                path = with_sites[rng.randrange(len(with_sites))]
            f = files[path]
            if not (migrating and f.migrate_one(rng)):
                f.add_block(rng)
            if f.sites and path not in site_set:
                site_set.add(path)
                with_sites.append(path)
            changed[path] = f.text()
        if i % 10 == 9 and side is None:
            # This commit goes on a side branch; the next main-line commit merges it.
            mark += 1
            w(b"commit refs/heads/side\nmark :%d\n" % mark)
            w(b"committer Bench <bench@example.com> %d +0000\n" % when)
            data(b"side work %d" % i)
            w(b"from :%d\n" % main_tip)
            for path, text in changed.items():
                w(b"M 100644 inline %s\n" % path.encode())
                data(text)
            side = [(p, t) for p, t in changed.items()]
            side_mark = mark
            continue
        mark += 1
        w(b"commit refs/heads/main\nmark :%d\n" % mark)
        w(b"committer Bench <bench@example.com> %d +0000\n" % when)
        data(b"commit %d" % i)
        if main_tip:
            w(b"from :%d\n" % main_tip)
        if side is not None:
            w(b"merge :%d\n" % side_mark)
            for path, text in side:
                if path not in changed:
                    changed[path] = text
            side = None
        if i == 0:
            config = b'[tool.uuid-migrate]\ntest-paths = ["**/tests/**"]\n'
            w(b"M 100644 inline pyproject.toml\n")
            data(b'[project]\nname = "bench"\n\n' + config)
        for path, text in changed.items():
            w(b"M 100644 inline %s\n" % path.encode())
            data(text)
        main_tip = mark
    fast_import.stdin.close()
    if fast_import.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=out, check=False)
    return {"commits": commits, "files": len(files)}


CPU: dict[str, list[float]] = {}


def timed(cmd: list[str], runs: int, label: str = "", **kw) -> list[float]:
    """Wall-clock seconds per run; the CPU seconds (user + system) go to CPU[label]."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
        times.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        CPU.setdefault(label, []).append(
            after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return times


def python_blobs(repo: Path) -> list[str]:
    listing = subprocess.run(
        ["git", "rev-list", "--objects", "--first-parent", "main"],
        cwd=repo, check=True, capture_output=True, text=True,
    ).stdout
    blobs = []
    for line in listing.splitlines():
        parts = line.split(" ", 1)
        if len(parts) == 2 and parts[1].endswith((".py", ".pyi")):
            blobs.append(parts[0])
    return blobs


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=root / "target/bench/history")
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--commits", type=int, default=1875)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", type=Path)
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--generate-only", action="store_true")
    args = ap.parse_args()
    repo = args.dir / f"scale-{args.scale}-commits-{args.commits}-seed-{args.seed}"
    if args.force or not (repo / ".git").exists():
        t = time.perf_counter()
        shape = generate(repo, args.scale, args.seed, args.commits)
        print(f"generated {repo}: {shape['commits']} commits, {shape['files']} files "
              f"in {time.perf_counter() - t:.1f} s")
    if args.generate_only:
        return
    binary = args.bin
    if binary is None:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=root, check=True)
        binary = root / "target/release/uuid-migrate"
    binary = binary.resolve()
    blobs = python_blobs(repo)
    sizes = subprocess.run(
        ["git", "cat-file", "--batch-check=%(objectsize)"], cwd=repo, check=True,
        input="\n".join(blobs) + "\n", capture_output=True, text=True,
    ).stdout.split()
    size = sum(int(x) for x in sizes)
    commits = int(subprocess.run(["git", "rev-list", "--count", "--first-parent", "main"],
                                 cwd=repo, check=True, capture_output=True, text=True).stdout)
    print(f"{commits} first-parent commits, {len(blobs)} distinct Python blobs, "
          f"{size / 1e6:.0f} MB")
    ids = ("\n".join(blobs) + "\n").encode()
    cat = timed(["git", "cat-file", "--batch"], args.runs, "cat", cwd=repo, input=ids)
    progress = [str(binary), "progress", "--first-parent", "--format", "json", "--repo", str(repo)]
    cold, warm = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as cache:
            cold += timed(progress + ["--cache-dir", cache], 1, "cold")
            warm += timed(progress + ["--cache-dir", cache], 1, "warm")

    def show(label: str, key: str, xs: list[float]) -> None:
        cpu = CPU[key]
        print(f"| {label} | {statistics.median(xs):.2f} s ({min(xs):.2f}-{max(xs):.2f}) "
              f"| {statistics.median(cpu):.2f} s |")

    print(f"load average (1 min): {os.getloadavg()[0]:.1f}")
    print("| command | wall, median (range) | CPU (user+sys), median |\n|---|---|---|")
    show("git cat-file --batch (every distinct Python blob)", "cat", cat)
    show("progress --first-parent, cold (empty cache)", "cold", cold)
    show("progress --first-parent, warm", "warm", warm)

    # Agreement with `scan` of an extracted tree, at three commits.
    report = json.loads(subprocess.run(progress + ["--no-cache"], check=True,
                                       capture_output=True, text=True).stdout)
    points = report["points"]
    bad = 0
    for point in (points[len(points) // 3], points[2 * len(points) // 3], points[-1]):
        with tempfile.TemporaryDirectory() as tree:
            archive = subprocess.run(["git", "archive", point["commit"]], cwd=repo,
                                     check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
            scan = subprocess.run([str(binary), "scan", "--format", "json", "--no-cache"],
                                  cwd=tree, capture_output=True, text=True)
            summary = json.loads(scan.stdout)["summary"]
            same = (summary["sites"], summary["fixable"], summary["files_with_sites"]) == (
                point["sites"], point["fixable"], point["files"])
            bad += not same
            print(f"{point['commit'][:7]}: progress {point['sites']} sites, {point['fixable']} "
                  f"fixable, {point['files']} files; scan {summary['sites']}, "
                  f"{summary['fixable']}, {summary['files_with_sites']}: "
                  f"{'agree' if same else 'DIFFER'}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
