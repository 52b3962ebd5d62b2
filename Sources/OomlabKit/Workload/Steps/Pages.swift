import Glibc

/// An anonymous mmap'ed region, touched page by page in a chosen pattern.
package struct Pages: Step {
  package static let kind = "pages"
  package static let summary = "an mmap'ed region of size, touch FRACTION, pattern sequential|sparse STRIDE|random, advise hugepage|nohugepage, populate"
  package static let form = StepForm.fields(
    FieldSet([
      FieldSpec("size", .size(allowZero: false, allowPercent: true), required: true, "the region's size, or a share of the limit"),
      FieldSpec("touch", .touch, "how much of the region is written, page by page (default none; all for sparse)"),
      FieldSpec("pattern", .pagesPattern, "the order pages are written in: sequential, random or sparse STRIDE"),
      FieldSpec("advise", .choice(["hugepage", "nohugepage"]), "madvise(MADV_HUGEPAGE or MADV_NOHUGEPAGE) before touching"),
      FieldSpec("populate", .boolean, "prefault the whole region (MADV_POPULATE_WRITE)"),
      FieldSpec("seed", .integer(0...Int.max), "the seed of the random pattern"),
      FieldSpec("as", .allocationName, "a name for free's what:"),
    ]))
  package static let example = "pages: { size: 1GiB, touch: 0.5, pattern: sparse 2MiB, advise: hugepage }"

  /// The order in which pages are first written.
  enum Pattern: Equatable {
    case sequential
    /// One page every `stride` bytes: with huge pages each touch can fault in 2 MiB.
    case sparse(stride: UInt64)
    case random
  }

  let size: SizeSpec
  let touch: Double
  let pattern: Pattern
  let advise: Int32?
  let populate: Bool
  let seed: UInt64
  let name: String?
  package var definedName: String? { name }

  static let hugePage: UInt64 = 2 << 20

  package static func parse(_ input: StepInput) throws -> Pages {
    let f = try input.fields()
    var pattern = Pattern.sequential
    if let text = try f.string("pattern") {
      let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      switch words.first {
      case "sequential" where words.count == 1: pattern = .sequential
      case "random" where words.count == 1: pattern = .random
      case "sparse" where words.count == 2:
        guard case .success(let stride) = ByteSize.parse(words[1]), stride <= ScenarioBounds.maximumBytes else {
          throw f.error("pattern", f.node("pattern"), "expected a stride after sparse, like \"sparse 2MiB\", got \"\(text)\"")
        }
        pattern = .sparse(stride: stride)
      default:
        throw f.error(
          "pattern", f.node("pattern"), "expected sequential, random or \"sparse STRIDE\", got \"\(text)\"")
      }
    }
    let advise = try f.choice("advise").map {
      $0 == "hugepage" ? MADV_HUGEPAGE : MADV_NOHUGEPAGE
    }
    var touch = try f.touch("touch")
    // A sparse pattern names the pages to touch, so touching all its points is the useful default.
    if touch == nil, case .sparse = pattern { touch = 1 }
    let step = Pages(
      size: try f.require("size") { try f.size($0) },
      touch: touch ?? 0,
      pattern: pattern,
      advise: advise,
      populate: try f.bool("populate") ?? false,
      seed: UInt64(try f.int("seed") ?? 1),
      name: try f.name("as"))
    f.finish()
    return step
  }

  package func run(_ workload: Workload) throws {
    let bytes = try workload.bytes(size)
    let region = try map(bytes, workload)
    // The reservation counts from the moment it is mapped, before the first page is touched.
    let slot = try workload.record(
      Allocation(kind: .pages, name: name, address: region, bytes: bytes, touched: 0, thread: nil))
    let page = workload.pageSize
    let pages = (bytes + page - 1) / page
    var touchedPages: UInt64 = 0
    // Publish progress every 64 pages so a long fill shows in the CSV as it happens.
    func touchPage(_ index: UInt64) {
      region.storeBytes(of: 1, toByteOffset: Int(index * page), as: UInt8.self)
      touchedPages += 1
      if touchedPages & 63 == 0 { workload.shared.add(.pagesTouchedBytes, Int64(64 * page)) }
    }
    switch pattern {
    case .sequential:
      let n = UInt64((Double(pages) * touch).rounded(.down))
      for index in 0..<n { touchPage(index) }
    case .sparse(let stride):
      let step = max(1, stride / page)
      let points = (pages + step - 1) / step
      let n = UInt64((Double(points) * touch).rounded(.down))
      for point in 0..<n { touchPage(point * step) }
    case .random:
      let n = Int((Double(pages) * touch).rounded(.down))
      FreePattern.random.forEachSelected(n, of: Int(pages), seed: seed) { touchPage(UInt64($0)) }
    }
    let unpublished = Int64(touchedPages & 63) * Int64(page)
    workload.shared.add(.pagesTouchedBytes, unpublished)
    let touched = populate ? max(pages * page, touchedPages * page) : touchedPages * page
    if populate { workload.shared.add(.pagesTouchedBytes, Int64(touched - touchedPages * page)) }
    workload.settle(slot, touched: touched)
  }

  /// `MADV_POPULATE_WRITE` (Linux 5.14), which Glibc's module does not declare on older headers.
  static let populateWrite: Int32 = 23

  /// Maps `bytes` aligned to 2 MiB, so that huge pages can back it from its first byte.
  private func map(_ bytes: UInt64, _ workload: Workload) throws -> UnsafeMutableRawPointer {
    let slack = Self.hugePage
    let flags = MAP_PRIVATE | MAP_ANONYMOUS
    guard let raw = mmap(nil, Int(bytes + slack), PROT_READ | PROT_WRITE, flags, -1, 0), raw != MAP_FAILED else {
      throw WorkloadError.allocationFailed("mmap(\(bytes)) failed: \(ErrnoName.explain(errno))")
    }
    let start = UInt64(UInt(bitPattern: raw))
    let aligned = (start + slack - 1) & ~(slack - 1)
    if aligned > start { munmap(raw, Int(aligned - start)) }
    let tail = (start + bytes + slack) - (aligned + bytes)
    if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: UInt(aligned + bytes)), Int(tail)) }
    let region = UnsafeMutableRawPointer(bitPattern: UInt(aligned))!
    if let advise, madvise(region, Int(bytes), advise) != 0 {
      throw WorkloadError.failed("madvise(\(advise == MADV_HUGEPAGE ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE")) failed: \(ErrnoName.explain(errno))")
    }
    if populate {
      // MADV_POPULATE_WRITE (Linux 5.14) prefaults after the advice is in place; MAP_POPULATE would not see it.
      if madvise(region, Int(bytes), Self.populateWrite) != 0 {
        throw WorkloadError.allocationFailed("populating \(bytes) bytes failed: \(ErrnoName.explain(errno))")
      }
    }
    return region
  }
}
