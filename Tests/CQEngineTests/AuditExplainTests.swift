import CQLanguage
import CQStorage
import Foundation
import Testing

@testable import CQEngine

/// SPEC conformance audit of §2 (`explain` wording, carets, did-you-mean) on a hand-made folder
/// (`Fixtures/audit`): two influencers named Asha, a payout with no posts or orders (Kabir), a
/// payout of a campaign with no tracking rows (Asha #1, C3).
@Suite("Engine: audit of explain and model errors")
struct AuditExplainTests {
  static let folder = EngineFixtures.path("audit")

  func explain(_ h: Harness, _ text: String) throws -> String {
    let (statements, diagnostics) = Parser.parse(text)
    guard diagnostics.isEmpty, case .explain(let q) = try #require(statements.first).stmt else {
      throw HarnessError(description: "'\(text)' did not parse as explain")
    }
    return try h.engine.explain(q, source: text).text
  }

  func tracking() throws -> [[String: String]] {
    try TinyCSV.table(at: "\(Self.folder)/tracking_data.csv")
  }

  /// Headlines quote their parts and show values as tables do: conversion_rate names its
  /// conversions and keeps two significant digits, cpm shows payout ÷ reach × 1000, and score
  /// (a rank, with no total) quotes no figure.
  @Test func headlinesQuoteTheirPartsAndSmallRates() throws {
    let h = try Harness("audit")
    let rows = try tracking().count
    let posts = try TinyCSV.table(at: "\(Self.folder)/posts.csv")
    let reach = posts.reduce(0) { $0 + (Int($1["reach"] ?? "") ?? 0) }
    let rate = Double(rows) / Double(reach) * 100
    let conversion = try #require(
      try explain(h, "explain conversion_rate").split(separator: "\n").first)
    #expect(conversion.hasPrefix("conversion_rate = \(rows) conversions ÷ "), "\(conversion)")
    #expect(!conversion.contains("= 0.00%"), "\(conversion) (rate \(rate)%)")
    let shown = try #require(h.run("conversion_rate").rows.first?.first?.doubleValue)
    #expect(abs(shown * 100 - rate) < 1e-9)
    let cpm = try #require(try explain(h, "explain cpm").split(separator: "\n").first)
    #expect(cpm.contains(" payout ÷ ") && cpm.contains(" reach × 1000 = "), "\(cpm)")
    let score = try #require(
      try explain(h, "explain score by influencer").split(separator: "\n").first)
    #expect(
      score.hasPrefix("score = mean percentile rank") && score.contains("(no total)"), "\(score)")
    #expect(!score.contains("= 0.00"), "\(score)")
    // Sentences show rates as tables do.
    #expect(Engine.figure(.number(0.000032), format: .percent).text == "0.0032%")
    #expect(Engine.figure(.number(0.0676), format: .percent).text == "6.76%")
    #expect(Engine.figure(.number(-0.5), format: .multiple).text == "-0.50x")
  }

  /// `describe` of a table lists the dimensions its rows carry and its first rows as written;
  /// `influencers` and `posts` are metrics and tables both, and describe both.
  @Test func describeTablesShowTheirRowsAndDimensions() throws {
    let h = try Harness("audit")
    let origin = CQLanguage.SourceLocation(line: 1, column: 1, offset: 0)
    func describe(_ name: String) throws -> String {
      try h.engine.describe(NameRef(text: name, range: origin..<origin), source: "describe \(name)")
        .text
    }
    let payouts = try describe("payouts")
    #expect(
      payouts.contains(
        "  by:      influencer, influencer_id, category, gender, platform, tier, campaign, basis, status"
      ), "\(payouts)")
    #expect(
      payouts.contains(
        "    influencer_id=1  campaign=C1  basis=post  rate=100.00  orders=0  total_payout=200.00"),
      "\(payouts)")
    let influencers = try describe("influencers")
    #expect(influencers.hasPrefix("metric influencers"))
    #expect(influencers.contains("\ntable influencers: "), "\(influencers)")
    let sample = try h.engine.sample(
      NameRef(text: "payouts", range: origin..<origin), count: 3, source: "")
    #expect(sample.rows[2][3] == .paise(33333), "rate 333.33 keeps its two decimals")
  }

  /// "over N tracked orders" counts orders (sum of `orders`), not tracking rows.
  @Test func headlineCountsOrdersNotRows() throws {
    let h = try Harness("audit")
    let rows = try tracking()
    let instagram = Set(
      try TinyCSV.table(at: "\(Self.folder)/influencers.csv").filter {
        $0["platform"] == "Instagram"
      }.compactMap { $0["id"] })
    let scoped = rows.filter { instagram.contains($0["influencer_id"] ?? "") }
    let orders = scoped.reduce(0) { $0 + (Int($1["orders"] ?? "") ?? 0) }
    #expect(orders != scoped.count, "the fixture must tell orders from rows")
    let text = try explain(h, "explain roas by brand where platform=Instagram")
    let headline = try #require(text.split(separator: "\n").first)
    #expect(headline.contains("over \(orders) tracked orders"), "\(headline)")
    #expect(text.contains("(\(scoped.count) rows)"), "the filter step still counts rows: \(text)")
    let all = rows.reduce(0) { $0 + (Int($1["orders"] ?? "") ?? 0) }
    #expect(
      try explain(h, "explain revenue").hasPrefix(
        "revenue = sum(revenue) = ₹1.5k over \(all) tracked orders"))
  }

  /// Under a filter on a payout dimension, explain states only the unattributed spend that the
  /// result shows (the filtered influencers' payouts), in the singular for one row.
  @Test func unattributedSpendFollowsPayoutFilters() throws {
    let h = try Harness("audit")
    let result = try h.run("payout by brand where platform=Instagram")
    let shown = try #require(result.byLabels[["(unattributed)"]]?.first)
    #expect(shown == .paise(1000))
    let text = try explain(h, "explain payout by brand where platform=Instagram")
    #expect(
      text.contains(
        "; ₹10.00 of payouts (1 row) has no tracking rows to carry it and shows as (unattributed)"),
      "\(text)")
    // Unfiltered: both unattributed payouts (Kabir's ₹1,000 and Asha #1's C3 ₹10).
    let all = try explain(h, "explain payout by brand")
    #expect(
      all.contains(
        "₹1k of payouts (2 rows) have no tracking rows to carry them and show as (unattributed)"),
      "\(all)")
    // Kabir is on Twitter and Asha #1 on Instagram: no unattributed spend passes platform=YouTube.
    let none = try explain(h, "explain payout by brand where platform=YouTube")
    #expect(!none.contains("unattributed"), "\(none)")
    // A filter on a dimension payouts lack drops it.
    let dropped = try explain(h, "explain payout by brand where source=direct")
    #expect(
      dropped.contains(
        "(2 rows) have no tracking rows to carry them and are dropped by the filter"), "\(dropped)")
    #expect(dropped.contains("because brand and source are not payout columns"), "\(dropped)")
  }

  /// The caret of an unreachable metric named only in `order by` or `having` points at it.
  @Test(arguments: ["revenue by brand order by reach", "revenue by brand having reach > 1"])
  func unreachableMetricInClausePointsAtIt(_ text: String) throws {
    let h = try Harness("audit")
    let (statements, _) = Parser.parse(text)
    guard case .query(let q) = try #require(statements.first).stmt else {
      Issue.record("not a query")
      return
    }
    do throws(DiagnosticsError) {
      _ = try h.engine.run(q, source: text)
      Issue.record("expected an error")
    } catch {
      let d = try #require(error.diagnostics.first)
      #expect(d.message.contains("'reach' cannot be split by 'brand'"))
      let start = text.utf8.index(text.utf8.startIndex, offsetBy: d.range.lowerBound.offset)
      let end = text.utf8.index(text.utf8.startIndex, offsetBy: d.range.upperBound.offset)
      #expect(String(text[start..<end]) == "reach")
    }
  }

  /// Two influencers share the name Asha (labelled `Asha (#1)`, `Asha (#3)`); a typo of the
  /// plain name still gets a "did you mean" with the name that matches both.
  @Test func influencerTypoSuggestsPlainName() throws {
    let h = try Harness("audit")
    let messages = h.modelError("revenue by influencer where influencer=Ash")
    #expect(
      messages.contains { $0.contains("no influencer 'Ash' in the data; did you mean 'Asha'?") },
      "\(messages)")
    #expect(try h.run("revenue by influencer where influencer=Asha").rows.count == 2)
  }

  /// `where orders > 1` is a model error that points to `having`.
  @Test func metricInWhereSuggestsHaving() throws {
    let h = try Harness("audit")
    let messages = h.modelError("revenue by brand where orders > 1")
    #expect(
      messages.contains { $0.contains("'orders' is a metric") && $0.contains("having orders > 1") },
      "\(messages)")
  }
}

/// `having` reads a ratio as tables show it (`1.9x`).
@Suite("Engine: audit of having numbers")
struct AuditHavingTests {
  @Test func ratioWithTimesSuffix() throws {
    let h = try Harness("audit")
    let all = try h.run("roas by influencer")
    let expected = all.rows.filter { ($0[1].doubleValue ?? 0) > 2.5 }.map { $0[0].label }
    #expect(!expected.isEmpty && expected.count < all.rows.count)
    let kept = try h.run("roas by influencer having roas > 2.5x").rows.map { $0[0].label }
    #expect(kept == expected)
  }
}

/// SPEC §3: a value that does not occur in the data is a model error, so a mistyped date
/// (2052 for 2025) does not look like an empty result; days inside the data's span stay valid.
@Suite("Engine: audit of dates outside the data")
struct AuditDateTests {
  func span() throws -> (first: String, last: String) {
    let folder = EngineFixtures.path("audit")
    let dates = try
      (TinyCSV.table(at: "\(folder)/tracking_data.csv") + TinyCSV.table(at: "\(folder)/posts.csv"))
      .compactMap { $0["date"] }.sorted()
    return (try #require(dates.first), try #require(dates.last))
  }

  @Test(arguments: [
    "revenue where date=2052-06-01", "revenue by day where month in (2025-06, 2026-09)",
    "posts where date != 2024-01-01",
  ])
  func periodOutsideTheDataIsAnError(_ text: String) throws {
    let h = try Harness("audit")
    let (first, last) = try span()
    let messages = h.modelError(text)
    #expect(
      messages.contains {
        $0.hasPrefix("no data in '") && $0.hasSuffix("the data runs from \(first) to \(last)")
      }, "\(messages)")
  }

  @Test func dayInsideTheSpanWithoutRowsIsEmpty() throws {
    let h = try Harness("audit")
    #expect(try h.run("revenue by day where date=2025-06-05").rows.isEmpty)
  }

  /// An open-ended condition no day of the data satisfies is refused as `=` is (issue 14.2): a
  /// 2026-for-2025 typo must not look like an empty result (SPEC §3).
  @Test(arguments: [
    "revenue where date > 2030-01-01", "revenue where date >= 2026-01-01",
    "orders where date < 2020-01-01", "revenue by brand where month > 2030-01",
  ])
  func openEndedConditionMatchingNothingIsAnError(_ text: String) throws {
    let h = try Harness("audit")
    let (first, last) = try span()
    let messages = h.modelError(text)
    #expect(
      messages.contains {
        $0.hasPrefix("no day of the data satisfies '")
          && $0.hasSuffix("the data runs from \(first) to \(last)")
      }, "\(messages)")
  }
}
