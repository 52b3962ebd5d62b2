import Glibc

/// A growable array of plain values kept in an anonymous mapping of its own, outside malloc.
///
/// The worker's bookkeeping lives here so that the allocator under test serves the scenario
/// alone: a million records in a Swift array are millions of malloc'ed bytes in the very
/// statistics and RSS a run measures, and glibc's dynamic mmap threshold would even move the
/// scenario's own large blocks into its heap once such an array had been freed. Capacity that
/// was never written is reserved, not resident. Not thread-safe; callers lock.
final class MappedArray<Element: BitwiseCopyable> {
  private var base: UnsafeMutablePointer<Element>?
  private var capacity = 0
  /// How many elements the array holds.
  private(set) var count = 0

  /// Creates an empty array; nothing is mapped until the first element.
  init() {}

  /// Creates an array of `count` copies of `value`.
  convenience init(repeating value: Element, count: Int) {
    self.init()
    reserve(count)
    for index in 0..<count { base![index] = value }
    self.count = count
  }

  deinit { unmap() }

  /// The element at `index`.
  subscript(index: Int) -> Element {
    get {
      precondition(index >= 0 && index < count, "index \(index) out of 0..<\(count)")
      return base![index]
    }
    set {
      precondition(index >= 0 && index < count, "index \(index) out of 0..<\(count)")
      base![index] = newValue
    }
  }

  /// The valid indices, `0..<count`.
  var indices: Range<Int> { 0..<count }

  /// Whether the array holds nothing.
  var isEmpty: Bool { count == 0 }

  /// The last element, if any.
  var last: Element? { count > 0 ? base![count - 1] : nil }

  /// Adds `element` at the end, doubling the mapping when it is full.
  func append(_ element: Element) {
    if count == capacity { reserve(max(capacity * 2, Self.minimumCapacity)) }
    base![count] = element
    count += 1
  }

  /// Removes the last element.
  @discardableResult
  func removeLast() -> Element {
    precondition(count > 0, "removeLast on an empty MappedArray")
    count -= 1
    return base![count]
  }

  /// Removes and returns the last element, or nil when the array is empty.
  func popLast() -> Element? { count > 0 ? removeLast() : nil }

  /// Keeps the elements for which `keep` is true, in order, and returns how many were dropped.
  @discardableResult
  func retain(where keep: (Int, Element) -> Bool) -> Int {
    var kept = 0
    for index in 0..<count where keep(index, base![index]) {
      base![kept] = base![index]
      kept += 1
    }
    let dropped = count - kept
    count = kept
    if count == 0 { unmap() }
    return dropped
  }

  /// Empties the array and gives its pages back.
  func removeAll() {
    count = 0
    unmap()
  }

  /// Makes room for at least `wanted` elements: a new mapping, the elements copied, the old one unmapped.
  ///
  /// Swift cannot call the variadic mremap(2), and a copy per doubling costs one pass over the
  /// elements in all, amortised.
  func reserve(_ wanted: Int) {
    guard wanted > capacity else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let bytes = (wanted * MemoryLayout<Element>.stride + page - 1) / page * page
    guard let fresh = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), fresh != MAP_FAILED
    else {
      // The worker's records are not the scenario's memory; without room for them the run cannot go on.
      fatalError("mmap(\(bytes)) for the worker's own records failed: \(ErrnoName.explain(errno))")
    }
    let elements = fresh.bindMemory(to: Element.self, capacity: bytes / MemoryLayout<Element>.stride)
    if let base, count > 0 { elements.update(from: base, count: count) }
    unmap()
    base = elements
    capacity = bytes / MemoryLayout<Element>.stride
  }

  private func unmap() {
    if let base { munmap(base, capacity * MemoryLayout<Element>.stride) }
    base = nil
    capacity = 0
  }

  /// The first mapping holds a page's worth of elements at least.
  private static var minimumCapacity: Int { max(1, 4096 / MemoryLayout<Element>.stride) }
}
