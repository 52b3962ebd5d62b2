/// What the user asked `oomlab plot` to draw, before any of it is checked.
package struct PlotRequest: Sendable {
  /// A run's CSV or a matrix folder.
  package var input: String
  /// The run's JSON summary, when it is not the CSV's name with `.json`.
  package var summary: String?
  /// The chart; nil draws a timeline of a CSV and the matrix of a folder.
  package var kind: PlotKind?
  /// The image file, `.png` or `.svg`; nil names it after the input and the chart.
  package var output: String?
  package var size: PlotSize

  package init(
    input: String, summary: String? = nil, kind: PlotKind? = nil, output: String? = nil,
    size: PlotSize = .standard
  ) {
    self.input = input
    self.summary = summary
    self.kind = kind
    self.output = output
    self.size = size
  }
}
