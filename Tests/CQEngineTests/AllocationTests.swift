import CQEngine
import CQStorage
import Testing

/// SPEC §4 spend allocation: spread by orders (or revenue), weights over all rows, largest
/// remainder per payout, `(unattributed)` kept under payout-dimension filters and dropped
/// under any other filter.
@Suite("Engine: spend allocation")
struct AllocationTests {
  static let weights: [AllocationWeight] = [.orders, .revenue]

  @Test(
    arguments: weights,
    [
      "payout by brand", "payout by product", "payout by source", "payout by user", "payout by day",
      "payout by month", "payout by campaign, brand", "payout by basis, brand",
      "payout by status, source",
      "payout by platform, brand", "payout by basis, month", "roas, payout by brand",
      "roi by source",
      "incremental_roas by product", "cac by brand", "roas_delta by brand",
    ])
  func grouped(weight: AllocationWeight, text: String) throws {
    let h = try Harness(allocation: weight)
    let result = try h.run(text)
    let dims = result.columns.prefix(result.dimensionCount).map(\.name)
    let metrics = result.columns.dropFirst(dims.count).map(\.name)
    expectRows(result, h.reference.expect(metrics, by: dims), "\(text) [\(weight)]")
  }

  /// Filters on tracking dimensions keep only the shares of rows that pass; weights are over all
  /// rows (not re-normalised inside the filter).
  @Test(
    arguments: weights,
    [
      ("payout where brand = MuscleBlaze", RefFilter.equal("brand", "MuscleBlaze")),
      ("payout where source = google", RefFilter.equal("source", "google")),
      ("payout where date = 2025-01-01", RefFilter.equal("day", "2025-01-01")),
      ("payout where user in (u1, u2)", RefFilter(["user"]) { ["u1", "u2"].contains($0["user"]) }),
      ("payout where brand != MuscleBlaze", RefFilter(["brand"]) { $0["brand"] != "MuscleBlaze" }),
      (
        "payout where brand = HKVitals and campaign = C1",
        RefFilter(["brand", "campaign"]) {
          $0["brand"] == "HKVitals" && $0["campaign"] == "C1"
        }
      ),
    ])
  func filtered(weight: AllocationWeight, query: (text: String, filter: RefFilter)) throws {
    let (text, filter) = query
    let h = try Harness(allocation: weight)
    expectRows(
      try h.run(text), h.reference.expect(["payout"], where: filter), "\(text) [\(weight)]")
  }

  /// Hand-worked: row 2 (2025-01-01, 1 order of 6) carries 1000.00 × 1/6 → 166.67 (largest
  /// remainder gives it the spare paisa) and 40.00 × 1/6 → 6.67.
  @Test func largestRemainderPerPayout() throws {
    let h = try Harness()
    #expect(try h.run("payout where date = 2025-01-01").rows == [[.paise(16_667 + 667)]])
    // 2024-12-31 (2 of 6 orders): 333.33 + 13.33.
    #expect(
      try h.run("payout by day where date = 2024-12-31").rows == [
        [.text("2024-12-31"), .paise(33_333 + 1_333)]
      ])
  }

  /// Hand-worked revenue weights: influencer 1 on C1 has rows of 1000.00, 500.50, 300.25.
  @Test func revenueWeights() throws {
    let h = try Harness(allocation: .revenue)
    // 1000.00 → 555.32, 277.94, 166.74 (largest remainders: rows 2 and 3); 40.00 from the reference.
    let forty = Reference.spread(4_000, weights: [100_000, 50_050, 30_025])
    #expect(try h.run("payout where date = 2025-01-03").rows == [[.paise(16_674 + forty[2])]])
    let orders = try Harness(allocation: .orders)
    #expect(
      try h.run("payout by brand").rows != orders.run("payout by brand").rows,
      "the weights must matter")
  }

  @Test func unattributedSortsLast() throws {
    let h = try Harness()
    for text in [
      "payout by brand", "payout by brand order by payout asc",
      "payout by brand order by brand desc",
      "payout by month", "roas by brand", "payout by campaign, brand order by payout desc",
    ] {
      let labels = try h.run(text).labelRows
      #expect(labels.last?.contains("(unattributed)") == true, "\(text): \(labels)")
      #expect(labels.dropLast().allSatisfy { !$0.contains("(unattributed)") }, "\(text)")
    }
  }

  /// The payout of influencer 5 on C1 has no tracking rows: 1000.00, pending, post basis,
  /// Instagram, mega tier. It stays under filters on what payouts carry…
  @Test(arguments: [
    ("payout by brand where campaign = C1", RefFilter.equal("campaign", "C1")),
    ("payout by brand where status = pending", RefFilter.equal("status", "pending")),
    ("payout by brand where basis = post", RefFilter.equal("basis", "post")),
    ("payout by brand where platform = Instagram", RefFilter.equal("platform", "Instagram")),
    ("payout by brand where tier = mega", RefFilter.equal("tier", "mega")),
    (
      "payout by month where influencer = \"Priya Nair\"",
      RefFilter.equal("influencer", "Priya Nair")
    ),
    (
      "payout by source where campaign in (C1, C3) and not status = paid",
      RefFilter(["campaign", "status"]) {
        ["C1", "C3"].contains($0["campaign"]) && $0["status"] != "paid"
      }
    ),
  ])
  func unattributedKeptUnderPayoutFilters(text: String, filter: RefFilter) throws {
    let h = try Harness()
    let result = try h.run(text)
    let dims = result.columns.prefix(result.dimensionCount).map(\.name)
    #expect(result.labelRows.contains(["(unattributed)"]), "\(text)")
    expectRows(result, h.reference.expect(["payout"], by: dims, where: filter), text)
  }

  /// … and is dropped under a filter on any other dimension (SPEC §4), however the filter is
  /// written.
  @Test(arguments: [
    ("payout by brand where source = google", RefFilter.equal("source", "google")),
    (
      "payout by brand where brand != MuscleBlaze",
      RefFilter(["brand"]) { $0["brand"] != "MuscleBlaze" }
    ),
    (
      "payout by brand where brand not in (Gritzo)",
      RefFilter(["brand"]) { $0["brand"] != "Gritzo" }
    ),
    (
      "payout by brand where date between 2024-01-01 and 2026-12-31",
      RefFilter(["day"]) { _ in true }
    ),
    (
      "payout by brand where brand ~ i",
      RefFilter(["brand"]) { $0["brand"]?.lowercased().contains("i") == true }
    ),
    (
      "payout by campaign where campaign = C1 and source != google",
      RefFilter(["campaign", "source"]) {
        $0["campaign"] == "C1" && $0["source"] != "google"
      }
    ),
  ])
  func unattributedDroppedUnderOtherFilters(text: String, filter: RefFilter) throws {
    let h = try Harness()
    let result = try h.run(text)
    let dims = result.columns.prefix(result.dimensionCount).map(\.name)
    #expect(!result.labelRows.contains { $0.contains("(unattributed)") }, "\(text)")
    expectRows(result, h.reference.expect(["payout"], by: dims, where: filter), text)
  }

  /// `not` over a non-payout dimension is still a filter on that dimension: the unattributed
  /// payout must be dropped (SPEC §4: "dropped under filters on any other dimension").
  @Test(arguments: [
    (
      "payout where not brand = MuscleBlaze", RefFilter(["brand"]) { $0["brand"] != "MuscleBlaze" },
      [String]()
    ),
    (
      "payout by brand where not (source = google)",
      RefFilter(["source"]) { $0["source"] != "google" }, ["brand"]
    ),
    (
      "roas by brand where campaign in (C1, C2) and not source = google",
      RefFilter(["campaign", "source"]) {
        ["C1", "C2"].contains($0["campaign"]) && $0["source"] != "google"
      }, ["brand"]
    ),
  ])
  func unattributedDroppedUnderNegatedFilters(text: String, filter: RefFilter, dims: [String])
    throws
  {
    let h = try Harness()
    let result = try h.run(text)
    let metrics = result.columns.dropFirst(dims.count).map(\.name)
    do {
      #expect(!result.labelRows.contains { $0.contains("(unattributed)") }, "\(text)")
      expectRows(result, h.reference.expect(metrics, by: dims, where: filter), text)
    }
  }

  /// Partition: payout where brand = B, over every brand B, plus (unattributed), is the total.
  @Test func brandFiltersPartitionSpend() throws {
    let h = try Harness()
    let total = try #require(h.run("payout").rows.first?.first)
    var sum: Int64 = 0
    for brand in ["MuscleBlaze", "HKVitals", "Gritzo"] {
      guard case .paise(let p) = try h.run("payout where brand = \(brand)").rows.first?.first else {
        Issue.record("payout where brand = \(brand) is not money")
        continue
      }
      sum += p
    }
    let unattributed = h.reference.payoutPieces().filter(\.unattributed).reduce(Int64(0)) {
      $0 + $1.paise
    }
    #expect(total == .paise(sum + unattributed))
  }

  /// paid_payout, pending_payout, paid_orders and order_gap are never spread.
  @Test(arguments: ["paid_payout", "pending_payout", "paid_orders", "order_gap"])
  func payoutNativeMetricsAreNeverSpread(metric: String) throws {
    let h = try Harness()
    for dim in ["brand", "product", "source", "user", "day", "month", "post_platform"] {
      let messages = h.modelError("\(metric) by \(dim)")
      #expect(
        messages.contains { $0.contains(metric) && $0.contains(dim) },
        "\(metric) by \(dim): \(messages)")
    }
    _ = h.modelError("\(metric) where brand = MuscleBlaze")
    for dim in ["campaign", "status", "basis", "influencer", "tier"] {
      expectRows(
        try h.run("\(metric) by \(dim)"), h.reference.expect([metric], by: [dim]),
        "\(metric) by \(dim)")
    }
  }

  @Test func orderGapByInfluencer() throws {
    let h = try Harness()
    let result = try h.run("order_gap, paid_orders by influencer")
    // Zoë: paid 6 on C2, tracked 1 + 4 → +1. Aarav (#1): paid 4 on C1, tracked 2 + 1 + 3 → −2.
    #expect(result.cell(["Zoë Fernandes"], "order_gap") == .integer(1))
    #expect(result.cell(["Aarav Sharma (#1)"], "order_gap") == .integer(-2))
    #expect(result.cell(["Aarav Sharma (#1)"], "paid_orders") == .integer(4))
    expectRows(
      result, h.reference.expect(["order_gap", "paid_orders"], by: ["influencer"]),
      "order_gap by influencer")
  }
}
