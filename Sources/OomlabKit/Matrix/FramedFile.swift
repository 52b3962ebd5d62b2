import Foundation

/// One file a pod printed framed: which cell it belongs to, its name and its bytes.
package struct FramedFile: Equatable, Sendable {
  /// The cell's index in the whole matrix.
  package let index: Int
  /// The matrix's number of cells.
  package let count: Int
  /// The file's name in the cell's folder.
  package let name: String
  /// The file's bytes.
  package let contents: Data

  /// Whether `name` names a file in a folder and nothing else: not empty, no `/`, not `.` or `..`, no NUL.
  static func isPlainName(_ name: String) -> Bool {
    !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
  }
}
