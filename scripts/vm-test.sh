#!/usr/bin/env bash
# Runs oomlab's end-to-end cgroup suites on a real cgroup v2 kernel, in a VM.
#
#   scripts/vm-test.sh [ARGS...]   ARGS go to `swift test` in the guest instead of the default filter
#
# The host here has the cgroup v1 memory controller and no CAP_SYS_RESOURCE; the guest is a Debian
# kernel with pure cgroup v2 and full capabilities, booted by virtme-ng with the host's filesystem as
# its read-only root. The tests are built on the host; the guest runs `swift test --skip-build` on
# them, with the repository as a throwaway overlay (the host's tree is never written) and a run
# directory shared read-write for the log and the exit status.
#
# As root it installs what it needs when it is missing: qemu-system-x86, busybox-static and
# linux-image-amd64 from Debian, virtme-ng from PyPI in a venv under the user's cache directory.
# KVM is tried first with a short boot deadline; TCG (software emulation) is the fallback.
#
# Environment:
#   OOMLAB_SKIP_VM=1        skip the lane (loudly) and exit 0; for a quick local loop only
#   OOMLAB_VM_ACCEL=kvm|tcg use that accelerator without probing (default: probe KVM, else TCG)
#   OOMLAB_VM_KERNEL=PATH   the kernel image to boot (default: the newest /boot/vmlinuz-* with 9p)
#   OOMLAB_VM_TIMEOUT=SECS  deadline for the guest run, boot included (default 1800)
#
# Exit status: 0 the guest suite passed; 1 it failed or ran out of time; 3 the lane could not run
# (something missing that cannot be installed here, or the guest did not boot); 130 interrupted.
# The last line is `vm: N passed, N failed, N skipped`, counted from the guest suite's output.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo="$(pwd -P)"

note() { printf 'vm-test.sh: %s\n' "$*" >&2; }
is_root() { [ "$(id -u)" -eq 0 ]; }
now() { date +%s; }

if [ "${OOMLAB_SKIP_VM:-}" = 1 ]; then
  {
    echo '################################################################################'
    echo '##  VM LANE SKIPPED (OOMLAB_SKIP_VM=1): the cgroup v2 suites did NOT run.'
    echo '##  Nothing about cgroup v2 or full-privilege victim selection was tested.'
    echo '##  Unset OOMLAB_SKIP_VM to run them (CI always does).'
    echo '################################################################################'
  } >&2
  exit 0
fi

# The suites that need a real memory cgroup, a real kernel OOM killer or real process memory: the
# limit and victim runs, cgroup create/remove and stale-cgroup cleanup, the allocator and managed-heap
# runs, the CSV's cross-checks, the fallback paths, the run command, doctor, and the kernel readings.
# Pure parsers and fake-tree tests say nothing new on another kernel and stay on the host.
default_filter='Oomlab(Unit|EndToEnd)Tests\.(MemoryLimitRunTests|CgroupRealTests|CgroupStaleTests|AllocatorRunTests|ManagedHeapRunTests|ColumnAgreementTests|LimitFallbackTests|RunCommandTests|DoctorTests|OomBadnessTests|KernelOomReportTests|ContainerLimitRunTests|SupervisorLeafRunTests|OomGroupRunTests|SupervisorSignalTests|CgroupLockTests|KubernetesPlayTests)/'
if [ "$#" -gt 0 ]; then suite_args=("$@"); else suite_args=(--filter "$default_filter"); fi

virtme_ng_version=1.42
# 6 GiB: the suites below run side by side and several fill limits of 256-512 MiB at once; with 4 GiB,
# no swap and the root on 9p, one full run stalled for 14 minutes (memory pressure is the likely cause).
memory=6G
cpus=2
kvm_probe_seconds=30
budget="${OOMLAB_VM_TIMEOUT:-1800}"
accel="${OOMLAB_VM_ACCEL:-auto}"
case "$accel" in auto | kvm | tcg) ;; *)
  note "error: OOMLAB_VM_ACCEL must be auto, kvm or tcg, not '$accel'"
  exit 2
  ;;
esac
case "$budget" in '' | *[!0-9]*)
  note "error: OOMLAB_VM_TIMEOUT must be a whole number of seconds, not '$budget'"
  exit 2
  ;;
esac

# Environment failures end the lane with status 3 and the summary line, so CI sees it ran and failed.
cannot_run() {
  note "error: $*"
  note "the VM lane could not run; set OOMLAB_SKIP_VM=1 only to skip it on purpose for a local loop"
  echo "vm: 0 passed, 1 failed, 0 skipped"
  exit 3
}

# Installs Debian packages quietly, waiting for another apt to finish; the package lists are
# refreshed only when the first attempt fails.
apt_install() {
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends install "$@")
  if "${apt[@]}" >/dev/null; then return 0; fi
  note "apt-get install $* failed; refreshing the package lists and retrying"
  apt-get -qq -o DPkg::Lock::Timeout=600 update >/dev/null && "${apt[@]}" >/dev/null
}

# A kernel the guest can boot: its 9p and virtio modules (or built-ins) must be there for the root.
kernel_has_9p() {
  local version="$1" dir="/lib/modules/$1"
  [ -d "$dir" ] || return 1
  find "$dir" -name '9pnet_virtio.ko*' -print -quit 2>/dev/null | grep -q . ||
    grep -q '9pnet_virtio' "$dir/modules.builtin" 2>/dev/null
}

find_kernel() {
  if [ -n "${OOMLAB_VM_KERNEL:-}" ]; then
    echo "$OOMLAB_VM_KERNEL"
    return
  fi
  local image version
  for image in $(find /boot -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort -V -r); do
    version="${image#/boot/vmlinuz-}"
    if kernel_has_9p "$version"; then
      echo "$image"
      return
    fi
  done
}

install_start=$(now)
installed=()

missing=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || missing+=(busybox-static)
[ -n "$(find_kernel)" ] || missing+=(linux-image-amd64)
if [ "${#missing[@]}" -gt 0 ]; then
  if is_root && command -v apt-get >/dev/null 2>&1; then
    note "installing ${missing[*]} (the VM lane needs them)"
    apt_install "${missing[@]}" || cannot_run "apt-get could not install ${missing[*]}"
    installed+=("${missing[@]}")
  else
    cannot_run "missing ${missing[*]}; as root: apt-get install --no-install-recommends ${missing[*]}"
  fi
fi
kernel="$(find_kernel)"
if [ -z "$kernel" ] || [ ! -r "$kernel" ]; then
  cannot_run "no readable kernel with 9p/virtio modules in /boot (${kernel:-none found}); the generic linux-image-amd64 has them, -cloud does not"
fi

# virtme-ng lives in a venv outside the repository, pinned to the version this script was checked with.
home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
cache="${XDG_CACHE_HOME:-$home/.cache}/oomlab"
venv="$cache/vng-venv"
venv_version() { "$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("virtme-ng"))' 2>/dev/null; }
if [ "$(venv_version)" != "$virtme_ng_version" ]; then
  note "installing virtme-ng $virtme_ng_version in $venv"
  rm -rf "$venv"
  mkdir -p "$cache"
  python=python3
  if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    if is_root && command -v apt-get >/dev/null 2>&1; then
      apt_install python3 python3-venv || cannot_run "apt-get could not install python3-venv"
      installed+=(python3-venv)
      python=/usr/bin/python3
      "$python" -m venv "$venv" || cannot_run "$python -m venv $venv failed"
    else
      cannot_run "python3 cannot make a venv; install python3-venv"
    fi
  fi
  "$venv/bin/pip" install -q --disable-pip-version-check "virtme-ng==$virtme_ng_version" ||
    cannot_run "pip could not install virtme-ng==$virtme_ng_version"
  installed+=("virtme-ng==$virtme_ng_version")
fi
# vng runs virtme-run by name, so the venv's bin must be on PATH.
export PATH="$venv/bin:$PATH"
if [ "${#installed[@]}" -gt 0 ]; then
  note "installed ${installed[*]} in $(($(now) - install_start)) s"
fi

command -v swift >/dev/null 2>&1 || cannot_run "swift is not on PATH"
# The guest does not inherit the host's PATH: it gets the toolchain's bin directory explicitly.
toolchain_bin="$(dirname "$(readlink -f "$(command -v swift)")")"

build_start=$(now)
swift build --build-tests >&2 || {
  echo "vm: 0 passed, 1 failed, 0 skipped"
  exit 1
}
oomlab_bin="$(swift build --show-bin-path)/oomlab"
[ -x "$oomlab_bin" ] || cannot_run "swift build did not produce $oomlab_bin"
note "built in $(($(now) - build_start)) s"

# The run directory is shared read-write with the guest: the guest script, its log, its status.
run_dir="$(mktemp -d "${TMPDIR:-/tmp}/oomlab-vm.XXXXXX")"
vm_pid=""
# Stops the guest: `timeout` runs vng in a process group of its own and passes the signal to all of it.
stop_guest() {
  if [ -n "$vm_pid" ] && kill -0 "$vm_pid" 2>/dev/null; then
    kill -TERM "$vm_pid" 2>/dev/null || true
    wait "$vm_pid" 2>/dev/null || true
  fi
  vm_pid=""
}
finish() {
  stop_guest
  rm -rf "$run_dir"
}
trap finish EXIT
trap 'note "interrupted; shutting the guest down"; stop_guest; echo "vm: interrupted"; exit 130' INT TERM

# Boots the guest and runs COMMAND in it, with output to the console; sets `vm_status` to vng's status.
# Output goes through a FIFO: qemu reopens /proc/self/fd/1, which on a regular file would write from
# offset 0 over what is already there.
boot() {
  local seconds="$1" accel_flag="$2" command="$3" fifo="$run_dir/console.fifo"
  rm -f "$fifo"
  mkfifo "$fifo"
  sed -u 's/^/guest| /' <"$fifo" &
  local printer=$!
  local flags=(--run "$kernel" --memory "$memory" --cpus "$cpus" --rwdir "$run_dir" --overlay-rwdir "$repo")
  [ -n "$accel_flag" ] && flags+=("$accel_flag")
  timeout --kill-after=15 "$seconds" vng "${flags[@]}" --exec "$command" </dev/null >"$fifo" 2>&1 &
  vm_pid=$!
  vm_status=0
  wait "$vm_pid" || vm_status=$?
  vm_pid=""
  wait "$printer" || true
}

if [ "$accel" = auto ]; then
  accel=tcg
  if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    note "probing KVM (boot deadline ${kvm_probe_seconds} s)"
    probe_start=$(now)
    boot "$kvm_probe_seconds" "" "echo oomlab-vm-ready > $(printf %q "$run_dir/ready")"
    if [ -s "$run_dir/ready" ]; then
      accel=kvm
      note "KVM boots: a guest came up and shut down in $(($(now) - probe_start)) s"
    else
      note "KVM did not boot (vng status $vm_status after $(($(now) - probe_start)) s); falling back to TCG"
    fi
  else
    note "/dev/kvm is missing or not usable by $(id -un); using TCG"
  fi
fi
if [ "$accel" = kvm ]; then accel_flag=""; else accel_flag=--disable-kvm; fi
note "accelerator: $accel$([ "$accel" = tcg ] && echo ' (software emulation: slow, expect minutes)')"

# The guest script: checks that this is the platform the lane promises, then runs the suites.
guest="$run_dir/guest.sh"
{
  echo '#!/bin/bash'
  printf 'run_dir=%q repo=%q oomlab_bin=%q toolchain_bin=%q\n' "$run_dir" "$repo" "$oomlab_bin" "$toolchain_bin"
  printf 'suite_args=('
  printf '%q ' "${suite_args[@]}"
  printf ')\n'
  cat <<'GUEST'
set -u
export PATH="$toolchain_bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# /root is read-only in the guest; SwiftPM's user caches go to the overlaid /tmp.
export HOME=/tmp/oomlab-vm-home
mkdir -p "$HOME"
echo "booted after $(cut -d' ' -f1 /proc/uptime) s of guest uptime; kernel $(uname -r)"
fail() { echo "guest: error: $*"; echo 3 > "$run_dir/status"; exit 3; }
grep -qs '^cgroup2 /sys/fs/cgroup ' /proc/mounts || fail "cgroup2 is not mounted at /sys/fs/cgroup"
grep -qw memory /sys/fs/cgroup/cgroup.controllers || fail "the cgroup2 root has no memory controller"
echo "cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
echo "/proc/self/cgroup: $(cat /proc/self/cgroup)"
cap_eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
echo "CapEff: $cap_eff; CAP_SYS_RESOURCE: $([ $(( 0x$cap_eff >> 24 & 1 )) = 1 ] && echo yes || echo NO)"
echo "PSI memory.pressure: $([ -r /sys/fs/cgroup/memory.pressure ] && echo present || echo ABSENT)"
echo "MemTotal: $(awk '/^MemTotal:/ {print $2, $3}' /proc/meminfo); vm.overcommit_memory=$(cat /proc/sys/vm/overcommit_memory)"
touch "$repo/.build/.oomlab-vm-write-probe" && rm "$repo/.build/.oomlab-vm-write-probe" ||
  fail "the repository overlay is not writable in the guest"
probe=$(mktemp -d) && rmdir "$probe" || fail "the guest's temporary directory is not writable"
cd "$repo" || fail "cannot enter $repo"
export OOMLAB_BIN="$oomlab_bin"
start=$(date +%s)
# One run once went silent for 14 minutes: when the log stops growing for 3 minutes, say what the guest is
# doing (memory, the busiest processes, tasks blocked in the kernel) so the next stall has a cause.
(
  last=-1
  while sleep 180; do
    size=$(stat -c %s "$run_dir/suite.log" 2>/dev/null || echo 0)
    if [ "$size" = "$last" ]; then
      echo "guest watchdog: no test output for 180 s; MemAvailable $(awk '/^MemAvailable:/ {print $2, $3}' /proc/meminfo)"
      ps -eo pid,ppid,stat,rss,pcpu,etimes,args --sort=-pcpu | head -15 | cut -c1-160
      echo w > /proc/sysrq-trigger 2>/dev/null && dmesg | tail -40 | cut -c1-160
    fi
    last=$size
  done
) &
watchdog=$!
swift test --skip-build "${suite_args[@]}" 2>&1 | tee "$run_dir/suite.log"
status=${PIPESTATUS[0]}
kill "$watchdog" 2>/dev/null
echo "guest suite finished with status $status in $(( $(date +%s) - start )) s"
echo "$status" > "$run_dir/status"
GUEST
} >"$guest"
chmod +x "$guest"

note "booting $kernel with $memory and $cpus CPUs; deadline $budget s"
run_start=$(now)
boot "$budget" "$accel_flag" "$(printf %q "$guest")"
elapsed=$(($(now) - run_start))
trap - INT TERM

log="$run_dir/suite.log"
count() {
  if [ -r "$log" ]; then grep -E "$1" "$log" | grep -vc ' Test run with ' || true; else echo 0; fi
}
passed=$(count '^[^ ]+ Test .+ passed after ')
failed=$(count '^[^ ]+ Test .+ failed after ')
skipped=$(count '^[^ ]+ Test .+ skipped')
guest_status="$(cat "$run_dir/status" 2>/dev/null || true)"

if [ -z "$guest_status" ]; then
  if [ "$vm_status" -eq 124 ] || [ "$vm_status" -eq 137 ]; then
    note "error: the guest ran out of its $budget s deadline (accelerator $accel); it was shut down"
  else
    note "error: the guest ended (vng status $vm_status) without reporting the suite's status"
  fi
  [ -s "$log" ] || cannot_run "the guest never started the suite ($accel, $elapsed s)"
  echo "vm: $passed passed, $((failed + 1)) failed, $skipped skipped"
  exit 1
fi
note "guest run took $elapsed s ($accel); the suite's status was $guest_status"
if [ "$guest_status" = 3 ]; then cannot_run "the guest is not the platform the lane needs (see guest| lines)"; fi
if [ "$guest_status" != 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "vm: $passed passed, $failed failed, $skipped skipped"
[ "$guest_status" = 0 ] || exit 1
