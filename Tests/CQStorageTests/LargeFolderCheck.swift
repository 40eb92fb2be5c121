import Foundation
import Testing

@testable import CQStorage

/// An opt-in check of a large data folder against an independent reader.
///
/// Set `CQ_VERIFY_FOLDER` to a folder (for example one from `cq simulate --scale 500`) and
/// `CQ_VERIFY_POSTS_TEXT` to the line Python's `csv` module gives for it:
///
/// ```python
/// cu = cc = 0
/// for row in csv.reader(open("posts.csv", newline="", encoding="utf-8")):  # header skipped
///     cu = zlib.crc32(row[url].encode() + b"\n", cu)
///     cc = zlib.crc32(row[caption].encode() + b"\n", cc)
/// print(f"{n} {cu:08x} {cc:08x}")
/// ```
///
/// The load (two chunks on two threads) must give every url and caption byte for byte, in order.
@Suite("DataLoader: large folder against Python's csv", .serialized)
struct LargeFolderCheck {
  static let environment = ProcessInfo.processInfo.environment

  static let crcTable: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
    return c
  }

  /// CRC-32 (IEEE, as zlib) of `bytes`, continuing from `crc`.
  static func crc32(_ crc: UInt32, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
    var c = ~crc
    crcTable.withUnsafeBufferPointer { table in
      for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    }
    return ~c
  }

  static func digest(_ column: TextColumn) throws -> UInt32 {
    var crc: UInt32 = 0
    let newline: [UInt8] = [0x0A]
    let step = 65_536
    for start in stride(from: 0, to: column.count, by: step) {
      for s in try column.strings(start..<(start + step)) {
        var s = s
        s.withUTF8 { crc = crc32(crc, $0) }
        newline.withUnsafeBufferPointer { crc = crc32(crc, $0) }
      }
    }
    return crc
  }

  @Test(.enabled(if: environment["CQ_VERIFY_FOLDER"] != nil))
  func postsTextMatchesPython() throws {
    let folder = try #require(Self.environment["CQ_VERIFY_FOLDER"])
    let expected = try #require(Self.environment["CQ_VERIFY_POSTS_TEXT"])
    let data = try DataLoader.load(folder: folder)
    guard case .text(let url) = data.posts.columns["url"],
      case .text(let caption) = data.posts.columns["caption"]
    else {
      Issue.record("posts has no text columns")
      return
    }
    let got = String(
      format: "%d %08x %08x", data.posts.rowCount, try Self.digest(url), try Self.digest(caption))
    #expect(got == expected)
  }
}
