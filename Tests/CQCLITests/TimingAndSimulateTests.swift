import CQTestSupport
import Foundation
import Testing

/// `--timing`, `--repeat` and `cq simulate` feeding `--data`.
@Suite struct TimingAndSimulateTests {
  /// `timing load MS` / `timing query MS STATEMENT`, MS a decimal number.
  static func timingLines(_ stderr: String) -> [(kind: String, ms: Double, rest: String)] {
    lines(stderr).compactMap { line in
      guard let m = line.wholeMatch(of: /timing (load|query) ([0-9]+(?:\.[0-9]+)?)(?: (.*))?/)
      else { return nil }
      guard let ms = Double(m.2) else { return nil }
      return (String(m.1), ms, m.3.map(String.init) ?? "")
    }
  }

  @Test func timingWritesLoadThenQueryLinesToStandardError() throws {
    let run = try cq(["--timing", "--format", "csv", "-c", "revenue by brand"])
    #expect(run.status == 0)
    #expect(
      try Delimited(run.stdout).header == ["brand", "revenue"],
      "timing never touches standard output")
    #expect(!run.stdout.contains("timing"))
    let all = lines(run.stderr)
    let timed = Self.timingLines(run.stderr)
    #expect(timed.count == all.count, "every stderr line is a timing line: \(all)")
    try #require(timed.count == 2, "\(run.stderr)")
    #expect(timed[0].kind == "load" && timed[0].rest == "")
    #expect(timed[1].kind == "query" && timed[1].rest == "revenue by brand")
    #expect(timed.allSatisfy { $0.ms >= 0 })
  }

  /// Every statement gets its line, not only queries; `--repeat` runs only queries again.
  @Test func everyStatementIsTimedOnce() throws {
    let run = try cq([
      "--timing", "--repeat", "2", "-c", "set format csv", "-c", "revenue", "-c", "explain revenue",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let queries = Self.timingLines(run.stderr).filter { $0.kind == "query" }.map(\.rest)
    #expect(
      queries == ["set format csv", "revenue", "revenue", "explain revenue"], "\(run.stderr)")
  }

  @Test func repeatRunsEachQueryNTimes() throws {
    let run = try cq([
      "--timing", "--repeat", "3", "--format", "csv", "-c", "revenue by brand", "-c",
      "orders by platform",
    ])
    #expect(run.status == 0)
    let queries = Self.timingLines(run.stderr).filter { $0.kind == "query" }.map(\.rest)
    #expect(
      queries == Array(repeating: "revenue by brand", count: 3)
        + Array(repeating: "orders by platform", count: 3))
    #expect(
      csvBlocks(run.stdout, headers: ["brand,revenue", "platform,orders"]).count == 2,
      "each result printed once")
  }

  @Test func simulatedDataLoadsAndAnswers() throws {
    let dir = try ScratchFolder()
    let sim = try runCQ(["simulate", "--seed", "7", "--scale", "1", "--out", dir.file("sim").path])
    #expect(sim.status == 0, "\(sim.stderr)")
    #expect(sim.stdout == "")
    for name in ["influencers", "posts", "tracking_data", "payouts", "products"] {
      #expect(dir.exists("sim/\(name).csv"), "\(name).csv")
    }
    let run = try cq(
      ["--format", "csv", "-c", "revenue by brand", "-c", "show tables"], data: dir.file("sim").path
    )
    #expect(run.status == 0, "\(run.stderr)")
    let blocks = csvBlocks(run.stdout, headers: ["brand,revenue", "table,rows,columns"])
    try #require(blocks.count == 2)
    let tracking = dir.file("sim/tracking_data.csv")
    let header = parseDelimited(try String(contentsOf: tracking, encoding: .utf8)).first ?? []
    if header.contains("brand") {
      let expected = try sums(ofCSV: tracking, by: "brand", of: "revenue")
      let got = try Delimited(blocks[0]).map("brand", "revenue").compactMapValues {
        Decimal(string: $0)
      }
      #expect(got == expected)
    }
    let rows = try Delimited(blocks[1]).map("table", "rows")
    #expect(rows["influencers"] == "500")
    #expect(rows["posts"] == "10000")
    #expect(rows["tracking_data"] == String(try recordCount(ofCSV: tracking)))
  }
}
