import Glibc
import OomlabKit

/// What one supervisor tick needs: a live process, a probe on it and a CSV writer to /dev/null.
package final class TickRig {
  package let child: ProbedChild
  package let probe: ProcessProbe
  package let csv: CSVWriter
  /// A full shared page's worth of counters, so the row has every column filled as in a real run.
  package let counters = [UInt64](repeating: 0, count: SharedCounter.allCases.count)

  /// Starts the child and opens its /proc files.
  ///
  /// The probe never re-reads smaps_rollup on its own (the interval is the largest there is), so a
  /// tick reads it only when asked: the benchmarks choose the common tick or the rollup tick.
  package init() throws {
    child = try ProbedChild()
    probe = try ProcessProbe(pid: child.pid, rollupInterval: .max)
    csv = try CSVWriter(path: "/dev/null")
    // The first read always takes smaps_rollup; do it here, outside any measurement.
    guard tick(self, forceRollup: true) else { throw ProbedChildError.gone(child.pid) }
  }

  /// Ends the child.
  package func stop() { child.stop() }
}

/// One supervisor tick for one worker, as `Supervisor.sample` does it: a fresh `Sample`, the
/// probe's reading of /proc, and the CSV row; false when the process is gone.
package func tick(_ rig: TickRig, forceRollup: Bool) -> Bool {
  var sample = Sample()
  sample.seconds = 12.34
  // As Supervisor.sample stamps every row.
  sample.unixTime = Clock.unixSeconds()
  sample.process = "worker"
  sample.pid = rig.child.pid
  sample.allocator = "glibc"
  guard rig.probe.read(into: &sample, now: Clock.now(), forceRollup: forceRollup) else { return false }
  sample.counters = rig.counters
  sample.stepIndex = 0
  sample.step = "pages"
  do {
    try rig.csv.write(sample)
  } catch {
    return false
  }
  return true
}
