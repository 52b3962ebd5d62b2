#!/usr/bin/env bash
# bench.sh: benchmarks, not tests. In one run it measures:
#
#   (a) the supervisor's per-tick hot path, ProcessProbe.read into a Sample and the CSV row, against a
#       live process (Benchmarks/OomlabBenchmarks, package-benchmark): mallocs per tick checked against
#       the p90 thresholds in Benchmarks/Thresholds/*.p90.json, instructions per tick counted by
#       callgrind checked against Benchmarks/Thresholds/callgrind.tsv, wall clock for information;
#   (b) how fast `oomlab run` fills 2 GiB of anonymous memory with a `pages` step against a minimal C
#       program doing the same (scripts/bench/fill.c), both timed the same way: this script takes the
#       wall time of each whole process, exec to exit, and of the same run with 4 KiB (its start-up),
#       and compares them both as they are and net of start-up;
#   (c) how much CPU the supervisor uses while it samples every 10 ms (a scenario that only holds for
#       10 s), and, for information, the same while the worker holds 2 GiB resident.
#
# It prints a Markdown table with PASS/FAIL and adds it, dated, to docs/benchmarks.md (newest first).
# Exit status: 1 when (a) is worse than its thresholds (a regression), after the results are
# recorded; the fill and CPU verdicts of (b) and (c) depend on the machine's load and are reported
# only. 2 for bad usage.
#
#   scripts/bench.sh                      # everything: 9 fill runs of each, 5 CPU runs (3 with 2 GiB)
#   scripts/bench.sh --tick-only          # only (a), printed; docs/benchmarks.md is left alone
#   scripts/bench.sh --update-thresholds  # re-record (a)'s thresholds on this machine, then review the
#                                         # diff of Benchmarks/Thresholds and commit it
#   BENCH_FILL_REPS=15 BENCH_REPS=7 scripts/bench.sh
#   BENCH_DOC=- scripts/bench.sh          # print only, leave docs/benchmarks.md alone
#
# Run it on an otherwise idle machine: a concurrent build skews the timings (the load average at
# start and end is recorded next to the results); malloc and callgrind counts do not depend on load.
# Everything is built in release mode in its own scratch directory, .build-bench, with
# OOMLAB_BENCHMARKS=1, which adds package-benchmark and the benchmark targets to the package (see
# Package.swift); debug builds in .build never compile them. Runs are sequential: at most one 2 GiB
# region is touched at a time.
set -euo pipefail
export LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() { echo "usage: scripts/bench.sh [--tick-only | --update-thresholds]" >&2; exit 2; }
mode=all
case $# in
  0) ;;
  1) case $1 in
       --tick-only) mode=tick ;;
       --update-thresholds) mode=update ;;
       *) usage ;;
     esac ;;
  *) usage ;;
esac

reps=${BENCH_REPS:-5}
fill_reps=${BENCH_FILL_REPS:-9}
loaded_reps=${BENCH_LOADED_REPS:-$((reps < 3 ? reps : 3))}
hold_seconds=${BENCH_HOLD_SECONDS:-10}
doc=${BENCH_DOC:-docs/benchmarks.md}
size=$((2 << 30))
small=4096
gib=$((1 << 30))
interval=10ms
scratch=.build-bench
thresholds=Benchmarks/Thresholds
callgrind_thresholds=$thresholds/callgrind.tsv
# Ticks per callgrind run: the count per tick is the same for 200 or 1000 (it is deterministic).
callgrind_ticks=500
# The tolerance written for a benchmark that has no callgrind threshold yet, in percent.
default_allowed_percent=1

bench_name=bench.sh
. scripts/bench/common.sh
positive BENCH_REPS "$reps"
positive BENCH_FILL_REPS "$fill_reps"
positive BENCH_LOADED_REPS "$loaded_reps"
positive BENCH_HOLD_SECONDS "$hold_seconds"
((hold_seconds >= 3)) || { echo "bench.sh: BENCH_HOLD_SECONDS must be at least 3" >&2; exit 2; }

# --- build ---------------------------------------------------------------------------------------
command -v swift >/dev/null 2>&1 || die "swift is not on PATH"
command -v valgrind >/dev/null 2>&1 || die "valgrind is not on PATH (apt-get install valgrind): it counts the instructions per tick"
command -v objcopy >/dev/null 2>&1 || die "objcopy is not on PATH (apt-get install binutils)"
export OOMLAB_BENCHMARKS=1
say "building oomlab and the benchmarks (release, $scratch)..."
swift build -c release --scratch-path "$scratch" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; die "swift build failed"; }
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
oomlab="$bin/oomlab"
[ -x "$oomlab" ] || die "no oomlab at $oomlab"
[ -x "$bin/OomlabTickCount" ] || die "no OomlabTickCount at $bin/OomlabTickCount"
swift_package() { swift package --scratch-path "$scratch" "$@"; }

# --- helpers -------------------------------------------------------------------------------------
ratio() { awk -v o="$1" -v c="$2" 'BEGIN { if (o == "nan" || c == "nan" || c == 0) print "nan"; else printf "%.3f", o / c }'; }

# --- (a) the per-tick hot path -------------------------------------------------------------------
tick_names=("tick" "tick with smaps_rollup")
tick_kinds=(tick rollup)

# Instructions per tick of KIND (tick or rollup): callgrind counts only inside OomlabTickCount's
# measuredTicks (--toggle-collect), which runs $callgrind_ticks ticks. valgrind 3.19 cannot read the
# DWARF 5 debug information Swift 6.3 writes, so it runs a copy without it (symbols are kept).
callgrind_per_tick() {
  local kind=$1 out="$tmp/callgrind-$1.out" total
  [ -x "$tmp/OomlabTickCount" ] || objcopy --strip-debug "$bin/OomlabTickCount" "$tmp/OomlabTickCount"
  valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
    --toggle-collect='$s15OomlabTickCount13measuredTicks*' \
    "$tmp/OomlabTickCount" "$kind" "$callgrind_ticks" >"$tmp/callgrind-$kind.log" 2>&1 ||
    { cat "$tmp/callgrind-$kind.log" >&2; die "callgrind run of OomlabTickCount $kind failed"; }
  total=$(awk '/^totals:/ { print $2 }' "$out")
  case $total in '' | *[!0-9]*) die "no instruction total in $out" ;; esac
  ((total > 0)) || die "callgrind counted no instructions inside measuredTicks (was the function renamed?)"
  echo $(((total + callgrind_ticks / 2) / callgrind_ticks))
}

# The callgrind threshold of NAME: "instructions allowed_percent", empty when there is none.
callgrind_threshold() {
  [ -f "$callgrind_thresholds" ] || return 0
  awk -F'\t' -v name="$1" '!/^#/ && $1 == name { print $2, $3; exit }' "$callgrind_thresholds"
}

# The mallocCountTotal threshold of NAME, from package-benchmark's p90 file (spaces become "_").
malloc_threshold() {
  local file="$thresholds/OomlabBenchmarks.${1// /_}.p90.json"
  [ -f "$file" ] || return 0
  sed -n 's/.*"mallocCountTotal"[[:space:]]*:[[:space:]]*\([0-9]*\).*/\1/p' "$file"
}

if [ "$mode" = update ]; then
  say "recording the malloc thresholds (package-benchmark, p90 of mallocCountTotal)..."
  swift_package --allow-writing-to-package-directory benchmark thresholds update --target OomlabBenchmarks \
    --path "$thresholds" --metric mallocCountTotal --no-progress >"$tmp/update.log" 2>&1 ||
    { cat "$tmp/update.log" >&2; die "benchmark thresholds update failed"; }
  say "recording the instruction thresholds (callgrind, $callgrind_ticks ticks)..."
  {
    echo "# Instructions per supervisor tick counted by callgrind; written by scripts/bench.sh --update-thresholds."
    echo "# A run fails when it counts more than instructions * (1 + allowed_percent / 100)."
    printf '# benchmark\tinstructions\tallowed_percent\n'
    for i in "${!tick_names[@]}"; do
      name=${tick_names[$i]}
      read -r _ allowed < <(callgrind_threshold "$name"; echo)
      printf '%s\t%s\t%s\n' "$name" "$(callgrind_per_tick "${tick_kinds[$i]}")" "${allowed:-$default_allowed_percent}"
    done
  } >"$tmp/callgrind.tsv"
  mkdir -p "$thresholds"
  mv "$tmp/callgrind.tsv" "$callgrind_thresholds"
  for name in "${tick_names[@]}"; do
    say "  $name: $(malloc_threshold "$name") mallocs, $(callgrind_threshold "$name" | awk '{ print $1 " instructions (+" $2 "% allowed)" }')"
  done
  say "bench.sh: thresholds written to $thresholds; review them with git diff and commit them"
  exit 0
fi

read -r load_start _ </proc/loadavg
lt "$load_start" 0.5 || say "bench.sh: warning: load average is $load_start; other work on this machine will skew the timings"

say "hot path: package-benchmark run (mallocs and wall clock per tick)..."
swift_package benchmark run --target OomlabBenchmarks --format markdown --path stdout --no-progress \
  >"$tmp/tick.md" 2>"$tmp/tick.err" || { cat "$tmp/tick.md" "$tmp/tick.err" >&2; die "benchmark run failed"; }

say "hot path: package-benchmark thresholds check..."
malloc_check=EQUAL
rc=0
swift_package benchmark thresholds check --target OomlabBenchmarks --path "$thresholds" --no-progress \
  >"$tmp/check.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
  # swift package turns every error of the plugin into exit status 1; the plugin names which.
  if grep -q 'error: benchmarkThresholdRegression' "$tmp/check.log"; then
    malloc_check=WORSE
  elif grep -q 'error: benchmarkThresholdImprovement' "$tmp/check.log"; then
    malloc_check=BETTER
  else
    cat "$tmp/check.log" >&2
    die "benchmark thresholds check failed (exit $rc)"
  fi
fi
if [ "$malloc_check" != EQUAL ]; then
  sed -n '/Deviations/,$p' "$tmp/check.log" >&2
fi

# Row VALUES of METRIC (a prefix of the row's label) of benchmark NAME in the markdown export:
# "p0 p25 p50 p75 p90 p99 p100 samples".
tick_row() {
  awk -F'|' -v name="### $1" -v metric="$2" '
    $0 == name { inside = 1; next }
    /^### / { inside = 0 }
    inside && index($2, metric) == 2 { for (i = 3; i <= 10; i++) { gsub(/ /, "", $i); printf "%s ", $i }; print ""; exit }' "$tmp/tick.md"
}

say "hot path: callgrind instruction counts ($callgrind_ticks ticks each)..."
regressed=0
tick_rows=()
for i in "${!tick_names[@]}"; do
  name=${tick_names[$i]}
  read -r _ _ m50 _ m90 _ _ _ < <(tick_row "$name" "Malloc (total)"; echo) || true
  read -r _ _ w50 _ w90 w99 _ samples < <(tick_row "$name" "Time (wall clock)"; echo) || true
  [ -n "${m90:-}" ] && [ -n "${w50:-}" ] || { cat "$tmp/tick.md" >&2; die "no results for \"$name\" in the benchmark's output"; }
  m_threshold=$(malloc_threshold "$name")
  instructions=$(callgrind_per_tick "${tick_kinds[$i]}")
  read -r i_threshold i_allowed < <(callgrind_threshold "$name"; echo)
  verdict=PASS
  if [ -z "$m_threshold" ] || [ -z "${i_threshold:-}" ]; then
    verdict="FAIL (no threshold recorded: scripts/bench.sh --update-thresholds)"
    regressed=1
  else
    limit=$(awk -v t="$i_threshold" -v p="$i_allowed" 'BEGIN { printf "%d", t * (1 + p / 100) }')
    floor=$(awk -v t="$i_threshold" -v p="$i_allowed" 'BEGIN { printf "%d", t * (1 - p / 100) }')
    if ((m90 > m_threshold)) || ((instructions > limit)); then
      verdict=FAIL
      regressed=1
    elif ((m90 < m_threshold)) || ((instructions < floor)); then
      verdict="PASS (better than the thresholds: record them with --update-thresholds)"
    fi
  fi
  say "  $name: $m90 mallocs (threshold $m_threshold), $instructions instructions (threshold ${i_threshold:-none} +${i_allowed:-?}%), wall clock p50 $w50 us"
  tick_rows+=("| $name | $m50 / $m90 | ${m_threshold:-none}, +0 | $instructions | ${i_threshold:-none}, +${i_allowed:-?}% | $w50 / $w90 / $w99 ($samples ticks) | **$verdict** |")
done
# package-benchmark's own check must agree with the comparison above.
if [ "$malloc_check" = WORSE ]; then regressed=1; fi

tick_section() {
  echo "Per-tick hot path (\`Benchmarks/OomlabBenchmarks\`): one iteration is one supervisor tick," \
    "\`ProcessProbe.read\` into a \`Sample\` and \`CSVWriter.write\` of its row to /dev/null, against a live" \
    "\`/bin/cat\` child. package-benchmark's threshold check: $malloc_check."
  echo
  echo "| benchmark | mallocs per tick, p50 / p90 | malloc threshold (p90), allowed | instructions per tick (callgrind) | instruction threshold, allowed | wall clock per tick, p50 / p90 / p99, us (for information) | verdict |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${tick_rows[@]}"
  echo
}

if [ "$mode" = tick ]; then
  tick_section
  if ((regressed)); then die "the hot path is worse than its thresholds"; fi
  exit 0
fi

# --- (b) fill rate, and (c) supervisor CPU -------------------------------------------------------
cc=""
for candidate in "${CC:-}" cc gcc clang; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then cc=$candidate; break; fi
done
[ -n "$cc" ] || die "no C compiler found (set CC, or install gcc)"
"$cc" -O2 -o "$tmp/fill" scripts/bench/fill.c || die "compiling scripts/bench/fill.c failed"

cat >"$tmp/fill.yaml" <<EOF
name: bench-fill-2g
about: touch 2 GiB of mmap'ed pages, one byte per page, in order
sample: $interval
steps:
  - pages: { size: 2GiB, touch: all }
EOF
cat >"$tmp/start.yaml" <<EOF
name: bench-start
about: the fill scenario with one page, to measure what a run costs besides the fill
sample: $interval
steps:
  - pages: { size: 4KiB, touch: all }
EOF
cat >"$tmp/hold.yaml" <<EOF
name: bench-hold
about: do nothing while the supervisor samples
sample: $interval
steps:
  - hold: ${hold_seconds}s
EOF
cat >"$tmp/loaded.yaml" <<EOF
name: bench-hold-2g
about: hold 2 GiB resident while the supervisor samples
sample: $interval
steps:
  - pages: { size: 2GiB, touch: all }
  - hold: ${hold_seconds}s
EOF

# Runs a command with its output in OUT and prints its wall time in seconds, exec to exit: the one
# clock for both programs. fork/exec from bash is in both figures alike.
timed() {
  local out=$1 t0 t1 rc=0
  shift
  t0=$EPOCHREALTIME
  "$@" >"$out" 2>&1 || rc=$?
  t1=$EPOCHREALTIME
  [ "$rc" -eq 0 ] || { cat "$out" >&2; die "$* exited with $rc"; }
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
}

# (b) One run of the C program, 2 GiB then 4 KiB: wall times to c.txt and c-start.txt.
run_c() {
  local fill start
  fill=$(timed "$tmp/c.out" "$tmp/fill" "$size")
  start=$(timed "$tmp/c.out" "$tmp/fill" "$small")
  echo "$fill" >>"$tmp/c.txt"
  echo "$start" >>"$tmp/c-start.txt"
  say "  C program   run $rep: $(fmt "$fill" 3) s for 2 GiB ($(fmt "$(awk -v s="$fill" -v g="$size" -v u="$gib" 'BEGIN { print g / u / s }')") GiB/s), $(fmt "$(awk -v s="$start" 'BEGIN { print s * 1000 }')" 1) ms for 4 KiB"
}

# (b) One run of oomlab, the 2 GiB scenario then the 4 KiB one: wall times to oomlab.txt and
# oomlab-start.txt. For comparison only, the slope of pages_touched_bytes between the first and
# last partial rows of the CSV is the rate inside the fill, which leaves out everything else.
run_oomlab() {
  local csv="$tmp/fill-$rep.csv" fill start slope
  fill=$(timed "$tmp/oomlab.out" "$oomlab" run "$tmp/fill.yaml" --csv "$csv" --interval "$interval")
  start=$(timed "$tmp/oomlab.out" "$oomlab" run "$tmp/start.yaml" --csv "$tmp/start-$rep.csv" --interval "$interval")
  echo "$fill" >>"$tmp/oomlab.txt"
  echo "$start" >>"$tmp/oomlab-start.txt"
  slope=$(awk -F, -v full="$size" -v gib="$gib" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
              if (!("t_seconds" in col) || !("pages_touched_bytes" in col)) { print "nan"; exit }
              next }
    { t = $col["t_seconds"] + 0; v = $col["pages_touched_bytes"] + 0
      if (v > 0 && v < full) { if (!seen) { b = t; bv = v; seen = 1 }; c = t; cv = v } }
    END { if (seen && c > b) printf "%.6f\n", (cv - bv) / (c - b) / gib; else print "nan" }' "$csv")
  echo "$slope" >>"$tmp/slope.txt"
  say "  oomlab      run $rep: $(fmt "$fill" 3) s for 2 GiB ($(fmt "$(awk -v s="$fill" -v g="$size" -v u="$gib" 'BEGIN { print g / u / s }')") GiB/s), $(fmt "$(awk -v s="$start" 'BEGIN { print s * 1000 }')" 1) ms for 4 KiB; CSV interior slope $(fmt "$slope") GiB/s"
}

# (c) One run of SCENARIO, its results going to LABEL.txt: polls the supervisor's own
# /proc/PID/stat every 0.1 s until it exits (the last reading is the one kept). The steady state
# runs from the first reading at least 1 s after launch and 0.5 s after the CSV shows the hold
# step begin (start-up and any fill are over) to the last reading; the whole-run figure divides
# the last reading by the time since launch.
run_cpu() {
  local scenario=$1 label=$2
  local csv="$tmp/$label-$rep.csv" readings="$tmp/$label-$rep.readings" pid start rc=0 reading
  : >"$readings"
  start=$EPOCHREALTIME
  "$oomlab" run "$scenario" --csv "$csv" --interval "$interval" >"$tmp/$label-$rep.out" 2>&1 &
  pid=$!
  running=$pid
  while reading=$(cpu_ticks "$pid"); do
    echo "$EPOCHREALTIME $reading" >>"$readings"
    [ "${reading#* }" = Z ] && break
    sleep 0.1
  done
  wait "$pid" || rc=$?
  running=""
  [ "$rc" -eq 0 ] || { cat "$tmp/$label-$rep.out" >&2; die "oomlab run ($label) exited with $rc"; }
  local hold_at rows rate out
  # When the hold step began, in seconds since launch; and rows per second over the run, which
  # shows the supervisor really sampled every 10 ms.
  read -r hold_at rows rate < <(awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { n++; t = $col["t_seconds"] + 0; if (h == "" && $col["step"] == "hold") h = t }
    END { printf "%s %d %.1f\n", (h == "" ? 0 : h), n, (t > 0 ? n / t : 0) }' "$csv")
  out=$(awk -v t0="$start" -v settle="$hold_at" -v hz="$clk_tck" '
    BEGIN { if (settle + 0.5 > 1) from = settle + 0.5; else from = 1 }
    { e = $1 - t0; if (!have && e >= from) { e1 = e; c1 = $2; have = 1 }; e2 = e; c2 = $2 }
    END { if (!have || e2 <= e1) { print "short"; exit }
          printf "%.4f %.4f %d %.2f\n", (c2 - c1) / hz / (e2 - e1) * 100, c2 / hz / e2 * 100, c2, e2 }' "$readings")
  set -- $out
  [ "$#" -eq 4 ] || die "the supervisor ended before it could be measured ($label run $rep)"
  echo "$1" >>"$tmp/$label.txt"
  echo "$2" >>"$tmp/$label-whole.txt"
  echo "$rate" >>"$tmp/$label-rate.txt"
  say "  supervisor  run $rep: $(fmt "$1")% of one core sampling, $(fmt "$2")% over the whole run ($3 ticks in $4 s; $rows rows, $(fmt "$rate" 1) rows/s)"
}

clk_tck=$(getconf CLK_TCK)

# virtio-balloon free page reporting (feature bit 5) hands freed guest memory back to the host
# about 2 s after it is freed; the next first touch of it then waits for the host to fault it in.
page_reporting=off
for device in /sys/bus/virtio/devices/*; do
  [ "$(cat "$device/device" 2>/dev/null)" = 0x0005 ] || continue
  features=$(cat "$device/features" 2>/dev/null || true)
  if [ "${features:5:1}" = 1 ]; then page_reporting=on; fi
done

say "warming up (one untimed run of each)..."
rep=0
"$tmp/fill" "$size" >/dev/null || die "the C fill program failed"
"$oomlab" run "$tmp/fill.yaml" --csv "$tmp/warm.csv" --interval "$interval" >/dev/null 2>&1 || die "oomlab run (warm-up) failed"
"$oomlab" run "$tmp/start.yaml" --csv "$tmp/warm.csv" --interval "$interval" >/dev/null 2>&1 || die "oomlab run (warm-up) failed"

say "fill, 2 GiB and 4 KiB, whole-process wall time, $fill_reps repetitions (C first on odd runs, oomlab first on even)..."
for ((rep = 1; rep <= fill_reps; rep++)); do
  if ((rep % 2)); then run_c; run_oomlab; else run_oomlab; run_c; fi
done

say "supervisor CPU, hold ${hold_seconds}s sampled every $interval, $reps repetitions..."
for ((rep = 1; rep <= reps; rep++)); do run_cpu "$tmp/hold.yaml" cpu; done

say "supervisor CPU with 2 GiB resident in the worker, hold ${hold_seconds}s sampled every $interval, $loaded_reps repetitions..."
for ((rep = 1; rep <= loaded_reps; rep++)); do run_cpu "$tmp/loaded.yaml" loaded; done

say "supervisor CPU of oomlab exec sampling a 10-process tree every $interval (scripts/bench/exec-tree.sh)..."
exec_tree_verdict=PASS
OOMLAB_BIN="$oomlab" BENCH_REPS="$reps" BENCH_HOLD_SECONDS="$hold_seconds" scripts/bench/exec-tree.sh >"$tmp/exec-tree.md" ||
  exec_tree_verdict=FAIL

# --- report --------------------------------------------------------------------------------------
# Start-up: the median of each program's 4 KiB runs; the net time of a 2 GiB run is its wall time
# less that (never below 1 ms). Rates in GiB/s, one line per run, in the order they ran.
c_start=$(median <"$tmp/c-start.txt")
o_start=$(median <"$tmp/oomlab-start.txt")
rates() { awk -v g="$size" -v u="$gib" -v s="${2:-0}" '{ t = $1 - s; if (t < 0.001) t = 0.001; printf "%.6f\n", g / u / t }' "$1"; }
rates "$tmp/c.txt" >"$tmp/c-rate.txt"
rates "$tmp/oomlab.txt" >"$tmp/o-rate.txt"
rates "$tmp/c.txt" "$c_start" >"$tmp/c-net.txt"
rates "$tmp/oomlab.txt" "$o_start" >"$tmp/o-net.txt"
awk '{ printf "%.6f\n", $1 * 1000 }' "$tmp/c-start.txt" >"$tmp/c-start-ms.txt"
awk '{ printf "%.6f\n", $1 * 1000 }' "$tmp/oomlab-start.txt" >"$tmp/o-start-ms.txt"

c_med=$(median <"$tmp/c-rate.txt") c_best=$(highest <"$tmp/c-rate.txt")
o_med=$(median <"$tmp/o-rate.txt") o_best=$(highest <"$tmp/o-rate.txt")
cn_med=$(median <"$tmp/c-net.txt") cn_best=$(highest <"$tmp/c-net.txt")
on_med=$(median <"$tmp/o-net.txt") on_best=$(highest <"$tmp/o-net.txt")
cs_med=$(median <"$tmp/c-start-ms.txt") cs_best=$(lowest <"$tmp/c-start-ms.txt")
os_med=$(median <"$tmp/o-start-ms.txt") os_best=$(lowest <"$tmp/o-start-ms.txt")
s_med=$(median <"$tmp/slope.txt") s_best=$(highest <"$tmp/slope.txt")
cpu_med=$(median <"$tmp/cpu.txt") cpu_best=$(lowest <"$tmp/cpu.txt")
whole_med=$(median <"$tmp/cpu-whole.txt") whole_best=$(lowest <"$tmp/cpu-whole.txt")
rate_med=$(median <"$tmp/cpu-rate.txt")
loaded_med=$(median <"$tmp/loaded.txt") loaded_best=$(lowest <"$tmp/loaded.txt")
# Each oomlab run against the C run next to it in time, which shared its conditions.
pairs() { paste -d' ' "$1" "$2" | awk '{ printf "%.4f\n", $1 / $2 }' | median; }
whole_pairs=$(pairs "$tmp/o-rate.txt" "$tmp/c-rate.txt")
net_pairs=$(pairs "$tmp/o-net.txt" "$tmp/c-net.txt")
fill_verdict=FAIL
if ge "$(ratio "$on_med" "$cn_med")" 0.9 && ge "$(ratio "$on_best" "$cn_best")" 0.9; then fill_verdict=PASS; fi
cpu_verdict=FAIL
if lt "$cpu_med" 2; then cpu_verdict=PASS; fi
tick_verdict=PASS
if ((regressed)); then tick_verdict=FAIL; fi

read -r load_end _ </proc/loadavg
mem_gib=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true)
revision=$(git describe --always --dirty 2>/dev/null || echo unknown)
stamp=$(date -u '+%Y-%m-%d %H:%M UTC')
noisy=""
if ! lt "$load_start" 0.5 || ! lt "$load_end" 0.5; then
  noisy=" **The machine was busy with other work during this run, so the timings (wall clock, fill rates, CPU) are noisy and only indicative; the malloc and instruction counts do not depend on load.**"
fi

{
  echo "## $stamp: $(nproc) CPUs, ${mem_gib} GiB RAM, Linux $(uname -r)"
  echo
  echo "oomlab \`$revision\` (release build), ${cpu_model:-unknown CPU}, transparent huge pages \`${thp:-unknown}\`," \
    "load average $load_start at the start and $load_end at the end.$noisy Hot path: **$tick_verdict**" \
    "against the thresholds. $fill_reps fill runs of each program, $reps CPU runs ($loaded_reps with 2 GiB" \
    "resident); per-run values in the order they ran. Method: whole-process timing, see the Method section" \
    "at the top."
  echo
  tick_section
  echo "| measure | median | best | runs | target | verdict |"
  echo "|---|---|---|---|---|---|"
  echo "| C program, 2 GiB, whole process, GiB/s | $(fmt "$c_med") | $(fmt "$c_best") | $(runs "$tmp/c-rate.txt") | | |"
  echo "| oomlab \`run\`, 2 GiB \`pages\` \`touch: all\`, whole process, GiB/s | $(fmt "$o_med") ($(ratio "$o_med" "$c_med")x C) | $(fmt "$o_best") ($(ratio "$o_best" "$c_best")x C) | $(runs "$tmp/o-rate.txt") | (for comparison) | |"
  echo "| start-up: C program with 4 KiB, ms | $(fmt "$cs_med") | $(fmt "$cs_best") | $(runs "$tmp/c-start-ms.txt") | | |"
  echo "| start-up: oomlab \`run\` with 4 KiB, ms | $(fmt "$os_med") | $(fmt "$os_best") | $(runs "$tmp/o-start-ms.txt") | | |"
  echo "| C program, 2 GiB, net of its start-up, GiB/s (the physical limit) | $(fmt "$cn_med") | $(fmt "$cn_best") | $(runs "$tmp/c-net.txt") | | |"
  echo "| oomlab, 2 GiB, net of its start-up, GiB/s | $(fmt "$on_med") ($(ratio "$on_med" "$cn_med")x C) | $(fmt "$on_best") ($(ratio "$on_best" "$cn_best")x C) | $(runs "$tmp/o-net.txt") | >= 0.9x C | **$fill_verdict** |"
  echo "| oomlab / C, each oomlab run over the C run beside it: whole process; net of start-up | $(fmt "$whole_pairs" 3)x; $(fmt "$net_pairs" 3)x | | | (for comparison) | |"
  echo "| oomlab fill inside the worker, slope of \`pages_touched_bytes\` in the CSV, GiB/s | $(fmt "$s_med") | $(fmt "$s_best") | $(runs "$tmp/slope.txt") | (not like for like: no start-up, no unmap) | |"
  echo "| supervisor CPU sampling every 10 ms, steady state, % of one core | $(fmt "$cpu_med") | $(fmt "$cpu_best") | $(runs "$tmp/cpu.txt") | < 2 | **$cpu_verdict** |"
  echo "| supervisor CPU over the whole ${hold_seconds} s run, start-up included, % of one core | $(fmt "$whole_med") | $(fmt "$whole_best") | $(runs "$tmp/cpu-whole.txt") | (for comparison) | |"
  echo "| CSV rows per second during those runs | $(fmt "$rate_med" 1) | | $(runs "$tmp/cpu-rate.txt" 1) | (100 at 10 ms) | |"
  echo "| supervisor CPU sampling every 10 ms while the worker holds 2 GiB resident, % of one core | $(fmt "$loaded_med") | $(fmt "$loaded_best") | $(runs "$tmp/loaded.txt") | (not a target yet) | |"
  # exec-tree.sh prints its own table; its rows (not its header) join this one.
  grep '^| ' "$tmp/exec-tree.md" | grep -v '^| measure |' || echo "| \`oomlab exec\` tree sampling | | | | < 3 | **$exec_tree_verdict** (exec-tree.sh failed) |"
  echo
  if [ "$page_reporting" = on ]; then
    echo "This machine is a VM with virtio-balloon free page reporting on: memory a run frees is handed back" \
      "to the host about 2 s later, and the next first touch of it waits for the host to fault it back in," \
      "so first-touch rates swing from run to run for both programs."
    echo
  fi
} >"$tmp/section.md"

cat "$tmp/section.md"

if [ "$doc" != "-" ]; then
  marker='<!-- scripts/bench.sh adds new results below this line, newest first -->'
  mkdir -p "$(dirname "$doc")"
  if [ ! -f "$doc" ]; then
    {
      echo "# Benchmarks"
      echo
      echo "Produced by \`scripts/bench.sh\` (a benchmark, not a test)."
      echo
      echo "$marker"
      echo
    } >"$doc"
  fi
  if grep -qF "$marker" "$doc"; then
    awk -v marker="$marker" -v section="$tmp/section.md" '
      { print }
      $0 == marker && !inserted { print ""; while ((getline line < section) > 0) print line; inserted = 1 }' "$doc" >"$tmp/doc.md"
    # Squeeze the blank lines the insertion doubles.
    cat -s "$tmp/doc.md" >"$doc"
  else
    { echo; cat "$tmp/section.md"; } >>"$doc"
  fi
  say "bench.sh: results added to $doc"
fi

if ((regressed)); then die "the hot path is worse than its thresholds (see the table above)"; fi
