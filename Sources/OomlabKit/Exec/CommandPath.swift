import Glibc

/// Finds the program a command name stands for, the way execvp(3) searches PATH, before anything runs.
enum CommandPath {
  /// The search path execvp(3) uses when PATH is unset.
  static let defaultPath = "/bin:/usr/bin"

  /// The path of the program `name` runs: `name` itself when it holds a `/`, else the first executable
  /// regular file of that name in `path`'s folders (an empty entry is the current folder).
  static func resolve(_ name: String, path: String?) throws -> String {
    guard !name.isEmpty else { throw RunRefusal(status: .badInput, description: "exec: the command is empty") }
    if name.contains("/") {
      try check(name, as: name)
      return name
    }
    let folders = (path ?? defaultPath).split(separator: ":", omittingEmptySubsequences: false)
    var refusal: RunRefusal?
    for folder in folders {
      let candidate = (folder.isEmpty ? "." : String(folder)) + "/" + name
      guard access(candidate, F_OK) == 0 else { continue }
      do {
        try check(candidate, as: name)
        return candidate
      } catch let error as RunRefusal {
        // execvp goes on past a file it cannot run, and reports it only if nothing else is found.
        refusal = refusal ?? error
      }
    }
    throw refusal
      ?? RunRefusal(
        status: .badInput, description: "exec: command not found: \"\(name)\" (searched PATH=\(path ?? defaultPath))")
  }

  /// Refuses a path that is missing, a folder, or not executable by this user.
  static func check(_ candidate: String, as name: String) throws {
    var info = stat()
    guard stat(candidate, &info) == 0 else {
      throw RunRefusal(
        status: .badInput, description: "exec: command not found: \"\(name)\": \(ErrnoName.explain(errno))")
    }
    guard info.st_mode & S_IFMT != S_IFDIR else {
      throw RunRefusal(status: .badInput, description: "exec: \"\(candidate)\" is a directory, not a program")
    }
    guard access(candidate, X_OK) == 0 else {
      throw RunRefusal(status: .badInput, description: "exec: \"\(candidate)\" is not executable: \(ErrnoName.explain(errno))")
    }
  }
}
