import CQTestSupport
import Foundation
import Testing

/// The word after `-c` is a statement even when it starts with `-` (a `--` comment, a typo),
/// and the options after it are still options.
@Suite struct DashCStatementTests {
  @Test func aCommentStatementIsAcceptedAndTheNextStatementRuns() throws {
    let run = try cq(["-c", "-- weekly report", "-c", "revenue by brand"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr == "")
    #expect(boxTables(run.stdout).first?.first == ["brand", "revenue"], "\(run.stdout)")

    let alone = try cq(["-c", "-- weekly report"])
    #expect(alone.status == 0, "\(alone.stderr)")
    #expect(alone.stdout == "" && alone.stderr == "")
  }

  @Test func aStatementStartingWithADashGetsAPlaceNotAUsageError() throws {
    let run = try cq(["-c", "-revenue by brand"])
    #expect(run.status == 3, "\(run.stderr)")
    let first = lines(run.stderr).first ?? ""
    #expect(first.hasPrefix("-c:1:1: error: unknown metric '-revenue'"), "\(run.stderr)")
  }

  @Test func optionsAfterTheStatementAreStillOptions() throws {
    let csv = try cq(["-c", "-- as csv", "-c", "revenue by brand", "--format", "csv"])
    #expect(csv.status == 0, "\(csv.stderr)")
    #expect(csv.stdout.hasPrefix("brand,revenue\n"), "\(csv.stdout)")

    // `--output` and `--data` given last, after the statements.
    let dir = try ScratchFolder()
    let run = try cq(
      [
        "-c", "-- to a file", "-c", "revenue by brand", "--output", "out.csv",
        "--data", TestPaths.bundledData.path,
      ], data: nil, in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "")
    #expect(try dir.read("out.csv").hasPrefix("brand,revenue\n"))
  }
}
