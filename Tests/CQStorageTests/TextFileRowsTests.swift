import Foundation
import Testing

@testable import CQStorage

/// Free text (`posts.url`, `posts.caption`) is read back from the CSV file, not held in memory.
///
/// It is read through anchors kept while parsing. These tests check every row reads back
/// exactly, however the file was loaded, and that a changed file is an error, never wrong text.
@Suite("TextFileRows: text read back from its file")
struct TextFileRowsTests {
  /// A caption for row `r` that exercises quoting: commas, doubled quotes, a line break,
  /// non-ASCII, and an empty value.
  static func caption(_ r: Int) -> String {
    switch r % 5 {
    case 0: "Plain caption \(r)"
    case 1: "Commas, \"quotes\" and more, row \(r) 💪"
    case 2: "Two lines:\nsecond line of row \(r)"
    case 3: ""
    default: "हिन्दी कैप्शन \(r)"
    }
  }

  static func quoted(_ s: String) -> String {
    "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// A posts file of `rows` rows with CRLF endings and a BOM.
  static func postsFile(rows: Int) -> [UInt8] {
    var text = "\u{FEFF}influencer_id,platform,date,url,caption,reach,likes,comments\r\n"
    for r in 0..<rows {
      let id = r % 3 + 1
      text +=
        "\(id),Instagram,2025-06-01,https://example.com/p/\(r),\(quoted(caption(r))),\(r),1,0\r\n"
    }
    return Array(text.utf8)
  }

  static func textColumns(_ data: DataSet) throws -> (url: TextColumn, caption: TextColumn) {
    guard case .text(let url) = data.posts.columns["url"],
      case .text(let caption) = data.posts.columns["caption"]
    else { throw LoadError(code: .io, file: "posts.csv", message: "no text columns") }
    return (url, caption)
  }

  func expectAllRows(_ data: DataSet, rows: Int, sourceLocation: SourceLocation = #_sourceLocation)
    throws
  {
    let (url, caption) = try Self.textColumns(data)
    #expect(url.file != nil && caption.file != nil, "text is read from the file")
    #expect(url.bytes.isEmpty && caption.bytes.isEmpty, "no text is held in memory")
    let captions = try caption.strings(0..<rows)
    #expect(captions == (0..<rows).map(Self.caption), sourceLocation: sourceLocation)
    let urls = try url.strings(0..<rows)
    #expect(
      urls == (0..<rows).map { "https://example.com/p/\($0)" }, sourceLocation: sourceLocation)
    // Ranges that start and end inside batches, across anchors, and past the end.
    for range in [1023..<1025, 2047..<2049, 1500..<1501, (rows - 3)..<(rows + 10), 0..<0] {
      let expected = range.clamped(to: 0..<rows).map(Self.caption)
      #expect(try caption.strings(range) == expected, "\(range)", sourceLocation: sourceLocation)
    }
  }

  @Test func everyRowReadsBackWhetherParsedWholeInChunksOrFromTheCache() throws {
    let rows = 5_000
    let folder = try Fixtures.folder(writing: ["posts.csv": Self.postsFile(rows: rows)])
    defer { Fixtures.remove(folder) }
    let whole = try DataLoader.load(folder: folder, chunkThreshold: .max)
    try expectAllRows(whole, rows: rows)
    let chunked = try DataLoader.load(folder: folder, chunkThreshold: 0)
    try expectAllRows(chunked, rows: rows)
    #expect(whole.firstDifference(from: chunked) == nil)

    let written = try DataLoader.loadReportingCache(
      folder: folder, cache: .rebuild, minimumSourceBytes: 0)
    let cached = try DataLoader.loadReportingCache(
      folder: folder, cache: .use, minimumSourceBytes: 0)
    #expect(written.cache.wrote)
    #expect(cached.cache.readFromCache, "the cache was not used: \(cached.cache)")
    try expectAllRows(cached.data, rows: rows)
    #expect(cached.data.firstDifference(from: written.data) == nil)
    #expect(cached.data.firstDifference(from: whole) == nil)
  }

  @Test func aChangedFileIsAnErrorThatSaysToLoadAgain() throws {
    let folder = try Fixtures.folder(writing: ["posts.csv": Self.postsFile(rows: 10)])
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder, cache: .ignore)
    let (_, caption) = try Self.textColumns(data)
    #expect(try caption.strings(0..<2) == [Self.caption(0), Self.caption(1)])

    // Same size, new bytes and time: still refused.
    var bytes = Self.postsFile(rows: 10)
    if let i = bytes.firstIndex(of: UInt8(ascii: "P")) { bytes[i] = UInt8(ascii: "Q") }
    let path = folder + "/posts.csv"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: path)
    #expect {
      try caption.strings(0..<2)
    } throws: { error in
      let e = error as? LoadError
      return e?.code == .io && e?.description.contains("changed since it was loaded") == true
        && e?.description.contains("load the folder again") == true
    }

    try FileManager.default.removeItem(atPath: path)
    #expect(throws: LoadError.self) { try caption.strings(0..<1) }
  }

  @Test func anchorsAreCheckedBeforeACacheIsTrusted() {
    let good = TextFileRows(
      path: "p.csv", field: 1, width: 3, size: 100, modified: .init(seconds: 1, nanoseconds: 0),
      rowCount: 10, anchorRows: [0, 5], anchorOffsets: [10, 50])
    #expect(good.isConsistent)
    var bad = good
    bad.anchorRows = [0, 0]
    #expect(!bad.isConsistent)
    bad = good
    bad.anchorOffsets = [10, 500]
    #expect(!bad.isConsistent)
    bad = good
    bad.anchorRows = [1, 5]
    #expect(!bad.isConsistent)
    bad = good
    bad.field = 3
    #expect(!bad.isConsistent)
    bad = good
    bad.anchorRows = [0]
    #expect(!bad.isConsistent)
  }
}
