import Glibc

extension Worker {
  /// Ends the worker as Node ends on "JavaScript heap out of memory": the fatal report on stderr, then abort().
  ///
  /// The message and state go to the shared page first, so the supervisor can tell this SIGABRT
  /// from any other and quote the figures even though the worker never exits cleanly.
  static func abortOutOfHeap(_ error: HeapOutOfMemory, page: SharedPage) -> Never {
    page.storeMessage(error.description)
    page.state = .heapOutOfMemory
    let text = error.report(pid: getpid())
    _ = text.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    // The default action, not the Swift runtime's crash handler: this abort is the outcome, not a bug
    // to backtrace. No core file either: a core of a heap at its limit could be hundreds of MiB.
    signal(SIGABRT, SIG_DFL)
    var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
    _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
    abort()
  }
}
