/// The part of a default output name that comes from text oomlab does not choose: a scenario's name, a
/// command, a process's comm (which the process sets, and may hold `/` or `..`).
package enum OutputName {
  /// `text` with every character but A-Z, a-z, 0-9, `_` and `-` replaced by `_`, so that it names a file in
  /// the current folder and nowhere else.
  package static func safe(_ text: String) -> String {
    String(
      String.UnicodeScalarView(
        text.unicodeScalars.map { scalar in
          switch scalar {
          case "A"..."Z", "a"..."z", "0"..."9", "_", "-": return scalar
          default: return "_"
          }
        }))
  }
}
