import Testing

@testable import OomlabKit

@Suite struct StringCountTests {
  @Test func theNounIsPluralUnlessTheCountIsOne() {
    #expect(String(count: 0, "collection") == "0 collections")
    #expect(String(count: 1, "collection") == "1 collection")
    #expect(String(count: UInt64(2), "collection") == "2 collections")
    #expect(String(count: 1, "process", plural: "processes") == "1 process")
    #expect(String(count: 3, "process", plural: "processes") == "3 processes")
  }
}
