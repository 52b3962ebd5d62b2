/// Why `oomlab list` has no folder of scenarios to list, each saying what was looked for.
package enum ScenarioFolderError: Error, Equatable, StatusReporting {
  /// No `Scenarios` folder where `list` was run without naming one.
  case noDefaultFolder(name: String, directory: String)
  /// The folder named does not exist.
  case missing(path: String)
  /// The path names a file, such as one scenario, not a folder.
  case notAFolder(path: String)
  /// The folder cannot be opened or read.
  case unreadable(path: String, errno: Int32)
  /// The folder holds no scenario files.
  case empty(path: String)

  /// The file name endings a scenario file has, as `list` looks for them.
  static var patterns: String { ScenarioFolder.extensions.map { "*.\($0)" }.joined(separator: " and ") }

  package var description: String {
    switch self {
    case .noDefaultFolder(let name, let directory):
      return "no folder \"\(name)\" in \(directory): without an argument `oomlab list` lists ./\(name), the "
        + "repository's shipped scenarios; name a folder of scenario files (\(Self.patterns)) instead: oomlab list DIR"
    case .missing(let path):
      return "\"\(path)\" does not exist: expected a folder of scenario files (\(Self.patterns))"
    case .notAFolder(let path):
      return "\"\(path)\" is a file, not a folder: `oomlab list` lists the scenario files (\(Self.patterns)) of a "
        + "folder; `oomlab validate \(path)` checks one file"
    case .unreadable(let path, let code):
      return "cannot read the folder \"\(path)\": \(ErrnoName.explain(code))"
    case .empty(let path):
      return "no scenario files in \"\(path)\": looked for \(Self.patterns) files there (not in subfolders)"
    }
  }

  /// Each is a command line naming the wrong place.
  package var status: ExitStatus { .badInput }
}
