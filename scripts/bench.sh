#!/usr/bin/env bash
# bench.sh: a benchmark, not a test. Measures, side by side in one run:
#
#   (a) how fast a minimal C program fills 2 GiB of anonymous mmap'ed memory
#       (one byte written per page): the physical limit of this machine;
#   (b) how fast `oomlab run` fills the same 2 GiB with a `pages` step,
#       read from oomlab's own CSV sampled every 10 ms;
#   (c) how much CPU the supervisor uses while it samples every 10 ms
#       (a scenario that only holds for 10 s), and, for information, the same
#       while the worker holds 2 GiB resident.
#
# It prints a Markdown table with PASS/FAIL against the targets (fill rate at
# least 0.9x the C program's; sampling every 10 ms under 2% of one core) and
# adds it, dated, to docs/benchmarks.md (newest first).
#
#   scripts/bench.sh                   # 9 fill runs of each, 5 CPU runs (3 with 2 GiB held)
#   BENCH_FILL_REPS=15 BENCH_REPS=7 scripts/bench.sh
#   BENCH_DOC=- scripts/bench.sh       # print only, leave docs/benchmarks.md alone
#
# Run it on an otherwise idle machine: a concurrent build skews every figure
# (the load average at start and end is recorded next to the results).
# oomlab is built in release mode in its own scratch directory, .build-bench,
# so the benchmark never collides with debug builds in .build. Runs are
# sequential: at most one 2 GiB region is touched at a time.
set -euo pipefail
export LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/.."

reps=${BENCH_REPS:-5}
fill_reps=${BENCH_FILL_REPS:-9}
loaded_reps=${BENCH_LOADED_REPS:-$((reps < 3 ? reps : 3))}
hold_seconds=${BENCH_HOLD_SECONDS:-10}
doc=${BENCH_DOC:-docs/benchmarks.md}
size=$((2 << 30))
gib=$((1 << 30))
interval=10ms
scratch=.build-bench

positive() { case $2 in '' | *[!0-9]* | 0) echo "bench.sh: $1 must be a positive integer, got \"$2\"" >&2; exit 2 ;; esac; }
positive BENCH_REPS "$reps"
positive BENCH_FILL_REPS "$fill_reps"
positive BENCH_LOADED_REPS "$loaded_reps"
positive BENCH_HOLD_SECONDS "$hold_seconds"
((hold_seconds >= 3)) || { echo "bench.sh: BENCH_HOLD_SECONDS must be at least 3" >&2; exit 2; }

say() { printf '%s\n' "$*" >&2; }
die() { say "bench.sh: $*"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/oomlab-bench.XXXXXX")
running=""
cleanup() {
  if [ -n "$running" ]; then kill "$running" 2>/dev/null || true; wait "$running" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build ---------------------------------------------------------------------------------------
command -v swift >/dev/null 2>&1 || die "swift is not on PATH"
say "building oomlab (release, $scratch)..."
swift build -c release --scratch-path "$scratch" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; die "swift build failed"; }
oomlab="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/oomlab"
[ -x "$oomlab" ] || die "no oomlab at $oomlab"

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
  - hold: 100ms
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

# --- helpers -------------------------------------------------------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
highest() { sort -g | tail -n 1; }
lowest() { sort -g | head -n 1; }
fmt() { awk -v v="$1" -v d="${2:-2}" 'BEGIN { if (v == "nan" || v == "") print "n/a"; else printf "%.*f\n", d, v }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
# Per-run values of a results file, formatted, on one line.
runs() { while read -r v; do fmt "$v" "${2:-2}"; done <"$1" | tr '\n' ' ' | sed 's/ $//'; }

# (a) One run of the C program; appends its GiB/s to c.txt.
run_c() {
  local out
  out=$("$tmp/fill" "$size") || die "the C fill program failed"
  set -- $out
  echo "$2" >>"$tmp/c.txt"
  say "  C program   run $rep: $(fmt "$2") GiB/s (touch loop $(fmt "$1" 3) s)"
}

# (b) One oomlab fill run, timed from its CSV. The fill lies between
#   A = the last sample with pages_touched_bytes = 0 and
#   D = the first sample with pages_touched_bytes = the full 2 GiB,
# so D - A can overstate the touch time by at most two intervals and never
# understates it: SIZE / (D - A) is a lower bound on oomlab's fill rate.
# For comparison, the slope between the first and last partial samples
# (B and C) estimates the rate inside the fill.
run_oomlab_fill() {
  local csv="$tmp/fill-$rep.csv" rc=0 out
  "$oomlab" run "$tmp/fill.yaml" --csv "$csv" --interval "$interval" >"$tmp/fill-$rep.out" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || { cat "$tmp/fill-$rep.out" >&2; die "oomlab run (fill) exited with $rc"; }
  out=$(awk -F, -v full="$size" -v gib="$gib" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
              if (!("t_seconds" in col) || !("pages_touched_bytes" in col)) { print "missing-columns"; exit }
              next }
    finished { next }
    { t = $col["t_seconds"] + 0; v = $col["pages_touched_bytes"] + 0
      if (v == 0 && !seen) { a = t; haveA = 1; next }
      if (v >= full) { d = t; finished = 1; next }
      if (v > 0) { if (!seen) { b = t; bv = v; seen = 1 }; c = t; cv = v } }
    END { if (!haveA || !finished) { print "incomplete"; exit }
          upper = d - a
          slope = (seen && c > b) ? (cv - bv) / (c - b) / gib : "nan"
          printf "%.6f %.6f %s %s\n", full / gib / upper, upper, slope, NR - 1 }' "$csv")
  set -- $out
  [ "$#" -eq 4 ] || die "cannot read the fill from $csv ($out)"
  echo "$1" >>"$tmp/oomlab.txt"
  echo "$3" >>"$tmp/slope.txt"
  say "  oomlab      run $rep: >= $(fmt "$1") GiB/s (fill within $(fmt "$2" 3) s; interior slope $(fmt "$3") GiB/s; $4 rows)"
}

# Prints "utime+stime state" of PID from /proc/PID/stat: fields 14 and 15, the process's own
# CPU in clock ticks (16 and 17 would add its waited-for children, the worker).
cpu_ticks() {
  local line rest
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
  rest=${line##*) }
  set -- $rest
  # $1 is field 3 (state), so field 14 is ${12} and field 15 is ${13}.
  echo "$((${12} + ${13})) $1"
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

# --- measure -------------------------------------------------------------------------------------
clk_tck=$(getconf CLK_TCK)
read -r load_start _ </proc/loadavg
lt "$load_start" 0.5 || say "bench.sh: warning: load average is $load_start; other work on this machine will skew the figures"

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

say "fill rate, 2 GiB, $fill_reps repetitions (order alternates: C first on odd runs, oomlab first on even)..."
for ((rep = 1; rep <= fill_reps; rep++)); do
  if ((rep % 2)); then run_c; run_oomlab_fill; else run_oomlab_fill; run_c; fi
done

say "supervisor CPU, hold ${hold_seconds}s sampled every $interval, $reps repetitions..."
for ((rep = 1; rep <= reps; rep++)); do run_cpu "$tmp/hold.yaml" cpu; done

say "supervisor CPU with 2 GiB resident in the worker, hold ${hold_seconds}s sampled every $interval, $loaded_reps repetitions..."
for ((rep = 1; rep <= loaded_reps; rep++)); do run_cpu "$tmp/loaded.yaml" loaded; done

# --- report --------------------------------------------------------------------------------------
c_med=$(median <"$tmp/c.txt") c_best=$(highest <"$tmp/c.txt")
o_med=$(median <"$tmp/oomlab.txt") o_best=$(highest <"$tmp/oomlab.txt")
s_med=$(median <"$tmp/slope.txt") s_best=$(highest <"$tmp/slope.txt")
cpu_med=$(median <"$tmp/cpu.txt") cpu_best=$(lowest <"$tmp/cpu.txt")
whole_med=$(median <"$tmp/cpu-whole.txt") whole_best=$(lowest <"$tmp/cpu-whole.txt")
rate_med=$(median <"$tmp/cpu-rate.txt")
loaded_med=$(median <"$tmp/loaded.txt") loaded_best=$(lowest <"$tmp/loaded.txt")
ratio() { awk -v o="$1" -v c="$2" 'BEGIN { if (o == "nan" || c == "nan" || c == 0) print "nan"; else printf "%.3f", o / c }'; }
ratio_med=$(ratio "$o_med" "$c_med")
ratio_best=$(ratio "$o_best" "$c_best")
slope_ratio=$(ratio "$s_med" "$c_med")
# Each oomlab run against the C run next to it in time, which shared its conditions.
ratio_pairs=$(paste -d' ' "$tmp/oomlab.txt" "$tmp/c.txt" | awk '{ printf "%.4f\n", $1 / $2 }' | median)
fill_verdict=FAIL
if ge "$ratio_med" 0.9 && ge "$ratio_best" 0.9; then fill_verdict=PASS; fi
cpu_verdict=FAIL
if lt "$cpu_med" 2; then cpu_verdict=PASS; fi

read -r load_end _ </proc/loadavg
mem_gib=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true)
revision=$(git describe --always --dirty 2>/dev/null || echo unknown)
stamp=$(date -u '+%Y-%m-%d %H:%M UTC')

{
  echo "## $stamp: $(nproc) CPUs, ${mem_gib} GiB RAM, Linux $(uname -r)"
  echo
  echo "oomlab \`$revision\` (release build), ${cpu_model:-unknown CPU}, transparent huge pages \`${thp:-unknown}\`," \
    "load average $load_start at the start and $load_end at the end. $fill_reps fill runs of each program," \
    "$reps CPU runs ($loaded_reps with 2 GiB resident); per-run values in the order they ran."
  echo
  echo "| measure | median | best | runs | target | verdict |"
  echo "|---|---|---|---|---|---|"
  echo "| C program: mmap + first touch of 2 GiB, GiB/s | $(fmt "$c_med") | $(fmt "$c_best") | $(runs "$tmp/c.txt") | (the physical limit) | |"
  echo "| oomlab \`pages\` 2 GiB \`touch: all\`, GiB/s, lower bound from the CSV | $(fmt "$o_med") (${ratio_med}x C) | $(fmt "$o_best") (${ratio_best}x C) | $(runs "$tmp/oomlab.txt") | >= 0.9x C | **$fill_verdict** |"
  echo "| oomlab fill, interior slope of \`pages_touched_bytes\`, GiB/s | $(fmt "$s_med") (${slope_ratio}x C) | $(fmt "$s_best") | $(runs "$tmp/slope.txt") | (for comparison) | |"
  echo "| oomlab / C, each oomlab run over the C run beside it | $(fmt "$ratio_pairs" 3)x | | | (for comparison) | |"
  echo "| supervisor CPU sampling every 10 ms, steady state, % of one core | $(fmt "$cpu_med") | $(fmt "$cpu_best") | $(runs "$tmp/cpu.txt") | < 2 | **$cpu_verdict** |"
  echo "| supervisor CPU over the whole ${hold_seconds} s run, start-up included, % of one core | $(fmt "$whole_med") | $(fmt "$whole_best") | $(runs "$tmp/cpu-whole.txt") | (for comparison) | |"
  echo "| CSV rows per second during those runs | $(fmt "$rate_med" 1) | | $(runs "$tmp/cpu-rate.txt" 1) | (100 at 10 ms) | |"
  echo "| supervisor CPU sampling every 10 ms while the worker holds 2 GiB resident, % of one core | $(fmt "$loaded_med") | $(fmt "$loaded_best") | $(runs "$tmp/loaded.txt") | (not a target yet) | |"
  echo
  echo "Method:"
  echo
  echo "- **C program** (\`scripts/bench/fill.c\`, \`$cc -O2\`): \`mmap\` 2 GiB \`MAP_PRIVATE|MAP_ANONYMOUS\`," \
    "write one byte per 4 KiB page in order; only the touch loop is timed (\`CLOCK_MONOTONIC\`)."
  echo "- **oomlab fill**: \`oomlab run\` of \`pages: { size: 2GiB, touch: all }\` with \`--interval 10ms\`." \
    "The time is taken from oomlab's own CSV: from the last row with \`pages_touched_bytes\` = 0 to the first" \
    "row where it equals 2 GiB. That span contains the whole touch loop and overstates it by at most two" \
    "intervals (20 ms), never understates it, so the rate is a lower bound. The interior slope (bytes" \
    "touched between the first and the last partial rows, over the time between them) is the rate inside" \
    "the fill, free of the sampling edges. Process start-up, YAML parsing and the worker spawn are not" \
    "fill time, so the wall time of \`oomlab run\` is not used."
  echo "- C and oomlab runs alternate (C first on odd runs, oomlab first on even) after one untimed warm-up" \
    "of each, so neither is favoured by the order in which memory is handed out. \"Best\" is the fastest" \
    "run: noise only ever slows a first touch down, so it is the closest to each program's own cost." \
    "The fill verdict needs both the median and the best oomlab rate at 0.9x the C program's or more."
  echo "- **Supervisor CPU**: \`oomlab run\` of \`hold: ${hold_seconds}s\` with \`--interval 10ms\`; the supervisor's" \
    "own \`/proc/PID/stat\` fields 14 and 15 (utime + stime in clock ticks of 1/$clk_tck s) are polled every" \
    "0.1 s until it exits. Fields 16 and 17, and \`/usr/bin/time\`, would add the reaped worker's CPU." \
    "The steady state is the CPU between the first reading at least 1 s after launch (and 0.5 s after the" \
    "\`hold\` step began) and the last reading, over the wall time between them; \"best\" is the lowest."
  echo "- The last row repeats that measurement with the worker holding a 2 GiB \`pages\` region, touched:" \
    "what sampling costs depends on the worker's size, because /proc/PID/smaps_rollup walks every page."
  if [ "$page_reporting" = on ]; then
    echo "- This machine is a VM with virtio-balloon free page reporting on: memory a run frees is handed back" \
      "to the host about 2 s later, and the next first touch of it waits for the host to fault it back in." \
      "First-touch rates therefore swing by up to 4x from run to run for both programs; the alternating" \
      "order, the per-pair ratio, the medians and the best runs keep the comparison like for like, but" \
      "single runs are noisy."
  fi
  echo
} >"$tmp/section.md"

cat "$tmp/section.md"

if [ "$doc" != "-" ]; then
  marker='<!-- scripts/bench.sh adds new results below this line, newest first -->'
  mkdir -p "$(dirname "$doc")"
  if [ ! -f "$doc" ]; then
    {
      echo "# Benchmarks"
      echo
      echo "Produced by \`scripts/bench.sh\` (a benchmark, not a test). It measures, side by side in one run,"
      echo "how fast \`oomlab run\` touches 2 GiB of \`pages\` against a small C program doing the same"
      echo "\`mmap\` + first touch (the physical limit of the machine), and how much CPU the supervisor uses"
      echo "while it samples every 10 ms. Targets: a fill rate of at least 0.9x the C program's; sampling"
      echo "every 10 ms under 2% of one core."
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
