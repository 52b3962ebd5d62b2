import Testing

@testable import OomlabKit

@Suite struct FreePatternTests {
  @Test func namesAreTheScenarioWords() {
    #expect(FreePattern.allCases.map(\.rawValue) == ["random", "every-other", "oldest", "newest"])
    #expect(FreePattern(rawValue: "every-other") == .everyOther)
    #expect(FreePattern(rawValue: "everyOther") == nil)
  }

  @Test func oldestTakesTheFirstAllocated() {
    #expect(FreePattern.oldest.select(3, of: 10, seed: 1) == [0, 1, 2])
    #expect(FreePattern.oldest.select(1, of: 1, seed: 1) == [0])
  }

  @Test func newestTakesTheLastAllocated() {
    #expect(FreePattern.newest.select(3, of: 10, seed: 1) == [7, 8, 9])
    #expect(FreePattern.newest.select(1, of: 4, seed: 1) == [3])
  }

  @Test func everyOtherTakesEvensBeforeAnyNeighbour() {
    #expect(FreePattern.everyOther.select(5, of: 10, seed: 1) == [0, 2, 4, 6, 8])
    #expect(FreePattern.everyOther.select(3, of: 10, seed: 1) == [0, 2, 4])
    #expect(FreePattern.everyOther.select(3, of: 5, seed: 1) == [0, 2, 4])
    // Past half, the odd positions follow in order.
    #expect(FreePattern.everyOther.select(7, of: 10, seed: 1) == [0, 2, 4, 6, 8, 1, 3])
    #expect(FreePattern.everyOther.select(4, of: 5, seed: 1) == [0, 2, 4, 1])
  }

  @Test func everyOtherHalfLeavesNoTwoFreedNeighbours() {
    let chosen = Set(FreePattern.everyOther.select(50, of: 100, seed: 1))
    for position in chosen { #expect(!chosen.contains(position + 1)) }
  }

  @Test(arguments: [0, 1, 7, 50, 99, 100])
  func randomIsDistinctInRangeAndCounted(_ count: Int) {
    let chosen = FreePattern.random.select(count, of: 100, seed: 42)
    #expect(chosen.count == count)
    #expect(Set(chosen).count == count)
    #expect(chosen.allSatisfy { (0..<100).contains($0) })
  }

  @Test func randomIsReproducibleWithASeed() {
    let first = FreePattern.random.select(30, of: 1000, seed: 7)
    let again = FreePattern.random.select(30, of: 1000, seed: 7)
    #expect(first == again)
  }

  @Test func differentSeedsChooseDifferently() {
    let a = FreePattern.random.select(30, of: 1000, seed: 1)
    let b = FreePattern.random.select(30, of: 1000, seed: 2)
    #expect(a != b)
  }

  @Test func randomIsNotJustTheOldest() {
    let chosen = FreePattern.random.select(10, of: 1000, seed: 42)
    #expect(chosen != Array(0..<10))
    #expect(chosen.sorted() != chosen || chosen.max()! > 9)
  }

  @Test func randomOfAllIsAPermutation() {
    let chosen = FreePattern.random.select(64, of: 64, seed: 3)
    #expect(chosen.sorted() == Array(0..<64))
  }

  @Test(arguments: FreePattern.allCases)
  func countIsClampedToTheTotal(_ pattern: FreePattern) {
    let chosen = pattern.select(20, of: 5, seed: 9)
    #expect(chosen.count == 5)
    #expect(Set(chosen) == Set(0..<5))
  }

  @Test(arguments: FreePattern.allCases)
  func nothingToChooseFromChoosesNothing(_ pattern: FreePattern) {
    #expect(pattern.select(0, of: 10, seed: 9) == [])
    #expect(pattern.select(3, of: 0, seed: 9) == [])
  }

  @Test(arguments: FreePattern.allCases)
  func everyPatternIsDeterministic(_ pattern: FreePattern) {
    #expect(pattern.select(13, of: 40, seed: 5) == pattern.select(13, of: 40, seed: 5))
  }
}
