import Foundation
import Testing

@testable import CQStorage

/// A malformed fixture and the exact message it must produce (after `FOLDER/`).
struct MalformedCase: Sendable, CustomTestStringConvertible {
  var fixture: String
  var message: String
  var code: LoadError.Code
  var removing: [String] = []
  var testDescription: String { fixture }
}

@Suite("DataLoader: rejected input")
struct DataLoaderErrorTests {
  static let cases: [MalformedCase] = [
    .init(
      fixture: "money-rupee-sign",
      message: "tracking_data.csv:3: column 'revenue': expected money, found \"₹120\"",
      code: .badValue),
    .init(
      fixture: "money-separator",
      message: "tracking_data.csv:4: column 'revenue': expected money, found \"1,299.50\"",
      code: .badValue),
    .init(
      fixture: "money-three-decimals",
      message: "tracking_data.csv:2: column 'revenue': expected money, found \"12.345\"",
      code: .badValue),
    .init(
      fixture: "negative-count",
      message: "tracking_data.csv:3: column 'orders': expected non-negative integer, found \"-2\"",
      code: .badValue),
    .init(
      fixture: "empty-number",
      message: "tracking_data.csv:3: column 'orders': expected integer, found \"\"", code: .badValue
    ),
    .init(
      fixture: "impossible-date",
      message: "tracking_data.csv:3: column 'date': expected date, found \"2025-02-29\"",
      code: .badValue),
    .init(
      fixture: "date-format",
      message: "tracking_data.csv:2: column 'date': expected date, found \"01/06/2025\"",
      code: .badValue),
    .init(
      fixture: "first-error-wins",
      message: "tracking_data.csv:3: column 'revenue': expected money, found \"12.5.0\"",
      code: .badValue),
    .init(
      fixture: "negative-money",
      message: "payouts.csv:2: column 'total_payout': expected non-negative money, found \"-1500\"",
      code: .badValue),
    .init(
      fixture: "bad-basis",
      message:
        "payouts.csv:3: column 'basis': expected one of post, order, commission, hybrid, found \"bonus\"",
      code: .badValue),
    .init(
      fixture: "bad-status",
      message: "payouts.csv:2: column 'status': expected one of paid, pending, found \"done\"",
      code: .badValue),
    .init(
      fixture: "bad-rate",
      message: "payouts.csv:2: column 'rate': expected number, found \"12.5%\"", code: .badValue),
    .init(
      fixture: "unterminated-quote", message: "posts.csv:7: column 'caption': unterminated quote",
      code: .unterminatedQuote),
    .init(
      fixture: "error-after-multiline",
      message: "posts.csv:5: column 'comments': expected integer, found \"1e3\"", code: .badValue),
    .init(
      fixture: "too-many-fields", message: "posts.csv:3: expected 8 fields, found 9",
      code: .wrongFieldCount),
    .init(
      fixture: "too-few-fields", message: "posts.csv:4: expected 8 fields, found 6",
      code: .wrongFieldCount),
    .init(
      fixture: "text-after-quote",
      message: "posts.csv:2: column 'caption': unexpected text after closing quote", code: .badValue
    ),
    .init(
      fixture: "duplicate-id",
      message: "influencers.csv:6: column 'id': expected unique id, found \"7\" (first on line 3)",
      code: .duplicateID),
    .init(
      fixture: "invalid-utf8",
      message:
        "influencers.csv:3: column 'name': expected UTF-8 text, found \"Bad\\nname \u{FFFD}\"",
      code: .invalidUTF8),
    .init(
      fixture: "conflicting-product",
      message:
        "products.csv:5: column 'product': product \"Biotin Maxx\" mapped to a second brand (first on line 3)",
      code: .duplicateID),
    .init(
      fixture: "missing-column", message: "posts.csv:1: missing required column 'reach'",
      code: .missingColumn),
    .init(
      fixture: "empty-id", message: "influencers.csv:3: column 'id': expected id, found \"\"",
      code: .badValue),
    .init(
      fixture: "empty-file", message: "payouts.csv: empty file, expected a header row",
      code: .emptyFile),
    .init(
      fixture: "valid", message: "payouts.csv: required file not found", code: .missingFile,
      removing: ["payouts.csv"]),
  ]

  @Test(arguments: cases)
  func rejectsWithExactMessage(_ c: MalformedCase) throws {
    let folder = try Fixtures.folder(c.fixture, removing: c.removing)
    defer { Fixtures.remove(folder) }
    let error = try #require(Fixtures.loadError(folder))
    #expect(error.description == folder + "/" + c.message)
    #expect(error.code == c.code)
    #expect(error.file.hasPrefix(folder + "/"))
  }

  @Test func errorCarriesItsParts() throws {
    let folder = try Fixtures.folder("money-rupee-sign")
    defer { Fixtures.remove(folder) }
    let error = try #require(Fixtures.loadError(folder))
    #expect(error.file == folder + "/tracking_data.csv")
    #expect(error.line == 3)
    #expect(error.column == "revenue")
    #expect(error.text == "₹120")
  }

  @Test func errorsMatchByCodeInCatch() throws {
    let folder = try Fixtures.folder("bad-basis")
    defer { Fixtures.remove(folder) }
    var matched = "none"
    do {
      _ = try DataLoader.load(folder: folder)
    } catch LoadError.missingFile {
      matched = "missingFile"
    } catch LoadError.badValue {
      matched = "badValue"
    } catch {
      matched = "other"
    }
    #expect(matched == "badValue")
    let untyped: any Error = try #require(Fixtures.loadError(folder))
    #expect(LoadError.badValue ~= untyped)
    #expect(!(LoadError.io ~= untyped))
  }

  @Test func missingFolderIsReported() throws {
    let error = try #require(Fixtures.loadError("/nonexistent/cq-data"))
    #expect(error.description == "/nonexistent/cq-data: no such data folder")
    #expect(error.code == .missingFile)
  }

  @Test func folderIsNamedExactlyAsPassed() throws {
    let folder = try Fixtures.folder("bad-status")
    defer { Fixtures.remove(folder) }
    let relative = try #require(relativePath(folder))
    let error = try #require(Fixtures.loadError(relative))
    #expect(
      error.description == relative
        + "/payouts.csv:2: column 'status': expected one of paid, pending, found \"done\"")
  }

  /// `folder` as a path relative to the current directory (`../../tmp/…`).
  private func relativePath(_ folder: String) -> String? {
    let cwd = FileManager.default.currentDirectoryPath
    let depth = cwd.split(separator: "/").count
    return String(repeating: "../", count: depth) + folder.drop { $0 == "/" }
  }
}

@Suite("DataLoader: batches and line numbers")
struct DataLoaderBatchTests {
  static let trackingHeader =
    "source,campaign,influencer_id,user_id,product,brand,date,orders,revenue\n"

  /// Tracking rows spread over several tokenizer batches, with quoted multi-line fields.
  static func trackingRows(_ count: Int, badRow: Int? = nil) -> String {
    var text = trackingHeader
    for i in 0..<count {
      let user = i % 7 == 0 ? "\"user\n\(i % 100)\"" : "user_\(i % 100)"
      let revenue = i == badRow ? "12.345" : "\(i % 500).\(i % 10)5"
      text +=
        "instagram.com,Campaign_\(i % 10),\(i % 5 + 1),\(user),Raw Whey Protein,MuscleBlaze,2025-06-\(String(format: "%02d", i % 30 + 1)),\(i % 9 + 1),\(revenue)\n"
    }
    return text
  }

  @Test func manyRowsLoadExactly() throws {
    let n = 10_000
    let folder = try Fixtures.folder(writing: [
      "tracking_data.csv": Array(Self.trackingRows(n).utf8)
    ])
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder)
    #expect(data.tracking.rowCount == n)
    var expectedRevenue: Int64 = 0
    var expectedOrders: Int64 = 0
    var quotedUsers = Set<Int>()
    var plainUsers = Set<Int>()
    for i in 0..<n {
      let rupees = Int64(i % 500)
      let paise = Int64(i % 10) * 10 + 5
      expectedRevenue += rupees * 100 + paise
      expectedOrders += Int64(i % 9 + 1)
      if i % 7 == 0 { quotedUsers.insert(i % 100) } else { plainUsers.insert(i % 100) }
    }
    #expect(data.tracking.integers("revenue").reduce(0, +) == expectedRevenue)
    #expect(data.tracking.integers("orders").reduce(0, +) == expectedOrders)
    #expect(data.tracking.strings("campaign").dictionary.count == 10)
    #expect(
      data.tracking.strings("user_id").dictionary.count == quotedUsers.count + plainUsers.count)
    #expect(data.tracking.values("user_id")[7] == "user\n7")
  }

  @Test func lineNumbersStayExactAcrossBatches() throws {
    let n = 9_000
    let bad = 8_500
    let folder = try Fixtures.folder(writing: [
      "tracking_data.csv": Array(Self.trackingRows(n, badRow: bad).utf8)
    ])
    defer { Fixtures.remove(folder) }
    let error = try #require(Fixtures.loadError(folder))
    // Line = header + every earlier row + one extra line per earlier quoted two-line user id.
    let line = 2 + bad + (0..<bad).filter { $0 % 7 == 0 }.count
    #expect(
      error.description
        == "\(folder)/tracking_data.csv:\(line): column 'revenue': expected money, found \"12.345\""
    )
  }

  @Test func duplicateInfluencerAcrossBatches() throws {
    var text = "id,name,category,gender,follower_count,platform\n"
    for i in 1...6_000 { text += "\(i),Name \(i),Fitness,Female,\(i * 10),Instagram\n" }
    text += "42,Again,Fitness,Female,1,Instagram\n"
    let folder = try Fixtures.folder(writing: ["influencers.csv": Array(text.utf8)])
    defer { Fixtures.remove(folder) }
    let error = try #require(Fixtures.loadError(folder))
    #expect(
      error.description
        == "\(folder)/influencers.csv:6002: column 'id': expected unique id, found \"42\" (first on line 43)"
    )
  }

  @Test func invalidUTF8IsReportedAtItsRecordInALaterBatch() throws {
    var bytes = Array(Self.trackingRows(5_000).utf8)
    // Corrupt a byte inside record 4_999 (0-based 4_998), which starts on a known line.
    let lines = String(decoding: bytes, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false)
    let record = 4_998
    let line = 2 + record + (0..<record).filter { $0 % 7 == 0 }.count
    let offset = lines.prefix(line - 1).reduce(0) { $0 + $1.utf8.count + 1 } + 5
    bytes[offset] = 0xFF
    let folder = try Fixtures.folder(writing: ["tracking_data.csv": bytes])
    defer { Fixtures.remove(folder) }
    let error = try #require(Fixtures.loadError(folder))
    #expect(
      error.description
        == "\(folder)/tracking_data.csv:\(line): column 'source': expected UTF-8 text, found \"insta\u{FFFD}ram.com\""
    )
    #expect(error.code == .invalidUTF8)
  }
}
