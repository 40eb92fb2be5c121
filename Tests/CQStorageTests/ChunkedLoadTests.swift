import Foundation
import Testing

@testable import CQStorage

/// Parsing a file as two chunks on two threads must give exactly what one sequential pass gives:
/// the same codes, dictionaries, values, warnings and errors.
@Suite("DataLoader: two-chunk parsing")
struct ChunkedLoadTests {
  static let fixtureFolders: [String] = {
    (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.root.path))?.filter {
      !$0.hasPrefix(".")
    }.sorted() ?? []
  }()

  /// Loads `folder` both ways and checks they agree.
  func expectSameLoad(_ folder: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let sequential = Result { () throws(LoadError) in
      try DataLoader.load(folder: folder, chunkThreshold: .max)
    }
    let chunked = Result { () throws(LoadError) in
      try DataLoader.load(folder: folder, chunkThreshold: 0)
    }
    switch (sequential, chunked) {
    case (.success(let a), .success(let b)):
      #expect(a.warnings == b.warnings, sourceLocation: sourceLocation)
      #expect(a.tables.count == b.tables.count, sourceLocation: sourceLocation)
      for (x, y) in zip(a.tables, b.tables) {
        #expect(x.columnNames == y.columnNames, sourceLocation: sourceLocation)
        #expect(x.rowCount == y.rowCount, "\(x.name)", sourceLocation: sourceLocation)
        #expect(x.rows == y.rows, "\(x.name)", sourceLocation: sourceLocation)
        for name in x.columnNames {
          if case .string(let codes, let dictionary) = x.columns[name],
            case .string(let codes2, let dictionary2) = y.columns[name]
          {
            #expect(codes == codes2, "\(x.name).\(name)", sourceLocation: sourceLocation)
            #expect(
              dictionary.values == dictionary2.values, "\(x.name).\(name)",
              sourceLocation: sourceLocation)
          }
        }
      }
    case (.failure(let a), .failure(let b)):
      #expect(a.description == b.description, sourceLocation: sourceLocation)
    default:
      Issue.record("sequential \(sequential) vs chunked \(chunked)", sourceLocation: sourceLocation)
    }
  }

  @Test(arguments: fixtureFolders)
  func fixtureLoadsTheSameInTwoChunks(_ fixture: String) throws {
    let folder = try Fixtures.folder(
      fixture == "valid" ? nil : fixture, base: fixture.hasPrefix("valid-") ? fixture : "valid")
    defer { Fixtures.remove(folder) }
    expectSameLoad(folder)
  }

  @Test func largeFileWithQuotedNewlinesLoadsTheSame() throws {
    let folder = try Fixtures.folder(writing: [
      "tracking_data.csv": Array(DataLoaderBatchTests.trackingRows(20_000).utf8)
    ])
    defer { Fixtures.remove(folder) }
    expectSameLoad(folder)
    let data = try DataLoader.load(folder: folder, chunkThreshold: 0)
    #expect(data.tracking.rowCount == 20_000)
  }

  @Test func errorsInEitherChunkMatchTheSequentialMessage() throws {
    for bad in [100, 19_000] {
      let folder = try Fixtures.folder(writing: [
        "tracking_data.csv": Array(DataLoaderBatchTests.trackingRows(20_000, badRow: bad).utf8)
      ])
      defer { Fixtures.remove(folder) }
      expectSameLoad(folder)
      #expect(Fixtures.loadError(folder)?.code == .badValue)
    }
  }

  @Test func strayQuotesThatFoolTheCutFallBackToOnePass() throws {
    // An unquoted caption holding a lone quote makes the quote count odd, so the boundary search
    // takes the LF inside a later quoted two-line caption for a record end.
    var text = "influencer_id,platform,date,url,caption,reach,likes,comments\n"
    for i in 0..<2_000 {
      let caption = i == 3 ? "he is 5'10\" tall" : (i == 1_500 ? "\"first\nsecond\"" : "plain \(i)")
      text += "\(i % 5 + 1),Instagram,2025-06-01,https://a/\(i),\(caption),\(i),1,2\n"
    }
    var bytes = Array(text.utf8)
    let headerEnd = try #require(bytes.firstIndex(of: UInt8(ascii: "\n"))) + 1
    let cut = try #require(
      bytes.withUnsafeMutableBufferPointer {
        TableParser.splitPoint($0.baseAddress!, headerEnd, $0.count)
      })
    #expect(
      String(decoding: bytes[(cut - 7)..<cut], as: UTF8.self) == "\"first\n", "the cut is fooled")
    let folder = try Fixtures.folder(writing: ["posts.csv": bytes])
    defer { Fixtures.remove(folder) }
    expectSameLoad(folder)
    let data = try DataLoader.load(folder: folder, chunkThreshold: 0)
    #expect(data.posts.rowCount == 2_000)
    #expect(data.posts.values("caption")[3] == "he is 5'10\" tall")
    #expect(data.posts.values("caption")[1_500] == "first\nsecond")
  }

  @Test func aCutInsideAQuotedFieldThatLooksLikeRecordsFallsBackToOnePass() throws {
    // The middle of the body is inside a quoted caption whose lines look like whole records,
    // so the quick cut takes one of its line breaks for a record end; the first chunk then
    // ends inside the quote, and the file is parsed again in one piece.
    var text = "influencer_id,platform,date,url,caption,reach,likes,comments\n"
    for i in 0..<200 {
      text += "\(i % 5 + 1),Instagram,2025-06-01,https://a/\(i),plain \(i),\(i),1,2\n"
    }
    let fake = (0..<400).map { "\($0 % 5 + 1),Instagram,2025-06-01,https://b/\($0),x,1,1,2" }
    text +=
      "3,TikTok,2025-06-02,https://c/1,\"line one\n" + fake.joined(separator: "\n") + "\",5,6,7\n"
    for i in 0..<200 {
      text += "\(i % 5 + 1),YouTube,2025-06-03,https://d/\(i),after \(i),\(i),1,2\n"
    }
    let bytes = Array(text.utf8)
    let headerEnd = try #require(bytes.firstIndex(of: UInt8(ascii: "\n"))) + 1
    let quoteStart = try #require(text.utf8.firstIndex(of: UInt8(ascii: "\"")))
    let quoteOffset = text.utf8.distance(from: text.utf8.startIndex, to: quoteStart)
    let cut = try #require(
      bytes.withUnsafeBufferPointer {
        TableParser.quickSplitPoint($0.baseAddress!, headerEnd, $0.count, width: 8)
      })
    #expect(cut > quoteOffset && cut < quoteOffset + 400 * 50, "the quick cut is fooled")
    let folder = try Fixtures.folder(writing: ["posts.csv": bytes])
    defer { Fixtures.remove(folder) }
    expectSameLoad(folder)
    let data = try DataLoader.load(folder: folder, chunkThreshold: 0)
    #expect(data.posts.rowCount == 401)
    #expect(
      data.posts.values("caption")[200].hasSuffix("\n5,Instagram,2025-06-01,https://b/399,x,1,1,2"))
    #expect(data.posts.values("platform")[400] == "YouTube")
  }

  @Test func splitPointFallsAfterARecordEndingNewline() {
    var bytes = Array("a,b\n\"x\ny\nz\nw\",1\nc,d\n".utf8)
    let cut = bytes.withUnsafeMutableBufferPointer {
      TableParser.splitPoint($0.baseAddress!, 0, $0.count)
    }
    // The middle (byte 10) is an LF inside the quoted field: the first LF after it with an even
    // number of quotes before it ends that record.
    #expect(cut == 16)
    #expect(String(decoding: bytes[16...], as: UTF8.self) == "c,d\n")
  }
}
