import CQEngine
import CQStorage
import Testing

/// `where` conditions (SPEC §2): = != < <= > >= in, not in, between, ~, and/or/not, parentheses;
/// values compare case-insensitively; `date` means day; a month literal covers the month.
@Suite("Engine: where conditions")
struct ConditionTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var text: String
    var filter: RefFilter
    var testDescription: String { text }
    init(_ text: String, _ filter: RefFilter) {
      self.text = text
      self.filter = filter
    }
  }

  static func day(_ l: [String: String]) -> String { l["day"] ?? "" }

  static let cases: [Case] = [
    Case("revenue by campaign where brand = MuscleBlaze", .equal("brand", "MuscleBlaze")),
    Case("revenue by campaign where brand = muscleblaze", .equal("brand", "MuscleBlaze")),
    Case(
      "revenue, orders by brand where BRAND != gritzo",
      RefFilter(["brand"]) { $0["brand"] != "Gritzo" }),
    Case(
      "revenue by source where brand in (MuscleBlaze, Gritzo)",
      RefFilter(["brand"]) {
        ["MuscleBlaze", "Gritzo"].contains($0["brand"])
      }),
    Case(
      "revenue by source where brand not in (MuscleBlaze, Gritzo)",
      RefFilter(["brand"]) {
        !["MuscleBlaze", "Gritzo"].contains($0["brand"])
      }),
    Case(
      "revenue by source where source ~ INSTA",
      RefFilter(["source"]) { $0["source"]?.contains("insta") == true }),
    Case(
      "revenue by influencer_id where influencer_id between 2 and 4",
      RefFilter(["influencer_id"]) {
        (2...4).contains(Int($0["influencer_id"] ?? "") ?? 0)
      }),
    Case(
      "revenue by day where date between 2025-01-01 and 2025-01-06",
      RefFilter(["day"]) {
        ("2025-01-01"..."2025-01-06").contains(day($0))
      }),
    Case(
      "revenue, posts by day where date < 2025-01-02", RefFilter(["day"]) { day($0) < "2025-01-02" }
    ),
    Case(
      "revenue, posts by day where date >= 2025-02-11",
      RefFilter(["day"]) { day($0) >= "2025-02-11" }),
    Case(
      "revenue, posts by day where date <= 2025-01", RefFilter(["day"]) { day($0) <= "2025-01-31" }),
    Case(
      "revenue, posts by day where date > 2025-01", RefFilter(["day"]) { day($0) > "2025-01-31" }),
    Case(
      "revenue, posts by week where date = 2025-01",
      RefFilter(["day"]) { day($0).hasPrefix("2025-01") }),
    Case(
      "revenue, posts where date = 2024-12", RefFilter(["day"]) { day($0).hasPrefix("2024-12") }),
    Case(
      "revenue, posts, payout where month = 2025-02",
      RefFilter(["month"]) { $0["month"] == "2025-02" }),
    Case(
      "revenue, posts by day where week = 2024-12-30",
      RefFilter(["week"]) { $0["week"] == "2024-12-30" }),
    Case(
      "revenue, posts where week = 2025-01-01", RefFilter(["week"]) { $0["week"] == "2024-12-30" }),
    Case(
      "revenue by month where quarter = 2024-Q4",
      RefFilter(["quarter"]) { $0["quarter"] == "2024-Q4" }),
    Case("revenue by month where year = 2025", RefFilter(["year"]) { $0["year"] == "2025" }),
    Case("revenue by month where year != 2025", RefFilter(["year"]) { $0["year"] != "2025" }),
    Case(
      "revenue by brand where brand = Gritzo or source = google",
      RefFilter(["brand", "source"]) {
        $0["brand"] == "Gritzo" || $0["source"] == "google"
      }),
    Case(
      "revenue by brand where (brand = Gritzo or source = google) and campaign != C3",
      RefFilter(["brand", "source", "campaign"]) {
        ($0["brand"] == "Gritzo" || $0["source"] == "google") && $0["campaign"] != "C3"
      }),
    Case(
      "revenue by brand where brand = Gritzo or source = google and campaign != C3",
      RefFilter(["brand", "source", "campaign"]) {
        $0["brand"] == "Gritzo" || ($0["source"] == "google" && $0["campaign"] != "C3")
      }),
    Case(
      "revenue by brand where not (brand = Gritzo or source = google)",
      RefFilter(["brand", "source"]) {
        !($0["brand"] == "Gritzo" || $0["source"] == "google")
      }),
    Case(
      "revenue by source where not brand = MuscleBlaze and not source = direct",
      RefFilter(["brand", "source"]) {
        $0["brand"] != "MuscleBlaze" && $0["source"] != "direct"
      }),
    Case(
      "revenue, posts by influencer where platform = instagram", .equal("platform", "Instagram")),
    Case(
      "revenue, posts by platform where category in (Fitness, Health)",
      RefFilter(["category"]) {
        ["Fitness", "Health"].contains($0["category"])
      }),
    Case("revenue, posts, payout by influencer where tier = mid", .equal("tier", "mid")),
    Case(
      "revenue, posts, payout by tier where tier != nano and gender = Male",
      RefFilter(["tier", "gender"]) {
        $0["tier"] != "nano" && $0["gender"] == "Male"
      }),
    Case(
      "posts, reach by post_platform where post_platform = YouTube",
      .equal("post_platform", "YouTube")),
    Case("posts, likes, payout by influencer where campaign = C1", .equal("campaign", "C1")),
    Case(
      "conversion_rate, cpm by influencer where campaign in (C1, C2)",
      RefFilter(["campaign"]) {
        ["C1", "C2"].contains($0["campaign"])
      }),
    Case("revenue, payout, roas by campaign where user = u1", .equal("user", "u1")),
    Case(
      "revenue, customers by product where product = Whey and date between 2025-01-01 and 2025-01-31",
      RefFilter(["product", "day"]) {
        $0["product"] == "Whey" && ("2025-01-01"..."2025-01-31").contains(day($0))
      }),
    Case(
      "revenue by influencer where influencer = \"Zoë Fernandes\"",
      .equal("influencer", "Zoë Fernandes")),
    Case(
      "revenue by influencer where influencer = \"Aarav Sharma (#4)\"",
      .equal("influencer", "Aarav Sharma (#4)")),
    Case("revenue by influencer where influencer = \"आरव शर्मा\"", .equal("influencer", "आरव शर्मा")),
    Case("payout, paid_payout by basis where status = paid", .equal("status", "paid")),
    Case(
      "pending_payout, paid_orders by campaign where basis in (\"order\", hybrid)",
      RefFilter(["basis"]) {
        ["order", "hybrid"].contains($0["basis"])
      }),
  ]

  @Test(arguments: cases)
  func condition(_ c: Case) throws {
    let h = try Harness()
    let result = try h.run(c.text)
    let dims = result.columns.prefix(result.dimensionCount).map(\.name)
    let metrics = result.columns.dropFirst(dims.count).map(\.name)
    expectRows(result, h.reference.expect(metrics, by: dims, where: c.filter), c.text)
  }

  /// Choice (SPEC silent): `influencer = NAME` matches every influencer of that name, whose
  /// labels are `name (#id)`.
  @Test func plainNameMatchesEveryNamesake() throws {
    let h = try Harness()
    let result = try h.run("revenue by influencer where influencer = \"aarav sharma\"")
    #expect(Set(result.labelRows) == [["Aarav Sharma (#1)"], ["Aarav Sharma (#4)"]])
    expectRows(
      result,
      h.reference.expect(
        ["revenue"], by: ["influencer"],
        where: RefFilter(["influencer"]) { $0["influencer"]?.hasPrefix("Aarav Sharma") == true }),
      "namesakes")
  }

  /// A filter that matches nothing among existing values is an empty result, and a sum over no
  /// rows is 0 (SPEC §4).
  @Test func noRowsSumToZero() throws {
    let h = try Harness()
    // Gritzo is only sold on C2 and C3.
    let result = try h.run("revenue, orders, aov where brand = Gritzo and campaign = C1")
    do {
      #expect(result.rows == [[.paise(0), .integer(0), .empty]])
    }
    // Grouped, the same filter leaves no group at all.
    #expect(try h.run("revenue by brand where brand = Gritzo and campaign = C1").rows.isEmpty)
  }
}
