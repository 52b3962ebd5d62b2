/// What a scenario holds, in the order it was allocated, recorded outside malloc in about a word
/// per allocation.
///
/// Each allocation's address takes one word; its kind, name, size and touched bytes are stored
/// once for a run of consecutive allocations that share them. A run whose sizes differ
/// (`native` with `size: [MIN, MAX]`) keeps them in a column of 32-bit words, and the share of
/// each that was written once.
/// 1 M native blocks of 1 KiB cost 8 MiB of records (0.8% of their bytes), where 32-byte
/// `Allocation`s in a Swift array cost 32–64 MiB of the very malloc the run measures.
/// Not thread-safe; `Workload` locks around it.
final class AllocationTable {
  /// Consecutive allocations that share everything but their address (and, when varying, their size).
  struct Run: BitwiseCopyable {
    var kind: AllocationKind
    var nameID: UInt16
    /// Sizes are per allocation, in `sizes` from `sizeStart`; each had `touch` of it written.
    var varying: Bool
    /// The index of the run's first allocation.
    var start: Int
    var count: Int
    /// Every member's size, unless `varying`.
    var bytes: UInt64
    /// Every member's touched bytes, unless `varying`.
    var touched: UInt64
    var sizeStart: Int
    /// The share of each member written, when `varying`: its touched bytes are `Workload.touchedBytes(size, touch)`.
    var touch: Double
  }

  private let addresses = MappedArray<UInt>()
  private let sizes = MappedArray<UInt32>()
  private let runs = MappedArray<Run>()

  /// How many allocations the table holds.
  var count: Int { addresses.count }

  /// Records `allocation` after the others and returns its index.
  @discardableResult
  func append(_ allocation: Allocation) -> Int {
    let index = addresses.count
    addresses.append(UInt(bitPattern: allocation.address))
    // A pages region is settled after it is recorded, so it keeps a run of its own.
    if allocation.kind != .pages, var last = runs.last, last.kind == allocation.kind, last.nameID == allocation.nameID {
      if !last.varying && last.bytes == allocation.bytes && last.touched == allocation.touched {
        last.count += 1
        runs[runs.count - 1] = last
        return index
      }
      // A share that gives both the run's touched bytes and this one's, from their sizes.
      let touch = last.varying ? last.touch : (allocation.touch ?? 1)
      func derived(_ bytes: UInt64, _ touched: UInt64) -> Bool {
        bytes <= UInt64(UInt32.max) && Workload.touchedBytes(bytes, touch) == touched
      }
      if derived(allocation.bytes, allocation.touched) && (last.varying || (last.count == 1 && derived(last.bytes, last.touched))) {
        if !last.varying {
          last.varying = true
          last.touch = touch
          last.sizeStart = sizes.count
          sizes.append(UInt32(last.bytes))
        }
        sizes.append(UInt32(allocation.bytes))
        last.count += 1
        runs[runs.count - 1] = last
        return index
      }
    }
    runs.append(
      Run(
        kind: allocation.kind, nameID: allocation.nameID, varying: false, start: index, count: 1,
        bytes: allocation.bytes, touched: allocation.touched, sizeStart: 0, touch: 1))
    return index
  }

  /// The allocation at `index`.
  subscript(index: Int) -> Allocation {
    let run = runs[runIndex(containing: index)]
    return allocation(index, in: run)
  }

  /// Notes how much of the single-allocation run at `index` ended up touched.
  func settle(_ index: Int, touched: UInt64) {
    let position = runIndex(containing: index)
    precondition(runs[position].count == 1 && !runs[position].varying, "only a run of one allocation is settled")
    runs[position].touched = touched
  }

  /// Calls `body` with each allocation and its index, oldest first.
  func forEach(_ body: (Int, Allocation) -> Void) {
    for position in 0..<runs.count {
      let run = runs[position]
      for index in run.start..<(run.start + run.count) { body(index, allocation(index, in: run)) }
    }
  }

  /// Drops the allocations whose index `doomed` names, keeping the others in order.
  func remove(where doomed: (Int) -> Bool) {
    var kept = 0
    var keptSizes = 0
    var keptRuns = 0
    for position in 0..<runs.count {
      var run = runs[position]
      let start = kept
      let sizeStart = keptSizes
      for offset in 0..<run.count where !doomed(run.start + offset) {
        addresses[kept] = addresses[run.start + offset]
        kept += 1
        if run.varying {
          sizes[keptSizes] = sizes[run.sizeStart + offset]
          keptSizes += 1
        }
      }
      run.count = kept - start
      guard run.count > 0 else { continue }
      run.start = start
      run.sizeStart = sizeStart
      runs[keptRuns] = run
      keptRuns += 1
    }
    addresses.retain { index, _ in index < kept }
    sizes.retain { index, _ in index < keptSizes }
    runs.retain { index, _ in index < keptRuns }
  }

  private func allocation(_ index: Int, in run: Run) -> Allocation {
    let bytes = run.varying ? UInt64(sizes[run.sizeStart + index - run.start]) : run.bytes
    return Allocation(
      kind: run.kind, nameID: run.nameID, address: UnsafeMutableRawPointer(bitPattern: addresses[index]), bytes: bytes,
      touched: run.varying ? Workload.touchedBytes(bytes, run.touch) : run.touched)
  }

  /// The position in `runs` of the run holding `index`, by binary search on the runs' starts.
  private func runIndex(containing index: Int) -> Int {
    precondition(index >= 0 && index < count, "allocation \(index) out of 0..<\(count)")
    var low = 0
    var high = runs.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if runs[middle].start <= index { low = middle } else { high = middle - 1 }
    }
    return low
  }
}
