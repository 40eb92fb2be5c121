import Foundation
import Testing

@testable import CQStorage

/// Header names match case-insensitively with surrounding spaces trimmed (SPEC §1), also
/// when a quoted name follows a space.
@Suite("DataLoader: header names")
struct HeaderNameTests {
  @Test func aQuotedNameAfterASpaceMatches() throws {
    let text =
      "id, \"Name\" ,CATEGORY , gender,follower_count,platform\n1,Asha,Fitness,Female,10,Instagram\n"
    let folder = try Fixtures.folder(writing: ["influencers.csv": Array(text.utf8)])
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder)
    #expect(data.influencers.values("name") == ["Asha"])
    #expect(data.influencers.values("category") == ["Fitness"])
  }

  @Test func headerNameUnquotesOnlyWholeQuotedNames() {
    #expect(" \"Name\" ".headerName == "Name")
    #expect("\"a \"\"b\"\"\"".headerName == "a \"b\"")
    #expect("  plain ".headerName == "plain")
    #expect("\"".headerName == "\"")
  }
}
