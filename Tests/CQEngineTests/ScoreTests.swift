import CQEngine
import CQStorage
import Testing

extension Reference {
  /// Whole-data-set components of the score per influencer id: roas, engagement_rate,
  /// incremental_roas (nil where the denominator is 0).
  func scoreComponents(_ ids: [String]) -> [String: [Double?]] {
    let byID = accumulate(
      metrics: ["revenue", "posts", "payout", "incremental_revenue"], dims: ["influencer_id"],
      filter: nil)
    var out: [String: [Double?]] = [:]
    for id in ids {
      let a = byID[[id]] ?? RefAcc()
      out[id] = ["roas", "engagement_rate", "incremental_roas"].map {
        Reference.value($0, a).double
      }
    }
    return out
  }

  /// Percentile rank in 0…1 of each value among `values`: (number below + (ties − 1) / 2) / (n − 1),
  /// 1 when alone (choice: SPEC says "percentile rank" without fixing the variant).
  static func percentRanks(_ values: [String: Double]) -> [String: Double] {
    let n = values.count
    return values.mapValues { v in
      guard n > 1 else { return 1 }
      let below = values.values.filter { $0 < v }.count
      let ties = values.values.filter { $0 == v }.count
      return (Double(below) + Double(ties - 1) / 2) / Double(n - 1)
    }
  }

  /// SPEC §4 score: mean of the available percentile ranks × 100, among `ids`.
  func scores(among ids: [String]) -> [String: Double] {
    let components = scoreComponents(ids)
    var ranks: [[String: Double]] = []
    for c in 0..<3 {
      var values: [String: Double] = [:]
      for (id, parts) in components { if let v = parts[c] { values[id] = v } }
      ranks.append(Reference.percentRanks(values))
    }
    var out: [String: Double] = [:]
    for id in ids {
      let parts = ranks.compactMap { $0[id] }
      if !parts.isEmpty { out[id] = parts.reduce(0, +) / Double(parts.count) * 100 }
    }
    return out
  }
}

/// SPEC §4 score: 0–100, mean percentile rank in roas, engagement_rate and incremental_roas
/// among all influencers over the whole data set; only by influencer.
@Suite("Engine: score")
struct ScoreTests {
  /// On `edge` every fact row has a known influencer, so the population is unambiguous.
  @Test func exactScoresOnEdge() throws {
    let h = try Harness("edge")
    let result = try h.run("score, roas, engagement_rate, incremental_roas by influencer_id")
    let expected = h.reference.scores(among: h.reference.knownIDs)
    for (id, score) in expected {
      let cell = result.cell([id], "score")?.doubleValue
      #expect(
        cell.map { abs($0 - score) < 1e-9 } == true,
        "influencer \(id): \(String(describing: cell)) vs \(score)")
    }
    // Quiet (#15) has no posts, orders or payouts: no score, no row.
    #expect(result.cell(["15"], "score") == nil)
  }

  /// The canonical form, `score by influencer` alone, must list the scored influencers.
  @Test(arguments: ["small", "edge"])
  func scoreAlone(fixture: String) throws {
    let h = try Harness(fixture)
    let alone = try h.run("score by influencer")
    let withOthers = try h.run("score, roas, engagement_rate by influencer")
    do {
      let scored = withOthers.labelRows.filter { withOthers.cell($0, "score") != .empty }
      #expect(alone.rows.count == scored.count)
      for row in scored {
        #expect(alone.cell(row, "score") == withOthers.cell(row, "score"), "\(fixture) \(row)")
      }
    }
  }

  /// Properties SPEC fixes whatever the percentile variant: 0…100, an influencer at least as
  /// good in all three components scores at least as high, filters do not shift it.
  @Test(arguments: ["small", "edge"])
  func properties(fixture: String) throws {
    let h = try Harness(fixture)
    let result = try h.run("score, roas by influencer_id")
    let ids = h.reference.knownIDs
    let components = h.reference.scoreComponents(ids)
    var scores: [String: Double] = [:]
    for id in ids {
      guard let s = result.cell([id], "score")?.doubleValue else { continue }
      #expect((0...100).contains(s), "\(fixture) \(id): \(s)")
      scores[id] = s
    }
    #expect(scores.count == ids.filter { components[$0]?.contains { $0 != nil } == true }.count)
    for a in ids {
      for b in ids where a != b {
        guard let ca = components[a], let cb = components[b], let sa = scores[a],
          let sb = scores[b],
          ca.allSatisfy({ $0 != nil }), cb.allSatisfy({ $0 != nil })
        else { continue }
        let dominates = zip(ca, cb).allSatisfy { ($0 ?? 0) >= ($1 ?? 0) }
        if dominates {
          #expect(sa >= sb, "\(fixture): \(a) \(ca) dominates \(b) \(cb) but scores \(sa) < \(sb)")
        }
      }
    }
    // Filters on influencer attributes select rows but do not re-rank.
    for filter in ["platform = Instagram", "gender = Female", "tier in (nano, mid)"] {
      let filtered = try h.run("score, roas by influencer_id where \(filter)")
      #expect(!filtered.rows.isEmpty)
      for row in filtered.labelRows {
        #expect(
          filtered.cell(row, "score") == result.cell(row, "score"),
          "\(fixture) where \(filter): \(row)")
      }
    }
  }

  /// Choice (README): score ranks the influencers of influencers.csv only; an id seen only in
  /// fact tables has no score, and does not shift the others' ranks.
  @Test func unknownInfluencerIsNotRanked() throws {
    let h = try Harness()
    let result = try h.run("score, engagement_rate by influencer_id")
    let known = h.reference.scores(among: h.reference.knownIDs)
    for (id, score) in known {
      let cell = result.cell([id], "score")?.doubleValue
      #expect(
        cell.map { abs($0 - score) < 1e-9 } == true,
        "influencer \(id): \(String(describing: cell)) vs \(score)")
    }
    #expect(result.cell(["9"], "score") == .empty)
  }
}
