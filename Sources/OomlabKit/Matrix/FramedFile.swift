import Foundation

/// One file a pod printed framed: which cell it belongs to, its name and its bytes.
public struct FramedFile: Equatable, Sendable {
  /// The cell's index in the whole matrix.
  public let index: Int
  /// The matrix's number of cells.
  public let count: Int
  /// The file's name in the cell's folder.
  public let name: String
  /// The file's bytes.
  public let contents: Data

  /// Whether `name` names a file in a folder and nothing else: not empty, no `/`, not `.` or `..`, no NUL.
  static func isPlainName(_ name: String) -> Bool {
    !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
  }
}
