import CQTestSupport
import Foundation
import Testing

/// Where the data comes from (`--data`, `CQ_DATA`, `./data`, `load`) and `~/.cqrc`.
@Suite struct SessionSetupTests {
  /// "2748787.41" → "₹27,48,787.41" (Indian grouping: 3 digits, then groups of 2).
  static func indianMoney(_ plain: String) -> String {
    let parts = plain.split(separator: ".", omittingEmptySubsequences: false)
    var digits = Array(parts[0])
    var groups: [String] = []
    if digits.count > 3 {
      groups.append(String(digits.suffix(3)))
      digits.removeLast(3)
      while digits.count > 2 {
        groups.insert(String(digits.suffix(2)), at: 0)
        digits.removeLast(2)
      }
      groups.insert(String(digits), at: 0)
    } else {
      groups = [String(digits)]
    }
    return "₹" + groups.joined(separator: ",") + (parts.count > 1 ? "." + parts[1] : "")
  }

  @Test func cqrcRunsAtStartUnlessNorc() throws {
    let home = try ScratchFolder()
    try home.write("set grouping indian\ndefine metric profit = revenue - payout\n", to: ".cqrc")
    let env = ["HOME": home.path]
    let statement = "revenue, payout, profit by brand"

    let csv = try cq(["--format", "csv", "-c", statement], environment: env, rc: true)
    #expect(csv.status == 0, "\(csv.stderr)")
    let table = try Delimited(csv.stdout)
    #expect(table.header == ["brand", "revenue", "payout", "profit"])
    for row in table.rows {
      let revenue = try #require(Decimal(string: row[1]))
      let payout = try #require(Decimal(string: row[2]))
      #expect(Decimal(string: row[3]) == revenue - payout, "profit of \(row[0])")
    }

    let human = try cq(["-c", statement], environment: env, rc: true)
    #expect(human.status == 0)
    #expect(human.stderr == "", "a .cqrc that runs cleanly prints nothing in batch use")
    let rows = try #require(boxTables(human.stdout).first)
    let revenue = try table.map("brand", "revenue")
    let muscle = try #require(rows.first { $0.first == "MuscleBlaze" })
    let plain = try #require(revenue["MuscleBlaze"])
    #expect(muscle[1] == Self.indianMoney(plain), "set grouping indian from ~/.cqrc")

    let norc = try cq(["-c", statement], environment: env)
    #expect(norc.status == 3, "--norc: 'profit' is not defined")
    #expect(norc.stderr.contains("'profit'"))
  }

  @Test func brokenCqrcIsReportedButDoesNotStopTheRun() throws {
    let home = try ScratchFolder()
    try home.write("bogus_metric by brand\n", to: ".cqrc")
    let run = try cq(
      ["--format", "csv", "-c", "orders by brand"], environment: ["HOME": home.path], rc: true)
    #expect(run.stdout.hasPrefix("brand,orders\n"))
    #expect(run.stderr.contains(".cqrc:1:1: error: "), "\(run.stderr)")
    #expect(run.stderr.contains("--norc"))
  }

  @Test func dataFolderFromOptionEnvironmentOrWorkingDirectory() throws {
    let dir = try ScratchFolder()
    let tiny = try TinyData.write(into: dir, name: "tiny")
    _ = try TinyData.write(into: dir, name: "data")
    let statement = ["--format", "csv", "-c", "revenue by influencer"]
    func ashaRevenue(_ run: CQRun) throws -> Decimal? {
      #expect(run.status == 0, "\(run.stderr)")
      return try Delimited(run.stdout).map("influencer", "revenue")["Asha"].flatMap {
        Decimal(string: $0)
      }
    }

    let fromEnv = try cq(statement, data: nil, environment: ["CQ_DATA": tiny.path])
    #expect(try ashaRevenue(fromEnv) == TinyData.revenueAsha)

    let fromCwd = try cq(statement, data: nil, in: dir.url)
    #expect(try ashaRevenue(fromCwd) == TinyData.revenueAsha)

    // --data wins over CQ_DATA.
    let both = try cq(
      statement, data: tiny.path, environment: ["CQ_DATA": TestPaths.bundledData.path])
    #expect(try ashaRevenue(both) == TinyData.revenueAsha)
  }

  @Test func missingDataFolderIsAnIOError() throws {
    let dir = try ScratchFolder()
    let missing = dir.file("no-such-folder").path
    let run = try cq(["-c", "revenue by brand"], data: missing)
    #expect(run.status == 4)
    #expect(run.stdout == "")
    #expect(run.stderr.contains(missing))
  }

  @Test func loadSwitchesDataAndAFailedLoadKeepsTheOld() throws {
    let dir = try ScratchFolder()
    let tiny = try TinyData.write(into: dir, name: "tiny")
    let missing = dir.file("missing").path
    let script = """
      revenue by brand
      load \(tiny.path)
      revenue by brand
      load \(missing)
      revenue by brand

      """
    let run = try cq(["--format", "csv", "--continue"], stdin: script)
    #expect(run.status == 4)
    let blocks = csvBlocks(run.stdout, headers: ["brand,revenue"])
    try #require(blocks.count == 3, "\(run.stdout)")
    // Before: the bundled data, summed straight from its CSV file.
    let expected = try sums(
      ofCSV: TestPaths.bundledData.appendingPathComponent("tracking_data.csv"), by: "brand",
      of: "revenue")
    let before = try Delimited(blocks[0]).map("brand", "revenue").mapValues { Decimal(string: $0) }
    #expect(before == expected.mapValues { Optional($0) })
    // After `load`: the tiny data.
    let after = try Delimited(blocks[1]).map("brand", "revenue")
    #expect(after == ["MuscleBlaze": "400.50", "HKVitals": "99.25"])
    // The failed load kept it.
    #expect(blocks[2] == blocks[1])
    #expect(run.stderr.contains(missing))
    do {
      #expect(run.stderr.contains("<stdin>:4:1: "), "\(run.stderr)")
    }

    // Without --continue, the failed load stops the script.
    let stopped = try cq(["--format", "csv"], stdin: "load \(missing)\nrevenue by brand\n")
    #expect(stopped.status == 4)
    #expect(stopped.stdout == "")
  }
}
