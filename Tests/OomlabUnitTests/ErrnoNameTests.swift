import Glibc
import Testing

@testable import OomlabKit

/// Every errno in a message is named, so "ELOOP" can be searched for rather than "errno 40".
struct ErrnoNameTests {
  @Test(arguments: [
    (ENOEXEC, "ENOEXEC"), (ELOOP, "ELOOP"), (EMFILE, "EMFILE"), (EISDIR, "EISDIR"), (EFBIG, "EFBIG"),
    (EDQUOT, "EDQUOT"), (ENAMETOOLONG, "ENAMETOOLONG"), (EACCES, "EACCES"),
  ])
  func listedNames(_ code: Int32, _ name: String) {
    #expect(ErrnoName.of(code) == name)
  }

  @Test func glibcNamesTheRest() {
    // Not in the switch: the name comes from strerrorname_np.
    #expect(ErrnoName.of(EXDEV) == "EXDEV")
    #expect(ErrnoName.of(ETIMEDOUT) == "ETIMEDOUT")
    #expect(ErrnoName.of(100_000) == "errno 100000")
  }

  @Test func explainGivesTheTextAndTheName() {
    #expect(ErrnoName.explain(ELOOP) == "Too many levels of symbolic links (ELOOP)")
  }
}
