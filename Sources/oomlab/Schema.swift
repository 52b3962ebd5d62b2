import ArgumentParser
import OomlabKit

struct Schema: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the scenario language as a JSON Schema (draft 2020-12), for editors.",
    discussion: """
      Generated from the declarations the parser reads by, so it says what this oomlab accepts. Save it and \
      name it in a scenario's first line for yaml-language-server (VS Code's YAML extension, Neovim, Helix, ...): \
      oomlab schema > oomlab-scenario.schema.json, then # yaml-language-server: $schema=oomlab-scenario.schema.json. \
      Checks that depend on values (sizes within 1TiB, a free naming an earlier as:) remain `oomlab validate`'s.
      """)

  func run() throws {
    print(try ScenarioSchema.text(), terminator: "")
  }
}
