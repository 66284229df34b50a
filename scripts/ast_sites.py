#!/usr/bin/env python3
"""Independent reference counter for `uuid.uuid4` sites, built on Python's own `ast`.

It exists to cross-check `uuid-migrate scan` (tree-sitter based) on large real trees such
as the standard library and site-packages. It shares no code or parser with the Rust tool.

Usage:
    python3 scripts/ast_sites.py PATH... [--json] [--pyi] [--hidden] [-j JOBS]

What counts as a site (see shared/SPEC.md, "What is a site"):
  * `uuid.uuid4` after `import uuid` / `import uuid as u` (as `u.uuid4`);
  * `uuid4` after `from uuid import uuid4 [as x]` (as `x`) or `from uuid import *`;
  * imports anywhere in the file count (module level, inside functions, `try`, `if`);
  * kind `call` when the expression is called, `reference` otherwise (`default_factory=uuid.uuid4`);
  * a name is shadowed by a binding in its scope: function/lambda/comprehension parameters and
    targets, assignments, `for`/`with`/`except ... as`, `def`/`class` names, other imports,
    `match` captures; `global` and `nonlocal` declarations are honoured; class bodies do not
    enclose the functions defined in them (Python's rule);
  * a use that no enclosing scope binds resolves through the file: if any scope of the file
    imports the name from `uuid`, it is a resolved site; otherwise `uuid.uuid4` on the name
    `uuid` is an "unresolved" site and anything else is not a site;
  * when one scope binds the name both by a `uuid` import and otherwise
    (`try: from uuid import uuid4` / `except ImportError: uuid4 = None`), the import wins.
Not sites: assignment/deletion targets (`uuid.uuid4 = fake`), `obj.uuid4`, `self.uuid.uuid4`,
strings, comments, import lines.

Output: one line per site, `path:line:col kind binding` (1-based line and column, the column in
characters, at the start of `uuid.uuid4` / the alias name), sorted by path, line, column; then a
total on stderr. `--json` prints a JSON list of {path, line, column, kind, binding} instead.
Files that `ast` cannot parse (or decode) are skipped and counted on stderr.

Directories are walked for `*.py` (and `*.pyi` with `--pyi`), skipping hidden files and
directories unless `--hidden`; files named explicitly are always read. Paths are printed
relative to the current directory when under it, with `/` separators, otherwise as walked.
`.gitignore` files are not read: compare with `uuid-migrate scan --no-ignore` on trees that have them.
Every file is parsed (so that the count of unparseable files is complete); only files that
contain the text `uuid4` are searched for sites.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import tokenize
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

MODULE = "module"  # the name is bound to the uuid module
FUNC = "func"  # the name is bound to uuid.uuid4
OTHER = "other"  # the name is bound to anything else

COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# `match` patterns exist from Python 3.10 on.
MATCH_CAPTURES = tuple(getattr(ast, name) for name in ("MatchAs", "MatchStar") if hasattr(ast, name))
MATCH_MAPPING = getattr(ast, "MatchMapping", ())


@dataclass
class Scope:
    kind: str  # module | function | class | comprehension
    parent: Scope | None
    bindings: dict[str, set[str]] = field(default_factory=dict)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)

    def bind(self, name: str, what: str) -> None:
        self.bindings.setdefault(name, set()).add(what)


@dataclass(frozen=True)
class Site:
    path: str
    line: int
    column: int
    kind: str
    binding: str


def import_bindings(node: ast.Import | ast.ImportFrom) -> list[tuple[str, str]]:
    """(name, what) pairs bound by an import statement."""
    out = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            top = alias.name.split(".")[0]
            if alias.asname is None:
                # `import uuid` and `import uuid.x` both bind `uuid` to the uuid module.
                out.append((top, MODULE if top == "uuid" else OTHER))
            else:
                out.append((alias.asname, MODULE if alias.name == "uuid" else OTHER))
        return out
    from_uuid = node.module == "uuid" and not node.level
    for alias in node.names:
        if alias.name == "*":
            if from_uuid:
                out.append(("uuid4", FUNC))
            # A star import from another module binds names we cannot know: ignore it.
            continue
        bound = alias.asname or alias.name
        out.append((bound, FUNC if from_uuid and alias.name == "uuid4" else OTHER))
    return out


def target_names(node: ast.AST) -> list[str]:
    """Names bound (stored or deleted) anywhere inside an assignment-like target."""
    return [
        n.id
        for n in ast.walk(node)
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))
    ]


def parameter_names(args: ast.arguments) -> list[str]:
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    if args.vararg:
        params.append(args.vararg)
    if args.kwarg:
        params.append(args.kwarg)
    return [a.arg for a in params]


def collect(nodes: list[ast.AST], scope: Scope) -> None:
    """Record every binding made directly in `scope` by `nodes` (not in nested scopes)."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Global):
            scope.globals.update(node.names)
            continue
        if isinstance(node, ast.Nonlocal):
            scope.nonlocals.update(node.names)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for name, what in import_bindings(node):
                scope.bind(name, what)
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope.bind(node.name, OTHER)
            # Decorators, defaults, annotations and bases run here, but only a walrus
            # could bind in them; the body is a scope of its own.
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, COMPREHENSIONS):
            # Only an assignment expression inside a comprehension binds in this scope.
            for inner in ast.walk(node):
                if isinstance(inner, ast.NamedExpr) and isinstance(inner.target, ast.Name):
                    scope.bind(inner.target.id, OTHER)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            scope.bind(node.id, OTHER)
            continue
        if isinstance(node, ast.ExceptHandler) and node.name:
            scope.bind(node.name, OTHER)
        elif isinstance(node, MATCH_CAPTURES) and node.name:
            scope.bind(node.name, OTHER)
        elif isinstance(node, MATCH_MAPPING) and node.rest:
            scope.bind(node.rest, OTHER)
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def fix_declarations(scope: Scope, module: Scope) -> None:
    """Names declared `global` bind in the module; `nonlocal` ones in an enclosing function."""
    for name in scope.globals:
        kinds = scope.bindings.pop(name, None)
        if kinds:
            module.bindings.setdefault(name, set()).update(kinds)
    for name in scope.nonlocals:
        kinds = scope.bindings.pop(name, None)
        owner = scope.parent
        while owner is not None and (owner.kind == "class" or name not in owner.bindings):
            if owner.kind == "module":
                owner = None
                break
            owner = owner.parent
        if kinds and owner is not None:
            owner.bindings[name].update(kinds)


class SiteFinder:
    def __init__(self, path: str, source: str, tree: ast.Module) -> None:
        self.path = path
        self.lines = source.split("\n")
        self.tree = tree
        self.module = Scope("module", None)
        self.file_bindings: dict[str, set[str]] = {}
        self.called: set[int] = set()
        self.sites: list[Site] = []
        self.scopes: list[Scope] = []
        self.pending: list[tuple[ast.AST, Scope]] = []

    # -- scope construction ---------------------------------------------------------------
    def new_scope(self, kind: str, parent: Scope, nodes: list[ast.AST], params=()) -> Scope:
        scope = Scope(kind, parent)
        for name in params:
            scope.bind(name, OTHER)
        collect(nodes, scope)
        self.scopes.append(scope)
        return scope

    # -- traversal ------------------------------------------------------------------------
    def run(self) -> list[Site]:
        collect(self.tree.body, self.module)
        self.scopes.append(self.module)
        # First pass: build every scope and queue the candidate uses. Second pass: move the
        # `global`/`nonlocal` bindings to their owners, then resolve the queued uses, so that
        # resolution is flow-insensitive (an import later in the file still counts).
        self.visit_list(self.tree.body, self.module)
        for scope in self.scopes:
            fix_declarations(scope, self.module)
        for scope in self.scopes:
            for name, kinds in scope.bindings.items():
                self.file_bindings.setdefault(name, set()).update(kinds)
        aliases = {name for name, kinds in self.file_bindings.items() if FUNC in kinds}
        for node, scope in self.pending:
            if isinstance(node, ast.Attribute) or node.id in aliases:
                self.check(node, scope)
        return self.sites

    def visit_list(self, nodes, scope: Scope) -> None:
        for node in nodes:
            if node is not None:
                self.visit(node, scope)

    def visit_arguments(self, args: ast.arguments, outer: Scope, with_annotations: bool) -> None:
        self.visit_list(args.defaults, outer)
        self.visit_list([d for d in args.kw_defaults if d is not None], outer)
        if with_annotations:
            params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
            params += [a for a in (args.vararg, args.kwarg) if a]
            self.visit_list([a.annotation for a in params if a.annotation], outer)

    def visit(self, node: ast.AST, scope: Scope) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.visit_list(node.decorator_list, scope)
            self.visit_arguments(node.args, scope, with_annotations=True)
            if node.returns:
                self.visit(node.returns, scope)
            inner = self.new_scope("function", scope, node.body, parameter_names(node.args))
            self.visit_list(node.body, inner)
            return
        if isinstance(node, ast.Lambda):
            self.visit_arguments(node.args, scope, with_annotations=False)
            inner = self.new_scope("function", scope, [node.body], parameter_names(node.args))
            self.visit(node.body, inner)
            return
        if isinstance(node, ast.ClassDef):
            self.visit_list(node.decorator_list, scope)
            self.visit_list(node.bases, scope)
            self.visit_list([k.value for k in node.keywords], scope)
            inner = self.new_scope("class", scope, node.body)
            self.visit_list(node.body, inner)
            return
        if isinstance(node, COMPREHENSIONS):
            generators = node.generators
            # The first iterable is evaluated in the enclosing scope.
            self.visit(generators[0].iter, scope)
            inner = Scope("comprehension", scope)
            for gen in generators:
                for name in target_names(gen.target):
                    inner.bind(name, OTHER)
            self.scopes.append(inner)
            for i, gen in enumerate(generators):
                self.visit(gen.target, inner)
                if i:
                    self.visit(gen.iter, inner)
                self.visit_list(gen.ifs, inner)
            if isinstance(node, ast.DictComp):
                self.visit(node.key, inner)
                self.visit(node.value, inner)
            else:
                self.visit(node.elt, inner)
            return
        if isinstance(node, ast.Call):
            self.called.add(id(node.func))
        if isinstance(node, ast.Attribute) and node.attr == "uuid4":
            if isinstance(node.value, ast.Name) and isinstance(node.ctx, ast.Load):
                self.pending.append((node, scope))
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            self.pending.append((node, scope))
        for child in ast.iter_child_nodes(node):
            self.visit(child, scope)

    # -- resolution -----------------------------------------------------------------------
    def lookup(self, name: str, scope: Scope) -> set[str] | None:
        current: Scope | None = scope
        first = True
        while current is not None:
            if current.kind == "class" and not first:
                current = current.parent
                continue
            if name in current.globals:
                return self.module.bindings.get(name)
            if name in current.nonlocals:
                current, first = current.parent, False
                continue
            if name in current.bindings:
                return current.bindings[name]
            current, first = current.parent, False
        return None

    def resolve(self, name: str, scope: Scope, want: str) -> str | None:
        kinds = self.lookup(name, scope)
        if kinds is not None:
            return "resolved" if want in kinds else None
        if want in self.file_bindings.get(name, ()):
            return "resolved"
        if want == MODULE and name == "uuid":
            return "unresolved"
        return None

    def check(self, node: ast.AST, scope: Scope) -> None:
        if isinstance(node, ast.Attribute):
            binding = self.resolve(node.value.id, scope, MODULE)
            start = node.value.id
        else:
            binding = self.resolve(node.id, scope, FUNC)
            start = node.id
        if binding is None:
            return
        kind = "call" if id(node) in self.called else "reference"
        line_text = self.lines[node.lineno - 1]
        prefix = line_text.encode("utf-8")[: node.col_offset].decode("utf-8", errors="replace")
        column = len(prefix) + 1
        if not line_text[column - 1 :].startswith(start):
            print(
                f"warning: {self.path}:{node.lineno}: position {column} does not start with {start!r}",
                file=sys.stderr,
            )
        self.sites.append(Site(self.path, node.lineno, column, kind, binding))


def display_path(path: str) -> str:
    cwd = os.getcwd()
    absolute = os.path.abspath(path)
    if absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        path = os.path.relpath(absolute, cwd)
    return path.replace(os.sep, "/")


def iter_files(paths: list[str], pyi: bool, hidden: bool):
    suffixes = (".py", ".pyi") if pyi else (".py",)
    for root in paths:
        if os.path.isfile(root):
            yield root
            continue
        if not os.path.isdir(root):
            print(f"error: {root}: no such file or directory", file=sys.stderr)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            if not hidden:
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            dirnames.sort()
            for name in sorted(filenames):
                if not hidden and name.startswith("."):
                    continue
                if name.endswith(suffixes):
                    full = os.path.join(dirpath, name)
                    if os.path.isfile(full):
                        yield full


def scan_file(path: str) -> tuple[list[Site] | None, bool]:
    """The sites of one file (None when it does not parse) and whether it mentions uuid4."""
    try:
        with tokenize.open(path) as handle:
            source = handle.read()
    except (SyntaxError, UnicodeDecodeError, ValueError, OSError):
        return None, False
    mentions = "uuid4" in source
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None, mentions
    if not mentions:
        # Every site spells `uuid4` somewhere: `uuid.uuid4`, an import of it, or the name
        # bound by `from uuid import *`.
        return [], False
    return SiteFinder(display_path(path), source, tree).run(), True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--json", action="store_true", help="print a JSON list of sites")
    parser.add_argument("--pyi", action="store_true", help="also walk *.pyi files")
    parser.add_argument("--hidden", action="store_true", help="walk hidden files and directories")
    parser.add_argument(
        "-j", "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)"
    )
    args = parser.parse_args(argv)
    paths = list(iter_files(args.paths, args.pyi, args.hidden))
    if args.jobs > 1 and len(paths) > 64:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(scan_file, paths, chunksize=64))
    else:
        results = [scan_file(path) for path in paths]

    sites: list[Site] = []
    scanned = skipped = with_sites = 0
    skipped_paths = []
    skipped_mentioning = 0
    for path, (found, mentions) in zip(paths, results):
        if found is None:
            skipped += 1
            skipped_mentioning += mentions
            skipped_paths.append(path)
            continue
        scanned += 1
        if found:
            with_sites += 1
        sites.extend(found)

    sites.sort(key=lambda s: (s.path, s.line, s.column))
    try:
        if args.json:
            json.dump([s.__dict__ for s in sites], sys.stdout, indent=1)
            sys.stdout.write("\n")
        else:
            for s in sites:
                sys.stdout.write(f"{s.path}:{s.line}:{s.column} {s.kind} {s.binding}\n")
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    calls = sum(s.kind == "call" for s in sites)
    unresolved = sum(s.binding == "unresolved" for s in sites)
    if skipped:
        print(
            f"skipped {skipped} file(s) that ast could not parse or decode "
            f"({skipped_mentioning} of them mention uuid4)",
            file=sys.stderr,
        )
        for path in skipped_paths[:20]:
            print(f"  {display_path(path)}", file=sys.stderr)
        if skipped > 20:
            print(f"  ... and {skipped - 20} more", file=sys.stderr)
    print(
        f"total: {len(sites)} sites ({calls} calls, {len(sites) - calls} references, "
        f"{unresolved} unresolved) in {with_sites} files; {scanned} files parsed, "
        f"{skipped} skipped",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
