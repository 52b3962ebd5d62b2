import Glibc

/// Draws a `LiveStatus` over itself on standard error when that is a terminal, a few times a second.
///
/// It is off when standard error is not a terminal (a file, a pipe, CI logs) or the user asked for
/// quiet, and then writes nothing at all. The CSV never shares its descriptor: it goes to stdout or
/// a file. The width is asked of the terminal at every redraw, so a window narrowed mid-run (SIGWINCH,
/// which oomlab neither handles nor needs to) gets a shorter line on the next frame instead of a wrap.
package final class StatusLine {
  /// The descriptor drawn on.
  let descriptor: Int32
  /// Whether anything is drawn.
  package let isEnabled: Bool
  /// The matrix cell every status drawn is labelled with.
  package var cell: (index: Int, count: Int)?
  /// When the last frame was drawn, on the monotonic clock.
  private var drawnAt: UInt64?
  /// Whether a frame is on the screen now.
  private var showing = false

  /// The least time between two frames: four a second reads as live without flooding a slow terminal.
  static let minimumGap: UInt64 = 250_000_000
  /// Columns assumed when the terminal does not say.
  static let defaultWidth = 80
  /// ESC [ K, which erases to the end of the line, so that a shorter frame leaves no tail of the one before.
  static let eraseToEnd = "\u{1B}[K"

  /// A status line on standard error, enabled when that is a terminal and `quiet` is false.
  package init(quiet: Bool, descriptor: Int32 = STDERR_FILENO) {
    self.descriptor = descriptor
    isEnabled = !quiet && isatty(descriptor) == 1
  }

  /// Draws `status` unless a frame was drawn less than `minimumGap` ago.
  package func update(_ status: LiveStatus) {
    draw(status, force: false, ending: "")
  }

  /// Draws the run's last frame, with its outcome, and ends the line there, so that it stays above
  /// what is printed next (the summary, the next cell's line).
  package func finish(_ status: LiveStatus) {
    draw(status, force: true, ending: "\n")
  }

  private func draw(_ status: LiveStatus, force: Bool, ending: String) {
    // A job in the background draws nothing over the shell that has the terminal now.
    guard isEnabled, tcgetpgrp(descriptor) == getpgrp() else { return }
    let now = Clock.now()
    if !force, let drawnAt, now < Clock.after(Self.minimumGap, from: drawnAt) { return }
    var status = status
    if let cell {
      status.cellIndex = cell.index
      status.cellCount = cell.count
    }
    drawnAt = now
    showing = ending.isEmpty
    emit("\r" + status.render(width: width()) + Self.eraseToEnd + ending)
  }

  /// Erases a frame still on the line (a run that threw before its last frame), so that what is printed
  /// next (a summary, an error) starts on a clean line.
  package func clear() {
    guard isEnabled, showing else { return }
    showing = false
    emit("\r" + Self.eraseToEnd)
  }

  /// The terminal's width in columns (TIOCGWINSZ), or `defaultWidth` when it does not say.
  func width() -> Int {
    var size = winsize()
    guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return Self.defaultWidth }
    return Int(size.ws_col)
  }

  /// Writes a frame; a terminal that went away only loses its status line.
  private func emit(_ text: String) {
    _ = FileIO.writeAll(descriptor, Array(text.utf8))
  }
}
