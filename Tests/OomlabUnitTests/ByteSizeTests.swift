import Testing

@testable import OomlabKit
import OomlabTestSupport

@Suite struct ByteSizeTests {
  static let valid: [(String, UInt64)] = [
      ("4096", 4096),
      ("1", 1),
      ("100B", 100),
      ("4KiB", 4096),
      ("4KB", 4000),
      ("10MiB", 10 << 20),
      ("10MB", 10_000_000),
      ("2GiB", 2 << 30),
      ("2GB", 2_000_000_000),
      ("1TiB", 1 << 40),
      ("1TB", 1_000_000_000_000),
      ("1.5GiB", 3 << 29),
      ("1.5 GiB", 3 << 29),
      ("0.5KiB", 512),
      (".5KiB", 512),
      ("2.5MB", 2_500_000),
      ("1.3MiB", 1_363_149),  // 1363148.8 rounds to the nearest byte
      (" 7 MB ", 7_000_000),
      ("\t64 KiB\t", 64 << 10),
      ("007KiB", 7 << 10),
      ("9223372036854775807", UInt64(Int64.max)),
      ("8388607TiB", 8_388_607 << 40),
      // Kubernetes' binary quantities, case-sensitive as in Kubernetes.
      ("512Ki", 512 << 10),
      ("512Mi", 512 << 20),
      ("2Gi", 2 << 30),
      ("1Ti", 1 << 40),
      ("1.5Gi", 3 << 29),
      ("256 Mi", 256 << 20),
      // Docker's one-letter units: binary, either case.
      ("512m", 512 << 20),
      ("512M", 512 << 20),
      ("2g", 2 << 30),
      ("2G", 2 << 30),
      ("64k", 64 << 10),
      ("10K", 10 << 10),
      ("1t", 1 << 40),
      ("1T", 1 << 40),
      ("0.5g", 1 << 29),
      ("100b", 100),
  ]

  @Test("parses sizes into bytes", arguments: valid)
  func parses(_ text: String, _ bytes: UInt64) {
    #expect(ByteSize.parse(text) == .success(bytes))
  }

  static let invalid: [(String, ByteSize.Problem)] = [
      ("", .malformed),
      ("   ", .malformed),
      ("MiB", .malformed),
      ("B", .malformed),
      ("10 megs", .malformed),
      ("10mib", .malformed),
      ("10kb", .malformed),
      ("10mi", .malformed),  // Kubernetes' units are case-sensitive
      ("10MI", .malformed),
      ("10gB", .malformed),
      ("10Mb", .malformed),
      ("1.5b", .malformed),
      ("m", .malformed),
      ("Gi", .malformed),
      ("-512Mi", .negative),
      ("0m", .zero),
      ("8388608Ti", .overflow),
      ("8388608t", .overflow),
      ("10XB", .malformed),
      ("1e3", .malformed),
      ("1 0MiB", .malformed),
      ("1.2.3KiB", .malformed),
      (".", .malformed),
      (".KiB", .malformed),
      ("+5MiB", .malformed),
      ("0x10", .malformed),
      ("ten", .malformed),
      ("1.5", .malformed),  // a bare number is bytes, and there is no half byte
      ("1.5B", .malformed),
      ("-1MiB", .negative),
      ("-0", .negative),
      (" -4096", .negative),
      ("0", .zero),
      ("0KiB", .zero),
      ("0.0GiB", .zero),
      ("0.0001KiB", .zero),  // 0.1 byte rounds to nothing
      ("99999999TiB", .overflow),
      ("8388608TiB", .overflow),  // exactly 2^63
      ("9223372036854775808", .overflow),  // Int64.max + 1
      ("18446744073709551616", .overflow),  // UInt64.max + 1
      ("99999999999999999999999", .overflow),
      ("8388607.99TiB", .overflow),
      ("20000000000GB", .overflow),
  ]

  @Test("refuses bad sizes with the right problem", arguments: invalid)
  func refuses(_ text: String, _ problem: ByteSize.Problem) {
    #expect(ByteSize.parse(text) == .failure(problem))
  }

  @Test func zeroIsAllowedOnlyWhenAsked() {
    #expect(ByteSize.parse("0") == .failure(.zero))
    #expect(ByteSize.parse("0", allowZero: true) == .success(0))
    #expect(ByteSize.parse("0KiB", allowZero: true) == .success(0))
    #expect(ByteSize.parse("-0", allowZero: true) == .failure(.negative))
  }

  @Test func binaryAndDecimalUnitsDiffer() throws {
    let kib = try ByteSize.parse("1KiB").get()
    let kb = try ByteSize.parse("1KB").get()
    #expect(kib == 1024)
    #expect(kb == 1000)
    #expect(try ByteSize.parse("1GiB").get() - ByteSize.parse("1GB").get() == 73_741_824)
  }

  @Test func everySpellingOfOneSizeIsTheSameSize() throws {
    for text in ["512MiB", "512Mi", "512m", "512M", "536870912", "0.5GiB", "0.5Gi", "0.5g"] {
      #expect(try ByteSize.parse(text).get() == 512 << 20, "\(text)")
    }
  }

  @Test func theErrorPhraseListsEveryFamilyOfSpelling() {
    for example in ["512MiB", "512Mi", "512m", "4KB", "4096"] {
      #expect(ByteSize.spellings.contains(example))
      #expect((try? ByteSize.parse(example).get()) != nil, "the message offers \(example), which must parse")
    }
  }

  static let compacted: [(UInt64, String)] = [
      (1, "1B"),
      (1000, "1000B"),
      (1024, "1KiB"),
      (256 << 20, "256MiB"),
      (3 << 29, "1536MiB"),
      (2 << 30, "2GiB"),
      (1 << 40, "1TiB"),
      ((1 << 30) + 1, "1073741825B"),
  ]

  @Test("writes a size exactly in one spelling", arguments: compacted)
  func compacts(_ bytes: UInt64, _ text: String) throws {
    #expect(ByteSize.compact(bytes) == text)
    #expect(try ByteSize.parse(text).get() == bytes)
  }

  static let formatted: [(UInt64, String)] = [
      (0, "0 B"),
      (1, "1 B"),
      (1023, "1023 B"),
      (1024, "1.0 KiB"),
      (1536, "1.5 KiB"),
      (10 << 20, "10.0 MiB"),
      (1 << 30, "1.0 GiB"),
      (3 << 29, "1.5 GiB"),
      (1 << 40, "1.0 TiB"),
      (5 << 40, "5.0 TiB"),
  ]

  @Test("formats bytes with the largest binary unit", arguments: formatted)
  func formats(_ bytes: UInt64, _ text: String) {
    #expect(ByteSize.format(bytes) == text)
  }

  @Test func formattedSizesParseBack() throws {
    for bytes: UInt64 in [1024, 1536, 10 << 20, 3 << 29, 1 << 40] {
      #expect(try ByteSize.parse(ByteSize.format(bytes)).get() == bytes)
    }
  }
}
