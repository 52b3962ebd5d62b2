#!/usr/bin/env bash
# Calibrates oomlab against the real thing: runs real programs (Node 20 with the scripts in
# scripts/calibration/, small C programs compiled here) beside the oomlab scenarios that model
# them, under the same limits, and compares outcome, heap used at death and RSS growth.
#
#   scripts/calibrate.sh                  # every pair, 2 runs each; adds the table to docs/fidelity.md
#   scripts/calibrate.sh --runs 3 --only heap
#   scripts/calibrate.sh --doc -          # print only, leave docs/fidelity.md alone
#
# Needs root and a memory cgroup (the pairs under a limit run in a child of this shell's own
# cgroup, removed afterwards), node, cc and the Node headers (/usr/include/node); jemalloc for
# its pair. oomlab is built in release mode: how glibc shares arenas between threads depends
# on how fast they allocate, so a debug build would not be what users run. OOMLAB_BIN names
# another binary. It takes 3-4 minutes; the exit status is 1 when a pair is out of tolerance.
set -euo pipefail
export LC_ALL=C

cd "$(dirname "${BASH_SOURCE[0]}")/.."

note() { printf 'calibrate.sh: %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || { note "needs root, to run the real programs in a memory cgroup of their own"; exit 3; }
for tool in node cc python3; do
  command -v "$tool" >/dev/null || { note "needs $tool on PATH"; exit 3; }
done
[ -r /usr/include/node/node_api.h ] || { note "needs the Node headers (/usr/include/node/node_api.h) to build the payload addon"; exit 3; }

if [ -z "${OOMLAB_BIN:-}" ]; then
  swift build -c release >&2
  OOMLAB_BIN="$(swift build -c release --show-bin-path)/oomlab"
fi

build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
cc -O2 -o "$build/native-blocks" scripts/calibration/native-blocks.c
cc -O2 -o "$build/native-trim" scripts/calibration/native-trim.c
cc -O2 -pthread -o "$build/arena-churn" scripts/calibration/arena-churn.c
cc -O2 -o "$build/jemalloc-decay" scripts/calibration/jemalloc-decay.c
cc -O2 -shared -fPIC -I/usr/include/node -o "$build/payload.node" scripts/calibration/payload.c

jemalloc=""
for candidate in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2 /usr/local/lib/libjemalloc.so.2; do
  if [ -r "$candidate" ]; then jemalloc="$candidate"; break; fi
done
[ -n "$jemalloc" ] || note "jemalloc not found: its pair is skipped"

python3 scripts/calibration/calibrate.py --oomlab "$OOMLAB_BIN" --build "$build" --jemalloc "$jemalloc" "$@"
