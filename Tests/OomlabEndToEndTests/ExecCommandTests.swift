import Foundation
import Glibc
import Testing

@testable import OomlabKit
import OomlabTestSupport

/// `oomlab exec` on real programs: Node, Python and a shell with children, against independent expectations.
@Suite(.serialized) struct ExecCommandTests {
  /// Holds 100 Buffers of 10 MiB from a closure (a module-level array could be dropped once the script
  /// has run); `fill` writes them, else they stay untouched zero pages. One Buffer per timer turn, so
  /// the event loop runs and the preload reports while they grow.
  static func buffersScript(fill: Bool) -> String {
    """
    function hold() {
      const buffers = [];
      const step = () => {
        buffers.push(Buffer.alloc(10 * 1024 * 1024)\(fill ? ".fill(1)" : ""));
        if (buffers.length < 100) setTimeout(step, 10);
        else setTimeout(() => console.log('held', buffers.length), 500);
      };
      setTimeout(step, 200);
    }
    hold();
    """
  }

  @Test(.enabled(if: RealPrograms.nodeMissing == nil, "\(RealPrograms.nodeMissing ?? "")"))
  func untouchedNodeBuffersAreExternalButNotResident() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    let script = try RealPrograms.write(Self.buffersScript(fill: false), "buffers.js", in: directory)
    let result = try RealPrograms.exec(["node", script], options: ["--interval", "50ms"], in: directory)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout == "held 100\n", "the command's stdout passes through")
    #expect(result.report?.outcome == .completed)
    let csv = try #require(result.csv)
    let node = try #require(result.firstProcess).pid
    let rows = csv.rows(ofPid: node)
    // From the first row with Node's own figures, before the first Buffer, to the largest.
    let baseline = try #require(rows.first { $0["heap_used_bytes"] != "" }.flatMap { Double($0["rss_bytes"] ?? "") })
    let peak = try #require(rows.compactMap { Double($0["rss_bytes"] ?? "") }.max())
    let external = try #require(rows.compactMap { Double($0["external_bytes"] ?? "") }.max())
    #expect(peak - baseline < 64 * MiB, "RSS grew \((peak - baseline) / MiB) MiB")
    #expect(external >= 1000 * MiB, "external peaked at \(external / MiB) MiB")
    #expect(rows.contains { Double($0["array_buffers_bytes"] ?? "") ?? 0 >= 1000 * MiB })
  }

  @Test(
    .enabled(if: RealPrograms.nodeMissing == nil, "\(RealPrograms.nodeMissing ?? "")"),
    .enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
  func filledNodeBuffersInA512MiBLimitAreOOMKilled() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    let script = try RealPrograms.write(Self.buffersScript(fill: true), "buffers.js", in: directory)
    let result = try RealPrograms.exec(
      ["node", script], options: ["--memory-limit", "512MiB", "--interval", "50ms", "--expect", "oom-kill"],
      in: directory)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.report?.outcome == .oomKill)
    let node = try #require(result.firstProcess)
    #expect(node.kernelReport?.contains("Killed process \(node.pid) (node)") == true, "\(node.kernelReport ?? "no line")")
    let last = try #require(result.csv?.rows(ofPid: node.pid).last)
    let heapUsed = try #require(Double(last["heap_used_bytes"] ?? ""))
    let external = try #require(Double(last["external_bytes"] ?? ""))
    #expect(heapUsed < 64 * MiB, "heap_used \(heapUsed / MiB) MiB")
    #expect(external >= 400 * MiB, "external \(external / MiB) MiB in the last sample")
    #expect(MemoryLimitRunTests.leftoverCgroups(ofSupervisor: result.pid).isEmpty)
  }

  @Test(.enabled(if: RealPrograms.nodeMissing == nil, "\(RealPrograms.nodeMissing ?? "")"))
  func nodeOutOfHeapIsHeapOom() throws {
    let directory = try OomlabProcess.temporaryDirectory()
    // Grows by 1000 small objects per timer turn, so that the preload's timer keeps reporting up to the
    // end; in presized chunks, since one ever-growing array would leave each outgrown backing store as
    // garbage beside the live objects.
    let script = try RealPrograms.write(
      """
      const chunks = [];
      function grow() {
        const chunk = new Array(1000);
        for (let i = 0; i < chunk.length; i++) chunk[i] = { i, s: 'x' + i };
        chunks.push(chunk);
        setTimeout(grow, 1);
      }
      grow();
      """, "grow.js", in: directory)
    let result = try RealPrograms.exec(
      ["node", "--max-old-space-size=64", script], options: ["--interval", "20ms"], in: directory)
    defer { result.cleanUp() }
    // Without --expect, the command's own end: 128 + SIGABRT, as a shell would say.
    #expect(result.status == 128 + SIGABRT, "\(result.stderr)")
    #expect(result.report?.outcome == .heapOom)
    #expect(result.stderr.contains("FATAL ERROR: "), "Node's stderr passes through")
    let node = try #require(result.firstProcess)
    #expect(node.message?.contains("JavaScript heap out of memory") == true)
    // The summary's peak heap is the fullest of all Node's reports, the ones no row showed included (a loaded
    // supervisor can miss the last reports before the abort: CI once showed no row above 53 MiB). Node's own
    // word is its "Last few GCs" trace, in V8's MB (2^20 bytes): the peak lies within 5% of the fullest heap
    // a collection there started from.
    let traced = result.stderr.matches(of: /(?:Mark-Compact|Mark-Sweep|Scavenge)[^\n]*? ([0-9.]+) \([0-9.]+\) -> [0-9.]+ \([0-9.]+\) MB/)
      .compactMap { Double($0.output.1) }
    let v8 = try #require(traced.max(), "no GC trace in Node's stderr: \(result.stderr)") * MiB
    let peak = Double(node.peaks.heapUsedBytes)
    #expect(abs(peak - v8) <= 0.05 * v8, "peak heap_used \(peak / MiB) MiB, V8's last collections from \(v8 / MiB) MiB")
    let highestRow = try #require(result.csv?.rows(ofPid: node.pid).compactMap { Double($0["heap_used_bytes"] ?? "") }.max())
    #expect(peak >= highestRow, "the peak \(peak / MiB) MiB is below a row's \(highestRow / MiB) MiB")
  }

  @Test(
    .enabled(if: RealPrograms.pythonMissing == nil, "\(RealPrograms.pythonMissing ?? "")"),
    .enabled(if: cgroupUnavailable == nil, "\(cgroupUnavailable ?? "")"))
  func pythonOverItsLimitIsOOMKilledWithTheKernelsWord() throws {
    let python = try #require(RealPrograms.python)
    let result = try RealPrograms.exec(
      [python, "-c", "import time\nb = bytearray(200 * 1024 * 1024)\ntime.sleep(5)"],
      options: ["--memory-limit", "128MiB", "--interval", "20ms"])
    defer { result.cleanUp() }
    #expect(result.status == 128 + SIGKILL, "\(result.stderr)")
    #expect(result.report?.outcome == .oomKill)
    let process = try #require(result.firstProcess)
    let line = try #require(process.kernelReport, "no kernel line quoted: \(result.stderr)")
    #expect(line.contains("Killed process \(process.pid) (python3"), "\(line)")
    #expect(result.stderr.contains("kernel: \(line)"), "the summary quotes the kernel's line")
    #expect(MemoryLimitRunTests.leftoverCgroups(ofSupervisor: result.pid).isEmpty)
  }

  @Test(.enabled(if: RealPrograms.pythonMissing == nil, "\(RealPrograms.pythonMissing ?? "")"))
  func aShellsThreeChildrenEachHaveRowsAndTheTreeTotalIsTheirSum() throws {
    let python = try #require(RealPrograms.python)
    let directory = try OomlabProcess.temporaryDirectory()
    // Each child writes its pid once its memory is resident, then waits to be released.
    let child = """
      import os, sys, time
      mib = int(sys.argv[1])
      block = bytearray(mib * 1024 * 1024)
      with open(f'ready-{mib}.tmp', 'w') as f: f.write(str(os.getpid()))
      os.rename(f'ready-{mib}.tmp', f'ready-{mib}')
      while not os.path.exists('release'): time.sleep(0.02)
      """
    _ = try RealPrograms.write(child, "child.py", in: directory)
    let shell = try RealPrograms.write(
      "for mib in 30 60 90; do \(python) child.py $mib & done\nwait\n", "three.sh", in: directory)
    var measured: (children: [Int32: Double], shell: Double)?
    let csvFile = directory.appendingPathComponent("out.csv")
    // How many CSV rows each of `pids` has so far.
    func rowCounts(_ pids: [Int32]) -> [Int] {
      let table = CSVTable(contentsOf: csvFile)
      return pids.map { table.rows(ofPid: $0).count }
    }
    // Waits until each of `pids` has `more` rows beyond `counts`: that many ticks have sampled them all.
    func waitForTicks(_ more: Int, after counts: [Int], of pids: [Int32]) -> Bool {
      Poll.until { zip(rowCounts(pids), counts).allSatisfy { $0 >= $1 + more } }
    }
    let result = try RealPrograms.exec(["sh", shell], options: ["--interval", "50ms"], in: directory) { _ in
      let pids = Poll.value {
        let read = [30, 60, 90].compactMap { mib in
          (try? String(contentsOf: directory.appendingPathComponent("ready-\(mib)"), encoding: .utf8)).flatMap { Int32($0) }
        }
        return read.count == 3 ? read : nil
      }
      if let pids, let parent = try? String(contentsOfFile: "/proc/\(pids[0])/stat", encoding: .utf8),
        let shellPid = ProcStatHead.parse(parent)?.parentPid
      {
        // Two ticks with everything resident, then the reading the summary must agree with, then a tick
        // that samples that state before the children are released.
        let tree = pids + [shellPid]
        if waitForTicks(2, after: rowCounts(tree), of: tree) {
          let sizes = Dictionary(uniqueKeysWithValues: pids.compactMap { pid in RealPrograms.rss(pid).map { (pid, $0) } })
          measured = RealPrograms.rss(shellPid).map { (sizes, $0) }
          _ = waitForTicks(1, after: rowCounts(tree), of: tree)
        }
      }
      _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("release").path, contents: nil)
    }
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let (children, shellRss) = try #require(measured, "the children never got ready: \(result.stderr)")
    try #require(children.count == 3)
    let csv = try #require(result.csv)
    let shellPid = try #require(result.firstProcess?.pid)
    for (pid, rss) in children {
      let rows = csv.rows(ofPid: pid)
      #expect(rows.count >= 2, "child \(pid) has \(rows.count) rows")
      // The first row may come between the shell's fork and its exec of python3, still named sh.
      #expect(rows.allSatisfy { $0["ppid"] == "\(shellPid)" }, "\(rows.filter { $0["ppid"] != "\(shellPid)" })")
      #expect(rows.last?["process"] == "python3", "\(rows.last ?? [:])")
      let peak = rows.compactMap { Double($0["rss_bytes"] ?? "") }.max() ?? 0
      #expect(abs(peak - rss) <= 0.05 * rss, "child \(pid): CSV peak \(peak / MiB) MiB, /proc \(rss / MiB) MiB")
    }
    // The sizes differ as asked, so each row set is a different child's.
    #expect(Set(children.values.map { Int($0 / (25 * MiB)) }).count == 3, "\(children.values.map { $0 / MiB })")
    let total = children.values.reduce(shellRss, +)
    let treePeak = Double(try #require(result.report?.treePeakRssBytes))
    #expect(abs(treePeak - total) <= 0.05 * total, "tree peak \(treePeak / MiB) MiB, /proc sum \(total / MiB) MiB")
  }
}
