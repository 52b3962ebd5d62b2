#!/usr/bin/env bash
# Runs oomlab's test suite: the one command for a fresh machine and for CI.
#
#   scripts/test.sh [ARGS...]     ARGS go to the host's `swift test`, e.g. --filter Pages
#
# As root it installs what the tests need when it is missing (jemalloc and
# matplotlib and nodejs, via apt-get; jsonschema and kubernetes-validate, via pip); otherwise it says which tests will skip and goes on. It builds
# oomlab, exports OOMLAB_BIN (the binary the tests run), then runs `swift test`.
# Then scripts/vm-test.sh runs the cgroup suites again in a VM with a pure
# cgroup v2 kernel (minutes under software emulation); OOMLAB_SKIP_VM=1 skips
# that lane for a quick local loop. The last line is the VM lane's
# `vm: N passed, N failed, N skipped`; the exit status is nonzero when either
# the host suite or the VM lane failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

note() { printf 'test.sh: %s\n' "$*" >&2; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# jemalloc is found the way oomlab finds it: the loader cache, then the usual
# library directories (or OOMLAB_JEMALLOC naming a build elsewhere).
have_jemalloc() {
  if [ -n "${OOMLAB_JEMALLOC:-}" ] && [ -r "$OOMLAB_JEMALLOC" ]; then return 0; fi
  local ldconfig
  for ldconfig in /sbin/ldconfig /usr/sbin/ldconfig; do
    if [ -x "$ldconfig" ] && "$ldconfig" -p 2>/dev/null | grep -E '^[[:space:]]*libjemalloc\.so(\.2)? ' >/dev/null; then
      return 0
    fi
  done
  local dir
  for dir in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /lib/aarch64-linux-gnu \
    /usr/lib64 /lib64 /usr/local/lib /usr/lib /lib; do
    if [ -r "$dir/libjemalloc.so.2" ] || [ -r "$dir/libjemalloc.so" ]; then return 0; fi
  done
  return 1
}

# Installs Debian packages quietly: apt's chatter goes away, its errors stay.
# The package lists are refreshed only when the first attempt fails.
apt_install() {
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -qq --no-install-recommends install "$@")
  if "${apt[@]}" >/dev/null; then return 0; fi
  note "apt-get install $* failed; refreshing the package lists and retrying"
  apt-get -qq update >/dev/null && "${apt[@]}" >/dev/null
}

if ! command -v swift >/dev/null 2>&1; then
  note "error: swift is not on PATH. Install Swift 6 (https://www.swift.org/install/linux/) and try again."
  exit 1
fi

if ! have_jemalloc; then
  if is_root && command -v apt-get >/dev/null 2>&1; then
    note "installing libjemalloc-dev (the jemalloc tests need it)"
    if ! apt_install libjemalloc-dev || ! have_jemalloc; then
      note "NOTE: could not install jemalloc; the jemalloc tests will be skipped"
    fi
  elif is_root; then
    note "NOTE: jemalloc is missing and there is no apt-get here; install jemalloc to run the jemalloc tests."
    note "      The jemalloc tests will be skipped."
  else
    note "NOTE: jemalloc is missing and this is not root, so it cannot be installed here."
    note "      The jemalloc tests will be skipped. To run them: sudo apt-get install libjemalloc-dev"
  fi
fi

# `oomlab plot` and its tests need matplotlib for Python 3. It comes from Debian's python3-matplotlib, pinned to
# the upstream version scripts/plot.py is tested with (Debian 12 and Ubuntu 24.04 both ship 3.6.3); it lands in
# /usr/bin/python3, which oomlab tries after every python3 on PATH.
matplotlib_version="3.6.3"

# Whether a python3 oomlab would try (OOMLAB_PYTHON, else the first on PATH, else the system's) has matplotlib.
have_matplotlib() {
  local python
  local candidates=("${OOMLAB_PYTHON:-}")
  [ -n "${OOMLAB_PYTHON:-}" ] || candidates=("$(command -v python3 || true)" /usr/bin/python3)
  for python in "${candidates[@]}"; do
    if [ -n "$python" ] && [ -x "$python" ] && "$python" -c 'import sys, matplotlib
sys.exit(tuple(int(p) for p in matplotlib.__version__.split(".")[:2]) < (3, 6))' 2>/dev/null; then
      return 0
    fi
  done
  return 1
}

install_matplotlib() {
  if have_matplotlib; then return 0; fi
  if is_root && command -v apt-get >/dev/null 2>&1; then
    note "installing python3-matplotlib $matplotlib_version (the plot tests need it)"
    if ! apt_install "python3-matplotlib=$matplotlib_version*" || ! have_matplotlib; then
      note "NOTE: could not install python3-matplotlib $matplotlib_version; the plot tests will be skipped"
    fi
  else
    note "NOTE: matplotlib is missing and cannot be installed here (not root, or no apt-get); the plot tests will be"
    note "      skipped. To run them: sudo apt-get install python3-matplotlib, or python3 -m pip install 'matplotlib>=3.6'"
  fi
}

install_matplotlib

# exec's tests run real node and python3 (the system's); they skip with the reason when either is missing.
if ! command -v node >/dev/null 2>&1; then
  if is_root && command -v apt-get >/dev/null 2>&1; then
    note "installing nodejs (the exec tests run real Node programs)"
    apt_install nodejs || note "NOTE: could not install nodejs; the Node tests of exec will be skipped"
  else
    note "NOTE: node is missing; the Node tests of exec will be skipped (apt-get install nodejs as root)"
  fi
fi

# The schema tests validate scenarios against `oomlab schema` with the jsonschema package, under the python3
# oomlab plot would run: installed with pip when missing (Debian's python3-jsonschema where pip may not install
# into the system's python), else those tests skip saying why.
install_jsonschema() {
  local python="${OOMLAB_PYTHON:-$(command -v python3 || true)}"
  if [ -z "$python" ] || "$python" -c 'import jsonschema' 2>/dev/null; then return 0; fi
  note "installing jsonschema with pip (the schema tests need it)"
  if "$python" -m pip install --quiet jsonschema >/dev/null 2>&1; then return 0; fi
  if is_root && command -v apt-get >/dev/null 2>&1 && apt_install python3-jsonschema; then return 0; fi
  note "NOTE: could not install jsonschema; the schema tests will be skipped (python3 -m pip install jsonschema)"
}

install_jsonschema

# The Kubernetes tests validate `oomlab matrix --emit kubernetes` against the API's OpenAPI schemas offline with the
# kubernetes-validate package (it ships the schemas), installed with pip when missing; else those tests skip.
install_kubernetes_validate() {
  local python="${OOMLAB_PYTHON:-$(command -v python3 || true)}"
  if [ -z "$python" ] || "$python" -c 'import kubernetes_validate' 2>/dev/null; then return 0; fi
  note "installing kubernetes-validate with pip (the Kubernetes manifest tests need it)"
  if "$python" -m pip install --quiet kubernetes-validate >/dev/null 2>&1; then return 0; fi
  note "NOTE: could not install kubernetes-validate; the manifest validation test will be skipped"
  note "      (python3 -m pip install kubernetes-validate)"
}

install_kubernetes_validate

swift build
bin_path="$(swift build --show-bin-path)"
export OOMLAB_BIN="$bin_path/oomlab"
if [ ! -x "$OOMLAB_BIN" ]; then
  note "error: swift build did not produce $OOMLAB_BIN"
  exit 1
fi
note "OOMLAB_BIN=$OOMLAB_BIN"

# A skipped VM lane says so loudly before the suite, so that the suite's closing line stays last.
if [ "${OOMLAB_SKIP_VM:-}" = 1 ]; then scripts/vm-test.sh; fi

host_status=0
swift test "$@" || host_status=$?
# An interrupted host suite (Ctrl-C) stops here rather than going on to boot the VM.
if [ "${OOMLAB_SKIP_VM:-}" = 1 ] || [ "$host_status" -eq 130 ]; then exit "$host_status"; fi
if [ "$host_status" -ne 0 ]; then
  note "the host suite FAILED (status $host_status); running the VM lane all the same"
fi

vm_status=0
scripts/vm-test.sh || vm_status=$?
if [ "$host_status" -ne 0 ]; then exit "$host_status"; fi
exit "$vm_status"
