import COomlabShim
import Glibc

/// A page of memory mapped by both supervisor and worker, holding counters the worker alone knows.
///
/// Reading it costs the supervisor no system call, and because it is a shared file mapping its
/// last values survive a SIGKILL of the worker.
package final class SharedPage: @unchecked Sendable {
  /// The size of the mapping.
  package static let size = 4096
  static let messageOffset = 2048
  let base: UnsafeMutableRawPointer
  /// The file descriptor behind the mapping, inherited by the worker.
  package let descriptor: Int32

  /// The descriptor number the page has in the worker.
  package static let workerDescriptor: Int32 = 3

  /// Creates an anonymous in-memory file of one page and maps it.
  package static func create() throws -> SharedPage {
    let fd = oomlab_memfd_create("oomlab-page")
    guard fd >= 0 else { throw SystemError.call("memfd_create", errno) }
    guard ftruncate(fd, off_t(size)) == 0 else {
      let code = errno
      close(fd)
      throw SystemError.call("ftruncate", code)
    }
    return try SharedPage(descriptor: fd)
  }

  /// Maps an inherited descriptor (the worker's side).
  package init(descriptor: Int32) throws {
    guard let address = mmap(nil, Self.size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
      address != MAP_FAILED
    else { throw SystemError.call("mmap", errno) }
    base = address
    self.descriptor = descriptor
  }

  deinit {
    munmap(base, Self.size)
    close(descriptor)
  }

  private func slot(_ counter: SharedCounter) -> UnsafeMutablePointer<UInt64> {
    base.assumingMemoryBound(to: UInt64.self) + counter.rawValue
  }

  /// The current value of a counter.
  package func load(_ counter: SharedCounter) -> UInt64 { oomlab_load_u64(slot(counter)) }

  /// Sets a counter.
  package func store(_ counter: SharedCounter, _ value: UInt64) { oomlab_store_u64(slot(counter), value) }

  /// Adds a signed delta to a counter; safe from several worker threads at once.
  package func add(_ counter: SharedCounter, _ delta: Int64) { oomlab_add_u64(slot(counter), delta) }

  /// Marks the slots guarded by `sequence` as being rewritten (the sequence turns odd).
  package func beginWriting(_ sequence: SharedCounter) {
    store(sequence, load(sequence) &+ 1)
    oomlab_release_fence()
  }

  /// Marks them whole again (the sequence turns even).
  package func endWriting(_ sequence: SharedCounter) {
    store(sequence, load(sequence) &+ 1)
  }

  /// Every slot at once, the allocator statistics from a single reading of the worker's.
  ///
  /// Retried while the worker is rewriting them; after a few tries the row goes without them
  /// (marked not valid) rather than stall the tick or mix two readings (the worker writes them in
  /// microseconds).
  package func snapshot() -> [UInt64] {
    var values: [UInt64] = []
    for _ in 0..<100 {
      let before = load(.allocatorStatsSequence)
      values = SharedCounter.allCases.map { load($0) }
      oomlab_acquire_fence()
      if before & 1 == 0 && load(.allocatorStatsSequence) == before { return values }
    }
    values[SharedCounter.allocatorStatsValid.rawValue] = 0
    return values
  }

  /// The worker's lifecycle state.
  package var state: WorkerState {
    get { WorkerState(rawValue: load(.state)) ?? .starting }
    set { store(.state, newValue.rawValue) }
  }

  /// Stores a message (for failures) that outlives the worker.
  package func storeMessage(_ message: String) {
    let bytes = Array(message.utf8.prefix(Self.size - Self.messageOffset))
    bytes.withUnsafeBytes { (base + Self.messageOffset).copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    store(.messageLength, UInt64(bytes.count))
  }

  /// The message the worker stored, if any.
  package func message() -> String? {
    let length = min(Int(load(.messageLength)), Self.size - Self.messageOffset)
    guard length > 0 else { return nil }
    let buffer = UnsafeRawBufferPointer(start: base + Self.messageOffset, count: length)
    return String(decoding: buffer, as: UTF8.self)
  }
}
