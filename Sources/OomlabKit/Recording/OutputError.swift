import Glibc

/// Why an output path cannot be written safely, found before anything runs.
package enum OutputError: Error, Equatable, CustomStringConvertible {
  /// The path is the empty string.
  case empty(flag: String)
  /// The path names a directory.
  case directory(flag: String, path: String)
  /// The path is a symbolic link, which outputs never follow.
  case symbolicLink(flag: String, path: String)
  /// The path is a FIFO that no process has open for reading, so writing to it would block.
  case noReader(flag: String, path: String)
  /// The path names a kind of file this output cannot be written to, such as a block device.
  case unsupported(flag: String, path: String, kind: String)
  /// The output is the same file as one of the run's inputs, which it would overwrite.
  case sameAsInput(flag: String, path: String, input: String, inputPath: String)
  /// Two outputs are the same file, so one would overwrite the other.
  case sameAsOutput(flag: String, path: String, otherFlag: String, otherPath: String)
  /// Opening or creating the file failed with an errno.
  case unwritable(flag: String, path: String, errno: Int32)
  /// Every numbered variant of a generated name is taken.
  case noFreeName(flag: String, path: String)

  package var description: String {
    switch self {
    case .empty(let flag): return "\(flag) is empty: name a file, or - for standard output"
    case .directory(let flag, let path): return "\(flag) \"\(path)\" is a directory: name a file in it"
    case .symbolicLink(let flag, let path):
      return "\(flag) \"\(path)\" is a symbolic link; outputs never follow links: name the file itself"
    case .noReader(let flag, let path):
      return "\(flag): no reader on FIFO \"\(path)\"; start the reader first (like cat \(path))"
    case .unsupported(let flag, let path, let kind):
      return "\(flag) \"\(path)\" is not a regular file (it is \(kind))"
        + (flag == "--summary" ? "; the summary replaces its file whole" : "")
    case .sameAsInput(let flag, let path, let input, let inputPath):
      return "\(flag) \"\(path)\" is the same file as \(input) \"\(inputPath)\", which it would overwrite"
    case .sameAsOutput(let flag, let path, let otherFlag, let otherPath):
      return path == "-"
        ? "\(flag) \"-\" is the same file as \(otherFlag) \"-\" (standard output): send one of them to a file"
        : "\(flag) \"\(path)\" is the same file as \(otherFlag) \"\(otherPath)\", which it would overwrite"
    case .unwritable(let flag, let path, let code):
      return "\(flag) \"\(path)\": cannot write there: \(ErrnoName.explain(code))"
    case .noFreeName(let flag, let path): return "\(flag): \"\(path)\" and its numbered variants are all taken"
    }
  }

  /// Bad usage, except a machine out of space, memory or descriptors.
  package var status: ExitStatus {
    if case .unwritable(_, _, let code) = self, [ENOSPC, EDQUOT, EIO, EMFILE, ENFILE, ENOMEM].contains(code) {
      return .environment
    }
    return .badInput
  }
}
