import Glibc

extension ExecOptions {
  /// Checks a request and opens its outputs, refusing with status 2 (bad usage) or 3 (environment)
  /// before anything runs; a refusal leaves no file behind.
  package static func resolve(_ request: ExecRequest, environment: [String: String]) throws -> ExecOptions {
    guard let name = request.command.first else {
      throw RunRefusal(status: .badInput, description: "exec: name the command to run after --, like: oomlab exec -- node app.js")
    }
    if request.expect == .allocFailure {
      throw RunRefusal(
        status: .badInput,
        description: "--expect alloc-failure is a scenario worker's; a program's failed malloc is not visible from outside")
    }
    if request.allocator?.isEmpty == true {
      throw RunRefusal(status: .badInput, description: "--allocator is empty: name glibc, jemalloc or a preloadable .so")
    }
    if request.csvPath == "-" && request.stdoutPath == nil {
      throw RunRefusal(
        status: .badInput,
        description: "--csv -: standard output is the command's; write the CSV to a file, or send the command's output elsewhere with --stdout FILE")
    }
    if request.summaryPath == "-" && request.stdoutPath == nil {
      throw RunRefusal(
        status: .badInput,
        description: "--summary -: standard output is the command's; write the summary to a file, or send the command's output elsewhere with --stdout FILE")
    }
    if request.stdoutPath == "-" {
      throw RunRefusal(status: .badInput, description: "--stdout -: the command writes to standard output without it; name a file")
    }
    let executable = try CommandPath.resolve(name, path: environment["PATH"])
    let choice = request.allocator.map(AllocatorChoice.init)
    if let conf = request.mallocConf {
      do {
        _ = try JemallocConf.parse(conf)
      } catch {
        throw RunRefusal(status: .badInput, description: "--malloc-conf: \(error)")
      }
    }
    // Every argument that names a file may be one of the command's inputs: no output may overwrite it.
    var inputs = [(name: "the command", path: executable)]
    for argument in request.command.dropFirst() {
      var info = stat()
      if stat(argument, &info) == 0 && info.st_mode & S_IFMT == S_IFREG {
        inputs.append((name: "the command's argument", path: argument))
      }
    }
    if case .library(let path)? = choice { inputs.append((name: "the allocator", path: path)) }
    let csv: CSVWriter
    var stdout: OutputFile?
    do {
      csv = try OutputFile.openRunOutputs(
        csv: request.csvPath, csvIsGenerated: request.csvPathIsGenerated, summary: request.summaryPath, inputs: inputs)
      if let path = request.stdoutPath {
        let file = try OutputFile.open(path, flag: "--stdout")
        var outputs = [(flag: "--csv", path: csv.path, identity: csv.file.identity ?? FileIdentity.output(csv.path))]
        if let summary = request.summaryPath {
          outputs.append((flag: "--summary", path: summary, identity: FileIdentity.output(summary)))
        }
        outputs.append((flag: "--stdout", path: path, identity: file.identity ?? FileIdentity.output(path)))
        let named = inputs.map { (name: $0.name, path: $0.path, identity: FileIdentity.input($0.path)) }
        if let clash = OutputFile.clash(outputs, inputs: named) { throw clash }
        stdout = file
      }
    } catch let error as OutputError {
      throw RunRefusal(status: error.status, description: error.description)
    }
    var options = ExecOptions(command: request.command, executable: executable, csv: csv)
    options.summaryPath = request.summaryPath
    options.stdout = stdout
    options.interval = request.interval ?? options.interval
    if let text = request.memoryLimit, text != "none" {
      guard case .success(let bytes) = ByteSize.parse(text) else {
        throw RunRefusal(status: .badInput, description: "--memory-limit expects a size like 256MiB or none, got \"\(text)\"")
      }
      options.limit = bytes
    }
    options.enforce = request.enforce
    options.expect = request.expect
    options.timeout = request.timeout
    options.oomScoreAdj = request.oomScoreAdj
    if request.mallocConf != nil || request.arenaMax != nil || choice != nil {
      let setup = try AllocatorSetup.make(
        choice ?? .glibc, mallocConf: request.mallocConf, arenaMax: request.arenaMax, environment: environment)
      options.allocator = choice ?? .glibc
      options.environment = setup.environment
      options.preloaded = setup.preloaded
      options.tuning = setup.tuning
      if setup.preloaded != nil && PreloadCheck.isStatic(executable) {
        throw RunRefusal(
          status: .environment,
          description: "--allocator \(choice?.description ?? "?"): \(executable) is statically linked, so no loader preloads anything into it")
      }
    }
    switch request.runtime {
    case .node: options.node = true
    case .none: options.node = false
    case .auto: options.node = CommandRuntime.isNode(executable: executable)
    }
    return options
  }
}
