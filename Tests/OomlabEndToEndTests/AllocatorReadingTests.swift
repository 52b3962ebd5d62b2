import Foundation
import Testing

@testable import OomlabKit

/// The allocator figures' age, glibc's resident figure and the ratio floor, against the kernel's own readings.
@Suite(.serialized) struct AllocatorReadingTests {
  static let MiB = 1024.0 * 1024

  /// 1 M × 1 KiB freed at random down to a tenth, then trimmed: mallinfo2 walks 900 k free chunks, so the
  /// worker's readings back off to several intervals apart (about 1 GiB, under the 2 GiB allowed outside a cgroup).
  static let trimmed = """
    name: glibc-trim-1m
    sample: 50ms
    allocator: glibc
    steps:
      - native: { count: 1000000, size: 1KiB, as: small }
      - free: { what: small, fraction: 0.9, pattern: random, seed: 7 }
      - hold: 300ms
      - trim
      - hold: 1s
    """

  @Test func glibcResidentFallsWithTrimAndItsAgeIsSaid() throws {
    let result = try OomlabProcess.run(Self.trimmed)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let end = csv.rows.count - 1
    func value(_ name: String, _ row: Int) throws -> Double { try #require(Double(csv.column(name)[row]), "\(name) row \(row)") }

    // The end row carries a reading taken after the last step: trim has returned the free pages.
    let rssGrowth = try value("rss_bytes", end) - value("rss_bytes", 0)
    let residentGrowth = try value("allocator_resident_bytes", end) - value("allocator_resident_bytes", 0)
    let activeGrowth = try value("allocator_active_bytes", end) - value("allocator_active_bytes", 0)
    #expect(rssGrowth > 200 * Self.MiB && rssGrowth < 700 * Self.MiB, "trim left RSS +\(rssGrowth / Self.MiB) MiB")
    #expect(abs(residentGrowth - rssGrowth) <= 0.25 * rssGrowth,
      "resident +\(residentGrowth / Self.MiB) MiB, VmRSS +\(rssGrowth / Self.MiB) MiB")
    // mallinfo2's arena, the old figure, still counts the returned pages.
    #expect(activeGrowth - rssGrowth > 0.25 * rssGrowth, "arena +\(activeGrowth / Self.MiB) MiB")
    // frag_ratio is resident/allocated: near what the kernel sees (RSS per live byte), far below active/allocated.
    let allocated = try value("allocator_allocated_bytes", end)
    let frag = try value("frag_ratio", end)
    let resident = try value("allocator_resident_bytes", end), rss = try value("rss_bytes", end)
    #expect(abs(frag - resident / allocated) <= 0.0001)
    #expect(abs(frag - rss / allocated) <= 0.25 * frag, "frag_ratio \(frag)")
    let oldRatio = try value("allocator_active_bytes", end) / allocated
    #expect(frag < 6 && oldRatio > 9, "frag_ratio \(frag), active/allocated \(oldRatio)")
    #expect(csv.column("allocator_rss_ratio").allSatisfy { $0.isEmpty }, "glibc's active bytes mean something else")
    let overhead = try value("rss_overhead_ratio", end)
    #expect(abs(overhead - rss / resident) <= 0.0001)

    // Ages: never more than the row's time since the worker started; the reading time they imply
    // (t - age) never goes back, and rows that imply one reading show one reading's figures, so the
    // age of a reading repeated in later rows grows by the time between them.
    let times = csv.column("t_seconds").map { Double($0)! }
    let ages = csv.column("allocator_age_seconds").map(Double.init)
    let figures = ["allocator_allocated_bytes", "allocator_active_bytes", "allocator_resident_bytes", "allocator_retained_bytes"]
    func reading(_ row: Int) -> [String] { figures.map { csv.column($0)[row] } }
    var repeated = 0
    for row in csv.rows.indices {
      let age = try #require(ages[row], "row \(row) has no allocator_age_seconds")
      #expect(age >= 0 && age <= times[row] + 0.001, "row \(row): age \(age) at t \(times[row])")
      guard row > 0, let previous = ages[row - 1] else { continue }
      let taken = times[row] - age, takenBefore = times[row - 1] - previous
      #expect(taken >= takenBefore - 0.002, "row \(row): a reading taken at \(taken) s after one taken at \(takenBefore) s")
      // Readings are an interval apart or more, except the worker's own at its start, its end and each
      // step boundary (every row but a `tick`), which can follow another within the 2 ms the rounding
      // of t and age allows.
      let ownReading = csv.column("row")[row] != "tick" || csv.column("row")[row - 1] != "tick"
      if abs(taken - takenBefore) <= 0.002 && !ownReading {
        #expect(reading(row) == reading(row - 1), "row \(row): one reading, two sets of figures")
        if times[row] - times[row - 1] >= 0.002 { repeated += 1 }
      }
    }
    #expect(repeated >= 5, "only \(repeated) rows repeated a reading")
    #expect(ages.compactMap { $0 }.max()! > 0.2, "no reading was older than four intervals: mallinfo2 did not back off")

    // The summary says how old the reading behind its peak was, and which row showed it.
    let report = try RunReport.decode(Data(contentsOf: result.directory.appendingPathComponent("summary.json")))
    let peaks = try #require(report.processes.first?.peaks)
    let at = try #require(peaks.fragRatioAtSeconds), age = try #require(peaks.fragRatioAgeSeconds)
    let row = try #require(times.firstIndex { abs($0 - at) < 0.0005 })
    #expect(abs(age - ages[row]!) <= 0.0015)
    let peakRow = try value("frag_ratio", row)
    #expect(abs(try #require(peaks.fragRatio) - peakRow) <= 0.0001)
    #expect(result.stderr.contains("peak frag_ratio") && result.stderr.contains("from an allocator reading"), "\(result.stderr)")
  }

  @Test func thePeakRatioLeavesOutRowsBelowTheFloor() throws {
    // Freeing the oldest 99% leaves the newest blocks at the heap's top, so glibc cannot shrink it:
    // a few hundred KiB allocated in 20 MiB of resident pages, a ratio in the tens, below the floor.
    let result = try OomlabProcess.run(
      """
      name: below-the-floor
      sample: 20ms
      allocator: glibc
      steps:
        - native: { count: 20000, size: 1KiB, as: small }
        - hold: 400ms
        - free: { what: small, fraction: 0.99, pattern: oldest }
        - hold: 400ms
      """)
    defer { result.cleanUp() }
    #expect(result.status == 0, "\(result.stderr)")
    let csv = try #require(result.csv)
    let floor = Double(AllocatorStats.ratioFloorBytes)
    var above: [Double] = [], below: [Double] = []
    for (allocated, ratio) in zip(csv.column("allocator_allocated_bytes"), csv.column("frag_ratio")) {
      guard let a = Double(allocated), let r = Double(ratio) else { continue }
      if a >= floor { above.append(r) } else { below.append(r) }
    }
    let highestBelow = try #require(below.max()), highestAbove = try #require(above.max())
    #expect(highestBelow > 5 * highestAbove, "below the floor \(highestBelow), above \(highestAbove)")
    let report = try RunReport.decode(Data(contentsOf: result.directory.appendingPathComponent("summary.json")))
    let peak = try #require(report.processes.first?.peaks.fragRatio)
    #expect(abs(peak - highestAbove) <= 0.0001, "peak \(peak), rows above the floor \(highestAbove)")
    #expect(result.stderr.contains("rows with 5.0 MiB or more allocated"), "\(result.stderr)")
  }

  @Test func thePlotShadesBelowTheSameFloor() throws {
    // scripts/plot.py (embedded as PlotProgram) writes the floor as a product of integers.
    let line = try #require(
      PlotProgram.source.split(separator: "\n").first { $0.hasPrefix("RATIO_FLOOR_BYTES = ") }, "plot.py has no RATIO_FLOOR_BYTES")
    let factors = line.dropFirst("RATIO_FLOOR_BYTES = ".count).split(separator: "*").map {
      UInt64($0.trimmingCharacters(in: .whitespaces))
    }
    #expect(factors.allSatisfy { $0 != nil }, "\(line)")
    #expect(factors.compactMap { $0 }.reduce(1, *) == AllocatorStats.ratioFloorBytes)
  }
}
