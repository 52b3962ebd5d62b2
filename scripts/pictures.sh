#!/usr/bin/env bash
# Regenerates the README's pictures in docs/ from shipped scenarios: runs each, then draws it with `oomlab plot`.
#
#   scripts/pictures.sh
#
# The runs need what their scenarios need: root and a memory cgroup (the limits), jemalloc (the matrix), and
# matplotlib for the drawing (scripts/test.sh installs the last two as root). OOMLAB_BIN names the binary to
# use; otherwise this builds one.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -z "${OOMLAB_BIN:-}" ]; then
  swift build
  OOMLAB_BIN="$(swift build --show-bin-path)/oomlab"
fi
oomlab="$(cd "$(dirname "$OOMLAB_BIN")" && pwd)/$(basename "$OOMLAB_BIN")"
docs="$PWD/docs"
scenarios="$PWD/Scenarios"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# A run's status says whether it matched its expect:, which is not this script's business; plot's status is.
run() { "$oomlab" "$@" >/dev/null || [ $? -le 1 ]; }
size=1200x780

# The article's point: the kernel kills at the cgroup limit while the heap is still under its own.
run run "$scenarios/heap-limit-equals-limit.yaml" --csv heap.csv --summary heap.json
"$oomlab" plot heap.csv --kind timeline --size "$size" -o "$docs/plot-timeline.png"

# Two processes in one cgroup: the one that volunteered (oom_score_adj 998) is the victim.
run run "$scenarios/victim-app-volunteered.yaml" --csv victim.csv --summary victim.json
"$oomlab" plot victim.csv --kind processes --size "$size" -o "$docs/plot-processes.png"

# Fragmentation under two allocators: RSS stays up after 90% of the blocks are freed.
run matrix "$scenarios/native-fragmentation.yaml" --allocator glibc,jemalloc --out matrix
"$oomlab" plot matrix --size "$size" -o "$docs/plot-matrix.png"
