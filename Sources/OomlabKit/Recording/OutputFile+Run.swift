import Glibc

extension OutputFile {
  /// Checks a run's outputs against its inputs and each other, tries the summary's folder and opens the CSV,
  /// all before anything runs; a refusal leaves no file behind.
  package static func openRunOutputs(
    csv: String, csvIsGenerated: Bool, summary: String?, inputs: [(name: String, path: String)]
  ) throws -> CSVWriter {
    var outputs = [(flag: "--csv", path: csv)]
    if let summary { outputs.append((flag: "--summary", path: summary)) }
    for output in outputs where output.path.isEmpty { throw OutputError.empty(flag: output.flag) }
    let inputs = inputs.map { (name: $0.name, path: $0.path, identity: FileIdentity.input($0.path)) }
    // A generated CSV name is chosen only when created, so until then the summary is checked alone.
    let named = (csvIsGenerated ? Array(outputs.dropFirst()) : outputs).map {
      (flag: $0.flag, path: $0.path, identity: FileIdentity.output($0.path))
    }
    if let clash = clash(named, inputs: inputs) { throw clash }
    if let summary { try checkReplaceable(summary, flag: "--summary") }
    let file = csvIsGenerated ? try create(csv, flag: "--csv") : try open(csv, flag: "--csv")
    // Once more with the file actually opened, whatever happened to the paths in between.
    var opened = [(flag: "--csv", path: file.path, identity: file.identity ?? FileIdentity.output(file.path))]
    if let summary { opened.append((flag: "--summary", path: summary, identity: FileIdentity.output(summary))) }
    if let clash = clash(opened, inputs: inputs) { throw clash }
    return CSVWriter(file)
  }

  /// The first output that is the same file as an input or as an earlier output, as a refusal.
  static func clash(
    _ outputs: [(flag: String, path: String, identity: FileIdentity)],
    inputs: [(name: String, path: String, identity: FileIdentity)]
  ) -> OutputError? {
    for (index, output) in outputs.enumerated() {
      if let input = inputs.first(where: { $0.identity == output.identity }) {
        return .sameAsInput(flag: output.flag, path: output.path, input: input.name, inputPath: input.path)
      }
      if let other = outputs[..<index].first(where: { $0.identity == output.identity }) {
        return .sameAsOutput(flag: output.flag, path: output.path, otherFlag: other.flag, otherPath: other.path)
      }
    }
    return nil
  }

  /// Refuses a path `replace` could not write after the run: not absent or a regular file, or in a folder
  /// where no file can be created.
  static func checkReplaceable(_ path: String, flag: String) throws {
    guard !path.isEmpty else { throw OutputError.empty(flag: flag) }
    if path == "-" { return }
    if path.hasSuffix("/") { throw OutputError.directory(flag: flag, path: path) }
    switch FileKind.at(path) {
    case nil, .regular?: break
    case .symbolicLink?: throw OutputError.symbolicLink(flag: flag, path: path)
    case .directory?: throw OutputError.directory(flag: flag, path: path)
    case let kind?: throw OutputError.unsupported(flag: flag, path: path, kind: kind.description)
    }
    // The creation the summary needs after the run, tried now: a missing or read-only folder fails here.
    do {
      let (descriptor, temporary) = try createTemporary(beside: path)
      close(descriptor)
      unlink(temporary)
    } catch let error as SystemError {
      throw OutputError.unwritable(flag: flag, path: path, errno: error.errno)
    }
  }

  /// Replaces `path` whole with `bytes` through a new temporary beside it and rename(2), so a reader sees the old
  /// file or the new one; refuses a symbolic link at `path` and removes the temporary on every failure.
  package static func replace(_ path: String, with bytes: [UInt8], flag: String) throws {
    if FileKind.at(path) == .symbolicLink { throw OutputError.symbolicLink(flag: flag, path: path) }
    let (descriptor, temporary) = try createTemporary(beside: path)
    var renamed = false
    defer { if !renamed { unlink(temporary) } }
    let written = FileIO.writeAll(descriptor, bytes)
    let closed: Int32? = close(descriptor) == 0 ? nil : errno
    if let code = written.errno ?? closed { throw SystemError.file("write", temporary, code) }
    guard rename(temporary, path) == 0 else { throw SystemError.file("rename a temporary to", path, errno) }
    renamed = true
  }

  /// Creates a new file under a random name in the folder of `path`, the way mkstemp(3) does, with mode 0644
  /// less the umask: O_EXCL refuses any existing name, a planted symbolic link included.
  static func createTemporary(beside path: String) throws -> (descriptor: Int32, path: String) {
    let folder = FileIdentity.split(path).folder
    for _ in 0..<100 {
      let suffix = String(UInt64.random(in: .min ... .max), radix: 16)
      let name = folder + "/.oomlab-" + String(repeating: "0", count: 16 - suffix.count) + suffix + ".tmp"
      let descriptor = Glibc.open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
      if descriptor >= 0 { return (descriptor, name) }
      if errno != EEXIST && errno != EINTR { throw SystemError.file("create a file in", folder, errno) }
    }
    throw SystemError.file("create a file in", folder, EEXIST)
  }
}
