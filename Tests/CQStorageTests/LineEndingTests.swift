import Foundation
import Testing

@testable import CQStorage

/// Records may end in LF, CRLF or a bare CR, and all three load the same rows.
///
/// A bare CR is classic Mac, Excel's "CSV (Macintosh)". Data that runs into the header row is
/// never a silent empty table.
@Suite("DataLoader: line endings")
struct LineEndingTests {
  /// The `valid` fixture with every LF of every file replaced by `ending` (quoted line breaks
  /// inside captions too, as a Mac export writes them).
  static func convertedFolder(_ ending: String, files: [String]? = nil) throws -> String {
    let folder = try Fixtures.folder(nil)
    for name in try FileManager.default.contentsOfDirectory(atPath: folder)
    where name.hasSuffix(".csv") && (files?.contains(name) ?? true) {
      let url = URL(fileURLWithPath: folder).appendingPathComponent(name)
      let text = try String(contentsOf: url, encoding: .utf8)
      try text.replacingOccurrences(of: "\n", with: ending).write(
        to: url, atomically: true, encoding: .utf8)
    }
    return folder
  }

  /// Every table's rows as text (free text read back from the file), and the warnings.
  ///
  /// A quoted line break is kept as written, so CRLF inside a caption reads as LF here.
  static func contents(_ data: DataSet) -> ([String: [[String]]], [String]) {
    var tables: [String: [[String]]] = [:]
    for t in data.tables {
      tables[t.name] = ([t.columnNames] + t.rows).map { row in
        row.map { $0.replacingOccurrences(of: "\r\n", with: "\n") }
      }
    }
    return (tables, data.warnings)
  }

  @Test(arguments: ["\r", "\r\n"], [Int.max, 0])
  func everyEndingLoadsTheSameRows(_ ending: String, chunkThreshold: Int) throws {
    let lf = try Fixtures.folder(nil)
    defer { Fixtures.remove(lf) }
    let other = try Self.convertedFolder(ending)
    defer { Fixtures.remove(other) }
    let expected = Self.contents(try DataLoader.load(folder: lf, chunkThreshold: .max))
    let loaded = try DataLoader.load(folder: other, chunkThreshold: chunkThreshold)
    let actual = Self.contents(loaded)
    #expect(loaded.posts.rowCount > 0 && loaded.payouts.rowCount > 0)
    for (name, rows) in expected.0 {
      #expect(actual.0[name] == rows, "\(name)")
    }
    #expect(actual.1 == expected.1)
  }

  @Test func aBareCRFileReportsErrorsAtTheirLine() throws {
    let folder = try Self.convertedFolder("\r", files: ["payouts.csv"])
    defer { Fixtures.remove(folder) }
    let url = URL(fileURLWithPath: folder).appendingPathComponent("payouts.csv")
    var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\r")
    lines[2] = lines[2].replacingOccurrences(of: ",pending", with: ",done")
    try lines.joined(separator: "\r").write(to: url, atomically: true, encoding: .utf8)
    let error = try #require(Fixtures.loadError(folder))
    #expect(
      error.description
        == "\(folder)/payouts.csv:3: column 'status': expected one of paid, pending, found \"done\""
    )
  }

  @Test func aCachedBareCRFolderLoadsAsParsed() throws {
    let folder = try Self.convertedFolder("\r")
    defer { Fixtures.remove(folder) }
    let parsed = try DataLoader.loadReportingCache(
      folder: folder, cache: .rebuild, minimumSourceBytes: 0)
    #expect(parsed.cache.wrote)
    let cached = try DataLoader.loadReportingCache(
      folder: folder, cache: .use, minimumSourceBytes: 0)
    #expect(cached.cache.readFromCache)
    #expect(cached.data.firstDifference(from: parsed.data) == nil)
    #expect(cached.data.posts.rowCount > 0)
  }

  /// U+2028 (LINE SEPARATOR) is not a record end: the file would read as one long header and
  /// no rows, which must be an error, not an empty table.
  @Test func dataThatRanIntoTheHeaderIsAnError() throws {
    let folder = try Self.convertedFolder("\u{2028}", files: ["posts.csv"])
    defer { Fixtures.remove(folder) }
    let error = try #require(Fixtures.loadError(folder))
    #expect(error.code == .badValue)
    #expect(
      error.description
        == "\(folder)/posts.csv:1: no rows read: the header row holds a line break (U+2028), so "
        + "the data ran into it; save the file with LF or CRLF line endings")
  }

  @Test func aHeaderOnlyFileIsStillAnEmptyTable() throws {
    let folder = try Fixtures.folder(
      base: "valid",
      writing: [
        "payouts.csv": Array("influencer_id,campaign,basis,rate,orders,total_payout\r".utf8)
      ])
    defer { Fixtures.remove(folder) }
    #expect(try DataLoader.load(folder: folder).payouts.rowCount == 0)
  }
}
