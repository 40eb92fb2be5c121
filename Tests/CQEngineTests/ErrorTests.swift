import CQEngine
import CQLanguage
import CQStorage
import Testing

/// SPEC §2–§4 model errors (exit status 3): unknown names and values with "did you mean",
/// unreachable metric × dimension pairs saying why, never-spread payout metrics.
@Suite("Engine: model errors")
struct ErrorTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var text: String
    /// Every one must appear (case-insensitively) in the diagnostics' messages and notes.
    var words: [String]
    var testDescription: String { text }
    init(_ text: String, _ words: [String]) {
      self.text = text
      self.words = words
    }
  }

  static let cases: [Case] = [
    // Unknown names, with did-you-mean.
    Case("revenu by brand", ["unknown metric", "'revenu'", "did you mean", "'revenue'"]),
    Case("roas by campain", ["unknown dimension", "'campain'", "did you mean", "'campaign'"]),
    Case("revenue by brnd", ["unknown dimension", "'brnd'", "'brand'"]),
    Case("engagment_rate by influencer", ["'engagment_rate'", "'engagement_rate'"]),
    Case("revenue by revenue", ["'revenue'", "metric", "not a dimension"]),
    Case("brand by campaign", ["'brand'", "dimension", "not a metric"]),
    Case("revenue order by revnue", ["'revnue'"]),
    // A dimension in 'having' points to 'where', with the condition as it would read there.
    Case(
      "revenue by brand having brand = Gritzo",
      ["'having' compares metrics", "where brand = Gritzo"]),
    // An empty 'between' is a model error, not an empty table; swapped bounds are named.
    Case(
      "revenue by month where date between 2025-02 and 2025-01",
      ["between 2025-02 and 2025-01", "'between 2025-01 and 2025-02'"]),
    // Unknown values, with did-you-mean.
    Case("revenue where brand=MusleBlaze", ["'MusleBlaze'", "did you mean", "'MuscleBlaze'"]),
    Case("revenue by campaign where brand = hkvitalz", ["'hkvitalz'", "'HKVitals'"]),
    Case("revenue where source in (google, gogle)", ["'gogle'", "'google'"]),
    Case("revenue where brand not in (Gritzoo)", ["'Gritzoo'", "'Gritzo'"]),
    Case("revenue where brand != MuscleBlase", ["'MuscleBlase'", "'MuscleBlaze'"]),
    Case("revenue by tier where tier = macr", ["'macr'", "'macro'"]),
    Case("posts where post_platform = Youtube1", ["'Youtube1'", "'YouTube'"]),
    Case("revenue by influencer where influencer = \"Priya Nar\"", ["'Priya Nar'", "Priya Nair"]),
    Case("revenue where month = soon", ["'soon'", "month"]),
    // Unreachable metric × dimension: says why (which fact) and what would work.
    Case(
      "engagement_rate by brand", ["'engagement_rate'", "'brand'", "posts", "revenue by brand"]),
    Case("posts by brand", ["'posts'", "brand", "posts"]),
    Case("likes where source = google", ["'likes'", "source"]),
    Case("conversion_rate by brand", ["'conversion_rate'", "brand"]),
    Case("cpm by product", ["'cpm'", "product"]),
    Case("cpe by source", ["'cpe'", "source"]),
    Case("payout by post_platform", ["'payout'", "post_platform", "posts by post_platform"]),
    Case("revenue by basis", ["'revenue'", "basis", "payout by basis"]),
    Case("revenue by status", ["'revenue'", "status"]),
    Case("roas by basis", ["'roas'", "basis"]),
    Case("orders by post_platform", ["'orders'", "post_platform"]),
    // Never spread (SPEC §4).
    Case("paid_payout by brand", ["'paid_payout'", "brand", "never spread"]),
    Case("pending_payout by month", ["'pending_payout'", "month", "never spread"]),
    Case("paid_orders by product", ["'paid_orders'", "product", "never spread"]),
    Case("order_gap by source", ["'order_gap'", "source", "never spread"]),
    Case("order_gap where brand = Gritzo", ["'order_gap'", "brand"]),
    // score: only by influencer, filters only on influencer attributes.
    Case("score by campaign", ["'score'", "by influencer"]),
    Case("score", ["'score'", "by influencer"]),
    Case("score by influencer where brand = MuscleBlaze", ["'score'", "influencer attributes"]),
    // No store_orders.csv in the fixture.
    Case("lift_revenue by brand", ["'lift_revenue'", "store_orders"]),
    Case("iroas", ["'iroas'", "store_orders"]),
  ]

  @Test(arguments: cases)
  func modelError(_ c: Case) throws {
    let h = try Harness()
    let messages = h.modelError(c.text)
    let text = messages.joined(separator: " || ").lowercased()
    for word in c.words {
      #expect(text.contains(word.lowercased()), "\(c.text): '\(word)' not in \(messages)")
    }
  }

  /// Every unknown name in one statement is reported, not just the first.
  @Test func everyUnknownNameIsReported() throws {
    let h = try Harness()
    let messages = h.modelError("revenu, ordrs by brnd")
    #expect(messages.count == 3, "\(messages)")
  }

  /// The caret points at the offending token.
  @Test func diagnosticRangePointsAtTheToken() throws {
    let h = try Harness()
    let text = "revenue where brand=MusleBlaze"
    let (statements, _) = Parser.parse(text)
    guard case .query(let q) = try #require(statements.first).stmt else {
      Issue.record("not a query")
      return
    }
    do throws(DiagnosticsError) {
      _ = try h.engine.run(q, source: text)
      Issue.record("expected an error")
    } catch {
      let range = try #require(error.diagnostics.first?.range)
      let start = text.utf8.index(text.utf8.startIndex, offsetBy: range.lowerBound.offset)
      let end = text.utf8.index(text.utf8.startIndex, offsetBy: range.upperBound.offset)
      #expect(String(text[start..<end]) == "MusleBlaze")
      #expect(error.diagnostics.first?.fixIts.first?.replacement == "MuscleBlaze")
    }
  }

  /// Choice (SPEC silent): `~` that matches no value is a model error rather than an empty table.
  @Test func containsWithoutMatchIsAnError() throws {
    let h = try Harness()
    let messages = h.modelError("revenue by source where source ~ zzz")
    #expect(messages.contains { $0.contains("zzz") })
  }
}
