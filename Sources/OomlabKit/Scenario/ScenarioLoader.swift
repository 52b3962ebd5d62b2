/// Reads scenario files from disk; the parsing itself is `ScenarioParser`'s.
public enum ScenarioLoader {
  /// Loads and validates the scenario at `path`.
  public static func load(_ path: String) throws -> Scenario {
    let text: String
    do {
      text = try FileIO.read(path)
    } catch let error as SystemError {
      throw ScenarioError(file: path, line: 0, column: 0, field: "", problem: "cannot read the file: \(error)")
    }
    return try ScenarioParser.parse(yaml: text, file: path)
  }
}
