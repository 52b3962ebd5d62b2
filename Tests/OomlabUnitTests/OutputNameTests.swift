import Testing

@testable import OomlabKit

/// Default output names keep to the current folder, whatever the name they are made from.
struct OutputNameTests {
  @Test func onlyLettersDigitsUnderscoreAndHyphenSurvive() {
    #expect(OutputName.safe("steady-leak_2") == "steady-leak_2")
    #expect(OutputName.safe("/tmp/review-sup") == "_tmp_review-sup")
    #expect(OutputName.safe("..") == "__")
    #expect(OutputName.safe("a b\u{1B}é") == "a_b__")
  }
}
