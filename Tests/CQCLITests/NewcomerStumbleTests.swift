import Foundation
import Testing

/// Issue 14's defects that live in the model (3, 5, 6, 8), through the real binary on the
/// bundled data.
@Suite struct NewcomerStumbleTests {
  private func firstLine(_ statement: String) throws -> (String, Int32) {
    let run = try cq(["-c", statement])
    return (String(run.stderr.split(separator: "\n").first ?? ""), run.status)
  }

  @Test func aBrandOnlyInStoreOrdersSaysWhyThereAreNoRows() throws {
    let (line, status) = try firstLine("roas by campaign where brand=TrueBasics")
    #expect(status == 3)
    #expect(
      line.contains(
        "error: brand 'TrueBasics' has no tracked orders: it appears only in products.csv or store_orders.csv, not in tracking_data.csv (a control brand for lift_revenue)"
      ), "\(line)")
    // Excluding it, or listing it with a tracked brand, still answers.
    let all = try cq(["--format", "csv", "-c", "revenue"])
    let excluded = try cq(["--format", "csv", "-c", "revenue where brand != TrueBasics"])
    #expect(
      excluded.status == 0 && excluded.stdout == all.stdout,
      "no tracked row is TrueBasics: \(excluded.stdout)\(excluded.stderr)")
    let gritzo = try cq(["--format", "csv", "-c", "revenue where brand = Gritzo"])
    let listed = try cq(["--format", "csv", "-c", "revenue where brand in (TrueBasics, Gritzo)"])
    #expect(
      listed.status == 0 && listed.stdout == gritzo.stdout && listed.stdout != "revenue\n0.00\n",
      "\(listed.stdout)\(listed.stderr)")
  }

  @Test func scoreStandsBesideTheInfluencersOwnAttributes() throws {
    let run = try cq([
      "--format", "csv", "-c", "top 3 influencer, category, platform, tier by score", "-c",
      "top 3 influencer by score",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let lines = run.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "influencer,category,platform,tier,score", "\(lines)")
    // The same three influencers with the same scores as by influencer alone.
    let wide = lines[1...3].map {
      ($0.split(separator: ",").first!, $0.split(separator: ",").last!)
    }
    let narrow = lines[5...7].map {
      ($0.split(separator: ",").first!, $0.split(separator: ",").last!)
    }
    #expect(wide.map(\.0) == narrow.map(\.0) && wide.map(\.1) == narrow.map(\.1), "\(lines)")
    let refused = try cq(["-c", "score by influencer, brand"])
    #expect(refused.status == 3)
  }

  @Test(arguments: [
    (
      "total_payout by basis",
      "unknown metric 'total_payout'; the metric is 'payout', the sum of total_payout"
    ),
    ("follower_count by influencer", "unknown metric 'follower_count'; the metric is 'followers'"),
    ("revenue by influencer_type", "unknown dimension 'influencer_type'; the dimension is 'tier'"),
    ("sales", "unknown metric 'sales'; the metric is 'revenue'"),
    ("cost by campaign", "unknown metric 'cost'; the metric is 'payout'"),
    (
      "top 5 influencers by revenu",
      "unknown dimension 'revenu'; did you mean the metric 'revenue'?"
    ),
    ("revenue where influencer=Karan", "no influencer 'Karan' in the data; 6 contain it: Karan "),
  ])
  func namesFromSchemaAndSynonymsPointToTheCqName(statement: String, message: String) throws {
    let (line, status) = try firstLine(statement)
    #expect(status == 3)
    #expect(line.contains("error: " + message), "\(line)")
  }

  @Test func aNameSearchFoldsAccentsAndCase() throws {
    let plain = try cq(["--format", "csv", "-c", "revenue where influencer ~ chloe"])
    let accented = try cq(["--format", "csv", "-c", "revenue where influencer ~ CHLOÉ"])
    #expect(plain.status == 0 && accented.status == 0, "\(plain.stderr)\(accented.stderr)")
    #expect(plain.stdout == accented.stdout)
    let revenue = plain.stdout.split(separator: "\n").last.flatMap { Double($0) } ?? 0
    #expect(revenue > 0, "'chloe' finds the Chloés: \(plain.stdout)")
    let hint = try firstLine("revenue where influencer=Karan").0
    #expect(hint.contains("use 'influencer ~ Karan' to match them all"), "\(hint)")
  }

  @Test(arguments: [
    ("SELECT revenue FROM tracking_data", "revenue"),
    (
      "select brand, sum(revenue) from tracking_data where platform = Instagram group by brand order by sum(revenue) desc limit 3",
      "revenue by brand where platform = Instagram order by revenue desc limit 3"
    ),
    ("revenue group by campaign", "revenue by campaign"),
    ("count(*) by campaign", "conversions by campaign"),
    ("sum(revenue) by brand", "revenue by brand"),
    ("revenue by campaign sort by revenue", "revenue by campaign order by revenue"),
    ("revenue by campaign desc", "revenue by campaign order by revenue desc"),
    (
      "SELECT count(distinct user_id) FROM tracking_data GROUP BY campaign", "customers by campaign"
    ),
  ])
  func sqlHabitsShowTheStatementMeant(sql: String, meant: String) throws {
    let (line, status) = try firstLine(sql)
    #expect(status == 2)
    #expect(line.hasSuffix("did you mean '\(meant)'?"), "\(line)")
    // The statement offered runs.
    let run = try cq(["-c", meant])
    #expect(run.status == 0, "\(meant): \(run.stderr)")
  }

  @Test func backslashQQuitsAsInPsql() throws {
    let run = try cq(["--format", "csv"], stdin: "revenue\n\\q\nrevenue\n")
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stdout.components(separatedBy: "revenue\n").count - 1 == 1, "stops at \\q: \(run.stdout)")
  }
}
