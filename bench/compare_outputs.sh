#!/usr/bin/env bash
# Compare the scan outputs of two uuid-migrate binaries, byte for byte, on a set of trees.
#
#   bash bench/compare_outputs.sh REF_BIN NEW_BIN [--mono DIR] [--sdists DIR] [--no-stdlib]
#                                 [--pathological N]
#
# Trees: the generated monorepo (default /tmp/mono-speed, if present), fixtures/ as a whole,
# each fixtures/consumers/* directory, fixtures/example_project, the Python standard library
# (--no-ignore --hidden), and each package root under the consumer label trees (default
# /work/sdists-consumers, if present; directories only, `dl` skipped), and each file of
# bench/pathological.py at 5,000 sites (--pathological N to change; 0 skips them; they are
# scanned without a parse time budget, so that a loaded machine cannot make one binary skip a
# file). Every scan runs with --no-cache --format json. Exit status: 0 all identical, 1 some output or exit status differs,
# 2 bad arguments.
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 REF_BIN NEW_BIN [--mono DIR] [--sdists DIR] [--no-stdlib] [--pathological N]" >&2
    exit 2
fi
ref=$1
new=$2
shift 2
mono=/tmp/mono-speed
sdists=/work/sdists-consumers
stdlib=1
pathological=5000
while [ $# -gt 0 ]; do
    case $1 in
        --mono) mono=$2; shift 2 ;;
        --sdists) sdists=$2; shift 2 ;;
        --no-stdlib) stdlib=0; shift ;;
        --pathological) pathological=$2; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail=0
n=0

# compare NAME ARGS...: run both binaries with `scan ARGS... --no-cache --format json`.
compare() {
    local name=$1
    shift
    n=$((n + 1))
    "$ref" scan "$@" --no-cache --format json >"$out/ref.out" 2>"$out/ref.err"
    local rs=$?
    "$new" scan "$@" --no-cache --format json >"$out/new.out" 2>"$out/new.err"
    local ns=$?
    if [ $rs -ne $ns ]; then
        echo "DIFF   $name: exit status $rs vs $ns"
        fail=1
    elif ! cmp -s "$out/ref.out" "$out/new.out"; then
        echo "DIFF   $name: stdout differs"
        diff "$out/ref.out" "$out/new.out" | head -20
        fail=1
    elif ! cmp -s "$out/ref.err" "$out/new.err"; then
        echo "DIFF   $name: stderr differs"
        diff "$out/ref.err" "$out/new.err" | head -20
        fail=1
    else
        echo "same   $name ($(wc -c <"$out/ref.out") bytes, exit $rs)"
    fi
}

if [ -d "$mono" ]; then
    compare "monorepo $mono" "$mono"
else
    echo "skip   monorepo: $mono absent (python3 bench/gen_monorepo.py $mono --files 9000)"
fi
compare "fixtures" "$root/fixtures"
for d in "$root"/fixtures/consumers/*/; do
    compare "fixtures/consumers/$(basename "$d")" "$d"
done
compare "fixtures/example_project" "$root/fixtures/example_project"
if [ $stdlib -eq 1 ]; then
    lib=$(python3 -c 'import sysconfig;print(sysconfig.get_paths()["stdlib"])')
    compare "stdlib $lib" "$lib" --no-ignore --hidden
fi
if [ -d "$sdists" ]; then
    for d in "$sdists"/*/; do
        [ "$(basename "$d")" = dl ] && continue
        compare "sdist $(basename "$d")" "$d"
    done
fi
if [ "$pathological" -gt 0 ]; then
    shapes="$out/pathological"
    python3 "$root/bench/pathological.py" "$shapes" --sites "$pathological" >/dev/null
    printf 'parse-timeout-ms = 0\n' >"$shapes/uuid-migrate.toml"
    for f in "$shapes"/*.py; do
        compare "pathological $(basename "$f") ($pathological sites)" "$f"
    done
fi

if [ $fail -eq 0 ]; then
    echo "all $n outputs identical"
else
    echo "outputs differ"
fi
exit $fail
