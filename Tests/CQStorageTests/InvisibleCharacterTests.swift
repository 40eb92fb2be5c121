import Foundation
import Testing

@testable import CQStorage

/// Invisible characters at the ends of values (a byte-order mark where two exports were
/// joined, a zero-width space from a paste) are stripped, so they never make an invisible
/// second group; and a repeated header row is an error, not a row of data.
@Suite("DataLoader: joined exports")
struct InvisibleCharacterTests {
  /// The `valid` fixture with `edit` applied to the lines of `file`.
  static func folder(editing file: String, _ edit: (inout [String]) -> Void) throws -> String {
    let folder = try Fixtures.folder(nil)
    let url = URL(fileURLWithPath: folder).appendingPathComponent(file)
    var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
    edit(&lines)
    try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
    return folder
  }

  @Test func invisibleCharactersAtTheEndsOfValuesAreDropped() throws {
    let folder = try Self.folder(editing: "tracking_data.csv") { lines in
      lines[1] = "\u{FEFF}" + lines[1]  // instagram.com
      lines[2] =
        "\u{200B}" + lines[2].replacingOccurrences(of: ",HKVitals,", with: ",HKVitals\u{2060},")
      lines[4] = "\u{200D}" + lines[4]  // tiktok.com
    }
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder, cache: .ignore)
    #expect(
      data.tracking.values("source") == [
        "instagram.com", "youtube.com", "instagram.com", "tiktok.com", "google",
      ])
    #expect(data.tracking.values("brand").contains("HKVitals"))
    for column in ["source", "brand"] {
      guard case .string(_, let dictionary) = data.tracking.columns[column] else {
        Issue.record("\(column) is not a string column")
        continue
      }
      #expect(
        !dictionary.values.contains { $0.unicodeScalars.contains(where: String.isInvisible) },
        "\(column): \(dictionary.values)")
      #expect(Set(dictionary.values).count == dictionary.values.count)
    }
  }

  @Test func anIdWithAByteOrderMarkIsThatId() throws {
    let posts = try Self.folder(editing: "posts.csv") { $0[1] = "\u{FEFF}" + $0[1] }
    defer { Fixtures.remove(posts) }
    let data = try DataLoader.load(folder: posts, cache: .ignore)
    #expect(data.posts.values("influencer_id").first == "1")
    #expect(!data.warnings.contains { $0.contains("not in influencers.csv") }, "\(data.warnings)")

    let influencers = try Self.folder(editing: "influencers.csv") { lines in
      lines.insert("\u{FEFF}" + lines[1].replacingOccurrences(of: "Zoë", with: "Zoe"), at: 4)
    }
    defer { Fixtures.remove(influencers) }
    let error = try #require(Fixtures.loadError(influencers))
    #expect(error.code == .duplicateID, "\(error)")
  }

  @Test func joinersInsideTextAreKept() throws {
    let family = "Fam \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"
    let folder = try Self.folder(editing: "influencers.csv") { lines in
      lines[1] = lines[1].replacingOccurrences(of: "Zoë D'Souza", with: family)
    }
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder, cache: .ignore)
    #expect(
      data.influencers.values("name").first?.unicodeScalars.elementsEqual(family.unicodeScalars)
        == true)
  }

  @Test func aRejectedValueShowsItsInvisibleCharacter() throws {
    let folder = try Self.folder(editing: "tracking_data.csv") { lines in
      lines[3] = lines[3].replacingOccurrences(of: ",2025-06-04,", with: ",\u{FEFF}2025-06-04,")
    }
    defer { Fixtures.remove(folder) }
    let error = try #require(Fixtures.loadError(folder))
    #expect(
      error.description
        == "\(folder)/tracking_data.csv:4: column 'date': expected date, found \"\\u{FEFF}2025-06-04\""
    )
  }

  /// Two exports joined: the second's header (after its byte-order mark) is refused as a row.
  ///
  /// To the tokenizer it is a row like any other. It is refused in every table, including
  /// products.csv, where it would otherwise be a product named 'product'.
  @Test(arguments: [
    "products.csv", "influencers.csv", "posts.csv", "tracking_data.csv", "payouts.csv",
    "store_orders.csv",
  ])
  func aSecondHeaderRowIsRefused(_ file: String) throws {
    let folder = try Self.folder(editing: file) { lines in
      let body = Array(lines.dropFirst().prefix { !$0.isEmpty })
      lines = [lines[0]] + body + ["\u{FEFF}" + lines[0]] + body + [""]
    }
    defer { Fixtures.remove(folder) }
    let lines = try String(contentsOfFile: folder + "/" + file, encoding: .utf8).components(
      separatedBy: "\n")
    let line = try #require(lines.firstIndex { $0.hasPrefix("\u{FEFF}") }) + 1
    let error = try #require(Fixtures.loadError(folder))
    #expect(
      error.description == "\(folder)/\(file):\(line): a second header row; were two files joined?")
    #expect(error.code == .badValue)
  }

  @Test func aProductNamedLikeTheHeaderButWithAnotherBrandIsData() throws {
    let folder = try Self.folder(editing: "products.csv") { lines in
      lines.insert("Product,Acme", at: 2)
    }
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder, cache: .ignore)
    #expect(data.products?.values("product").contains("Product") == true)
  }
}
