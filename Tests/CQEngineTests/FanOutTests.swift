import CQEngine
import CQStorage
import Testing

/// SPEC §4 no fan-out: for every dimension and additive metric, the groups add up to the
/// ungrouped total — payout included, thanks to `(unattributed)` and exact paise.
@Suite("Engine: fan-out invariant")
struct FanOutTests {
  /// weekday is left out here because it traps (WeekdayTests covers it in a child process).
  static let dimensions = Reference.allDimensions.filter { $0 != "weekday" }

  static func number(_ v: Value?) -> Int64? {
    switch v {
    case .paise(let p): p
    case .integer(let i): i
    default: nil
    }
  }

  @Test(arguments: Reference.additiveMetrics, [AllocationWeight.orders, .revenue])
  func groupsAddUpToTotal(metric: String, weight: AllocationWeight) throws {
    let h = try Harness(allocation: weight)
    let total = try #require(
      Self.number(h.run(metric).rows.first?.first), "\(metric) is a count or money")
    // The total itself, from the raw rows.
    #expect(
      RefValue.paise(total) == h.reference.expect([metric])[[]]?.first
        || RefValue.integer(total) == h.reference.expect([metric])[[]]?.first)
    var checked = 0
    for dim in Self.dimensions where h.reference.reachable(metric, [dim]) {
      let result = try h.run("\(metric) by \(dim)")
      let sum = result.rows.compactMap { Self.number($0.last) }.reduce(Int64(0), +)
      #expect(sum == total, "\(metric) by \(dim): groups add up to \(sum), total \(total)")
      checked += 1
    }
    #expect(checked >= 7, "\(metric) must be reachable by several dimensions")
  }

  /// Two dimensions at once, including one payouts carry and one they do not.
  @Test(arguments: [
    "payout by campaign, brand", "payout by basis, source", "payout by status, month",
    "payout by tier, product",
    "payout by influencer, user", "revenue by campaign, brand", "posts by campaign, post_platform",
    "reach by tier, week", "orders by source, quarter", "conversions by user, year",
  ])
  func twoDimensions(text: String) throws {
    let h = try Harness()
    let metric = String(text.prefix { $0 != " " })
    let total = try #require(Self.number(h.run(metric).rows.first?.first))
    let sum = try h.run(text).rows.compactMap { Self.number($0.last) }.reduce(Int64(0), +)
    #expect(sum == total, "\(text)")
  }

  /// Metrics from several facts in one query: each fact is aggregated on its own, so adding
  /// a posts metric does not multiply revenue or payout (and vice versa).
  @Test(arguments: ["campaign", "influencer", "tier", "week", "month", "platform"])
  func joiningFactsDoesNotMultiply(dim: String) throws {
    let h = try Harness()
    let together = try h.run("revenue, posts, payout, conversions by \(dim)")
    for (i, metric) in ["revenue", "posts", "payout", "conversions"].enumerated() {
      let alone = try h.run("\(metric) by \(dim)").byLabels
      for (labels, values) in together.byLabels {
        let expected =
          alone[labels]?.first
          ?? (metric == "revenue" || metric == "payout" ? .paise(0) : .integer(0))
        #expect(values[i] == expected, "\(metric) by \(dim) \(labels)")
      }
    }
  }
}
