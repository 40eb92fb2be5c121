import CQEngine
import CQStorage
import Testing

/// SPEC §2, §3, §5: names are case-insensitive, plurals accepted, columns are the dimensions
/// then the metrics in the order written under their catalogue names; namesakes are `name (#id)`.
@Suite("Engine: labels and columns")
struct LabelTests {
  @Test func namesakesCarryTheirID() throws {
    let h = try Harness()
    let labels = Set(try h.run("revenue, posts, payout by influencer").labelRows.map { $0[0] })
    // Ids 1 and 4 are both "Aarav Sharma"; the Devanagari name is a different string.
    #expect(
      labels.isSuperset(of: [
        "Aarav Sharma (#1)", "Aarav Sharma (#4)", "आरव शर्मा", "Zoë Fernandes", "Priya Nair",
      ]))
    #expect(!labels.contains("Aarav Sharma"))
  }

  /// Choice to document (SPEC silent): fact rows of an id missing from influencers.csv are
  /// labelled `(unknown #ID)` by influencer and `(unknown)` by its attributes.
  @Test func unknownInfluencer() throws {
    let h = try Harness()
    #expect(try h.run("revenue by influencer").cell(["(unknown #9)"], "revenue") == .paise(250_00))
    #expect(try h.run("posts by platform").cell(["(unknown)"], "posts") == .integer(1))
    #expect(try h.run("revenue by tier").cell(["(unknown)"], "revenue") == .paise(250_00))
    // The influencers metric counts influencers.csv when only influencer attributes are used.
    #expect(try h.run("influencers").rows == [[.integer(Int64(h.reference.influencers.count))]])
  }

  @Test func columnsInTheOrderWritten() throws {
    let h = try Harness()
    #expect(
      try h.run("roas, revenue by month, brand").columns.map(\.name) == [
        "month", "brand", "roas", "revenue",
      ])
    #expect(
      try h.run("top 3 influencer by revenue").columns.map(\.name) == ["influencer", "revenue"])
    // An alias keeps its own name (SPEC §5: `spend by platform` gives `platform,spend`).
    #expect(try h.run("spend by campaign").columns.map(\.name) == ["campaign", "spend"])
  }

  @Test(arguments: [
    ("revenue by campaigns", "revenue by campaign"),
    ("REVENUE BY Brand WHERE BRAND = muscleblaze", "revenue by brand where brand = MuscleBlaze"),
    ("Posts By Post_Platforms", "posts by post_platform"), ("revenue by users", "revenue by user"),
    ("revenue where date = 2025-01", "revenue where day = 2025-01"),
    ("orders by categories", "orders by category"),
  ])
  func equivalentSpellings(a: String, b: String) throws {
    let h = try Harness()
    let ra = try h.run(a)
    let rb = try h.run(b)
    #expect(ra.rows == rb.rows, "\(a)")
    #expect(ra.columns.map(\.name) == rb.columns.map(\.name), "\(a)")
  }

  /// Money is exact: cells are paise, and derived money (aov, cac, cpe, cpm) is in rupees.
  @Test func moneyCells() throws {
    let h = try Harness()
    let result = try h.run("revenue, payout, incremental_revenue, aov, cac, cpe, cpm")
    let row = try #require(result.rows.first)
    guard case .paise = row[0], case .paise = row[1], case .paise = row[2] else {
      Issue.record("sums of money must be exact paise: \(row)")
      return
    }
    for (i, cell) in row.enumerated().dropFirst(3) {
      guard case .number = cell else {
        Issue.record("\(result.columns[i].name) is \(cell)")
        continue
      }
    }
    #expect(result.columns.allSatisfy { $0.format == .money })
  }
}
