import ArgumentParser
import OomlabKit

struct Plot: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw a run's CSV or a matrix folder as a PNG or SVG chart, with matplotlib.",
    discussion: """
      Charts: timeline (a CSV's default): RSS and its parts beside the worker's live bytes and heap, with the \
      limit and heap limit, the steps and the outcome; allocator: allocated, active, resident and retained bytes \
      and the fragmentation ratio; processes: one line per process and its badness, the victim marked; matrix \
      (a folder's default): each cell over time with its outcome, and peak and final RSS against live bytes. \
      The run's JSON summary is read from beside the CSV (NAME.json) when present. Needs python3 with \
      matplotlib \(Plotter.minimumMatplotlib) or later (OOMLAB_PYTHON names the interpreter). Exit status: 0 \
      drawn, 2 bad input (nothing written), 3 no matplotlib or the drawing failed.
      """)

  @Argument(help: "A run's CSV, or a folder written by `oomlab matrix --out`.")
  var input: String

  @Option(name: [.short, .customLong("output")], help: "The image to write, FILE.png or FILE.svg (default: beside the CSV as NAME-KIND.png, or KIND.png in the matrix folder).")
  var output: String?

  @Option(help: "The chart to draw (default: timeline for a CSV, matrix for a folder).")
  var kind: PlotKind?

  @Option(help: "The run's JSON summary, when it is not the CSV's name with .json.")
  var summary: String?

  @Option(help: "The image's size in pixels, WIDTHxHEIGHT (SVG: 100 pixels per inch).")
  var size: String = "\(PlotSize.standard.width)x\(PlotSize.standard.height)"

  func validate() throws {
    guard PlotSize.parse(size) != nil else {
      throw ValidationError(
        "--size expects WIDTHxHEIGHT in pixels, each \(PlotSize.bounds.lowerBound)...\(PlotSize.bounds.upperBound), like 1400x900, got \"\(size)\"")
    }
  }

  func run() throws {
    let request = PlotRequest(input: input, summary: summary, kind: kind, output: output, size: PlotSize.parse(size)!)
    do {
      print(try Plotter().plot(request))
    } catch let error as PlotError {
      printError(error.description)
      throw ExitCode(error.status.rawValue)
    } catch let error as OutputError {
      printError(error.description)
      throw ExitCode(error.status.rawValue)
    } catch let error as SystemError {
      printError(error.description)
      throw ExitCode(ExitStatus.environment.rawValue)
    }
  }
}

extension PlotKind: ExpressibleByArgument {}
