/// The charts `oomlab plot` draws.
package enum PlotKind: String, CaseIterable, Sendable {
  /// RSS and its parts beside the worker's live bytes and heap, with the limits, the steps and the outcome.
  case timeline
  /// The allocator's allocated, active, resident and retained bytes, and the fragmentation ratio.
  case allocator
  /// One line per process, the cgroup's charge, each process's badness, and the victim.
  case processes
  /// Small multiples per cell of a matrix folder, and peak and final RSS against live bytes per cell.
  case matrix
}
