#!/usr/bin/env python3
"""Write Python files of unusual shape, each holding many uuid4 sites, to time a scan on them.

Each file puts N sites (default 20,000) where one statement, scope or node holds them all: a
module of N assignments, a dict literal, a function body, a call with N arguments, `str(...)`
arguments, a class of N methods, an implicit string concatenation, a list, meaningless locals
followed to their consumers, and (at N/4, since its depth is N) a chain of `+`. A scan whose cost
per site grows with the size of the enclosing statement or scope shows here as seconds or
minutes instead of a fraction of a second.

Usage: python3 bench/pathological.py OUT_DIR [--sites N]
then:  bash bench/run.sh --dir OUT_DIR      (or: uuid-migrate scan --no-cache OUT_DIR)
"""

from __future__ import annotations

import argparse
from pathlib import Path


def shapes(n: int) -> dict[str, str]:
    head = "import uuid\n"
    return {
        "module.py": head + "".join(f"x_{i} = uuid.uuid4()\n" for i in range(n)),
        "dict_literal.py": head
        + "D = {\n"
        + "".join(f"    'k_{i}': str(uuid.uuid4()),\n" for i in range(n))
        + "}\n",
        "function_body.py": head
        + "def f():\n"
        + "".join(f"    user_id_{i} = str(uuid.uuid4())\n" for i in range(n)),
        "call_arguments.py": head + "f(\n" + "    uuid.uuid4(),\n" * n + ")\n",
        "str_arguments.py": head + "f(\n" + "    str(uuid.uuid4()),\n" * n + ")\n",
        "class_methods.py": head
        + "class C:\n"
        + "".join(
            f"    def m_{i}(self):\n        self.user_id = str(uuid.uuid4())\n" for i in range(n)
        ),
        "string_concatenation.py": head + "x = (\n" + '    f"a{uuid.uuid4()}"\n' * n + ")\n",
        "list_literal.py": head + "X = [\n" + "    uuid.uuid4(),\n" * n + "]\n",
        "meaningless_locals.py": head
        + "def f(ts):\n"
        + "".join(
            f'    suffix = uuid.uuid4().hex[:8]\n    x_{i} = f"t_{{suffix}}"\n' for i in range(n)
        ),
        "plus_chain.py": head + 'x = ("p"\n' + "    + str(uuid.uuid4())\n" * (n // 4) + ")\n",
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--sites", type=int, default=20000, help="sites per file (default 20000)")
    args = ap.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in shapes(args.sites).items():
        (args.out_dir / name).write_text(text)
    print(f"wrote {len(shapes(1))} files to {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
