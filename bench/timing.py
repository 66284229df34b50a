#!/usr/bin/env python3
"""Helpers for bench/run.sh (pure standard library).

timing.py run --runs N --warmup W --export-json FILE -- CMD [ARGS...]
    Time CMD like `hyperfine -N -i` does when hyperfine is not installed: stdout and stderr go
    to /dev/null, non-zero exits are recorded, not fatal. Writes hyperfine's JSON shape.
timing.py rss -- CMD [ARGS...]
    Peak resident set size of CMD in KiB, from `/usr/bin/time -v` (prints nothing if unknown).
timing.py sites FILE
    Number of sites in a `scan --format json` output (prints "?" if it cannot tell).
timing.py table ROWS.tsv
    Markdown table from rows "label<TAB>command<TAB>export.json<TAB>rss_kib<TAB>note"; the first
    row whose label starts with "rg" is the baseline for the ratio column.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path


def cmd_run(argv: list[str]) -> int:
    runs, warmup, export = 5, 0, None
    while argv and argv[0] != "--":
        flag, value = argv[0], argv[1]
        argv = argv[2:]
        if flag == "--runs":
            runs = int(value)
        elif flag == "--warmup":
            warmup = int(value)
        elif flag == "--export-json":
            export = value
        else:
            print(f"timing.py run: unknown flag {flag}", file=sys.stderr)
            return 2
    command = argv[1:]
    if not command or export is None:
        print("timing.py run: need --export-json FILE -- CMD", file=sys.stderr)
        return 2
    for _ in range(warmup):
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    times, codes = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
        codes.append(proc.returncode)
    result = {
        "command": " ".join(command),
        "mean": statistics.mean(times),
        "stddev": statistics.stdev(times) if len(times) > 1 else None,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "times": times,
        "exit_codes": codes,
    }
    Path(export).write_text(json.dumps({"results": [result]}, indent=2) + "\n")
    return 0


def cmd_rss(argv: list[str]) -> int:
    command = argv[1:] if argv and argv[0] == "--" else argv
    try:
        proc = subprocess.run(
            ["/usr/bin/time", "-v", *command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
    except FileNotFoundError:
        return 0
    match = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    if match:
        print(match.group(1).decode())
    return 0


def cmd_sites(argv: list[str]) -> int:
    try:
        data = json.loads(Path(argv[0]).read_text())
    except (OSError, ValueError, IndexError):
        print("?")
        return 0
    summary = data.get("summary") if isinstance(data, dict) else None
    if isinstance(summary, dict) and isinstance(summary.get("sites"), int):
        print(summary["sites"])
    elif isinstance(data, dict) and isinstance(data.get("sites"), list):
        print(len(data["sites"]))
    else:
        print("?")
    return 0


def cmd_table(argv: list[str]) -> int:
    rows = []
    for line in Path(argv[0]).read_text().splitlines():
        if not line.strip():
            continue
        label, command, export, rss, note = (line.split("\t") + [""] * 5)[:5]
        try:
            result = json.loads(Path(export).read_text())["results"][0]
        except (OSError, ValueError, KeyError, IndexError):
            result = None
        rows.append((label, command, result, rss, note))
    base = next((r[2]["median"] for r in rows if r[0].startswith("rg") and r[2]), None)
    print("| tool | median s | min–max s | runs | × rg | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, _command, result, rss, _note in rows:
        rss_text = f"{int(rss) / 1024:.0f}" if rss.isdigit() else "–"
        if result is None:
            print(f"| {label} | – | – | 0 | – | {rss_text} |")
            continue
        median = result["median"]
        ratio = f"{median / base:.1f}×" if base else "–"
        times = result.get("times") or []
        print(
            f"| {label} | {median:.3f} | {result['min']:.3f}–{result['max']:.3f} | {len(times)} | {ratio} | {rss_text} |"
        )
    print()
    print("Commands (stdout to /dev/null):")
    for label, command, result, _rss, note in rows:
        codes = sorted(set(result.get("exit_codes") or [])) if result else []
        extra = f"; exit {','.join(map(str, codes))}" if codes and codes != [0] else ""
        print(f"- {label}: `{command}`{extra}{'; ' + note if note else ''}")
    return 0


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    commands = {"run": cmd_run, "rss": cmd_rss, "sites": cmd_sites, "table": cmd_table}
    fn = commands.get(sys.argv[1])
    if fn is None:
        print(__doc__, file=sys.stderr)
        return 2
    return fn(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
