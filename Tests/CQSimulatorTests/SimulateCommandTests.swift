import CQTestSupport
import Foundation
import Testing

/// `cq simulate` end to end: the real binary, its exit status, stdout and stderr.
@Suite struct SimulateCommandTests {
  @Test func writesTheBundledDataAndSummarisesOnStandardError() throws {
    let out = temporaryFolder("cli")
    let run = try runCQ([
      "simulate", "--seed", "20250423", "--scale", "1", "--store-orders", "--out", out,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "")
    // Not a terminal: no progress line, only the summary.
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(
      run.stderr.hasPrefix(
        "wrote influencers 500, posts 10000, tracking_data 20000, payouts "))
    #expect(run.stderr.contains("to \(out) in "))
    #expect(run.stderr.hasSuffix(" s (seed 20250423, scale 1)\n"))
    #expect(!run.stderr.contains("\u{1B}"))
    #expect(run.stderr.contains(", products 24, store_orders "))
    for file in simulatorFiles + ["store_orders.csv"] {
      #expect(try bytes(out, file) == bytes(TestPaths.bundledData.path, file), "\(file)")
    }
  }

  @Test func unwritableFolderExitsWithStatus4() throws {
    let file = temporaryFolder("blocker")
    try Data("x".utf8).write(to: URL(fileURLWithPath: file))
    let run = try runCQ(["simulate", "--out", file + "/out"])
    #expect(run.status == 4)
    #expect(run.stdout == "")
    #expect(run.stderr == "cq: cannot create folder '\(file)/out': '\(file)' is not a folder\n")
  }

  @Test func scaleBelowOneIsAUsageError() throws {
    let run = try runCQ(["simulate", "--scale", "0", "--out", temporaryFolder("zero")])
    #expect(run.status != 0 && run.status != 4)
    #expect(run.stderr.contains("'--scale' must be a whole number from 1 to 100000, found 0"))
  }
}
