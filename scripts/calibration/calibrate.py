#!/usr/bin/env python3
"""Runs real programs beside the oomlab scenarios that model them and compares the two.

Each pair is a real program (Node 20 with a script from this folder, or a small C program) and
the oomlab scenario that stands for it, run under the same memory limit. The figures compared are
read the same way on both sides where they can be: VmRSS polled from /proc every 5 ms for the real
program, oomlab's own CSV for the worker; V8's last "Mark-Compact A (B) -> C (D) MB" line for the
heap Node died with, oomlab's heap_used_bytes for the worker's. A pair passes when the outcome is
the same and every figure is within its tolerance; the table goes to docs/fidelity.md (newest
first) and the exit status is 1 when any pair failed.

Called by scripts/calibrate.sh, which builds oomlab, the C programs and the Node addon first:

    calibrate.py --oomlab BIN --build DIR [--runs N] [--doc FILE|-] [--only NAME]
"""
import argparse
import csv
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MIB = 1 << 20
# What one request of payloads.js allocates in new space, by kind of payload: measured in Node 20
# with v8.getHeapSpaceStatistics() over 200 requests between two collections (the wrapper with its
# 1 KiB array, the external and the timer: 1,871 bytes; a Buffer and its timer: 970). When a
# scavenge comes depends on it, so the scenario's objects are given that size.
YOUNG_PER_REQUEST = {"unreported": 1872, "reported": 1872, "buffer": 976}
MARKER = "<!-- scripts/calibrate.sh adds new results below this line, newest first -->"


class Cgroup:
    """A memory cgroup of this script's own, a child of the cgroup it runs in, removed afterwards."""

    def __init__(self, limit):
        lines = open("/proc/self/cgroup").read().splitlines()
        v1 = [l.split(":", 2)[2] for l in lines if l.split(":", 2)[1].split(",").count("memory")]
        if v1 and os.path.isdir("/sys/fs/cgroup/memory"):
            self.version, parent = 1, "/sys/fs/cgroup/memory" + v1[0]
        else:
            own = [l.split(":", 2)[2] for l in lines if l.startswith("0::")]
            self.version, parent = 2, "/sys/fs/cgroup" + (own[0] if own else "/")
        self.path = os.path.join(parent.rstrip("/"), f"calibrate-{os.getpid()}-{time.monotonic_ns()}")
        os.mkdir(self.path)
        try:
            if self.version == 1:
                self.write("memory.limit_in_bytes", limit)
            else:
                self.write("memory.max", limit)
                self.write("memory.swap.max", 0)
        except OSError:
            os.rmdir(self.path)
            raise

    def write(self, name, value):
        with open(os.path.join(self.path, name), "w") as f:
            f.write(str(value))

    def enter(self):
        """Moves the calling process in: the preexec_fn of the program measured."""
        self.write("cgroup.procs", os.getpid())

    def oom_kills(self):
        name = "memory.oom_control" if self.version == 1 else "memory.events"
        for line in open(os.path.join(self.path, name)):
            words = line.split()
            if words and words[0] == "oom_kill":
                return int(words[1])
        return 0

    def remove(self):
        for _ in range(200):
            try:
                os.rmdir(self.path)
                return
            except OSError:
                time.sleep(0.01)
        print(f"calibrate: could not remove {self.path}", file=sys.stderr)


def watch(command, limit=None, env=None, cwd=None):
    """Runs `command`, polling its VmRSS every 5 ms; returns its outcome, peak RSS and output."""
    group = Cgroup(limit) if limit else None
    try:
        process = subprocess.Popen(
            command, cwd=cwd, env=dict(os.environ, **(env or {})), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, preexec_fn=group.enter if group else None)
        outputs = {}

        def drain(name, stream):
            outputs[name] = stream.read().decode(errors="replace")

        readers = [threading.Thread(target=drain, args=(n, s)) for n, s in (("out", process.stdout), ("err", process.stderr))]
        for reader in readers:
            reader.start()
        peak = 0
        while process.poll() is None:
            try:
                with open(f"/proc/{process.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmRSS:"):
                            peak = max(peak, int(line.split()[1]) * 1024)
            except OSError:
                pass
            time.sleep(0.005)
        for reader in readers:
            reader.join()
        kills = group.oom_kills() if group else 0
    finally:
        if group:
            group.remove()
    status = process.returncode
    if status == 0:
        outcome = "completed"
    elif status == -signal.SIGKILL and kills > 0:
        outcome = "oom-kill"
    elif status == -signal.SIGABRT and "JavaScript heap out of memory" in outputs["err"]:
        outcome = "heap-oom"
    else:
        outcome = f"status {status}"
    return {"outcome": outcome, "peak_rss": peak, "out": outputs["out"], "err": outputs["err"]}


def oomlab(binary, yaml, work, limit=None, arguments=()):
    """Runs a scenario with oomlab; returns its outcome and CSV rows."""
    path = os.path.join(work, "scenario.yaml")
    table = os.path.join(work, "run.csv")
    summary = os.path.join(work, "summary.json")
    for stale in (table, summary):
        if os.path.exists(stale):
            os.remove(stale)
    with open(path, "w") as f:
        f.write(yaml)
    command = [binary, "run", path, "--csv", table, "--summary", summary, *arguments]
    command += ["--memory-limit", str(limit) if limit else "none"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode > 1:
        raise RuntimeError(f"oomlab run exited {result.returncode}: {result.stderr.strip()}")
    outcome = json.load(open(summary))["outcome"]
    rows = list(csv.DictReader(open(table)))
    return {"outcome": outcome, "rows": rows}


def number(row, column):
    return float(row[column]) if row.get(column) else 0.0


def at_step(rows, index, column):
    """The value of `column` in the last row of the step at pre-order `index`."""
    values = [number(r, column) for r in rows if r["step_index"] == str(index)]
    return values[-1]


def growth(rows):
    """Peak RSS over the worker's first row."""
    return max(number(r, "rss_bytes") for r in rows) - number(rows[0], "rss_bytes")


def mark_compact(text):
    """The heap used after V8's last mark-compact, in bytes (V8's "MB" are MiB)."""
    found = re.findall(r"Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB", text)
    return float(found[-1]) * MIB if found else None


def printed(text, key):
    match = re.search(rf"^{key} (\d+)$", text, re.MULTILINE)
    return int(match.group(1)) if match else None


class Calibration:
    def __init__(self, options):
        self.binary = options.oomlab
        self.build = options.build
        self.runs = options.runs
        self.rows = []
        self.work = tempfile.mkdtemp(prefix="calibrate-")

    def compare(self, pair, figure, real, model, tolerance, unit="MiB", note=""):
        """Records one comparison: every run's figure, the ratio of the medians and the verdict."""
        if unit == "outcome":
            verdict = "PASS" if len(set(real)) == 1 and set(real) == set(model) else "FAIL"
            ratio = ""
            shown = (" ".join(real), " ".join(model))
        else:
            ratio = statistics.median(model) / statistics.median(real) if statistics.median(real) else float("inf")
            verdict = "PASS" if abs(ratio - 1) <= tolerance else "FAIL"
            scale = MIB if unit == "MiB" else 1
            digits = 2 if unit == "ratio" else 1
            shown = tuple(" ".join(f"{v / scale:.{digits}f}" for v in values) for values in (real, model))
            ratio = f"{ratio:.3f}"
        self.rows.append((pair, figure, shown[0], shown[1], ratio, "equal" if unit == "outcome" else f"±{tolerance:.0%}", verdict, note))
        print(f"  {figure}: real {shown[0]}, model {shown[1]}, ratio {ratio or '-'}: {verdict}", file=sys.stderr)

    def node(self, script, *arguments, limit=None, flags=()):
        return watch(["node", *flags, os.path.join(HERE, script), *map(str, arguments)], limit=limit,
                     env={"ADDON": os.path.join(self.build, "payload.node")})

    def heap_leak(self, name, elements, limit, note=""):
        """A JavaScript leak at --max-old-space-size=256 beside a `leak of: objects` at heap-limit 256MiB."""
        size = 32 + 16 + 8 * elements
        print(f"{name}", file=sys.stderr)
        real = [self.node("heap-leak.js", elements, limit=limit, flags=["--max-old-space-size=256"]) for _ in range(self.runs)]
        yaml = f"name: calibrate-leak\nsample: 20ms\nheap-limit: 256MiB\nsteps:\n  - leak: {{ rate: 4GiB/s, block: {size}, of: objects }}\n"
        model = [oomlab(self.binary, yaml, self.work, limit=limit) for _ in range(self.runs)]
        self.compare(name, "outcome", [r["outcome"] for r in real], [m["outcome"] for m in model], 0, unit="outcome")
        if all(r["outcome"] == "heap-oom" for r in real) and all(m["outcome"] == "heap-oom" for m in model):
            self.compare(
                name, "heap used at death (MiB)", [mark_compact(r["err"]) for r in real],
                [number(m["rows"][-1], "heap_used_bytes") for m in model], 0.10, note=note)

    def payloads(self, name, mode, scenario_payload, note=""):
        """Garbage wrappers pinning 2 MiB each, 500 requests 2 ms apart: the peak RSS over the start."""
        print(f"{name}", file=sys.stderr)
        real = [self.node("payloads.js", 500, 2 << 20, mode, 2, flags=["--expose-gc"]) for _ in range(self.runs)]
        size = YOUNG_PER_REQUEST[mode]
        yaml = (f"name: calibrate-payloads\nsample: 10ms\nsteps:\n  - objects: {{ count: 500, size: {size}, garbage: true, "
                f"{scenario_payload}, every: 2ms }}\n  - hold: 100ms\n")
        model = [oomlab(self.binary, yaml, self.work) for _ in range(self.runs)]
        self.compare(
            name, "peak RSS growth (MiB)", [r["peak_rss"] - printed(r["out"], "rss-start") for r in real],
            [growth(m["rows"]) for m in model], 0.10,
            note=f"each request allocates about {size} bytes in Node's new space, the size of the scenario's objects. {note}".strip())

    def native_blocks(self):
        name = "glibc, 1 M x 1 KiB native blocks"
        print(name, file=sys.stderr)
        program = os.path.join(self.build, "native-blocks")
        real = []
        for _ in range(self.runs):
            fields = [int(v) for v in watch([program, "1000000", "1024"])["out"].split()]
            real.append(((fields[1] - fields[0]) * 1024, fields[3] - fields[2]))
        yaml = "name: native-blocks\nsample: 50ms\nallocator: glibc\nsteps:\n  - native: { count: 1000000, size: 1KiB }\n  - hold: 200ms\n"
        model = []
        for _ in range(self.runs):
            rows = oomlab(self.binary, yaml, self.work)["rows"]
            model.append((at_step(rows, 1, "rss_bytes") - number(rows[0], "rss_bytes"),
                          at_step(rows, 1, "allocator_allocated_bytes") - number(rows[0], "allocator_allocated_bytes")))
        self.compare(name, "RSS growth (MiB)", [r[0] for r in real], [m[0] for m in model], 0.01)
        self.compare(name, "allocated bytes, mallinfo2 (MiB)", [r[1] for r in real], [m[1] for m in model], 0.01)

    def native_trim(self):
        name = "glibc, 1 M x 1 KiB, 90% freed at random, then trim"
        print(name, file=sys.stderr)
        program = os.path.join(self.build, "native-trim")
        real = []
        for _ in range(self.runs):
            f = [int(v) for v in watch([program, "1000000", "1024"])["out"].split()]
            real.append(((f[2] - f[0]) * 1024, (f[3] - f[0]) * 1024, (f[3] - f[0]) * 1024 / (f[5] - f[4])))
        yaml = ("name: native-trim\nsample: 50ms\nallocator: glibc\nsteps:\n  - native: { count: 1000000, size: 1KiB, as: small }\n"
                "  - free: { what: small, fraction: 0.9, pattern: random, seed: 7 }\n  - hold: 200ms\n  - trim\n  - hold: 200ms\n")
        model = []
        for _ in range(self.runs):
            rows = oomlab(self.binary, yaml, self.work)["rows"]
            start = number(rows[0], "rss_bytes")
            # The end row's allocator reading is taken after the last step, so its frag_ratio is fresh.
            model.append((at_step(rows, 2, "rss_bytes") - start, number(rows[-1], "rss_bytes") - start,
                          number(rows[-1], "frag_ratio")))
        self.compare(name, "RSS growth after the free (MiB)", [r[0] for r in real], [m[0] for m in model], 0.10)
        self.compare(name, "RSS growth after the trim (MiB)", [r[1] for r in real], [m[1] for m in model], 0.10)
        self.compare(name, "frag_ratio after the trim", [r[2] for r in real], [m[2] for m in model], 0.10, unit="ratio",
                     note="the real program's ratio is its VmRSS growth over its mallinfo2 allocated growth; "
                          "oomlab's is the end row's frag_ratio, resident/allocated, with resident read by mincore "
                          "from glibc's heap mappings.")

    def arena_churn(self):
        name = "glibc, 8 threads churning (arena-churn.yaml)"
        print(name, file=sys.stderr)
        program = os.path.join(self.build, "arena-churn")
        runs = max(6, 3 * self.runs)
        real = [int(watch([program, str(seed)])["out"].split()[0]) for seed in range(1, runs + 1)]
        yaml = open(os.path.join(ROOT, "Scenarios", "arena-churn.yaml")).read()
        model = []
        for _ in range(runs):
            rows = oomlab(self.binary, yaml, self.work)["rows"]
            model.append(number(rows[-1], "rss_bytes") - number(rows[0], "rss_bytes"))
        real_mean, model_mean = statistics.mean(real), statistics.mean(model)
        self.compare(name, "mean RSS growth at the end (MiB)", [real_mean], [model_mean], 0.10,
                     note="runs: real " + " ".join(f"{v / MIB:.0f}" for v in real) + "; model " + " ".join(f"{v / MIB:.0f}" for v in model))

    def jemalloc_decay(self, jemalloc):
        name = "jemalloc default decay (native-fragmentation-jemalloc.yaml)"
        print(name, file=sys.stderr)
        program = os.path.join(self.build, "jemalloc-decay")
        real = [[int(v) for v in watch([program], env={"LD_PRELOAD": jemalloc})["out"].split()] for _ in range(self.runs)]
        yaml = open(os.path.join(ROOT, "Scenarios", "native-fragmentation-jemalloc.yaml")).read()
        model = []
        for _ in range(self.runs):
            rows = oomlab(self.binary, yaml, self.work)["rows"]
            start = number(rows[0], "rss_bytes")
            model.append([start, at_step(rows, 1, "rss_bytes"), at_step(rows, 3, "rss_bytes"), number(rows[-1], "rss_bytes")])
        for index, figure in ((1, "RSS growth at the peak (MiB)"), (2, "RSS growth after the 3 s idle hold (MiB)"),
                              (3, "RSS growth after the activity (MiB)")):
            self.compare(name, figure, [r[index] - r[0] for r in real], [m[index] - m[0] for m in model], 0.10)

    def write(self, doc, started):
        """Prints the table and adds it, dated, below the marker of `doc` (unless `doc` is -)."""
        machine = f"{os.cpu_count()} CPUs, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / (1 << 30):.1f} GiB RAM, Linux {platform.release()}"
        node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
        revision = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        failed = sum(1 for row in self.rows if row[6] == "FAIL")
        lines = [
            f"## {started:%Y-%m-%d %H:%M} UTC: {machine}",
            "",
            f"oomlab `{revision}` (release build), Node {node}, {self.runs} runs of each program and scenario "
            f"(medians; arena churn: means of its runs). {len(self.rows) - failed} of {len(self.rows)} comparisons pass.",
            "",
            "| pair | figure | real | model | ratio | tolerance | verdict |",
            "|---|---|---|---|---|---|---|",
        ]
        notes = []
        for pair, figure, real, model, ratio, tolerance, verdict, note in self.rows:
            lines.append(f"| {pair} | {figure} | {real} | {model} | {ratio} | {tolerance} | **{verdict}** |")
            if note and note not in notes:
                notes.append(f"{pair}: {note}")
        if notes:
            lines += [""] + [f"- {n}" for n in notes]
        section = "\n".join(lines) + "\n"
        print(section)
        if doc == "-":
            return failed
        text = open(doc).read() if os.path.exists(doc) else ""
        if MARKER not in text:
            raise SystemExit(f"calibrate: {doc} has no line {MARKER!r} to add results below")
        head, tail = text.split(MARKER, 1)
        earlier = tail.lstrip("\n")
        with open(doc + ".tmp", "w") as f:
            f.write(head + MARKER + "\n\n" + section + ("\n" + earlier if earlier else ""))
        os.replace(doc + ".tmp", doc)
        return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oomlab", required=True, help="the oomlab binary to run")
    parser.add_argument("--build", required=True, help="the folder with the compiled C programs and payload.node")
    parser.add_argument("--jemalloc", default="", help="libjemalloc.so to preload for the jemalloc pair (skipped without)")
    parser.add_argument("--runs", type=int, default=2, help="runs of each program and scenario (default 2)")
    parser.add_argument("--doc", default=os.path.join(ROOT, "docs", "fidelity.md"), help="where to add the table, - for nowhere")
    parser.add_argument("--only", default="", help="run only the pairs whose name contains this")
    options = parser.parse_args()
    started = datetime.datetime.now(datetime.timezone.utc)
    calibration = Calibration(options)
    pairs = [
        ("heap leak, 64 KiB arrays, 1 GiB limit", lambda c: c.heap_leak("heap leak, 64 KiB arrays, 1 GiB limit", 8190, 1 << 30)),
        ("heap leak, 64 KiB arrays, 256 MiB limit", lambda c: c.heap_leak("heap leak, 64 KiB arrays, 256 MiB limit", 8190, 256 << 20)),
        ("heap leak, 1 KiB arrays, 1 GiB limit", lambda c: c.heap_leak(
            "heap leak, 1 KiB arrays, 1 GiB limit", 126, 1 << 30,
            note="Node dies a little earlier, of \"Ineffective mark-compacts near heap limit\": back-to-back full "
                 "collections that free nothing while the heap is within a few MiB of the limit, a rule on "
                 "collection time that oomlab does not model; it dies when the old generation passes the limit.")),
        ("garbage wrappers, unreported 2 MiB payloads", lambda c: c.payloads("garbage wrappers, unreported 2 MiB payloads", "unreported", "native: 2MiB")),
        ("garbage wrappers, reported 2 MiB payloads", lambda c: c.payloads(
            "garbage wrappers, reported 2 MiB payloads", "reported", "native: 2MiB, external: true",
            note="V8 starts incremental marking at the 64 MiB external limit and finishes it a few requests later; "
                 "what is allocated meanwhile survives that cycle, so Node's peak is a few payloads higher than "
                 "oomlab's, which collects at the limit.")),
        ("garbage Buffer.alloc(2 MiB).fill(1)", lambda c: c.payloads("garbage Buffer.alloc(2 MiB).fill(1)", "buffer", "buffer: 2MiB")),
        ("glibc, 1 M x 1 KiB native blocks", lambda c: c.native_blocks()),
        ("glibc, 1 M x 1 KiB, 90% freed at random, then trim", lambda c: c.native_trim()),
        ("glibc, 8 threads churning", lambda c: c.arena_churn()),
        ("jemalloc default decay", lambda c: c.jemalloc_decay(options.jemalloc) if options.jemalloc else print("jemalloc: skipped, not installed", file=sys.stderr)),
    ]
    for name, run in pairs:
        if options.only.lower() in name.lower():
            run(calibration)
    shutil.rmtree(calibration.work, ignore_errors=True)
    failed = calibration.write(options.doc, started)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
