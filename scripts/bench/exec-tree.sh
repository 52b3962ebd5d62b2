#!/usr/bin/env bash
# exec-tree.sh: a benchmark, not a test. Measures how much CPU the supervisor of `oomlab exec`
# uses while it samples a tree of 10 processes (a shell and 9 sleeping children) every 10 ms:
# discovery of the tree through /proc/PID/task/TID/children, one row per process per tick.
# Target: under 3% of one core.
#
# It measures the way scripts/bench.sh measures the supervisor of `oomlab run`: the supervisor's
# own /proc/PID/stat fields 14 and 15 (utime + stime, in clock ticks) polled every 0.1 s until it
# exits; the steady state runs from the first reading at least 1 s after launch (the tree is
# started by then) to the last reading, over the wall time between them. Fields 16 and 17 would
# add the reaped children's CPU.
#
#   scripts/bench/exec-tree.sh                 # 5 runs of 10 s, release build in .build-bench
#   BENCH_REPS=3 BENCH_HOLD_SECONDS=6 scripts/bench/exec-tree.sh
#   OOMLAB_BIN=path/to/oomlab scripts/bench/exec-tree.sh   # measure that binary, build nothing
#
# It prints one Markdown table row per figure; run it on an otherwise idle machine.
set -euo pipefail
export LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

reps=${BENCH_REPS:-5}
hold_seconds=${BENCH_HOLD_SECONDS:-10}
interval=10ms
children=9

bench_name=exec-tree.sh
. scripts/bench/common.sh
positive BENCH_REPS "$reps"
positive BENCH_HOLD_SECONDS "$hold_seconds"
((hold_seconds >= 3)) || { echo "exec-tree.sh: BENCH_HOLD_SECONDS must be at least 3" >&2; exit 2; }

if [ -n "${OOMLAB_BIN:-}" ]; then
  oomlab=$OOMLAB_BIN
else
  command -v swift >/dev/null 2>&1 || die "swift is not on PATH"
  say "building oomlab (release, .build-bench)..."
  swift build -c release --scratch-path .build-bench >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; die "swift build failed"; }
  oomlab="$(swift build -c release --scratch-path .build-bench --show-bin-path)/oomlab"
fi
[ -x "$oomlab" ] || die "no oomlab at $oomlab"

clk_tck=$(getconf CLK_TCK)
read -r load_start _ </proc/loadavg
lt "$load_start" 0.5 || say "exec-tree.sh: warning: load average is $load_start; other work on this machine will skew the figures"

# The tree: a shell that starts 9 children and waits for them; all hold for the whole run.
tree="for i in \$(seq $children); do sleep $hold_seconds & done; wait"

run_tree() {
  local csv="$tmp/tree-$rep.csv" readings="$tmp/tree-$rep.readings" pid start rc=0 reading out
  : >"$readings"
  start=$EPOCHREALTIME
  "$oomlab" exec --interval "$interval" --csv "$csv" -- sh -c "$tree" >"$tmp/tree-$rep.out" 2>&1 &
  pid=$!
  running=$pid
  while reading=$(cpu_ticks "$pid"); do
    echo "$EPOCHREALTIME $reading" >>"$readings"
    [ "${reading#* }" = Z ] && break
    sleep 0.1
  done
  wait "$pid" || rc=$?
  running=""
  [ "$rc" -eq 0 ] || { cat "$tmp/tree-$rep.out" >&2; die "oomlab exec exited with $rc"; }
  # Rows per second and the most processes in one tick, which show the tree was sampled whole every 10 ms.
  local rows rate widest
  read -r rows rate widest < <(awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { n++; t = $col["t_seconds"]; per[t]++; if (per[t] > w) w = per[t] }
    END { printf "%d %.1f %d\n", n, (t > 0 ? n / t : 0), w }' "$csv")
  out=$(awk -v t0="$start" -v hz="$clk_tck" '
    { e = $1 - t0; if (!have && e >= 1) { e1 = e; c1 = $2; have = 1 }; e2 = e; c2 = $2 }
    END { if (!have || e2 <= e1) { print "short"; exit }
          printf "%.4f %.4f %d %.2f\n", (c2 - c1) / hz / (e2 - e1) * 100, c2 / hz / e2 * 100, c2, e2 }' "$readings")
  set -- $out
  [ "$#" -eq 4 ] || die "the supervisor ended before it could be measured (run $rep)"
  echo "$1" >>"$tmp/cpu.txt"
  echo "$2" >>"$tmp/whole.txt"
  echo "$rate" >>"$tmp/rate.txt"
  echo "$widest" >>"$tmp/widest.txt"
  say "  run $rep: $(fmt "$1")% of one core sampling, $(fmt "$2")% over the whole run ($3 ticks in $4 s; $rows rows, $(fmt "$rate" 1) rows/s, up to $widest processes a tick)"
}

say "supervisor CPU of oomlab exec, a tree of $((children + 1)) processes sampled every $interval for ${hold_seconds}s, $reps repetitions..."
for ((rep = 1; rep <= reps; rep++)); do run_tree; done

cpu_med=$(median <"$tmp/cpu.txt") cpu_best=$(lowest <"$tmp/cpu.txt")
whole_med=$(median <"$tmp/whole.txt") whole_best=$(lowest <"$tmp/whole.txt")
rate_med=$(median <"$tmp/rate.txt")
widest=$(sort -g "$tmp/widest.txt" | tail -n 1)
read -r load_end _ </proc/loadavg
verdict=FAIL
if lt "$cpu_med" 3; then verdict=PASS; fi

echo "| measure | median | best | runs | target | verdict |"
echo "|---|---|---|---|---|---|"
echo "| supervisor CPU of \`oomlab exec\` sampling a $((children + 1))-process tree every 10 ms, steady state, % of one core | $(fmt "$cpu_med") | $(fmt "$cpu_best") | $(runs "$tmp/cpu.txt") | < 3 | **$verdict** |"
echo "| the same over the whole ${hold_seconds} s run, start-up included, % of one core | $(fmt "$whole_med") | $(fmt "$whole_best") | $(runs "$tmp/whole.txt") | (for comparison) | |"
echo "| CSV rows per second during those runs (up to $widest processes a tick) | $(fmt "$rate_med" 1) | | $(runs "$tmp/rate.txt" 1) | ($((100 * (children + 1))) at 10 ms) | |"
say "load average $load_start at the start, $load_end at the end; oomlab $(git describe --always --dirty 2>/dev/null || echo unknown)"
