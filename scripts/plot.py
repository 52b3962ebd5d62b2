#!/usr/bin/env python3
"""Draws oomlab's CSV time series and JSON summaries with matplotlib; `oomlab plot` runs this program.

    plot.py RUN.csv [--summary RUN.json] [--kind timeline|allocator|processes] [--format png|svg] [--size WxH]
    plot.py MATRIX_DIR --kind matrix [--format png|svg] [--size WxH]

The image goes to standard output. Exit status: 0 drawn, 2 bad input, 3 matplotlib missing or too old.
`oomlab plot` embeds a copy of this file (Sources/OomlabKit/Plot/PlotProgram.swift, made by
scripts/embed-plot.sh) and checks the inputs and the output path before running it.
"""

import argparse
import csv
import json
import math
import os
import sys
import textwrap

# The oldest matplotlib this program is tested with: Debian 12's and Ubuntu 24.04's python3-matplotlib.
MINIMUM_MATPLOTLIB = (3, 6)
BAD_INPUT = 2
NO_MATPLOTLIB = 3

# Below this many bytes allocated, resident/allocated says more about the allocator's fixed costs than about
# fragmentation; Redis's MEMORY DOCTOR declines to judge an instance under the same 5 MiB. The summary's peak
# frag_ratio uses the same floor (AllocatorStats.ratioFloorBytes; a test keeps the two equal).
RATIO_FLOOR_BYTES = 5 * 1024 * 1024

KiB, MiB, GiB = 1024, 1024**2, 1024**3

# Okabe and Ito's colour-blind safe palette, so the charts survive a grey-scale print too.
BLACK, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
GREY = "#8C8C8C"
BROWN = "#8C510A"
LIMIT_COLOUR = VERMILLION
HEAP_LIMIT_COLOUR = BROWN
OUTCOME_COLOURS = {
    "completed": GREEN, "oom-kill": VERMILLION, "heap-oom": ORANGE, "alloc-failure": PURPLE, "failed": BLACK,
}
STEP_COLOURS = ["#CFE8F7", "#FBE3B4", "#CDEBDF", "#F2D7E6", "#FAF3B8", "#C9DAF0", "#F6D1C2", "#E1E1E1"]


class BadInput(Exception):
    """An input this program cannot draw, said in words for the user."""


def main(argv):
    parser = argparse.ArgumentParser(prog="plot.py", description="Draw oomlab runs and matrices with matplotlib.")
    parser.add_argument("input", help="a run's CSV, or a matrix folder for --kind matrix")
    parser.add_argument("--summary", help="the run's JSON summary (default: the CSV's name with .json, if present)")
    parser.add_argument("--kind", choices=["timeline", "allocator", "processes", "matrix"], default="timeline")
    parser.add_argument("--format", choices=["png", "svg"], default="png")
    parser.add_argument("--size", default="1400x900", help="width x height in pixels (100 per inch for SVG)")
    options = parser.parse_args(argv)
    plt = load_matplotlib()
    try:
        width, height = parse_size(options.size)
        figure = plt.figure(figsize=(width / 100, height / 100), dpi=100, layout="constrained")
        if options.kind == "matrix":
            draw_matrix(figure, load_matrix(options.input))
        else:
            run = load_run(options.input, options.summary)
            {"timeline": draw_timeline, "allocator": draw_allocator, "processes": draw_processes}[options.kind](
                figure, run)
    except BadInput as error:
        sys.stderr.write("%s\n" % error)
        return BAD_INPUT
    metadata = {"Date": None} if options.format == "svg" else {"Software": None}
    figure.savefig(sys.stdout.buffer, format=options.format, dpi=100, metadata=metadata)
    sys.stdout.flush()
    return 0


def load_matplotlib():
    """Imports matplotlib for files (Agg), or exits with status 3 saying why it cannot."""
    try:
        import matplotlib
    except ImportError as error:
        sys.stderr.write("matplotlib: %s\n" % error)
        sys.exit(NO_MATPLOTLIB)
    version = tuple(int(part) for part in matplotlib.__version__.split(".")[:2] if part.isdigit())
    if version < MINIMUM_MATPLOTLIB:
        sys.stderr.write("matplotlib: version %s is older than %d.%d\n"
                         % ((matplotlib.__version__,) + MINIMUM_MATPLOTLIB))
        sys.exit(NO_MATPLOTLIB)
    matplotlib.use("Agg")
    matplotlib.rcParams.update({
        # Text stays text in SVG, so it can be searched, copied, and read by tests.
        "svg.fonttype": "none",
        "svg.hashsalt": "oomlab",
        "font.size": 10.5,
        "axes.titlesize": 11,
        "axes.titlelocation": "left",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#E6E6E6",
        "grid.linewidth": 0.8,
        "legend.fontsize": 9.5,
        "legend.frameon": False,
    })
    import matplotlib.pyplot as plt
    return plt


def parse_size(text):
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise BadInput("--size expects WIDTHxHEIGHT in pixels like 1400x900, got \"%s\"" % text)
    width, height = int(parts[0]), int(parts[1])
    if not (200 <= width <= 10000 and 200 <= height <= 10000):
        raise BadInput("--size expects each side within 200...10000 pixels, got \"%s\"" % text)
    return width, height


# ---------------------------------------------------------------------------------------------------------------
# Reading


class Run:
    """One run: the CSV's columns by name, its processes in order of appearance, and the summary if there is one."""

    def __init__(self, path, header, rows, summary, summary_path):
        self.path = path
        self.header = header
        self.index = {name: i for i, name in enumerate(header)}
        self.rows = rows
        self.summary = summary or {}
        self.summary_path = summary_path
        # Each process's rows, in file order, and the processes in order of appearance.
        self.by_key = {}
        for row in rows:
            self.by_key.setdefault(self.key(row), []).append(row)
        self.keys = list(self.by_key)

    def has(self, column):
        return column in self.index

    def text(self, row, column):
        i = self.index.get(column)
        return row[i] if i is not None and i < len(row) else ""

    def number(self, row, column):
        """The cell as a float, or None when the column is absent or the cell empty."""
        cell = self.text(row, column)
        if cell == "":
            return None
        try:
            return float(cell)
        except ValueError:
            return None

    def key(self, row):
        """A process: its name and pid (a name may recur in an exec tree, a pid is unique while it lives)."""
        return (self.text(row, "process") or "worker", self.text(row, "pid"))

    def rows_of(self, key):
        return self.by_key.get(key, [])

    def label(self, key):
        name, pid = key
        return "%s (pid %s)" % (name, pid) if pid else name

    def first(self, column):
        for row in self.rows:
            value = self.number(row, column)
            if value is not None:
                return value
        return None

    def ticks(self, columns, cgroup_columns=()):
        """Per sampling tick (rows sharing t_seconds), each column summed over processes, and the cgroup's
        figures (one per tick); rows without an RSS (events, empty samples) are not ticks. A process counts
        once per tick, by its last row there: a step's end row and the end row (or a tick on a step's
        boundary) can share a time, and adding them would double it. A step's start and end rows sample one
        process alone, so with several processes they would show the others as gone."""
        order, latest = [], {}
        several = len(self.keys) > 1
        for row in self.rows:
            if self.number(row, "rss_bytes") is None:
                continue
            if several and self.text(row, "row") in ("step_start", "step_end"):
                continue
            t = self.number(row, "t_seconds")
            if t is None:
                continue
            if t not in latest:
                latest[t] = {}
                order.append(t)
            latest[t][self.key(row)] = row
        order.sort()
        sums = {}
        for t in order:
            entry = sums[t] = {}
            for row in latest[t].values():
                for column in columns:
                    value = self.number(row, column)
                    if value is not None:
                        entry[column] = entry.get(column, 0.0) + value
                for column in cgroup_columns:
                    value = self.number(row, column)
                    if value is not None:
                        entry[column] = value
        return order, {column: [sums[t].get(column, math.nan) for t in order]
                       for column in list(columns) + list(cgroup_columns)}

    def series(self, key, column):
        """One process's (times, values) for a column, skipping empty cells."""
        times, values = [], []
        for row in self.rows_of(key):
            t, value = self.number(row, "t_seconds"), self.number(row, column)
            if t is not None and value is not None:
                times.append(t)
                values.append(value)
        return times, values

    # What the summary says, with the CSV as a fallback where it knows.

    @property
    def title(self):
        return self.summary.get("scenario") or os.path.basename(self.path)

    @property
    def outcome(self):
        return self.summary.get("outcome")

    @property
    def limit(self):
        value = self.summary.get("limit_bytes")
        if value is None:
            value = self.first("cgroup_limit_bytes")
        # cgroup v1 writes "no limit" as a number near 2^63.
        return value if value is not None and value < 2**60 else None

    @property
    def heap_limit(self):
        value = self.summary.get("heap_limit_bytes")
        return value if value is not None else self.first("heap_limit_bytes")

    @property
    def uses_heap(self):
        """Whether the managed heap ever held anything: its limit means nothing otherwise."""
        return any((self.number(row, "heap_total_bytes") or 0) > 0 for row in self.rows)

    def last_time(self, key):
        times = [self.number(row, "t_seconds") for row in self.rows_of(key)] if key else []
        times = [t for t in times if t is not None]
        return times[-1] if times else None

    def process_reports(self):
        return [p for p in self.summary.get("processes") or [] if isinstance(p, dict)]

    def victim(self):
        """The summary's report of the process that ended the run abnormally, and its key in the CSV."""
        reports = self.process_reports()
        name = self.summary.get("victim")
        chosen = next((p for p in reports if name and p.get("name") == name), None)
        if chosen is None:
            chosen = next((p for p in reports if p.get("kernel_report")), None)
        if chosen is None:
            chosen = next((p for p in reports if p.get("outcome") not in (None, "completed")), None)
        if chosen is None:
            return None, None
        key = next((k for k in self.keys if k[0] == chosen.get("name") and k[1] == str(chosen.get("pid", ""))),
                   None)
        if key is None:
            key = next((k for k in self.keys if k[0] == chosen.get("name")), None)
        return chosen, key

    def end_of(self, report, key):
        """When a process ended: the summary's time, else its last row."""
        if report and report.get("ended_at_seconds") is not None:
            return float(report["ended_at_seconds"])
        return self.last_time(key)

    def subtitle(self):
        parts = []
        allocator = self.summary.get("allocator") or next(
            (self.text(row, "allocator") for row in self.rows if self.text(row, "allocator")), None)
        if allocator:
            tuning = self.summary.get("tuning") or {}
            parts.append("allocator " + allocator + "".join(" %s=%s" % kv for kv in sorted(tuning.items())))
        enforcement = (self.summary.get("enforcement") or "").split(" ")[0]
        limit = self.limit
        parts.append("limit " + (human(limit) if limit is not None else "none")
                     + (" (%s)" % enforcement if enforcement and limit is not None else ""))
        if self.heap_limit is not None and self.uses_heap:
            parts.append("heap limit " + human(self.heap_limit))
        interval = self.summary.get("interval_seconds")
        if interval:
            parts.append("sampled every %g ms" % round(interval * 1000, 1))
        if self.summary.get("duration_seconds") is not None:
            parts.append("%.2f s" % self.summary["duration_seconds"])
        if not self.summary:
            parts.append("no JSON summary found: outcome unknown")
        return "  ·  ".join(parts)


def read_csv(path):
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            table = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise BadInput("%s: cannot read it: %s" % (path, error))
    if not table:
        raise BadInput("%s: is empty" % path)
    return table[0], [row for row in table[1:] if row]


def load_run(path, summary_path):
    header, rows = read_csv(path)
    missing = [name for name in ("t_seconds", "process", "rss_bytes") if name not in header]
    if missing:
        raise BadInput("%s: line 1: not an oomlab CSV: no %s column" % (path, ", ".join(missing)))
    if not rows:
        raise BadInput("%s: has a header and no rows: the run recorded nothing" % path)
    if summary_path is None:
        beside = os.path.splitext(path)[0] + ".json"
        summary_path = beside if os.path.isfile(beside) else None
    summary = None
    if summary_path is not None:
        try:
            with open(summary_path, encoding="utf-8") as handle:
                summary = json.load(handle)
        except (OSError, ValueError) as error:
            raise BadInput("%s: not a JSON summary: %s" % (summary_path, error))
        if not isinstance(summary, dict):
            raise BadInput("%s: not a JSON summary: it is not an object" % summary_path)
    return Run(path, header, rows, summary, summary_path)


class Cell:
    """One run of a matrix, with the axes it was run under."""

    def __init__(self, row, run):
        self.scenario = row.get("scenario") or run.title
        self.allocator = row.get("allocator") or run.summary.get("allocator") or "?"
        # The allocator's tuning, when the matrix crossed --arena-max or --malloc-conf.
        tuning = []
        if row.get("arena_max"):
            tuning.append("arena-max " + row["arena_max"])
        if row.get("malloc_conf"):
            tuning.append(row["malloc_conf"])
        self.tuning = ", ".join(tuning)
        self.limit_name = row.get("limit") or (human(run.limit) if run.limit else "none")
        self.outcome = row.get("outcome") or run.outcome or "unknown"
        self.run = run
        # As the matrix wrote it (a share like 75%, or a size) when it set one; else the run's own.
        heap = run.heap_limit
        self.heap_name = row.get("heap_limit") or (human(heap) if heap is not None else "none")


def load_matrix(folder):
    path = os.path.join(folder, "summary.csv")
    header, rows = read_csv(path)
    for name in ("scenario", "allocator", "limit", "outcome", "csv"):
        if name not in header:
            raise BadInput("%s: line 1: not an oomlab matrix summary: no %s column" % (path, name))
    cells, seen, failed = [], set(), []
    for row in rows:
        values = dict(zip(header, row))
        name = values.get("csv", "")
        if not name or values.get("outcome") == "failed":  # its csv names the file it did not write
            failed.append(values)
            continue
        if name in seen:  # one row per process of the same cell
            continue
        seen.add(name)
        csv_path = os.path.join(folder, name)
        json_path = os.path.splitext(csv_path)[0] + ".json"
        cells.append(Cell(values, load_run(csv_path, json_path if os.path.isfile(json_path) else None)))
    if not cells:
        raise BadInput("%s: no cell has a CSV to draw" % path)
    return cells, failed


# ---------------------------------------------------------------------------------------------------------------
# Units and labels


def human(value):
    """Bytes in the largest binary unit that keeps the figure at least 1, like oomlab's summaries."""
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if value >= size:
            scaled = value / size
            return ("%.0f %s" if abs(scaled - round(scaled)) < 0.05 else "%.1f %s") % (scaled, unit)
    return "%d B" % value


def unit_for(largest):
    """The unit an axis reading up to `largest` bytes is labelled in."""
    if largest >= 2 * GiB:
        return "GiB", GiB
    if largest >= 2 * MiB:
        return "MiB", MiB
    return "KiB", KiB


def finite(values):
    return [v for v in values if v is not None and not math.isnan(v)]


def scaled(values, size):
    return [v / size if v is not None and not math.isnan(v) else math.nan for v in values]


def zeros_for_nan(values):
    return [0.0 if math.isnan(v) else v for v in values]


def outcome_colour(outcome):
    outcome = outcome or ""
    return next((colour for name, colour in OUTCOME_COLOURS.items() if outcome.startswith(name)), GREY)


def legend_outside(ax, handles=None, labels=None):
    """A legend to the right of the axes, where it cannot cover the data."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)


def memory_axis(ax, unit):
    ax.set_ylabel("memory (%s)" % unit)
    ax.set_ylim(bottom=0)
    ax.margins(x=0.01)


def limit_lines(ax, run, size, heap, span):
    """The memory limit (and the heap limit when `heap`) as labelled lines; a limit far above the data is named
    in the legend but not drawn, so it does not squash the chart."""
    from matplotlib.lines import Line2D

    lines = [("limit", run.limit, LIMIT_COLOUR, (0, (6, 3)))]
    if heap:
        lines.append(("heap limit", run.heap_limit, HEAP_LIMIT_COLOUR, (0, (6, 2, 1, 2))))
    for name, value, colour, style in lines:
        if value is None:
            continue
        label = "%s %s" % (name, human(value))
        if value <= 1.6 * span:
            ax.axhline(value / size, color=colour, linestyle=style, linewidth=1.6, label=label, zorder=4)
        else:
            ax.add_line(Line2D([], [], color=colour, linestyle=style, linewidth=1.6,
                               label=label + " (off the scale)"))


# ---------------------------------------------------------------------------------------------------------------
# Steps


class Band:
    """One step of one process, from `start` to `end` seconds."""

    def __init__(self, start, label, identity):
        self.start = start
        self.end = start
        self.label = label
        self.identity = identity


def step_bands(run, key):
    """The steps one process ran, as time bands from the first row of each step to the first row of the next;
    `start` and `end` are not steps. Labelled with the step kind and its `as:` name (`step_name`) if recorded.
    A process that died in a step has that step's band run on to when the summary says it ended."""
    bands, current = [], None
    for row in run.rows_of(key):
        t = run.number(row, "t_seconds")
        if t is None:
            continue
        kind = run.text(row, "step")
        name = run.text(row, "step_name")
        identity = (run.text(row, "step_index"), kind, name)
        if current is not None:
            current.end = t
        if current is None or identity != current.identity:
            if kind in ("", "start", "end"):
                current = None
                continue
            current = Band(t, kind + (": " + name if name else ""), identity)
            bands.append(current)
    if current is not None:
        report = next((p for p in run.process_reports()
                       if p.get("name") == key[0] and str(p.get("pid", "")) == key[1]), None)
        if report and report.get("ended_at_seconds") is not None:
            current.end = max(current.end, float(report["ended_at_seconds"]))
    return bands


def step_lanes(run, keys):
    """One lane of step bands per process that recorded steps (an `exec`'d program records none)."""
    return [(key, bands) for key, bands in ((key, step_bands(run, key)) for key in keys) if bands]


def draw_steps(ax, lanes, data_axes):
    """A strip of step bands above the data, one lane per process, labelled where the label fits; thin lines
    mark each step's start on the data panels below."""
    ax.set_ylim(len(lanes), 0)
    ax.set_yticks([i + 0.5 for i in range(len(lanes))])
    ax.set_yticklabels([key[0] for key, _ in lanes] if len(lanes) > 1 else [""])
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", labelbottom=False, bottom=False)
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    colours = {}
    for lane, (key, bands) in enumerate(lanes):
        for band in bands:
            kind = band.label.split(":")[0]
            colour = "#EFEFEF" if kind == "hold" else colours.setdefault(
                kind, STEP_COLOURS[len(colours) % len(STEP_COLOURS)])
            ax.broken_barh([(band.start, max(band.end - band.start, 1e-9))], (lane + 0.08, 0.84),
                           facecolors=colour, edgecolors="white", linewidth=0.8)
            for data_ax in data_axes:
                data_ax.axvline(band.start, color="#BDBDBD", linewidth=0.6, zorder=0)


def label_steps(figure, ax, lanes):
    """Writes each band's label inside it when it fits; a step kind never labelled goes in a legend instead."""
    from matplotlib.patches import Patch

    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    x0, x1 = ax.get_xlim()
    width_px = ax.get_window_extent(renderer).width
    per_second = width_px / (x1 - x0) if x1 > x0 else 0
    shown, every = set(), {}
    for lane, (key, bands) in enumerate(lanes):
        for band in bands:
            every.setdefault(band.label, band)
            start, end = max(band.start, x0), min(band.end, x1)
            text = ax.text((start + end) / 2, lane + 0.5, band.label, ha="center", va="center", fontsize=9,
                           clip_on=True)
            text.set_in_layout(False)
            if text.get_window_extent(renderer).width + 6 > (end - start) * per_second:
                text.remove()
            else:
                shown.add(band.label)
    hidden = [label for label in every if label not in shown]
    if hidden:
        handles = [Patch(facecolor="#DDDDDD", label=label) for label in hidden]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0,
                  title="steps too short to label", title_fontsize=9, fontsize=9, ncol=max(1, len(hidden) // 4))


# ---------------------------------------------------------------------------------------------------------------
# The outcome


def mark_end(ax, t, y, outcome, label):
    """The moment the run ended abnormally: a vertical line, a cross on the curve, and its name over the axes'
    right corner (a title, so it never sits on the data)."""
    colour = outcome_colour(outcome)
    ax.axvline(t, color=colour, linewidth=1.4, zorder=5)
    if y is not None:
        ax.plot([t], [y], marker="X", markersize=11, color=colour, markeredgecolor="white", zorder=6,
                linestyle="none", clip_on=False)
    if label:
        ax.set_title(label, loc="right", color=colour, fontweight="bold")
    left, right = ax.get_xlim()
    ax.set_xlim(left, max(right, t + 0.02 * (t - left)))


def value_at(times, values, t):
    """The last value sampled at or before t."""
    best = None
    for when, value in zip(times, values):
        if when <= t + 1e-9 and value is not None and not math.isnan(value):
            best = value
    return best


def footer_lines(run, report):
    lines = []
    if report:
        who = "%s (pid %s)" % (report.get("name", "?"), report.get("pid", "?"))
        if report.get("kernel_report"):
            lines.append("kernel, on %s: %s" % (who, report["kernel_report"]))
        if report.get("message"):
            lines.append("%s said: %s" % (who, report["message"].strip().replace("\n", " ")))
    else:
        for process in run.process_reports():
            if process.get("message") and process.get("outcome") != "completed":
                lines.append("%s said: %s" % (process.get("name", "?"), process["message"].strip()))
    if run.summary.get("csv_incomplete"):
        lines.append("CSV incomplete: " + run.summary["csv_incomplete"])
    lines += ["note: " + note for note in run.summary.get("notes") or []]
    return lines


def footer_width(figure):
    """Characters of 9.5 pt monospace that fit across the figure (a glyph is 0.6 em wide)."""
    return max(40, int(figure.get_figwidth() * 72 * 0.92 / (9.5 * 0.6)))


def draw_footer(figure, ax, lines):
    wrapped = "\n".join(wrap(figure, line) for line in lines)
    ax.axis("off")
    text = ax.text(0.0, 1.0, wrapped, ha="left", va="top", fontsize=9.5, family="monospace",
                   transform=ax.transAxes, color="#333333")
    # Sized by `grid` from its line count; as a layout item its unwrapped extent would squeeze the charts.
    text.set_in_layout(False)


def title(figure, run):
    outcome = run.outcome
    text = run.title
    if outcome:
        text += ": " + outcome
        expected = run.summary.get("expected")
        if expected:
            text += "  (expected %s%s)" % (expected, "" if run.summary.get("matched", True) else ", MISMATCH")
    figure.suptitle(text, fontsize=14, fontweight="bold", color=outcome_colour(outcome) if outcome else BLACK,
                    x=0.01, ha="left")


def grid(figure, lanes, panels, footer):
    """Rows for the step strip, the data panels and the footer, sized for what each holds."""
    ratios = (([0.35 + 0.3 * len(lanes)] if lanes else []) + [4.0] * panels
              + ([0.25 + 0.32 * footer] if footer else []))
    spec = figure.add_gridspec(len(ratios), 1, height_ratios=ratios)
    rows = iter(range(len(ratios)))
    strip = figure.add_subplot(spec[next(rows)]) if lanes else None
    axes = []
    for _ in range(panels):
        axes.append(figure.add_subplot(spec[next(rows)], sharex=strip or (axes[0] if axes else None)))
    foot = figure.add_subplot(spec[next(rows)]) if footer else None
    for ax in axes[:-1]:
        ax.tick_params(axis="x", labelbottom=False)
    axes[-1].set_xlabel("time since the worker started (s)")
    return strip, axes, foot


def wrap(figure, line):
    """A footer line broken at spaces only: the kernel's `file-rss:` must not be split at its hyphen."""
    return textwrap.fill(line, footer_width(figure), subsequent_indent="    ", break_on_hyphens=False)


def footer_count(figure, lines):
    return sum(len(wrap(figure, line).split("\n")) for line in lines)


# ---------------------------------------------------------------------------------------------------------------
# Charts


PARTS = [("rss_anon_bytes", "RSS anon", BLUE), ("rss_file_bytes", "RSS file", GREY),
         ("rss_shmem_bytes", "RSS shmem", GREEN)]
# Heap first, so the stack's bottom layer reads against the heap panel below it.
LIVE = [("heap_used_bytes", "heap used", ORANGE), ("buffers_live_bytes", "buffers", SKY),
        ("native_live_bytes", "native", BLUE), ("pages_touched_bytes", "pages touched", GREEN),
        ("array_buffers_bytes", "array buffers", PURPLE)]
HEAP_LINES = [("heap_total_bytes", "heap total (committed)", ORANGE, (0, (4, 2))),
              ("external_bytes", "external (reported to the heap)", PURPLE, (0, (1, 1.5)))]


def finish(figure, run, subtitle, strip, lanes, panels, top, foot, footer):
    """Titles the figure, draws the step strip over `panels` with the subtitle above it (or above `top`, the first
    panel, when there is no strip), then the footer, and labels the steps once the layout is final."""
    title(figure, run)
    if strip is not None:
        draw_steps(strip, lanes, panels)
        strip.set_title(subtitle, fontsize=10, color="#444444")
    else:
        top.set_title(subtitle + "\n" + top.get_title(), fontsize=10)
    if foot is not None:
        draw_footer(figure, foot, footer)
    if strip is not None:
        label_steps(figure, strip, lanes)


def draw_timeline(figure, run):
    """What the kernel saw beside what the worker held (and its managed heap, when it had one), over time, with
    the limits, the steps and the end."""
    report, victim_key = run.victim()
    sums = ["rss_bytes"] + [c for c, _, _ in PARTS] + [c for c, _, _ in LIVE] + [c for c, _, _, _ in HEAP_LINES]
    times, data = run.ticks(sums, ["cgroup_usage_bytes"])
    if not times:
        raise BadInput("%s: no row has rss_bytes: nothing to draw" % run.path)
    end = run.end_of(report, victim_key) if report else None
    footer = footer_lines(run, report)
    lanes = step_lanes(run, run.keys)
    live_columns = [item for item in LIVE if max(finite(data[item[0]]) or [0]) > 0]
    uses_heap = run.uses_heap
    strip, panels, foot = grid(figure, lanes, 3 if uses_heap else 2, footer_count(figure, footer))
    kernel, worker = panels[0], panels[1]
    heap = panels[2] if uses_heap else None

    stacked_live = [sum(v) for v in zip(*[zeros_for_nan(data[c]) for c, _, _ in live_columns])] if live_columns else []
    span = max(finite(data["rss_bytes"]) + finite(data["cgroup_usage_bytes"]) + stacked_live
               + (finite(data["heap_total_bytes"]) + finite(data["external_bytes"]) if uses_heap else []) + [0])
    limits = [v for v in (run.limit, run.heap_limit if uses_heap else None) if v is not None and v <= 1.6 * span]
    unit, size = unit_for(max([span] + limits))

    # What the kernel sees.
    parts = [(c, label, colour) for c, label, colour in PARTS if finite(data[c])]
    if parts:
        kernel.stackplot(times, *[scaled(zeros_for_nan(data[c]), size) for c, _, _ in parts],
                         labels=[label for _, label, _ in parts], colors=[colour for _, _, colour in parts],
                         alpha=0.35, linewidth=0)
    kernel.plot(times, scaled(data["rss_bytes"], size), color=BLACK, linewidth=1.8, label="RSS (VmRSS)")
    if finite(data["cgroup_usage_bytes"]):
        kernel.plot(times, scaled(data["cgroup_usage_bytes"], size), color=PURPLE, linewidth=1.6,
                    label="cgroup usage")
    limit_lines(kernel, run, size, heap=False, span=span)
    summed = " (%d processes summed)" % len(run.keys) if len(run.keys) > 1 else ""
    kernel.set_title("What the kernel sees%s: RSS and the cgroup's charge" % summed)

    # What the worker holds.
    if live_columns:
        worker.stackplot(times, *[scaled(zeros_for_nan(data[c]), size) for c, _, _ in live_columns],
                         labels=["live " + label for _, label, _ in live_columns],
                         colors=[colour for _, _, colour in live_columns], alpha=0.55, linewidth=0)
    worker.plot(times, scaled(data["rss_bytes"], size), color=BLACK, linewidth=0.9, alpha=0.45, label="RSS, for scale")
    limit_lines(worker, run, size, heap=False, span=span)
    worker.set_title("What the worker holds: its own count of live bytes, by kind")

    # Its managed heap, as Node reports it.
    if heap is not None:
        heap.fill_between(times, scaled(zeros_for_nan(data["heap_used_bytes"]), size), color=ORANGE, alpha=0.5,
                          linewidth=0, label="heap used")
        for column, label, colour, style in HEAP_LINES:
            if finite(data[column]):
                heap.plot(times, scaled(data[column], size), color=colour, linestyle=style, linewidth=1.8,
                          label=label)
        limit_lines(heap, run, size, heap=True, span=span)
        heap.set_title("Its managed heap, as Node reports it (heapUsed, heapTotal, external)")

    for ax in panels:
        memory_axis(ax, unit)
        if ax is not kernel:
            ax.sharey(kernel)

    if report and end is not None:
        outcome = report.get("outcome") or run.outcome or "?"
        last = run.last_time(victim_key) or end
        if outcome.startswith("heap-oom") and heap is not None:
            used = value_at(times, data["heap_used_bytes"], last)
            mark_end(heap, end, used / size if used is not None else None, outcome,
                     "%s of %s at %.2f s" % (outcome, report.get("name", "?"), end))
            marked = heap
        else:
            rss = value_at(times, data["rss_bytes"], last)
            mark_end(kernel, end, rss / size if rss is not None else None, outcome,
                     "%s of %s at %.2f s" % (outcome, report.get("name", "?"), end))
            marked = kernel
        for ax in panels:
            if ax is not marked:
                mark_end(ax, end, None, outcome, None)

    for ax in panels:
        legend_outside(ax)
    finish(figure, run, run.subtitle(), strip, lanes, panels, kernel, foot, footer)


ALLOCATOR = [("allocator_allocated_bytes", "allocated", BLUE, "-"),
             ("allocator_active_bytes", "active", ORANGE, "-"),
             ("allocator_resident_bytes", "resident", GREEN, "-"),
             ("allocator_retained_bytes", "retained", PURPLE, "--")]


def draw_allocator(figure, run):
    """What the allocator says it holds, and the fragmentation that follows, for the process that held most."""
    def peak(key):
        return max(run.series(key, "allocator_allocated_bytes")[1] or [-1])

    key = max(run.keys, key=peak)
    if peak(key) < 0:
        raise BadInput("%s: no row has allocator statistics (allocator_allocated_bytes is empty or absent)" % run.path)
    report, victim_key = run.victim()
    footer = footer_lines(run, report if victim_key == key else None)
    lanes = step_lanes(run, [key])
    strip, (memory, ratio), foot = grid(figure, lanes, 2, footer_count(figure, footer))

    series = {column: run.series(key, column) for column, _, _, _ in ALLOCATOR + [("rss_bytes", "", "", "")]}
    largest = max(finite(sum((values for _, values in series.values()), [])) or [0])
    unit, size = unit_for(largest)
    for column, label, colour, style in ALLOCATOR:
        times, values = series[column]
        if values:
            memory.plot(times, scaled(values, size), color=colour, linestyle=style, linewidth=1.8, label=label)
    times, values = series["rss_bytes"]
    memory.plot(times, scaled(values, size), color=BLACK, linewidth=1.0, alpha=0.5, label="RSS, for scale")
    allocator = next((run.text(row, "allocator") for row in run.rows_of(key) if run.text(row, "allocator")), "the allocator")
    memory.set_title("What %s says it holds%s" % (
        allocator, "" if series["allocator_resident_bytes"][1] else " (it does not know which pages are resident)"))
    memory_axis(memory, unit)
    legend_outside(memory)

    # The ratio, solid where allocated is above the floor; shaded where it is not meaningful.
    times, allocated = series["allocator_allocated_bytes"]
    ratios = dict(zip(*run.series(key, "frag_ratio")))
    meaningful = [ratios.get(t, math.nan) if a >= RATIO_FLOOR_BYTES else math.nan for t, a in zip(times, allocated)]
    faint = [ratios.get(t, math.nan) for t in times]
    ratio.plot(times, faint, color=BLUE, linewidth=1.0, linestyle=":", alpha=0.6)
    ratio.plot(times, meaningful, color=BLUE, linewidth=2.0, label="frag_ratio = resident / allocated")
    rss_ratio = dict(zip(*run.series(key, "allocator_rss_ratio")))
    if rss_ratio:
        ratio.plot(times, [rss_ratio.get(t, math.nan) if a >= RATIO_FLOOR_BYTES else math.nan
                           for t, a in zip(times, allocated)],
                   color=GREEN, linewidth=1.6, label="allocator_rss_ratio = resident / active")
    ratio.axhline(1.0, color=GREY, linewidth=1.0, linestyle="--", label="1.0: no free gaps")
    shaded = False
    start = None
    for i, (t, a) in enumerate(zip(times, allocated)):
        below = a < RATIO_FLOOR_BYTES
        if below and start is None:
            start = t
        if start is not None and (not below or i == len(times) - 1):
            ratio.axvspan(start, t, color="#DDDDDD", alpha=0.7, hatch="//", linewidth=0,
                          label=None if shaded else "allocated < %s: ratio not meaningful" % human(RATIO_FLOOR_BYTES))
            shaded = True
            start = None
    values = finite(meaningful) + finite([rss_ratio.get(t, math.nan) for t in times])
    ratio.set_ylim(0, max(values + [1.0]) * 1.15 + 0.1)
    ratio.set_ylabel("ratio")
    ratio.set_title("Fragmentation: resident allocator bytes per byte handed out")
    ratio.margins(x=0.01)
    legend_outside(ratio)

    end = run.end_of(report, victim_key) if report and victim_key == key else None
    if end is not None:
        outcome = report.get("outcome") or run.outcome
        mark_end(memory, end, None, outcome, "%s at %.2f s" % (outcome, end))
        mark_end(ratio, end, None, outcome, None)
    others = len(run.keys) - 1
    subtitle = run.subtitle() + ("  ·  process %s; %d other%s not shown" % (
        run.label(key), others, "s" if others > 1 else "") if others else "")
    finish(figure, run, subtitle, strip, lanes, [memory, ratio], memory, foot, footer)


PROCESS_COLOURS = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, YELLOW, BROWN]


def draw_processes(figure, run):
    """One line per process (RSS, and its badness inside the cgroup), the cgroup's charge and the victim."""
    report, victim_key = run.victim()
    footer = footer_lines(run, report)
    lanes = step_lanes(run, run.keys)
    badness = "oom_score_cgroup" if any(run.series(k, "oom_score_cgroup")[1] for k in run.keys) else "oom_score"
    strip, (memory, score), foot = grid(figure, lanes, 2, footer_count(figure, footer))

    peaks = {key: max(run.series(key, "rss_bytes")[1] or [0]) for key in run.keys}
    ranked = sorted(run.keys, key=lambda k: -peaks[k])
    coloured = set(ranked[:len(PROCESS_COLOURS)])
    ticks, cgroup = run.ticks([], ["cgroup_usage_bytes"])
    largest = max(list(peaks.values()) + finite(cgroup["cgroup_usage_bytes"]) + [0])
    limits = [run.limit] if run.limit is not None and run.limit <= 1.6 * largest else []
    unit, size = unit_for(max([largest] + limits))
    colours = {}
    others = 0
    for key in run.keys:
        times, values = run.series(key, "rss_bytes")
        s_times, s_values = run.series(key, badness)
        if key in coloured:
            colour = colours[key] = PROCESS_COLOURS[len(colours)]
            label = run.label(key) + (", the victim" if key == victim_key else "")
            memory.plot(times, scaled(values, size), color=colour, linewidth=2.0, label=label)
            score.plot(s_times, s_values, color=colour, linewidth=2.0, label=label)
        else:
            others += 1
            memory.plot(times, scaled(values, size), color=GREY, linewidth=0.8, alpha=0.6)
            score.plot(s_times, s_values, color=GREY, linewidth=0.8, alpha=0.6)
    if others:
        memory.plot([], [], color=GREY, linewidth=0.8, label="%d other processes" % others)
    if finite(cgroup["cgroup_usage_bytes"]):
        memory.plot(ticks, scaled(cgroup["cgroup_usage_bytes"], size), color=BLACK, linestyle=(0, (4, 2)),
                    linewidth=1.4, label="cgroup usage (all processes)")
    limit_lines(memory, run, size, heap=False, span=largest)
    memory.set_title("Resident memory (VmRSS) of each process")
    memory_axis(memory, unit)
    score.set_ylabel("points")
    score.set_title("Badness %s: the OOM killer picks the highest" % (
        "inside the cgroup (oom_score_cgroup)" if badness == "oom_score_cgroup" else "(oom_score, whole machine)"))
    score.margins(x=0.01)
    for ax in (memory, score):
        legend_outside(ax)

    if report and victim_key is not None:
        end = run.end_of(report, victim_key)
        outcome = report.get("outcome") or run.outcome
        times, values = run.series(victim_key, "rss_bytes")
        last = run.last_time(victim_key)
        rss = value_at(times, values, last)
        s_times, s_values = run.series(victim_key, badness)
        mark_end(memory, end, rss / size if rss is not None else None, outcome,
                 "victim %s: %s at %.2f s" % (run.label(victim_key), outcome, end))
        mark_end(score, end, value_at(s_times, s_values, last), outcome, None)
    subtitle = run.subtitle() + "  ·  %d process%s" % (len(run.keys), "es" if len(run.keys) > 1 else "")
    finish(figure, run, subtitle, strip, lanes, [memory, score], memory, foot, footer)


def draw_matrix(figure, matrix):
    """Small multiples per (scenario, allocator) x (limit, heap limit) with outcome badges, then peak RSS against
    peak live bytes per cell."""
    cells, failed = matrix
    vary_heap = len({cell.heap_name for cell in cells}) > 1
    vary_scenario = len({cell.scenario for cell in cells}) > 1
    vary_tuning = len({cell.tuning for cell in cells}) > 1
    rows = []
    columns = []
    for cell in cells:
        row = (cell.scenario, cell.allocator, cell.tuning)
        column = (cell.limit_name, cell.heap_name if vary_heap else "")
        if row not in rows:
            rows.append(row)
        if column not in columns:
            columns.append(column)
    live_columns = [c for c, _, _ in LIVE]
    prepared = []
    largest = 0
    for cell in cells:
        times, data = cell.run.ticks(["rss_bytes"] + live_columns, ["cgroup_usage_bytes"])
        live = [sum(v) for v in zip(*[zeros_for_nan(data[c]) for c in live_columns])] if times else []
        prepared.append((cell, times, data, live))
        largest = max([largest] + finite(data["rss_bytes"]) + finite(data["cgroup_usage_bytes"]) + live)
    limits = [cell.run.limit for cell in cells if cell.run.limit is not None and cell.run.limit <= 1.6 * largest]
    unit, size = unit_for(max([largest] + limits))

    spec = figure.add_gridspec(len(rows) + 1, len(columns), height_ratios=[3.0] * len(rows) + [3.4])
    axes = {}
    first = None
    for cell, times, data, live in prepared:
        r = rows.index((cell.scenario, cell.allocator, cell.tuning))
        c = columns.index((cell.limit_name, cell.heap_name if vary_heap else ""))
        ax = figure.add_subplot(spec[r, c], sharex=first, sharey=first)
        first = first or ax
        axes[(r, c)] = ax
        ax.fill_between(times, scaled(live, size), color=SKY, alpha=0.5, linewidth=0, label="live bytes (worker)")
        ax.plot(times, scaled(data["rss_bytes"], size), color=BLACK, linewidth=1.6, label="RSS")
        if finite(data["cgroup_usage_bytes"]):
            ax.plot(times, scaled(data["cgroup_usage_bytes"], size), color=PURPLE, linewidth=1.2, label="cgroup usage")
        if cell.run.limit is not None and cell.run.limit <= 1.6 * largest:
            ax.axhline(cell.run.limit / size, color=LIMIT_COLOUR, linestyle=(0, (6, 3)), linewidth=1.4,
                       label="limit")
        report, key = cell.run.victim()
        if report and key is not None:
            end = cell.run.end_of(report, key)
            rss = value_at(times, data["rss_bytes"], cell.run.last_time(key) or end)
            mark_end(ax, end, rss / size if rss is not None else None, cell.outcome, None)
        name = ("%s · " % cell.scenario if vary_scenario else "") + cell.allocator + " · limit " + cell.limit_name
        if vary_tuning:
            name += " · " + (cell.tuning or "untuned")
        if vary_heap:
            name += " · heap " + cell.heap_name
        ax.set_title(name, fontsize=10)
        # The outcome as a badge in the title's place on the right, clear of the data.
        ax.set_title(cell.outcome, loc="right", fontsize=10, fontweight="bold", color="white",
                     bbox=dict(boxstyle="round,pad=0.25", facecolor=outcome_colour(cell.outcome), linewidth=0))
    for (r, c), ax in axes.items():
        below = any((other, c) in axes for other in range(r + 1, len(rows)))
        if below:
            ax.tick_params(axis="x", labelbottom=False)
        else:
            ax.set_xlabel("time (s)")
        if c == 0 or (r, c - 1) not in axes:
            ax.set_ylabel("memory (%s)" % unit)
        else:
            ax.tick_params(axis="y", labelleft=False)
    first.set_ylim(bottom=0)
    # One legend for the small multiples, gathered from all of them (not every cell has a limit).
    handles, labels = [], []
    for ax in axes.values():
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    last_column = max(c for _, c in axes)
    legend_outside(axes.get((0, last_column)) or first, handles, labels)

    bars = figure.add_subplot(spec[len(rows), :])
    names, figures, limits_of = [], [], []
    for cell, times, data, live in prepared:
        names.append(("%s\n" % cell.scenario if vary_scenario else "") + "%s%s\nlimit %s%s" % (
            cell.allocator, "\n%s" % (cell.tuning or "untuned") if vary_tuning else "", cell.limit_name,
            "\nheap %s" % cell.heap_name if vary_heap else ""))
        rss = finite(data["rss_bytes"])
        figures.append((max(rss or [0]), max(live or [0]), rss[-1] if rss else 0, live[-1] if live else 0))
        limits_of.append(cell.run.limit)
    kinds = [("peak RSS", BLACK, None), ("peak live bytes", SKY, None), ("final RSS", "#555555", "//"),
             ("final live bytes", SKY, "//")]
    width = 0.2
    positions = list(range(len(names)))
    for k, (label, colour, hatch) in enumerate(kinds):
        values = [f[k] for f in figures]
        drawn = bars.bar([p + (k - 1.5) * width for p in positions], scaled(values, size), width * 0.95,
                         color=colour, hatch=hatch, edgecolor="white", linewidth=0, label=label)
        # Upright labels over each bar: side by side they would run into their neighbours.
        for text in bars.bar_label(drawn, labels=[human(v) for v in values], padding=3, fontsize=8.5, rotation=90):
            text.set_bbox(dict(facecolor="white", edgecolor="none", alpha=0.85, pad=0.6))
    labelled = False
    for p, limit in zip(positions, limits_of):
        if limit is not None and limit <= 1.6 * largest:
            bars.hlines(limit / size, p - 0.45, p + 0.45, color=LIMIT_COLOUR, linestyle=(0, (6, 3)), linewidth=1.6,
                        label=None if labelled else "limit", zorder=1.5)
            labelled = True
    bars.set_xticks(positions)
    bars.set_xticklabels(names, fontsize=9.5)
    bars.set_ylabel("memory (%s)" % unit)
    drawn_limits = [limit / size for limit in limits_of if limit is not None and limit <= 1.6 * largest]
    bars.set_ylim(0, max([v / size * 1.45 for f in figures for v in f] + [v * 1.05 for v in drawn_limits] + [1e-9]))
    bars.set_title("RSS against what the worker held (live bytes), at their peaks and at the end, per cell")
    bars.grid(axis="x", visible=False)
    legend_outside(bars)
    scenarios = sorted({cell.scenario for cell in cells})
    text = "matrix: " + ", ".join(scenarios)
    if failed:
        text += "  (%d cell%s failed to run: not drawn)" % (len(failed), "s" if len(failed) > 1 else "")
    figure.suptitle(text, fontsize=14, fontweight="bold", x=0.01, ha="left")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
