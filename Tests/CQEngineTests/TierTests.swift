import CQEngine
import CQStorage
import Testing

/// SPEC §3 tiers: nano < 10k ≤ micro < 50k ≤ mid < 500k ≤ macro < 1M ≤ mega; `set tiers`
/// redefines the thresholds; tiered output states the thresholds in force.
@Suite("Engine: follower tiers")
struct TierTests {
  /// The tier of every influencer worked out from follower_count and the thresholds.
  static func expectedTiers(_ ref: Reference) -> [String: String] {
    var out: [String: String] = [:]
    for inf in ref.influencers {
      let followers = Int64(inf["follower_count"] ?? "") ?? 0
      let t = ref.tiers
      let name =
        followers < t[0]
        ? "nano"
        : followers < t[1]
          ? "micro" : followers < t[2] ? "mid" : followers < t[3] ? "macro" : "mega"
      out[inf["id"] ?? ""] = name
    }
    return out
  }

  @Test(
    arguments: ["small", "edge"], [String?.none, "5k 20k 200k 1M", "10001 50001 500001 1000001"])
  func tiersOfInfluencers(fixture: String, tiers: String?) throws {
    let h = try Harness(fixture, tiers: tiers)
    let expected = Self.expectedTiers(h.reference)
    let result = try h.run("followers by influencer_id, tier")
    for row in result.labelRows where !row[0].hasPrefix("(") {
      #expect(
        expected[row[0]] == row[1],
        "\(fixture) [\(tiers ?? "default")]: influencer \(row[0]) is \(row[1])")
    }
    #expect(Set(result.labelRows.map { $0[0] }) == Set(expected.keys))
    for text in [
      "influencers, followers by tier", "revenue, posts, payout, roas by tier",
      "engagement_rate by tier",
    ] {
      let r = try h.run(text)
      let metrics = r.columns.dropFirst().map(\.name)
      expectRows(
        r, h.reference.expect(metrics, by: ["tier"]), "\(fixture) \(text) [\(tiers ?? "default")]")
    }
  }

  /// Boundary follower counts on `edge`: 9 999 nano, 10 000 micro, 50 000 mid, 500 000 macro,
  /// 1 000 000 mega (the lower bound belongs to the upper tier), 0 nano.
  @Test func defaultBoundaries() throws {
    let h = try Harness("edge")
    let result = try h.run("influencers by influencer, tier")
    #expect(
      Set(result.labelRows) == [
        ["Nano Edge", "nano"], ["Micro Low", "micro"], ["Mid Low", "mid"], ["Macro Low", "macro"],
        ["Mega Low", "mega"],
        ["Quiet", "nano"],
      ])
  }

  @Test func thresholdsAreStated() throws {
    let standard = try Harness().run("revenue by tier")
    let note = standard.footnotes.texts.joined(separator: " ")
    for word in ["nano", "10k", "micro", "50k", "mid", "500k", "macro", "1M", "mega"] {
      #expect(note.contains(word), "default footnote '\(note)' lacks \(word)")
    }
    let custom = try Harness(tiers: "5k 20k 200k 1M").run("revenue by tier")
    let customNote = custom.footnotes.texts.joined(separator: " ")
    for word in ["5k", "20k", "200k", "1M"] {
      #expect(customNote.contains(word), "custom footnote '\(customNote)' lacks \(word)")
    }
    #expect(!customNote.contains("50k"))
    // A tier filter is tiered output too.
    #expect(!(try Harness().run("revenue where tier = mid").footnotes.isEmpty))
  }

  @Test(arguments: [String?.none, "5k 20k 200k 1M"])
  func tierFilters(tiers: String?) throws {
    let h = try Harness(tiers: tiers)
    for tier in ["mid", "micro", "mega"] {
      let text = "revenue, posts, payout by influencer where tier = \(tier)"
      let result = try h.run(text)
      expectRows(
        result,
        h.reference.expect(
          ["revenue", "posts", "payout"], by: ["influencer"], where: .equal("tier", tier)),
        "\(text) [\(tiers ?? "default")]")
    }
  }

  @Test func customTiersMoveInfluencers() throws {
    // 5 000 followers: nano by default, micro once micro starts at 5k.
    let standard = try Harness().run("influencers by tier")
    let custom = try Harness(tiers: "5k 20k 200k 1M").run("influencers by tier")
    #expect(standard.cell(["nano"], "influencers") == .integer(1))
    #expect(custom.cell(["nano"], "influencers") == nil)
    #expect(custom.cell(["mid"], "influencers") == .integer(2))  // 45 000 and 120 000
  }
}
