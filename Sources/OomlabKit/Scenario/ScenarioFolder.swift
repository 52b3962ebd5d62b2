import Glibc

/// The scenario files of one folder, as `oomlab list` shows them.
package enum ScenarioFolder {
  /// The endings of the file names taken as scenarios.
  package static let extensions = ["yaml", "yml"]

  /// The folder `list` reads when it is given none: the repository's shipped scenarios.
  package static let standard = "Scenarios"

  /// The paths of the scenario files directly in `folder`, sorted; `given` says whether the user named it.
  package static func files(in folder: String, given: Bool) throws(ScenarioFolderError) -> [String] {
    var status = stat()
    guard stat(folder, &status) == 0 else {
      let code = errno
      guard code == ENOENT else { throw .unreadable(path: folder, errno: code) }
      throw given ? .missing(path: folder) : .noDefaultFolder(name: folder, directory: currentDirectory())
    }
    guard status.st_mode & S_IFMT == S_IFDIR else { throw .notAFolder(path: folder) }
    guard let directory = opendir(folder) else { throw .unreadable(path: folder, errno: errno) }
    defer { closedir(directory) }
    var names: [String] = []
    errno = 0
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      if extensions.contains(where: { name.hasSuffix(".\($0)") }) { names.append(name) }
    }
    // readdir returns nil at the end and on failure alike; only errno tells them apart.
    if errno != 0 { throw .unreadable(path: folder, errno: errno) }
    guard !names.isEmpty else { throw .empty(path: folder) }
    let prefix = folder.hasSuffix("/") ? folder : folder + "/"
    return names.sorted().map { prefix + $0 }
  }

  /// The working directory, for saying where the standard folder was looked for.
  static func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else { return "the current directory" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
