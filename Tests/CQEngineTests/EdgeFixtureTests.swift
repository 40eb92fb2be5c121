import CQEngine
import CQStorage
import Testing

/// The `edge` fixture: payouts without `campaign` and `status` columns, posts without
/// `campaign`, a payout whose remainders tie, an influencer whose tracking rows have 0 orders,
/// two order-basis payouts of one influencer, a payout with no tracking rows, dates Mon…Sun.
@Suite("Engine: edge fixture")
struct EdgeFixtureTests {
  /// Without a campaign column, each payout spreads over ALL its influencer's tracking rows, so
  /// campaign is an allocated dimension (SPEC §4: "and campaign when payouts have no campaign column").
  @Test(arguments: [AllocationWeight.orders, .revenue])
  func campaignIsAllocated(weight: AllocationWeight) throws {
    let h = try Harness("edge", allocation: weight)
    for text in [
      "payout by campaign", "roas, payout by campaign", "payout by campaign, brand",
      "cpm by influencer",
    ] {
      let result = try h.run(text)
      let dims = result.columns.prefix(result.dimensionCount).map(\.name)
      let metrics = result.columns.dropFirst(dims.count).map(\.name)
      expectRows(result, h.reference.expect(metrics, by: dims), "\(text) [\(weight)]")
    }
    // Mega Low (#14) has a payout and no tracking rows: (unattributed) by campaign…
    #expect(try h.run("payout by campaign").labelRows.last == ["(unattributed)"])
    // … dropped under a campaign filter, because campaign is not a payout column here.
    let filtered = try h.run("payout by brand where campaign = A")
    #expect(!filtered.labelRows.contains(["(unattributed)"]))
    expectRows(
      filtered, h.reference.expect(["payout"], by: ["brand"], where: .equal("campaign", "A")),
      "where campaign = A")
  }

  /// Hand-worked by orders: Macro Low's 92.00 over orders 4 (A) and 1 (B) → 73.60 + 18.40;
  /// Nano Edge's 100.01 over 1, 1, 1 → 33.34, 33.34, 33.33 (equal remainders: earlier rows first).
  @Test func handWorkedShares() throws {
    let h = try Harness("edge")
    #expect(
      try h.run("payout where influencer = \"Macro Low\" and campaign = A").rows == [
        [.paise(7_360)]
      ])
    #expect(
      try h.run("payout by day where influencer = \"Nano Edge\"").rows == [
        [.text("2025-03-03"), .paise(3_334)], [.text("2025-03-04"), .paise(3_334)],
        [.text("2025-03-05"), .paise(3_333)],
      ])
  }

  /// Choice to document (SPEC silent): a payout whose tracking rows all weigh 0 is spread
  /// equally over those rows (not left unattributed).
  @Test(arguments: [AllocationWeight.orders, .revenue])
  func zeroWeightsSpreadEqually(weight: AllocationWeight) throws {
    let h = try Harness("edge", allocation: weight)
    let result = try h.run("payout by day where influencer = \"Micro Low\"")
    let pieces = Reference.spread(5_000, weights: [0, 0])
    #expect(
      result.rows == [
        [.text("2025-03-05"), .paise(pieces[0])], [.text("2025-03-06"), .paise(pieces[1])],
      ])
    #expect(pieces == [2_500, 2_500])
  }

  /// Choice to document (SPEC silent): two order-basis payouts of one key subtract the tracked
  /// orders once, so order_gap = paid_orders − tracked orders (7 − 5 = 2 for Mid Low), not
  /// (3 − 5) + (4 − 5).
  @Test func orderGapWithTwoOrderPayouts() throws {
    let h = try Harness("edge")
    let result = try h.run("order_gap, paid_orders, orders by influencer")
    #expect(result.cell(["Mid Low"], "paid_orders") == .integer(3 + 4))
    #expect(result.cell(["Mid Low"], "order_gap") == .integer(3 + 4 - (2 + 3)))
    expectRows(
      try h.run("order_gap, paid_orders by basis"),
      h.reference.expect(["order_gap", "paid_orders"], by: ["basis"]),
      "order_gap by basis")
  }

  @Test func missingPayoutColumnsAreModelErrors() throws {
    let h = try Harness("edge")
    for text in [
      "paid_payout", "pending_payout by influencer", "payout by status", "paid_orders by campaign",
      "order_gap by campaign", "posts by campaign", "revenue where status = paid",
    ] {
      let messages = h.modelError(text)
      #expect(!messages.isEmpty, "\(text)")
    }
    #expect(h.modelError("paid_payout").contains { $0.contains("status") })
  }

  /// With dates from a Monday to a Sunday, weekday does not trap: check it here in-process.
  @Test func weekdayOverAWholeWeek() throws {
    let h = try Harness("edge")
    let result = try h.run("revenue, posts, payout by weekday")
    #expect(result.labelRows.map { $0[0] }.filter { $0 != "(unattributed)" } == Reference.weekdays)
    expectRows(
      result, h.reference.expect(["revenue", "posts", "payout"], by: ["weekday"]), "by weekday")
    let sunday = try h.run("revenue, posts where weekday = Sun")
    expectRows(
      sunday, h.reference.expect(["revenue", "posts"], where: .equal("weekday", "Sun")),
      "weekday = Sun")
  }

  @Test(arguments: Reference.additiveMetrics)
  func fanOut(metric: String) throws {
    let h = try Harness("edge")
    guard case .some(let total) = try h.run(metric).rows.first?.first else {
      Issue.record("\(metric): no total")
      return
    }
    for dim in Reference.allDimensions where h.reference.reachable(metric, [dim]) {
      let rows = try h.run("\(metric) by \(dim)").rows
      let sum = rows.compactMap { row -> Int64? in
        switch row.last {
        case .paise(let p): p
        case .integer(let i): i
        default: nil
        }
      }.reduce(Int64(0), +)
      #expect(
        total == .paise(sum) || total == .integer(sum), "\(metric) by \(dim): \(sum) vs \(total)")
    }
  }
}
