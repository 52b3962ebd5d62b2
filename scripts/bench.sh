#!/usr/bin/env bash
# bench.sh: a benchmark, not a test. Measures, side by side in one run:
#
#   (a) how fast a minimal C program fills 2 GiB of anonymous mmap'ed memory
#       (one byte written per page): the physical limit of this machine;
#   (b) how fast `oomlab run` fills the same 2 GiB with a `pages` step,
#       read from oomlab's own CSV sampled every 10 ms;
#   (c) how much CPU the supervisor uses while it samples every 10 ms
#       (a scenario that only holds for 10 s).
#
# It prints a Markdown table with PASS/FAIL against the targets (fill rate at
# least 0.9x the C program's; sampling every 10 ms under 2% of one core) and
# adds it, dated, to docs/benchmarks.md.
#
#   scripts/bench.sh                  # 9 fill runs of each, 5 CPU runs; medians reported
#   BENCH_FILL_REPS=15 BENCH_REPS=7 scripts/bench.sh
#   BENCH_DOC=- scripts/bench.sh      # print only, leave docs/benchmarks.md alone
#
# Run it on an otherwise idle machine: a concurrent build skews every figure
# (the load average at start and end is recorded next to the results).
#
# oomlab is built in release mode in its own scratch directory, .build-bench,
# so the benchmark never collides with debug builds in .build.
# Runs are sequential: at most one 2 GiB region is touched at a time.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

reps=${BENCH_REPS:-5}
fill_reps=${BENCH_FILL_REPS:-9}
hold_seconds=${BENCH_HOLD_SECONDS:-10}
doc=${BENCH_DOC:-docs/benchmarks.md}
size=$((2 << 30))
gib=$((1 << 30))
interval=10ms
scratch=.build-bench

case $reps in '' | *[!0-9]* | 0) echo "bench.sh: BENCH_REPS must be a positive integer" >&2; exit 2 ;; esac
case $fill_reps in '' | *[!0-9]* | 0) echo "bench.sh: BENCH_FILL_REPS must be a positive integer" >&2; exit 2 ;; esac
case $hold_seconds in '' | *[!0-9]* | 0 | 1 | 2) echo "bench.sh: BENCH_HOLD_SECONDS must be an integer >= 3" >&2; exit 2 ;; esac

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

# --- helpers -------------------------------------------------------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
fmt() { awk -v v="$1" -v d="${2:-2}" 'BEGIN { if (v == "nan" || v == "") print "n/a"; else printf "%.*f\n", d, v }'; }
joined() { tr '\n' ' ' | sed 's/ $//'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

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
    done { next }
    { t = $col["t_seconds"] + 0; v = $col["pages_touched_bytes"] + 0
      if (v == 0 && !seen) { a = t; haveA = 1; next }
      if (v >= full) { d = t; done = 1; next }
      if (v > 0) { if (!seen) { b = t; bv = v; seen = 1 }; c = t; cv = v } }
    END { if (!haveA || !done) { print "incomplete"; exit }
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

# (c) One hold run: polls the supervisor's own /proc/PID/stat every 0.1 s until it exits and
# keeps the last reading. Reports the steady state (from the first reading after 1 s, once
# start-up is over, to the last one) and the whole run (from launch, start-up included).
run_cpu() {
  local csv="$tmp/hold-$rep.csv" pid start now reading ticks state rc=0
  local t1="" c1="" t2="" c2=""
  start=$EPOCHREALTIME
  "$oomlab" run "$tmp/hold.yaml" --csv "$csv" --interval "$interval" >"$tmp/hold-$rep.out" 2>&1 &
  pid=$!
  running=$pid
  while reading=$(cpu_ticks "$pid"); do
    now=$EPOCHREALTIME
    set -- $reading
    ticks=$1 state=$2
    t2=$now c2=$ticks
    if [ -z "$t1" ] && ge "$(awk -v a="$now" -v b="$start" 'BEGIN { print a - b }')" 1; then t1=$now c1=$ticks; fi
    [ "$state" = Z ] && break
    sleep 0.1
  done
  wait "$pid" || rc=$?
  running=""
  [ "$rc" -eq 0 ] || { cat "$tmp/hold-$rep.out" >&2; die "oomlab run (hold) exited with $rc"; }
  [ -n "$t1" ] && [ -n "$t2" ] || die "the supervisor ended before it could be measured"
  local steady whole rows rate
  steady=$(awk -v c1="$c1" -v c2="$c2" -v t1="$t1" -v t2="$t2" -v hz="$clk_tck" 'BEGIN { printf "%.4f", (c2 - c1) / hz / (t2 - t1) * 100 }')
  whole=$(awk -v c2="$c2" -v t0="$start" -v t2="$t2" -v hz="$clk_tck" 'BEGIN { printf "%.4f", c2 / hz / (t2 - t0) * 100 }')
  # The CSV proves the supervisor really sampled every 10 ms: rows per second of run.
  read -r rows rate < <(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "t_seconds") c = i; next }
    { n++; t = $c } END { printf "%d %.1f\n", n, (t > 0 ? n / t : 0) }' "$csv")
  echo "$steady" >>"$tmp/cpu.txt"
  echo "$whole" >>"$tmp/cpu-whole.txt"
  echo "$rate" >>"$tmp/rate.txt"
  say "  supervisor  run $rep: $(fmt "$steady")% of one core sampling, $(fmt "$whole")% over the whole run ($c2 ticks in $(fmt "$(awk -v a="$t2" -v b="$start" 'BEGIN { print a - b }')" 2) s; $rows rows, $(fmt "$rate" 1) rows/s)"
}

# --- measure -------------------------------------------------------------------------------------
clk_tck=$(getconf CLK_TCK)
read -r load1 _ </proc/loadavg
lt "$load1" 0.5 || say "bench.sh: warning: load average is $load1; other work on this machine will skew the figures"

# virtio-balloon free page reporting (feature bit 5) hands freed guest memory back to the host
# about 2 s after it is freed; the next first touch of it then waits for the host to fault it in.
page_reporting=off
for device in /sys/bus/virtio/devices/*; do
  [ "$(cat "$device/device" 2>/dev/null)" = 0x0005 ] || continue
  features=$(cat "$device/features" 2>/dev/null || true)
  [ "${features:5:1}" = 1 ] && page_reporting=on
done

say "warming up (one untimed run of each, so neither pays for memory the host has not backed yet)..."
rep=0
"$tmp/fill" "$size" >/dev/null || die "the C fill program failed"
"$oomlab" run "$tmp/fill.yaml" --csv "$tmp/warm.csv" --interval "$interval" >/dev/null 2>&1 || die "oomlab run (warm-up) failed"

say "fill rate, 2 GiB, $fill_reps repetitions (order alternates: C first on odd runs, oomlab first on even)..."
for ((rep = 1; rep <= fill_reps; rep++)); do
  if ((rep % 2)); then run_c; run_oomlab_fill; else run_oomlab_fill; run_c; fi
done

say "supervisor CPU, hold ${hold_seconds}s sampled every $interval, $reps repetitions..."
for ((rep = 1; rep <= reps; rep++)); do run_cpu; done

# --- report --------------------------------------------------------------------------------------
c_med=$(median <"$tmp/c.txt")
o_med=$(median <"$tmp/oomlab.txt")
s_med=$(median <"$tmp/slope.txt")
cpu_med=$(median <"$tmp/cpu.txt")
whole_med=$(median <"$tmp/cpu-whole.txt")
rate_med=$(median <"$tmp/rate.txt")
ratio=$(awk -v o="$o_med" -v c="$c_med" 'BEGIN { printf "%.3f", o / c }')
# Each oomlab run against the C run next to it in time, which shared its conditions.
pair_ratio=$(paste -d' ' "$tmp/oomlab.txt" "$tmp/c.txt" | awk '{ printf "%.4f\n", $1 / $2 }' | median)
pair_ratio=$(fmt "$pair_ratio" 3)
slope_ratio=$(awk -v o="$s_med" -v c="$c_med" 'BEGIN { if (o == "nan") print "nan"; else printf "%.3f", o / c }')
fill_verdict=FAIL; ge "$ratio" 0.9 && fill_verdict=PASS
cpu_verdict=FAIL; lt "$cpu_med" 2 && cpu_verdict=PASS

list() { while read -r v; do fmt "$v" "${1:-2}"; done <"$2" | joined; }

mem_gib=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true)
revision=$(git describe --always --dirty 2>/dev/null || echo unknown)
stamp=$(date -u '+%Y-%m-%d %H:%M UTC')
read -r load_end _ </proc/loadavg

{
  echo "## $stamp: $(nproc) CPUs, ${mem_gib} GiB RAM, Linux $(uname -r)"
  echo
  echo "oomlab \`$revision\` (release build), ${cpu_model:-unknown CPU}, THP \`${thp:-unknown}\`," \
    "load average $load1 at start and $load_end at the end; medians of $fill_reps fill runs each and" \
    "$reps CPU runs, per-run values in order."
  echo
  echo "| measure | median | runs | target | verdict |"
  echo "|---|---|---|---|---|"
  echo "| C program: mmap + first touch of 2 GiB, GiB/s | $(fmt "$c_med") | $(list 2 "$tmp/c.txt") | (the physical limit) | |"
  echo "| oomlab \`pages\` 2 GiB \`touch: all\`, GiB/s (lower bound from the CSV) | $(fmt "$o_med") (${ratio}x C; per-pair median ${pair_ratio}x) | $(list 2 "$tmp/oomlab.txt") | >= 0.9x C | **$fill_verdict** |"
  echo "| oomlab fill, interior slope of \`pages_touched_bytes\`, GiB/s | $(fmt "$s_med") (${slope_ratio}x C) | $(list 2 "$tmp/slope.txt") | (for comparison) | |"
  echo "| supervisor CPU sampling every 10 ms (steady state), % of one core | $(fmt "$cpu_med") | $(list 2 "$tmp/cpu.txt") | < 2 | **$cpu_verdict** |"
  echo "| supervisor CPU over the whole ${hold_seconds} s run (start-up included), % of one core | $(fmt "$whole_med") | $(list 2 "$tmp/cpu-whole.txt") | (for comparison) | |"
  echo "| CSV rows per second during the hold run | $(fmt "$rate_med" 1) | $(list 1 "$tmp/rate.txt") | (100 at 10 ms) | |"
  echo
  echo "Method:"
  echo
  echo "- **C program** (\`scripts/bench/fill.c\`, \`$cc -O2\`): \`mmap\` 2 GiB \`MAP_PRIVATE|MAP_ANONYMOUS\`," \
    "write one byte per 4 KiB page in order; only the touch loop is timed (\`CLOCK_MONOTONIC\`)."
  echo "- **oomlab fill**: \`oomlab run\` of \`pages: { size: 2GiB, touch: all }\` with \`--interval 10ms\`." \
    "The time is taken from oomlab's own CSV: from the last row with \`pages_touched_bytes\` = 0 to the first" \
    "row where it equals 2 GiB. That span contains the whole touch loop and overstates it by at most two" \
    "intervals (20 ms), never understates it, so the rate is a lower bound and the verdict uses it." \
    "The interior slope (bytes touched between the first and the last partial rows over their time) shows" \
    "the rate inside the fill, free of the sampling edges. Process start-up, YAML parsing and the worker" \
    "spawn are not fill time, so the wall time of \`oomlab run\` is not used."
  echo "- C and oomlab runs alternate (C first on odd runs, oomlab first on even) after one untimed warm-up" \
    "of each, so that neither is favoured by the order in which memory is handed out."
  echo "- **Supervisor CPU**: \`oomlab run\` of \`hold: ${hold_seconds}s\` with \`--interval 10ms\`; the supervisor's" \
    "own \`/proc/PID/stat\` fields 14 and 15 (utime + stime, clock ticks of $clk_tck Hz; fields 16 and 17," \
    "which \`/usr/bin/time\` would add, include the reaped worker) are polled every 0.1 s until it exits." \
    "Steady state is the CPU between the first reading after 1 s and the last reading, over the wall time" \
    "between them; the whole-run figure divides the last reading by the time since launch."
  if [ "$page_reporting" = on ]; then
    echo "- This machine is a VM with virtio-balloon free page reporting on: memory a run frees is handed back" \
      "to the host about 2 s later, and the next first touch of it waits for the host to fault it back in." \
      "First-touch rates therefore swing by up to 4x from run to run for both programs; the alternating" \
      "order, the per-pair ratio and the medians keep the comparison like for like, but single runs are noisy."
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
      $0 == marker && !done { print ""; while ((getline line < section) > 0) print line; done = 1 }' "$doc" >"$tmp/doc.md"
    # Collapse the blank line doubled by the insertion.
    cat -s "$tmp/doc.md" >"$doc"
  else
    { echo; cat "$tmp/section.md"; } >>"$doc"
  fi
  say "bench.sh: results added to $doc"
fi
