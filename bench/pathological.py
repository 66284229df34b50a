#!/usr/bin/env python3
"""Write Python files of unusual shape, each holding many uuid4 sites, to time a scan on them.

Each file puts N sites (default 20,000) where one statement, scope or node holds them all: a
module of N assignments, a dict literal, a function body, a call with N arguments, `str(...)`
arguments, a class of N methods, an implicit string concatenation, a list, meaningless locals
followed to their consumers, and (at N/4, since its depth is N) a chain of `+`. A scan whose cost
per site grows with the size of the enclosing statement or scope shows here as seconds or
minutes instead of a fraction of a second.

With --chains it writes instead one statement per file in which each of the N sites sits one
level deeper than the one before: `x = uuid4() or uuid4() or ...` (valid Python at any length, as
is the `and` chain), conditionals, a chain of N method calls, N nested lambdas, lists, calls,
keyword arguments, dicts, comprehensions, walruses and f-strings in calls. A scan that climbs from
each site through the levels above it shows here as quadratic: compare the instructions at 2,000
and 8,000 (bench/README.md, "Files of unusual shape").

Usage: python3 bench/pathological.py OUT_DIR [--sites N] [--chains]
then:  bash bench/run.sh --dir OUT_DIR      (or: uuid-migrate scan --no-cache OUT_DIR)
"""

from __future__ import annotations

import argparse
from pathlib import Path


# (file, opening, the line repeated with its index as {i}, closing, how many per site asked)
SHAPES = [
    ("module.py", "", "x_{i} = uuid.uuid4()\n", "", 1),
    ("dict_literal.py", "D = {\n", "    'k_{i}': str(uuid.uuid4()),\n", "}\n", 1),
    ("function_body.py", "def f():\n", "    user_id_{i} = str(uuid.uuid4())\n", "", 1),
    ("call_arguments.py", "f(\n", "    uuid.uuid4(),\n", ")\n", 1),
    ("str_arguments.py", "f(\n", "    str(uuid.uuid4()),\n", ")\n", 1),
    ("class_methods.py", "class C:\n", "    def m_{i}(self):\n        self.user_id = str(uuid.uuid4())\n", "", 1),
    ("string_concatenation.py", "x = (\n", '    f"a{{uuid.uuid4()}}"\n', ")\n", 1),
    ("list_literal.py", "X = [\n", "    uuid.uuid4(),\n", "]\n", 1),
    ("meaningless_locals.py", "def f(ts):\n", '    suffix = uuid.uuid4().hex[:8]\n    x_{i} = f"t_{{suffix}}"\n', "", 1),
    # its depth is the number of terms: a quarter of them
    ("plus_chain.py", 'x = ("p"\n', "    + str(uuid.uuid4())\n", ")\n", 4),
]


# (file, statement start, the level of one site, the bottom, the closing of one level): the
# statement is the start, N levels, the bottom and N closings.
CHAINS = [
    ("or_chain.py", "x = ", "uuid.uuid4() or ", "None", ""),
    ("and_chain.py", "x = ", "uuid.uuid4() and ", "None", ""),
    ("conditional_chain.py", "x = ", "uuid.uuid4() if c else ", "None", ""),
    ("method_chain.py", "x = a", ".f(uuid.uuid4())", "", ""),
    ("nested_lambdas.py", "x = ", "lambda: (uuid.uuid4(), ", "None", ")"),
    ("nested_lists.py", "x = ", "[uuid.uuid4(), ", "", "]"),
    ("nested_concatenations.py", "x = ", "f(str(uuid.uuid4()) + ", "1", ")"),
    ("nested_keywords.py", "x = ", "f(user_id=str(uuid.uuid4()), b=", "0", ")"),
    ("nested_dicts.py", "x = ", "{'user_id': str(uuid.uuid4()), 'n': ", "0", "}"),
    ("nested_comprehensions.py", "x = ", "[(uuid.uuid4(), ", "0", ") for _ in y]"),
    ("nested_walruses.py", "x = ", "(a := uuid.uuid4() or ", "0", ")"),
    ("nested_fstrings.py", "x = ", "f(f'user-{uuid.uuid4()}', ", "0", ")"),
]


def chains(n: int) -> dict[str, str]:
    return {
        name: f"import uuid\n{start}{level * n}{bottom}{closing * n}\n"
        for name, start, level, bottom, closing in CHAINS
    }


def shapes(n: int) -> dict[str, str]:
    return {
        name: "import uuid\n" + opening + "".join(line.format(i=i) for i in range(n // per)) + closing
        for name, opening, line, closing, per in SHAPES
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--sites", type=int, default=20000, help="sites per file (default 20000)")
    ap.add_argument("--chains", action="store_true", help="write the deep chains instead")
    args = ap.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    files = chains(args.sites) if args.chains else shapes(args.sites)
    for name, text in files.items():
        (args.out_dir / name).write_text(text)
    print(f"wrote {len(files)} files to {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
