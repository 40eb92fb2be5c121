import CQEngine
import CQLanguage
import CQStorage
import Testing

extension Reference {
  /// SPEC §2 default order: `(unattributed)` last, time dimensions ascending, then the first
  /// metric descending (no value last), then labels.
  static func defaultOrder(_ rows: [[String]: [RefValue]], dims: [String]) -> [[String]] {
    rows.keys.sorted { a, b in
      let ua = a.contains("(unattributed)")
      let ub = b.contains("(unattributed)")
      if ua != ub { return ub }
      for (i, d) in dims.enumerated() where timeDimensions.contains(d) && a[i] != b[i] {
        if d == "weekday" {
          return (weekdays.firstIndex(of: a[i]) ?? 9) < (weekdays.firstIndex(of: b[i]) ?? 9)
        }
        return a[i] < b[i]
      }
      let x = rows[a]?.first?.double
      let y = rows[b]?.first?.double
      if x != y {
        guard let x else { return false }
        guard let y else { return true }
        return x > y
      }
      return a.lexicographicallyPrecedes(b) { $0.lowercased() < $1.lowercased() }
    }
  }
}

/// having, order by, limit, top/bottom N in both word orders, `with other`, totals.
@Suite("Engine: having, order, limit, top, other, totals")
struct OrderingTests {
  @Test(arguments: [
    ("revenue by brand", ["brand"]), ("revenue, orders by influencer", ["influencer"]),
    ("roas by campaign", ["campaign"]), ("payout by brand", ["brand"]),
    ("posts, revenue by month", ["month"]),
    ("revenue by campaign, week", ["campaign", "week"]),
    ("engagement_rate by influencer_id", ["influencer_id"]),
    // Influencers without a payout have no ROAS: those rows go last.
    ("roas by influencer", ["influencer"]), ("cpe, revenue by influencer", ["influencer"]),
  ])
  func defaultOrder(text: String, dims: [String]) throws {
    let h = try Harness()
    let result = try h.run(text)
    let metrics = result.columns.dropFirst(dims.count).map(\.name)
    let expected = h.reference.expect(metrics, by: dims)
    #expect(result.labelRows == Reference.defaultOrder(expected, dims: dims), "\(text)")
  }

  @Test func explicitOrder() throws {
    let h = try Harness()
    let expected = h.reference.expect(["revenue", "orders"], by: ["brand"])
    let byOrdersAscending = expected.keys.sorted {
      (expected[$0]?[1].double ?? 0) < (expected[$1]?[1].double ?? 0)
    }
    #expect(
      try h.run("revenue, orders by brand order by orders asc").labelRows == byOrdersAscending)
    #expect(
      try h.run("revenue, orders by brand order by orders").labelRows == byOrdersAscending,
      "asc is the default direction")
    // Ordering by a metric that is not shown.
    let hidden = try h.run("revenue by brand order by orders desc")
    #expect(hidden.columns.map(\.name) == ["brand", "revenue"])
    #expect(hidden.labelRows == byOrdersAscending.reversed())
    #expect(
      try h.run("revenue by brand order by brand").labelRows == [
        ["Gritzo"], ["HKVitals"], ["MuscleBlaze"],
      ])
    #expect(
      try h.run("revenue by brand order by brand desc").labelRows == [
        ["MuscleBlaze"], ["HKVitals"], ["Gritzo"],
      ])
    // Two keys: campaign ascending, then revenue descending within it.
    let two = h.reference.expect(["revenue"], by: ["campaign", "brand"])
    let sorted = two.keys.sorted {
      $0[0] != $1[0] ? $0[0] < $1[0] : (two[$0]?[0].double ?? 0) > (two[$1]?[0].double ?? 0)
    }
    #expect(
      try h.run("revenue by campaign, brand order by campaign, revenue desc").labelRows == sorted)
  }

  @Test func limit() throws {
    let h = try Harness()
    let all = Reference.defaultOrder(
      h.reference.expect(["revenue"], by: ["influencer"]), dims: ["influencer"])
    let result = try h.run("revenue by influencer limit 3")
    #expect(result.labelRows == Array(all.prefix(3)))
    #expect(result.totalGroups == all.count)
    #expect(try h.run("revenue by influencer limit 100").labelRows == all)
  }

  struct HavingCase: Sendable, CustomTestStringConvertible {
    var text: String
    var dims: [String]
    var metrics: [String]
    /// Over the values of `metrics` (rupees for money).
    var keep: @Sendable ([Double?]) -> Bool
    var testDescription: String { text }
  }

  @Test(arguments: [
    HavingCase(
      text: "revenue by campaign having orders > 5", dims: ["campaign"],
      metrics: ["revenue", "orders"]
    ) {
      ($0[1] ?? 0) > 5
    },
    HavingCase(
      text: "revenue, orders by brand having revenue >= 2300 and orders < 8", dims: ["brand"],
      metrics: ["revenue", "orders"]
    ) {
      ($0[0] ?? 0) >= 2300 && ($0[1] ?? 0) < 8
    },
    HavingCase(
      text: "revenue by influencer having revenue > 1k", dims: ["influencer"], metrics: ["revenue"]
    ) { ($0[0] ?? 0) > 1000 },
    HavingCase(
      text: "revenue by influencer having not revenue > 1000 or revenue = 1500",
      dims: ["influencer"], metrics: ["revenue"]
    ) {
      !(($0[0] ?? 0) > 1000) || $0[0] == 1500
    },
    HavingCase(
      text: "roas by campaign having roas between 0.5 and 2", dims: ["campaign"], metrics: ["roas"]
    ) {
      guard let r = $0[0] else { return false }
      return r >= 0.5 && r <= 2
    },
    HavingCase(
      text: "engagement_rate by influencer having engagement_rate > 5%", dims: ["influencer"],
      metrics: ["engagement_rate"]
    ) {
      ($0[0] ?? 0) > 0.05
    },
    HavingCase(text: "payout by brand having payout < 1000", dims: ["brand"], metrics: ["payout"]) {
      ($0[0] ?? 0) < 1000
    },
  ])
  func having(_ c: HavingCase) throws {
    let h = try Harness()
    let result = try h.run(c.text)
    let all = h.reference.expect(c.metrics, by: c.dims)
    let kept = all.filter { c.keep($0.value.map(\.double)) }
    #expect(Set(result.labelRows) == Set(kept.keys), "\(c.text)")
    #expect(
      !kept.isEmpty && kept.count < all.count, "\(c.text): the fixture must make the condition bite"
    )
    let shown = result.columns.dropFirst(c.dims.count).map(\.name)
    expectRows(result, h.reference.expect(shown, by: c.dims).filter { kept[$0.key] != nil }, c.text)
  }

  /// `top N A by B` and `top N B by A` mean `B by A order by B desc limit N` (SPEC §2).
  @Test(arguments: [
    (
      "top 2 influencer by revenue", "top 2 revenue by influencer",
      "revenue by influencer order by revenue desc limit 2"
    ),
    (
      "top 3 brand by roas where campaign = C1", "top 3 roas by brand where campaign = C1",
      "roas by brand where campaign = C1 order by roas desc limit 3"
    ),
    (
      "bottom 2 influencer by revenue", "bottom 2 revenue by influencer",
      "revenue by influencer order by revenue asc limit 2"
    ),
    (
      "top 2 campaigns by roas", "top 2 roas by campaigns",
      "roas by campaign order by roas desc limit 2"
    ),
  ])
  func topAndBottom(a: String, b: String, spelledOut: String) throws {
    let h = try Harness()
    let ra = try h.run(a)
    let rb = try h.run(b)
    let rc = try h.run(spelledOut)
    #expect(ra.rows == rc.rows, "\(a)")
    #expect(rb.rows == rc.rows, "\(b)")
    #expect(ra.columns.map(\.name) == rc.columns.map(\.name))
  }

  /// `top N` picks its rows by the first metric; an `order by` only orders the rows picked, so
  /// it never turns `bottom` into `top`.
  @Test(arguments: [
    (
      "bottom 2 influencer by revenue order by revenue desc", "bottom 2 influencer by revenue", true
    ),
    ("top 2 influencer by revenue order by revenue asc", "top 2 influencer by revenue", false),
    (
      "top 3 influencer by revenue, orders order by influencer",
      "top 3 influencer by revenue, orders", nil
    ),
  ])
  func topOrderByOrdersThePickedRows(text: String, plain: String, descending: Bool?) throws {
    let h = try Harness()
    let picked = try h.run(plain)
    let ordered = try h.run(text)
    #expect(Set(ordered.labelRows) == Set(picked.labelRows), "\(text)")
    #expect(ordered.rows.count == picked.rows.count)
    let revenue = ordered.rows.map { $0[1].doubleValue ?? 0 }
    if let descending {
      #expect(revenue == revenue.sorted(by: descending ? (>) : (<)), "\(text): \(revenue)")
    } else {
      let names = ordered.labelRows.map { $0[0] }
      #expect(names == names.sorted { $0.lowercased() < $1.lowercased() }, "\(text): \(names)")
    }
  }

  /// explain says how `top N … order by` picks its rows and then orders them.
  @Test func explainSaysTopPicksThenOrders() throws {
    let h = try Harness()
    let text = "explain bottom 2 influencer by revenue order by revenue desc"
    guard case .explain(let q)? = Parser.parse(text).statements.first?.stmt else {
      Issue.record("not an explain")
      return
    }
    let plan = try h.engine.explain(q, source: text).text
    #expect(
      plan.contains("pick by revenue asc, first 2 rows; show them ordered by revenue desc"),
      "\(plan)")
  }

  /// A misspelt name in `top N DIM by METRIC` is blamed on itself, with a did-you-mean, and a
  /// `top N` with nothing to rank by is an error, not an empty table.
  @Test func topNamesTheMisspeltWordAndNeedsAMetric() throws {
    let h = try Harness()
    let metric = h.modelError("top 3 influencer by revnue")
    #expect(
      metric.count == 1 && metric[0].contains("unknown metric 'revnue'; did you mean 'revenue'"),
      "\(metric)")
    let dimension = h.modelError("top 3 influencr by revenue")
    #expect(
      dimension.count == 1
        && dimension[0].contains("unknown dimension 'influencr'; did you mean 'influencer'"),
      "\(dimension)")
    let bare = h.modelError("top 3 campaign")
    #expect(
      bare.count == 1 && bare[0].contains("'top 3 campaign' needs a metric to rank by"), "\(bare)")
    #expect(bare.first?.contains("top 3 campaign by revenue") == true, "\(bare)")
  }

  /// `influencers` is both a metric and the plural of `influencer`; after `top N … by roas`
  /// only the dimension reading can be answered (`roas` is no dimension), so it must be taken.
  @Test func topPluralInfluencers() throws {
    let h = try Harness()
    let spelled = try h.run(
      "roas by influencer where platform = Instagram order by roas desc limit 2")
    do {
      let plural = try h.run("top 2 influencers by roas where platform = Instagram")
      #expect(plural.rows == spelled.rows)
    }
  }

  @Test func topFromTheReference() throws {
    let h = try Harness()
    let revenue = h.reference.expect(["revenue"], by: ["influencer"])
    let ranked = revenue.keys.sorted {
      (revenue[$0]?[0].double ?? 0) > (revenue[$1]?[0].double ?? 0)
    }
    let top = try h.run("top 2 influencer by revenue")
    #expect(top.columns.map(\.name) == ["influencer", "revenue"])
    #expect(top.labelRows == Array(ranked.prefix(2)))
    let bottom = try h.run("bottom 2 revenue by influencer")
    #expect(bottom.labelRows == Array(ranked.reversed().prefix(2)))
  }

  /// `(other)` sums the groups cut by top N and recomputes ratios from those sums (SPEC §5).
  @Test(arguments: [
    ("top 2 influencer by revenue with other", "influencer", "revenue", true),
    ("bottom 2 influencer by revenue with other", "influencer", "revenue", false),
    ("top 2 brand by roas with other", "brand", "roas", true),
    ("top 1 campaign by roas with other", "campaign", "roas", true),
    ("top 2 influencer by engagement_rate with other", "influencer", "engagement_rate", true),
    ("top 1 brand by aov with other", "brand", "aov", true),
    // Distinct counts are not added: HKVitals {u1, u2, u3} ∪ Gritzo {u1, u5} is 4 users, not 5.
    ("top 1 brand by customers with other", "brand", "customers", true),
    ("top 1 campaign by influencers with other", "campaign", "influencers", true),
  ])
  func withOther(text: String, dim: String, metric: String, top: Bool) throws {
    let h = try Harness()
    let result = try h.run(text)
    let n = Int(text.split(separator: " ")[1]) ?? 0
    let accs = h.reference.accumulate(metrics: [metric], dims: [dim], filter: nil)
    let values = accs.mapValues { Reference.value(metric, $0) }
    let ranked = accs.keys.sorted { a, b in
      let ua = a.contains("(unattributed)")
      let ub = b.contains("(unattributed)")
      if ua != ub { return ub }
      let x = values[a]?.double ?? -.infinity
      let y = values[b]?.double ?? -.infinity
      return top ? x > y : x < y
    }
    #expect(result.labelRows == Array(ranked.prefix(n)), "\(text)")
    let other = Reference.merge(ranked.dropFirst(n).compactMap { accs[$0] })
    let expectedOther = Reference.value(metric, other)
    #expect(result.rowKinds.last == .other, "\(text)")
    #expect(result.rows.last?.first == .text("(other)"))
    if let cell = result.rows.last?.last {
      #expect(matches(cell, expectedOther), "\(text): (other) \(cell) vs \(expectedOther)")
    }
    // Ratios are not added: the (other) roas is not the sum or mean of the cut groups' roas.
    if metric == "roas", ranked.count - n > 1 {
      let cutRatios = ranked.dropFirst(n).compactMap { values[$0]?.double }
      #expect(result.rows.last?.last?.doubleValue != cutRatios.reduce(0, +))
    }
  }

  /// `limit N with other` parses (CQLanguage documents it), so it must not be silently ignored.
  @Test func limitWithOther() throws {
    let h = try Harness()
    let result = try h.run("revenue by campaign limit 1 with other")
    let all = h.reference.expect(["revenue"], by: ["campaign"])
    let ranked = Reference.defaultOrder(all, dims: ["campaign"])
    #expect(result.labelRows == Array(ranked.prefix(1)))
    do {
      let rest = ranked.dropFirst().compactMap { all[$0]?.first }.reduce(Int64(0)) {
        if case .paise(let p) = $1 { return $0 + p } else { return $0 }
      }
      #expect(result.rows.last == [.text("(other)"), .paise(rest)])
    }
  }

  /// `set totals on`: the totals row under the same filters, ratios from sums (SPEC §5).
  @Test(arguments: [
    ("roas by campaign", RefFilter?.none), ("revenue, payout, roas, aov by brand", RefFilter?.none),
    (
      "revenue, roas, cpm by campaign where platform = Instagram",
      RefFilter.equal("platform", "Instagram")
    ),
    (
      "payout, roas by brand where source != google",
      RefFilter(["source"]) { $0["source"] != "google" }
    ),
    ("engagement_rate, posts by influencer", RefFilter?.none),
    ("customers, new_customers, influencers by brand", RefFilter?.none),
  ])
  func totals(text: String, filter: RefFilter?) throws {
    let h = try Harness(totals: true)
    let result = try h.run(text)
    let metrics = result.columns.dropFirst(result.dimensionCount).map(\.name)
    let totals = try #require(result.totals, "\(text): totals row")
    #expect(totals.first == .text("(total)"))
    // The totals of the groups shown: sums and distinct sets merged over every group, ratios from
    // those sums (for influencers by brand that is the distinct influencers of tracking rows,
    // the unknown id 9 included).
    let dims = result.columns.prefix(result.dimensionCount).map(\.name)
    let merged = Reference.merge(
      Array(h.reference.accumulate(metrics: metrics, dims: dims, filter: filter).values))
    let expected = metrics.map { Reference.value($0, merged) }
    for (i, e) in expected.enumerated() {
      let cell = totals[result.dimensionCount + i]
      #expect(matches(cell, e), "\(text) total \(metrics[i]): \(cell) vs \(e)")
    }
  }

  /// When `having` or a cut without `(other)` leaves groups out, the totals row totals the rows
  /// shown: their sums and distinct sets merged, ratios from those sums.
  @Test(arguments: [
    "revenue, payout, roas by campaign having roas > 1",
    "customers, revenue, aov by brand having revenue > 1000",
    "top 2 influencer by revenue, engagement_rate", "revenue, customers by campaign limit 1",
  ])
  func totalsOfTheRowsShown(text: String) throws {
    let h = try Harness(totals: true)
    let result = try h.run(text)
    let dims = result.columns.prefix(result.dimensionCount).map(\.name)
    let metrics = result.columns.dropFirst(dims.count).map(\.name)
    let groups = h.reference.accumulate(metrics: metrics, dims: dims, filter: nil)
    #expect(result.rows.count < groups.count, "\(text): some groups are left out")
    let shown = result.labelRows.compactMap { groups[$0] }
    #expect(shown.count == result.rows.count)
    let merged = Reference.merge(shown)
    let totals = try #require(result.totals, "\(text): totals row")
    for (i, metric) in metrics.enumerated() {
      let cell = totals[dims.count + i]
      let expected = Reference.value(metric, merged)
      #expect(matches(cell, expected), "\(text) total \(metric): \(cell) vs \(expected)")
    }
  }

  /// roas_delta compares each group with all rows under the same filters.
  @Test(arguments: [
    ("roas_delta, roas by campaign", RefFilter?.none),
    ("roas_delta by brand where campaign = C1", RefFilter.equal("campaign", "C1")),
    (
      "roas_delta by influencer where platform = Instagram",
      RefFilter.equal("platform", "Instagram")
    ),
  ])
  func roasDelta(text: String, filter: RefFilter?) throws {
    let h = try Harness()
    let result = try h.run(text)
    let dims = result.columns.prefix(result.dimensionCount).map(\.name)
    let metrics = result.columns.dropFirst(dims.count).map(\.name)
    expectRows(result, h.reference.expect(metrics, by: dims, where: filter), text)
  }
}
