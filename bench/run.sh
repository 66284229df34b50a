#!/usr/bin/env bash
# Benchmark uuid-migrate against ripgrep (and ast-grep when installed).
#
# Usage: bash bench/run.sh [--runs N] [--stdlib] [--dir DIR]... [--bin PATH] [--files N]
#
#   --runs N     timed runs per command, medians reported (default 5; ast-grep gets at most 2)
#   --stdlib     also benchmark the Python standard library directory of `python3`
#   --dir DIR    also benchmark DIR (repeatable), e.g. a checkout of the real monorepo
#   --bin PATH   time this uuid-migrate binary instead of building target/release/uuid-migrate
#   --files N    size of the generated monorepo when it has to be generated (default 9000)
#
# Builds with `cargo build --release`, generates target/bench/monorepo with bench/gen_monorepo.py
# if it is absent, then times each command on each tree and prints a markdown table (median seconds,
# ratio to `rg -c uuid4 -t py`, peak RSS from /usr/bin/time -v). Uses hyperfine when installed,
# otherwise a Python timing loop (bench/timing.py). Results go to target/bench/results/.
# Never installs anything and never writes into the trees it measures (rewrite prints a diff, which
# goes to /dev/null). The binary's own cache, if it keeps one, is its business.
set -uo pipefail

runs=5
stdlib=0
bin=""
files=9000
dirs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=${2:-}; shift 2 || shift ;;
    --runs=*) runs=${1#*=}; shift ;;
    --stdlib) stdlib=1; shift ;;
    --dir) dirs+=("${2:-}"); shift 2 || shift ;;
    --bin) bin=${2:-}; shift 2 || shift ;;
    --files) files=${2:-}; shift 2 || shift ;;
    -h | --help) sed -n '2,/^set /p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$runs" in '' | *[!0-9]* | 0) echo "run.sh: --runs needs a positive integer" >&2; exit 2 ;; esac
case "$files" in '' | *[!0-9]*) echo "run.sh: --files needs an integer" >&2; exit 2 ;; esac

# paths given on the command line are relative to where the script was started
for i in "${!dirs[@]}"; do
  case "${dirs[i]}" in /*) ;; *) dirs[i]="$PWD/${dirs[i]}" ;; esac
done
if [ -n "$bin" ]; then
  if [ -e "$bin" ]; then
    case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
  else
    bin=$(command -v "$bin" || printf '%s' "$bin")
  fi
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 2
results=target/bench/results
mkdir -p "$results"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have() { command -v "$1" >/dev/null 2>&1; }
timing() { python3 bench/timing.py "$@"; }

# ---- tools ------------------------------------------------------------------------------------
hyperfine_n=""
if have hyperfine; then
  hyperfine --help 2>&1 | grep -q -- '--shell' && hyperfine_n="-N"
else
  echo "hint: hyperfine is not installed (apt-get install hyperfine); timing with a Python loop instead"
fi
have rg || echo "hint: ripgrep is not installed (apt-get install ripgrep); no baseline row, no ratios"
[ -x /usr/bin/time ] || echo "hint: /usr/bin/time is not installed (apt-get install time); no peak RSS"
astgrep=""
if have ast-grep; then
  astgrep=ast-grep
else
  echo "hint: ast-grep is not installed (pip install ast-grep-cli); no ast-grep rows"
fi
ag_runs=$((runs < 2 ? runs : 2))

# ---- binary -----------------------------------------------------------------------------------
status=0
floor=""
if [ -z "$bin" ]; then
  echo "== cargo build --release"
  if cargo build --release --quiet; then
    bin=target/release/uuid-migrate
    # the cost floor of a scan (examples/floor.rs): walk+read, +tokenize, +sliced parse
    cargo build --release --quiet --example floor && floor=target/release/examples/floor
  else
    echo "run.sh: cargo build --release failed; uuid-migrate rows are skipped" >&2
    status=1
  fi
fi
if [ -n "$bin" ] && [ ! -x "$bin" ]; then
  echo "run.sh: no executable at $bin; uuid-migrate rows are skipped" >&2
  bin=""
  status=1
fi
shown_bin=$bin
rev="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (dirty)')"
if [ -n "$bin" ]; then
  # time a private copy, so that a rebuild during the run cannot change the binary under test
  cp "$bin" "$tmp/uuid-migrate" && bin="$tmp/uuid-migrate"
fi
if [ -n "$floor" ]; then
  cp "$floor" "$tmp/floor" && floor="$tmp/floor"
fi

# ---- trees ------------------------------------------------------------------------------------
mono=target/bench/monorepo
if [ ! -f "$mono/.bench-manifest.json" ]; then
  if [ -e "$mono" ] && [ -n "$(ls -A "$mono" 2>/dev/null)" ]; then
    echo "run.sh: $mono exists but has no .bench-manifest.json (interrupted generation?); remove it" >&2
    exit 2
  fi
  echo "== generating $mono"
  python3 bench/gen_monorepo.py "$mono" --files "$files" || exit 2
else
  have_files=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["files"])' "$mono/.bench-manifest.json")
  if [ "$have_files" != "$files" ]; then
    echo "note: reusing $mono with $have_files files (remove it to regenerate with --files $files)"
  fi
fi
trees=("$mono")
if [ "$stdlib" = 1 ]; then
  trees+=("$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')")
fi
trees+=("${dirs[@]}")

# ---- helpers ----------------------------------------------------------------------------------
# quote CMD...: the command as one shell-quoted line (for hyperfine and for the report)
quote() {
  local q
  q=$(printf '%q ' "$@")
  printf '%s' "${q% }"
}

# time_row LABEL RUNS WARMUP NOTE CMD...: time CMD, add a row to $rows
time_row() {
  local label=$1 n=$2 warm=$3 note=$4
  shift 4
  local slug json rss line
  slug=$(printf '%s' "$label" | tr -c 'A-Za-z0-9' '-' | tr -s '-')
  json="$results/$corpus-$slug.json"
  line=$(quote "$@")
  [ -n "$shown_bin" ] && line=${line//"$bin"/"$shown_bin"}
  [ -n "$floor" ] && line=${line//"$floor"/target/release/examples/floor}
  echo "   timing $label ($n runs): $line"
  if have hyperfine; then
    hyperfine $hyperfine_n -i --style none --runs "$n" --warmup "$warm" --export-json "$json" "$line" >/dev/null 2>"$tmp/hf.err" ||
      { echo "   hyperfine failed: $(head -n 3 "$tmp/hf.err")"; rm -f "$json"; }
  else
    timing run --runs "$n" --warmup "$warm" --export-json "$json" -- "$@"
  fi
  rss=""
  if [ -n "$with_rss" ] && [ -x /usr/bin/time ]; then
    rss=$(timing rss -- "$@")
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$line" "$json" "$rss" "$note" >>"$rows"
}

# probe CMD...: run CMD once (also warms the page cache); sets probe_rc, output in $tmp/out, $tmp/err
probe() {
  "$@" >"$tmp/out" 2>"$tmp/err"
  probe_rc=$?
}

# rejected FLAG: did the last probe fail because the binary does not accept FLAG (or its value)?
rejected() {
  [ "$probe_rc" = 2 ] && grep -q -- "$1" "$tmp/err" &&
    grep -qiE 'unexpected|unrecognized|unknown|invalid|not (yet )?supported|usage' "$tmp/err"
}

# drop_flag FLAG TAKES_VALUE: remove FLAG (and its value when TAKES_VALUE=1) from the array args
drop_flag() {
  local out=() skip=0 a
  for a in "${args[@]}"; do
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    if [ "$a" = "$1" ]; then skip=$2; continue; fi
    out+=("$a")
  done
  args=("${out[@]}")
}

# resolve_tool: probe "$bin" "${args[@]}", dropping unsupported optional flags; sets tool_note and
# returns 1 when the command cannot be timed
resolve_tool() {
  tool_note=""
  local tries=0
  while :; do
    probe "$bin" "${args[@]}"
    tries=$((tries + 1))
    if [ $tries -le 3 ] && rejected --no-cache; then
      drop_flag --no-cache 0
      tool_note+="--no-cache rejected, timed without it (no cold/warm distinction); "
    elif [ $tries -le 3 ] && rejected --format; then
      drop_flag --format 1
      tool_note+="--format json rejected, timed with the default format; "
    else
      break
    fi
  done
  case "$probe_rc" in
    0 | 1) ;;
    2)
      if [ -s "$tmp/out" ] || ! grep -qiE 'not (yet )?implemented|unrecognized|unexpected|usage' "$tmp/err"; then
        tool_note+="exit 2 (errors reported: $(head -n 1 "$tmp/err" | cut -c1-120)); "
      else
        echo "   $(quote "$shown_bin" "${args[@]}") is not usable yet (exit 2); row skipped:"
        head -n 3 "$tmp/err" | sed 's/^/     /'
        return 1
      fi
      ;;
    *)
      echo "   $(quote "$shown_bin" "${args[@]}") exited $probe_rc; row skipped:"
      head -n 5 "$tmp/err" | sed 's/^/     /'
      status=1
      return 1
      ;;
  esac
  tool_note=${tool_note%; }
  return 0
}

# ---- run --------------------------------------------------------------------------------------
echo
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')"
echo "   $(rg --version 2>/dev/null | head -n 1)${astgrep:+, $($astgrep --version 2>/dev/null)}$(have hyperfine && echo ", $(hyperfine --version)")"
echo "   uuid-migrate: ${shown_bin:-none}, work tree at $rev when the run started"

for tree in "${trees[@]}"; do
  if [ ! -d "$tree" ]; then
    echo "run.sh: $tree is not a directory; skipped" >&2
    status=1
    continue
  fi
  corpus=$(basename "$tree")
  rows="$tmp/$corpus.tsv"
  : >"$rows"
  py_files=$(find "$tree" -name '*.py' -type f | wc -l)
  py_bytes=$(find "$tree" -name '*.py' -type f -printf '%s\n' | awk '{s += $1} END {printf "%.1f", s / 1e6}')
  echo
  echo "== $tree: $py_files .py files, $py_bytes MB (find, ignores nothing)"
  if have rg; then
    echo "   rg: $(rg --files -t py "$tree" | wc -l) Python files after ignore rules, $(rg -l uuid4 -t py "$tree" | wc -l) mention uuid4"
  fi
  if [ -f "$tree/.bench-manifest.json" ]; then
    expected=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["sites"])' "$tree/.bench-manifest.json")
    echo "   generator wrote $expected sites (bench/gen_monorepo.py --verify re-counts them with ast)"
  else
    expected=""
  fi

  with_rss=1
  if have rg; then
    probe rg -c uuid4 -t py "$tree"
    time_row "rg -c uuid4" "$runs" 1 "" rg -c uuid4 -t py "$tree"
  fi

  if [ -n "$floor" ]; then
    # what a scan cannot go below with this design: the same walk, read and prefilter, then the
    # tokenizer's slicing, then tree-sitter on the slices; no analysis, no output
    time_row "floor: walk + read" "$runs" 1 "examples/floor.rs" "$floor" read "$tree"
    time_row "floor: + tokenize" "$runs" 1 "examples/floor.rs" "$floor" slice "$tree"
    time_row "floor: + sliced parse" "$runs" 1 "examples/floor.rs; $("$floor" parse "$tree" | sed 's/.*candidates (\([0-9]*\) bytes), \([0-9]*\) bytes parsed/\2 of \1 candidate bytes parsed/')" "$floor" parse "$tree"
  fi

  if [ -n "$bin" ]; then
    args=(scan "$tree" --format json --no-cache)
    if resolve_tool; then
      cp "$tmp/out" "$results/$corpus-scan.json"
      found=$(timing sites "$results/$corpus-scan.json")
      if [ "$found" = "?" ]; then
        echo "   uuid-migrate scan: no site count in its output (not scan JSON?); output in $results/$corpus-scan.json"
      else
        echo "   uuid-migrate scan reported $found sites${expected:+ (generator wrote $expected)}; output in $results/$corpus-scan.json"
      fi
      cold_args=("${args[@]}")
      cold_note=$tool_note
      time_row "uuid-migrate scan (cold)" "$runs" 0 "$cold_note" "$bin" "${cold_args[@]}"
      args=(scan "$tree" --format json)
      if resolve_tool; then
        # one untimed warm-up fills the cache, then the timed runs read it
        time_row "uuid-migrate scan (warm)" "$runs" 1 "$tool_note" "$bin" "${args[@]}"
      fi
    fi
  fi

  if [ -n "$astgrep" ]; then
    with_rss=""
    for pattern in 'uuid.uuid4()' 'uuid4()'; do
      probe "$astgrep" run -p "$pattern" -l py --json=stream "$tree"
      echo "   ast-grep '$pattern': $(wc -l <"$tmp/out") matches"
      time_row "ast-grep run -p '$pattern'" "$ag_runs" 0 "" "$astgrep" run -p "$pattern" -l py "$tree"
    done
    with_rss=1
  fi

  if [ -n "$bin" ]; then
    args=(rewrite "$tree")
    if resolve_tool; then
      echo "   uuid-migrate rewrite: $(grep -c '^+++ ' "$tmp/out") files in the diff, $(wc -c <"$tmp/out") bytes"
      time_row "uuid-migrate rewrite (diff)" "$runs" 0 "$tool_note" "$bin" "${args[@]}"
    fi
  fi

  echo
  {
    echo "### $tree"
    echo
    echo "$py_files .py files, $py_bytes MB; $(nproc) cores; median of the timed runs; peak RSS of one extra run"
    echo
    timing table "$rows"
  } | tee "$results/$corpus.md"
done
exit $status
