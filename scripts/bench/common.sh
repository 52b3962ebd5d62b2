# common.sh: what scripts/bench.sh and scripts/bench/*.sh share; sourced, never run.
# The caller sets `bench_name` (its name in messages) first; this defines the messages, a temporary
# directory removed on exit with the process in `running` killed, argument checks, the statistics
# of a results file (one figure a line) and the reading of a process's own CPU time.

say() { printf '%s\n' "$*" >&2; }
die() { say "$bench_name: $*"; exit 1; }
positive() { case $2 in '' | *[!0-9]* | 0) echo "$bench_name: $1 must be a positive integer, got \"$2\"" >&2; exit 2 ;; esac; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/oomlab-$bench_name.XXXXXX")
running=""
cleanup() {
  if [ -n "$running" ]; then kill "$running" 2>/dev/null || true; wait "$running" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
highest() { sort -g | tail -n 1; }
lowest() { sort -g | head -n 1; }
fmt() { awk -v v="$1" -v d="${2:-2}" 'BEGIN { if (v == "nan" || v == "") print "n/a"; else printf "%.*f\n", d, v }'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
# Per-run values of a results file, formatted, on one line.
runs() { while read -r v; do fmt "$v" "${2:-2}"; done <"$1" | tr '\n' ' ' | sed 's/ $//'; }

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
