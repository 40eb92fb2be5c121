import CQTestSupport
import Foundation
import Testing

/// `explain`, `describe` and footnotes say their figures as the table's cells show them: the
/// same rounding, the currency of `set currency`, ASCII under `--ascii` (issue 12, item 4).
@Suite("CLI: figures in prose read as in tables")
struct ProseFormattingTests {
  /// The hand-worked lift fixture: store_orders, so lift footnotes and explain lines carry money.
  static let lift = TestPaths.packageRoot().appendingPathComponent(
    "Tests/CQEngineTests/Fixtures/lift"
  ).path

  /// Statements whose prose carries money: lift footnotes, explain of lift and of roas, describe.
  static let statements = [
    "lift_revenue, iroas by brand", "explain lift_revenue, iroas by brand", "describe lift_revenue",
    "roas by brand", "explain roas by brand", "describe roas", "explain payout by campaign",
  ]

  static func arguments(_ statements: [String]) -> [String] { statements.flatMap { ["-c", $0] } }

  /// One influencer whose ₹285 revenue over ₹1,000 payout makes a ROAS of exactly 0.285.
  static func ratioFolder() throws -> ScratchFolder {
    let folder = try ScratchFolder()
    try folder.write(
      "id,name,category,gender,follower_count,platform\n1,Asha,Fitness,Female,5000,Instagram\n",
      to: "influencers.csv")
    try folder.write(
      "influencer_id,platform,date,url,caption,reach,likes,comments,campaign\n1,Instagram,2025-01-05,https://ig.example/1,Hi,1000,50,5,CA\n",
      to: "posts.csv")
    try folder.write(
      "source,campaign,influencer_id,user_id,product,brand,date,orders,revenue\ninstagram.com,CA,1,u1,Whey,MB,2025-01-05,1,285.00\n",
      to: "tracking_data.csv")
    try folder.write(
      "influencer_id,campaign,basis,rate,orders,total_payout,posts,status\n1,CA,post,1000,0,1000.00,1,paid\n",
      to: "payouts.csv")
    return folder
  }

  /// A ratio of 0.285 rounds half away from zero in both places: `0.29x` in the table and in
  /// `explain` (which said `0.28x`: binary floating point rounded 28.4999… down).
  @Test func aRatioReadsTheSameInExplainAndInTheTable() throws {
    let folder = try Self.ratioFolder()
    let run = try cq(["-c", "roas", "-c", "explain roas"], data: folder.path)
    #expect(run.status == 0, "\(run.stderr)")
    let table = try #require(boxTables(run.stdout).first)
    #expect(table.last?.last == "0.29x", "\(run.stdout)")
    #expect(
      run.stdout.contains("ROAS = ₹285.00 revenue ÷ ₹1k payout = 0.29x over 1 tracked order"),
      "\(run.stdout)")
    #expect(!run.stdout.contains("0.28x"), "\(run.stdout)")
  }

  /// Under `set currency €` every figure of money in prose is in euros: lift footnotes and
  /// intervals, explain, describe, and the notes a machine format writes to standard error.
  @Test func setCurrencyReachesEveryFootnoteAndExplainLine() throws {
    let run = try cq(["-c", "set currency €"] + Self.arguments(Self.statements), data: Self.lift)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(!run.stdout.contains("₹") && !run.stderr.contains("₹"), "\(run.stdout)\(run.stderr)")
    for expected in [
      "  A: €150.00 – €150.00", "lift_revenue = €240.00 (95% interval €240.00 – €240.00)",
      "iroas = 1.07x = lift_revenue €240.00 ÷ €225.00 payout",
      "lift €150.00 (95%: €150.00 – €150.00)",
      "counterfactual of €500.00", "brand=A  lift_revenue=€150.00",
      "ROAS = €190.00 revenue ÷ €225.00 payout",
    ] {
      #expect(run.stdout.contains(expected), "missing '\(expected)' in\n\(run.stdout)")
    }
    let machine = try cq(
      ["--format", "csv", "-c", "set currency €", "-c", "lift_revenue by brand where brand = A"],
      data: Self.lift)
    #expect(machine.status == 0, "\(machine.stderr)")
    #expect(!machine.stderr.contains("₹"), "\(machine.stderr)")
  }

  /// `--ascii` spells money `Rs` and cq's marks in ASCII in every explain, describe and
  /// footnote line, and in `explain > FILE`.
  @Test func asciiLeavesNoRupeeSignInProse() throws {
    let folder = try ScratchFolder()
    let plan = folder.file("plan.txt").path
    let run = try cq(
      ["--ascii"] + Self.arguments(Self.statements + ["explain lift_revenue by brand > \(plan)"]),
      data: Self.lift)
    #expect(run.status == 0, "\(run.stderr)")
    let saved = try folder.read("plan.txt")
    for text in [run.stdout, run.stderr, saved] {
      #expect(!text.contains("₹"), "\(text)")
      let nonASCII = text.filter { !$0.isASCII }
      #expect(nonASCII.isEmpty, "\(nonASCII)")
    }
    #expect(run.stdout.contains("  A: Rs 150.00 - Rs 150.00"), "\(run.stdout)")
    #expect(
      run.stdout.contains("iroas = 1.07x = lift_revenue Rs 240.00 / Rs 225.00 payout"),
      "\(run.stdout)")
    #expect(saved.contains("lift_revenue = Rs 240.00"), "\(saved)")
  }

  /// The refusal of a defined metric beyond the exact range says its figures as the session
  /// writes money: in euros under `set currency €`, `Rs` under `--ascii`, grouped.
  @Test func theExactRangeErrorWritesTheSessionsMoney() throws {
    let statements = ["-c", "define metric big = revenue * 100000000000000", "-c", "big by brand"]
    let euro = try cq(["-c", "set currency €"] + statements)
    #expect(euro.status == 4, "\(euro.stderr)")
    #expect(
      euro.stderr.contains("'big' reaches about €") && !euro.stderr.contains("₹"), "\(euro.stderr)")
    #expect(euro.stderr.contains("beyond €90,071,992,547,409.92"), "\(euro.stderr)")
    let ascii = try cq(["--ascii"] + statements)
    #expect(ascii.status == 4, "\(ascii.stderr)")
    #expect(ascii.stderr.contains("exact up to Rs 92,233,720,368,547,758.07"), "\(ascii.stderr)")
    #expect(!ascii.stderr.contains("₹"), "\(ascii.stderr)")
  }
}
