import CQTestSupport
import Foundation
import Testing

/// Issue 14 / SPEC §10: raw rows with a filter and relative dates, through the real binary on
/// the bundled data (its last day is 2025-07-22).
@Suite struct DailyQueryTests {
  @Test func sampleWithAFilterShowsOnlyMatchingRows() throws {
    let run = try cq([
      "--format", "csv", "-c", "sample tracking_data 5 where influencer_id=17 and brand=Gritzo",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let rows = run.stdout.split(separator: "\n").dropFirst()
    #expect(!rows.isEmpty && rows.count <= 5)
    for row in rows {
      let cells = row.split(separator: ",", omittingEmptySubsequences: false)
      #expect(cells[2] == "17" && cells[5] == "Gritzo", "\(row)")
    }
    // The same count as the aggregate says.
    let all = try cq([
      "--format", "csv", "-c", "sample tracking_data 100000 where influencer_id=17",
    ])
    let conversions = try cq(["--format", "csv", "-c", "conversions where influencer_id=17"])
    #expect(
      all.stdout.split(separator: "\n").count - 1 == Int(
        conversions.stdout.split(separator: "\n").last ?? "") ?? -1)
  }

  @Test func sampleWhereNamesWhatTheTableCannotFilterBy() throws {
    let run = try cq(["-c", "sample tracking_data where basis=post"])
    #expect(run.status == 3)
    #expect(
      run.stderr.contains("error: tracking_data rows carry no 'basis'; filter them by influencer"),
      "\(run.stderr)")
    let typo = try cq(["-c", "sample payouts where campaign=Campain_4"])
    #expect(typo.status == 3)
    #expect(typo.stderr.contains("did you mean 'Campaign_4'?"), "\(typo.stderr)")
  }

  @Test(arguments: [
    ("last 30 days", "2025-06-23", "2025-07-22"), ("last 2 weeks", "2025-07-09", "2025-07-22"),
    ("this month", "2025-07-01", "2025-07-22"), ("last month", "2025-06-01", "2025-06-30"),
    ("last week", "2025-07-14", "2025-07-20"), ("last 3 months", "2025-05-01", "2025-07-22"),
  ])
  func relativeDatesAreTheDaysTheFooterStates(period: String, first: String, last: String) throws {
    let relative = try cq(["-c", "revenue where date in \(period)"])
    #expect(relative.status == 0, "\(relative.stderr)")
    #expect(
      relative.stdout.contains(
        "\(period): \(first) to \(last), relative to the data's last day (2025-07-22)"),
      "\(relative.stdout)")
    let explicit = try cq([
      "--format", "csv", "-c", "revenue where date between \(first) and \(last)",
    ])
    let machine = try cq(["--format", "csv", "-c", "revenue where date in \(period)"])
    #expect(machine.stdout == explicit.stdout, "\(period)")
  }

  @Test func aRelativePeriodWithAnUnknownUnitSaysWhatItTakes() throws {
    let run = try cq(["-c", "revenue where date in last 2 fortnights"])
    #expect(run.status == 2)
    #expect(
      run.stderr.contains("expected 'day(s), week(s), month(s), quarter(s) or year(s)'"),
      "\(run.stderr)")
  }

  @Test func schemaStatesTheDatesRelativeDatesCountBackFrom() throws {
    let run = try cq(["-c", "schema"])
    #expect(run.status == 0)
    #expect(
      run.stdout.contains("dates run from 2025-04-23 to 2025-07-22 (tracking_data and posts)"),
      "\(run.stdout)")
  }

  @Test func sampleWhereReadsTheRightTextOfRowsFarApart() throws {
    // Captions are read back from posts.csv: the rows picked must be the file's own rows.
    let file = try String(
      contentsOf: TestPaths.bundledData.appendingPathComponent("posts.csv"), encoding: .utf8)
    let records = parseDelimited(file)
    let header = records[0]
    let wanted = records.dropFirst().filter { $0.first == "17" }.prefix(4)
    let run = try cq(["--format", "csv", "-c", "sample posts 4 where influencer_id=17"])
    #expect(run.status == 0, "\(run.stderr)")
    let shown = parseDelimited(run.stdout)
    #expect(shown.first == header)
    #expect(Array(shown.dropFirst()) == Array(wanted), "\(shown)")
  }
}
