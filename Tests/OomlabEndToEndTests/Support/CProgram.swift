import Foundation

/// A small C program compiled with the machine's `cc` into a temporary folder, to run beside oomlab.
struct CProgram {
  /// Why C programs cannot be built here, or nil when they can.
  static let unavailable: String? = {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/cc") ? nil : "no C compiler at /usr/bin/cc"
  }()

  /// The compiled executable.
  let executable: URL
  private let directory: URL

  /// Compiles `source` with `-O2` and `flags`; throws with cc's messages when it fails.
  init(_ source: String, flags: [String] = []) throws {
    directory = try OomlabProcess.temporaryDirectory()
    let file = directory.appendingPathComponent("program.c")
    executable = directory.appendingPathComponent("program")
    try source.write(to: file, atomically: true, encoding: .utf8)
    let cc = try Self.capture(
      URL(fileURLWithPath: "/usr/bin/cc"), ["-O2", "-o", executable.path, file.path] + flags, standardError: true)
    guard cc.status == 0 else {
      try? FileManager.default.removeItem(at: directory)
      throw CProgramError(message: cc.text)
    }
  }

  /// Runs the program with `arguments` and returns what it printed, failing on a nonzero status.
  func run(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
    let (status, text) = try Self.capture(executable, arguments, environment: environment)
    guard status == 0 else {
      throw CProgramError(message: "\(executable.lastPathComponent) exited with \(status): \(text)")
    }
    return text
  }

  /// Runs `executable` to its end; returns its exit status and what it wrote to standard output (or error).
  private static func capture(
    _ executable: URL, _ arguments: [String], environment: [String: String] = [:], standardError: Bool = false
  ) throws -> (status: Int32, text: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let output = Pipe()
    if standardError { process.standardError = output } else { process.standardOutput = output }
    try process.run()
    // Read to the end before waiting: a child that fills the pipe would otherwise never exit.
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
  }

  /// Removes the program's folder.
  func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}

/// A C program did not build or run.
struct CProgramError: Error, CustomStringConvertible {
  let message: String
  var description: String { "c program: \(message)" }
}
