import ArgumentParser
import OomlabKit

struct Columns: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the CSV columns with their units and sources, as a Markdown table.")

  func run() throws {
    print("| column | unit | source | meaning |")
    print("|---|---|---|---|")
    for column in CSVSchema.columns {
      print("| `\(column.name)` | \(column.unit) | \(column.source) | \(column.meaning) |")
    }
  }
}
