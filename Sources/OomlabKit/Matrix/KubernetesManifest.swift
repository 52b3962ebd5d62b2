import Yams

/// The Kubernetes objects that run a matrix in a cluster: a ConfigMap holding its scenario files and one
/// Indexed Job per memory limit, each pod of which runs one cell under that limit as its own.
///
/// A Job's completion index counts only its own limit's cells, so each pod runs
/// `oomlab matrix <the matrix's arguments> --cell $(JOB_COMPLETION_INDEX) --cell-limit <limit>`, and oomlab
/// finds the cell the same way on every machine (the order of `MatrixCellKey`).
package struct KubernetesManifest {
  /// What the command line says about the cluster side.
  package struct Settings: Sendable {
    /// The image holding `oomlab`.
    package var image: String
    /// The namespace of every object, nil for kubectl's current one.
    package var namespace: String?
    /// The most pods of one Job at once, nil for all of its cells.
    package var parallelism: Int?
    /// A PersistentVolumeClaim the pods write their files to; nil to print them framed to stdout.
    package var volume: String?

    /// Creates settings.
    package init(image: String, namespace: String? = nil, parallelism: Int? = nil, volume: String? = nil) {
      self.image = image
      self.namespace = namespace
      self.parallelism = parallelism
      self.volume = volume
    }
  }

  /// The image's user and group: the Containerfile creates them, and a volume is made writable to that group.
  package static let userID = 10001
  /// Where the pod works: the scenarios are mounted below it, and the results folder.
  package static let workingDirectory = "/oomlab"
  /// The pod's container, which the failure policy's exit codes refer to.
  package static let containerName = "oomlab"

  /// The plan the Jobs run.
  package let plan: MatrixPlan
  /// The scenario files, as the ConfigMap's keys (file names) and their text, in the order `matrix` was given them.
  package let scenarios: [(key: String, text: String)]
  /// The matrix's options other than the scenarios, `--out` and the cell selection, as the pods repeat them.
  package let options: [String]
  /// The cluster side.
  package let settings: Settings

  /// Creates a manifest of `plan`, whose scenarios are `scenarios` and whose axes and run options `options` repeat.
  package init(plan: MatrixPlan, scenarios: [(key: String, text: String)], options: [String], settings: Settings) {
    self.plan = plan
    self.scenarios = scenarios
    self.options = options
    self.settings = settings
  }

  /// The name every object starts with.
  static let prefix = "oomlab"

  /// The label that holds `matrixID` on every object and pod, so that one matrix's pods are selected alone.
  package static let matrixLabel = "oomlab/matrix"

  /// What tells this matrix's objects from another's in one namespace: 8 hex digits of a 64-bit FNV-1a hash
  /// of the scenarios, the options and the cluster settings. A second matrix gets other names (its
  /// ConfigMap does not replace the first's under pending pods, nor its Jobs meet the first's immutable
  /// templates); the same command emitted again gets the same ones.
  package var matrixID: String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    let fields = scenarios.flatMap { [$0.key, $0.text] } + ["--"] + options
      + ["--", settings.image, settings.namespace ?? "", settings.parallelism.map { "\($0)" } ?? "", settings.volume ?? ""]
    for field in fields {
      // Each field ends with a 0 byte, which no field holds, so that ("ab", "c") and ("a", "bc") differ.
      for byte in Array(field.utf8) + [0] {
        hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
      }
    }
    let hex = String(hash & 0xffff_ffff, radix: 16)
    return String(repeating: "0", count: 8 - hex.count) + hex
  }

  /// A limit in Kubernetes' spelling: `64Mi`, `1Gi`, or plain bytes when no binary unit divides it.
  package static func quantity(_ bytes: UInt64) -> String {
    for (suffix, shift) in [("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10)] where bytes > 0 && bytes % (1 << shift) == 0 {
      return "\(bytes >> shift)\(suffix)"
    }
    return "\(bytes)"
  }

  /// The Job of one limit: `oomlab-1a2b3c4d-cells-64mi`, `oomlab-1a2b3c4d-cells-nolimit`.
  package func jobName(limit: UInt64?) -> String {
    "\(Self.prefix)-\(matrixID)-cells-" + (limit.map { Self.quantity($0).lowercased() } ?? "nolimit")
  }

  /// The ConfigMap of the scenario files: `oomlab-1a2b3c4d-scenarios`.
  package var configMapName: String { "\(Self.prefix)-\(matrixID)-scenarios" }

  /// The `--cell-limit` value that selects a limit's cells.
  package static func cellLimit(_ limit: UInt64?) -> String { limit.map(ByteSize.compact) ?? "none" }

  /// The command line a pod of the Job of `limit` runs, `$(JOB_COMPLETION_INDEX)` left for Kubernetes to expand.
  package func arguments(limit: UInt64?) -> [String] {
    var words = ["matrix"] + scenarios.map { "scenarios/" + $0.key } + options
    words += ["--enforce", "auto", "--cell", "$(JOB_COMPLETION_INDEX)", "--cell-limit", Self.cellLimit(limit)]
    if settings.volume != nil {
      // Each pod its own folder on the shared volume, so two cells' summary.csv never meet.
      words += ["--out", "results/\(jobName(limit: limit))/$(JOB_COMPLETION_INDEX)"]
    } else {
      words += ["--out", "results", "--framed"]
    }
    return words
  }

  /// The manifest as YAML documents: the ConfigMap, then the Jobs in the order of their limits.
  package func yaml() throws -> String {
    var documents = [configMap()]
    for limit in plan.limits { documents.append(job(limit: limit)) }
    return try Yams.serialize(nodes: documents, explicitStart: true)
  }

  /// The labels of every object and pod: oomlab's, and the matrix's own.
  var commonLabels: [(String, Node)] { [("app.kubernetes.io/name", .str(Self.prefix)), (Self.matrixLabel, .str(matrixID))] }

  /// Object metadata: the name, the namespace when given, oomlab's and the matrix's labels and `extra` labels.
  func metadata(_ name: String, labels extra: [(String, Node)] = [], annotations: [(String, Node)] = []) -> Node {
    var pairs: [(String, Node)] = [("name", .str(name))]
    if let namespace = settings.namespace { pairs.append(("namespace", .str(namespace))) }
    pairs.append(("labels", .map(commonLabels + extra)))
    if !annotations.isEmpty { pairs.append(("annotations", .map(annotations))) }
    return .map(pairs)
  }

  func configMap() -> Node {
    .map([
      ("apiVersion", .str("v1")), ("kind", .str("ConfigMap")), ("metadata", metadata(configMapName)),
      ("data", .map(scenarios.map { ($0.key, .str($0.text)) })),
    ])
  }

  func job(limit: UInt64?) -> Node {
    let indices = plan.indices(limit: limit)
    let name = jobName(limit: limit)
    let labels: [(String, Node)] = [("oomlab/limit", .str(Self.cellLimit(limit)))]
    // Which cells of the whole matrix the Job's indices are, for a person reading `kubectl describe`.
    let annotations: [(String, Node)] = [
      ("oomlab/cells", .str(indices.map(String.init).joined(separator: ","))),
      ("oomlab/matrix-cells", .str("\(plan.cells.count)")),
    ]
    var resources: [(String, Node)] = []
    if let limit {
      // Requests equal to limits: the scheduler places the pod only where the whole limit fits.
      let memory = Node.map([("memory", .str(Self.quantity(limit)))])
      resources = [("limits", memory), ("requests", memory)]
    }
    var container: [(String, Node)] = [
      ("name", .str(Self.containerName)), ("image", .str(settings.image)), ("workingDir", .str(Self.workingDirectory)),
      ("command", .seq([.str("oomlab")])), ("args", .seq(arguments(limit: limit).map(Node.str))),
    ]
    if !resources.isEmpty { container.append(("resources", .map(resources))) }
    container += [
      (
        "volumeMounts",
        .seq([
          .map([("name", .str("scenarios")), ("mountPath", .str("\(Self.workingDirectory)/scenarios")), ("readOnly", .bool(true))]),
          .map([("name", .str("results")), ("mountPath", .str("\(Self.workingDirectory)/results"))]),
        ])
      ),
      (
        "securityContext",
        .map([
          ("allowPrivilegeEscalation", .bool(false)), ("capabilities", .map([("drop", .seq([.str("ALL")]))])),
        ])
      ),
    ]
    let results: Node =
      settings.volume.map { .map([("name", .str("results")), ("persistentVolumeClaim", .map([("claimName", .str($0))]))]) }
      ?? .map([("name", .str("results")), ("emptyDir", .map([]))])
    let podSpec: Node = .map([
      ("restartPolicy", .str("Never")),
      (
        "securityContext",
        .map([
          ("runAsNonRoot", .bool(true)), ("runAsUser", .int(Self.userID)), ("runAsGroup", .int(Self.userID)),
          ("fsGroup", .int(Self.userID)),
        ])
      ),
      ("containers", .seq([.map(container)])),
      (
        "volumes",
        .seq([.map([("name", .str("scenarios")), ("configMap", .map([("name", .str(configMapName))]))]), results])
      ),
    ])
    return .map([
      ("apiVersion", .str("batch/v1")), ("kind", .str("Job")),
      ("metadata", metadata(name, labels: labels, annotations: annotations)),
      (
        "spec",
        .map([
          ("completionMode", .str("Indexed")), ("completions", .int(indices.count)),
          ("parallelism", .int(min(settings.parallelism ?? indices.count, indices.count))),
          // One retry per cell, for what a node did (exit status 3 and the like); verdicts are not retried.
          ("backoffLimitPerIndex", .int(1)), ("backoffLimit", .int(indices.count)),
          ("podFailurePolicy", .map([("rules", .seq(Self.failureRules))])),
          (
            "template",
            .map([("metadata", .map([("labels", .map(commonLabels + labels))])), ("spec", podSpec)])
          ),
        ])
      ),
    ])
  }

  /// What a failed pod means; Kubernetes applies the first rule that matches, so the order matters. A
  /// disruption (eviction, preemption) comes first and is retried without counting, whatever the exit code
  /// it left (an evicted pod's SIGKILL is 137 too). Then by oomlab's exit status: bad usage (2) fails the
  /// Job, as every cell would fail alike; a cell that ran and did not match its expectation (1), or whose
  /// container the kernel OOM-killed with the supervisor in it (137, SIGKILL), has its result: the index
  /// fails without a retry, which would only repeat it. The rest (3, the environment) counts against the
  /// index's one retry.
  static var failureRules: [Node] {
    [
      .map([("action", .str("Ignore")), ("onPodConditions", .seq([.map([("type", .str("DisruptionTarget")), ("status", .str("True"))])]))]),
      .map([("action", .str("FailJob")), ("onExitCodes", exitCodes([2]))]),
      .map([("action", .str("FailIndex")), ("onExitCodes", exitCodes([1, 137]))]),
    ]
  }

  static func exitCodes(_ codes: [Int]) -> Node {
    .map([("containerName", .str(containerName)), ("operator", .str("In")), ("values", .seq(codes.map(Node.int)))])
  }
}

extension Node {
  /// A string scalar, quoted where a reader would otherwise take it for another type (`6`, `true`, `null`).
  fileprivate static func str(_ text: String) -> Node {
    Resolver.default.resolveTag(of: Node(text)) == .str ? Node(text, Tag(.str)) : Node(text, Tag(.str), .doubleQuoted)
  }
  /// An integer scalar.
  fileprivate static func int(_ value: Int) -> Node { Node("\(value)", Tag(.int)) }
  /// A boolean scalar.
  fileprivate static func bool(_ value: Bool) -> Node { Node(value ? "true" : "false", Tag(.bool)) }
  /// A mapping with string keys, in the order given.
  fileprivate static func map(_ pairs: [(String, Node)]) -> Node { Node(pairs.map { (Node.str($0.0), $0.1) }) }
  /// A sequence.
  fileprivate static func seq(_ nodes: [Node]) -> Node { Node(nodes) }
}
