import Foundation

import OomlabKit

/// The machine's transparent huge page mode: always, madvise or never.
package enum TransparentHugePages {
  package static var mode: String {
    (try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8))
      .flatMap(Doctor.bracketed) ?? "never"
  }
}
