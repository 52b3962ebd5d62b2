import Glibc

/// Blocks the signals the supervisor handles and waits for them synchronously with a timeout.
///
/// Waiting in `sigtimedwait` doubles as the sampling sleep: SIGCHLD ends it at once when a worker
/// dies, and SIGINT/SIGTERM/SIGHUP reach the loop instead of killing the supervisor mid-write.
final class SignalGate {
  private var previous = sigset_t()
  private var handled = sigset_t()

  init() {
    sigemptyset(&handled)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGCHLD] { sigaddset(&handled, signal) }
    pthread_sigmask(SIG_BLOCK, &handled, &previous)
  }

  deinit {
    pthread_sigmask(SIG_SETMASK, &previous, nil)
  }

  /// What ended a wait.
  enum Event: Equatable {
    case timeout
    case childChanged
    case interrupt(Int32)
  }

  /// Waits up to `nanoseconds` for a handled signal.
  func wait(nanoseconds: UInt64) -> Event {
    var timeout = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    var info = siginfo_t()
    let signal = sigtimedwait(&handled, &info, &timeout)
    switch signal {
    case SIGCHLD: return .childChanged
    case SIGINT, SIGTERM, SIGHUP: return .interrupt(signal)
    default: return .timeout
    }
  }
}
