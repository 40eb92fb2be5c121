import CQTestSupport
import Foundation
import Testing

/// Batch use (SPEC §2, §6): `-c`, `run FILE`, `run -`, a pipe; exit statuses; `--continue`.
@Suite struct BatchTests {
  static let statements = ["revenue by brand", "orders by platform"]

  @Test func dashCPipeRunFileAndRunDashPrintTheSameResultsWithoutNoise() throws {
    let viaC = try cq(Self.statements.flatMap { ["-c", $0] })
    #expect(viaC.status == 0)
    #expect(viaC.stderr == "")
    let tables = boxTables(viaC.stdout)
    try #require(tables.count == 2, "two tables expected:\n\(viaC.stdout)")
    #expect(tables[0].first == ["brand", "revenue"])
    #expect(tables[1].first == ["platform", "orders"])
    #expect(!viaC.stdout.contains("cq>"))

    let script = Self.statements.joined(separator: "\n") + "\n"
    let piped = try cq([], stdin: script)
    #expect(piped.status == 0)
    #expect(piped.stderr == "", "a pipe gets no banner or prompt")
    #expect(piped.stdout == viaC.stdout)

    let dir = try ScratchFolder()
    try dir.write(script, to: "report.cq")
    let file = try cq(["run", dir.file("report.cq").path])
    #expect(file.status == 0)
    #expect(file.stderr == "")
    #expect(file.stdout == viaC.stdout)

    let dash = try cq(["run", "-"], stdin: script)
    #expect(dash.status == 0)
    #expect(dash.stderr == "")
    #expect(dash.stdout == viaC.stdout)
  }

  @Test func parseErrorInDashCExitsTwoWithLineAndColumn() throws {
    let statement = "revenue by by brand"
    let run = try cq(["-c", statement])
    #expect(run.status == 2)
    #expect(run.stdout == "")
    let col = try #require(caretColumn(of: "by brand", in: statement))
    let first = lines(run.stderr).first ?? ""
    #expect(first.hasPrefix("-c:1:\(col): error: "), "got: \(first)")
    // The caret view shows the statement.
    #expect(run.stderr.contains(statement))
  }

  @Test func misspelledValueExitsThreeWithDidYouMean() throws {
    let statement = "revenue by brand where brand=MusleBlaze"
    let run = try cq(["-c", statement])
    #expect(run.status == 3)
    #expect(run.stdout == "", "a typo must not look like an empty result")
    let col = try #require(caretColumn(of: "MusleBlaze", in: statement))
    let first = lines(run.stderr).first ?? ""
    #expect(first.hasPrefix("-c:1:\(col): error: "), "got: \(first)")
    #expect(first.contains("'MusleBlaze'"))
    #expect(first.contains("did you mean 'MuscleBlaze'"))
  }

  /// A statement name misspelt alone reads as a one-metric query; the error offers the statement.
  @Test(arguments: [("schem", "schema"), ("tutoral", "tutorial"), ("revenu", "revenue")])
  func loneMisspeltWordSuggestsAStatementOrMetric(_ word: String, _ meant: String) throws {
    let run = try cq(["-c", word])
    #expect(run.status == 3)
    let first = lines(run.stderr).first ?? ""
    #expect(first.hasPrefix("-c:1:1: error: unknown "), "got: \(first)")
    #expect(first.contains("did you mean '\(meant)'?"), "got: \(first)")
  }

  static let scriptWithUnknownMetric = """
    revenue by brand
    -- the next statement names a metric that does not exist
    bogus_metric by brand
    orders by brand

    """

  @Test func scriptStopsAtFirstErrorWithFileLineColumn() throws {
    let dir = try ScratchFolder()
    try dir.write(Self.scriptWithUnknownMetric, to: "script.cq")
    let run = try cq(["--format", "csv", "run", "script.cq"], in: dir.url)
    #expect(run.status == 3)
    let first = lines(run.stderr).first ?? ""
    #expect(first.hasPrefix("script.cq:3:1: error: "), "got: \(first)")
    #expect(first.contains("'bogus_metric'"))
    // Line 1 ran, line 4 did not.
    let out = try Delimited(run.stdout)
    #expect(out.header == ["brand", "revenue"])
    #expect(!run.stdout.contains("orders"))
  }

  @Test func continueRunsTheRestAndStillFails() throws {
    let dir = try ScratchFolder()
    try dir.write(Self.scriptWithUnknownMetric, to: "script.cq")
    let run = try cq(["--format", "csv", "--continue", "run", "script.cq"], in: dir.url)
    #expect(run.status == 3, "exit non-zero at the end even though the last statement ran")
    #expect(lines(run.stderr).first?.hasPrefix("script.cq:3:1: error: ") == true, "\(run.stderr)")
    let blocks = csvBlocks(run.stdout, headers: ["brand,revenue", "brand,orders"])
    #expect(blocks.count == 2)
    #expect(blocks.last?.hasPrefix("brand,orders\n") == true)
  }

  @Test func continueExitsWithTheFirstErrorsStatus() throws {
    let run = try cq([
      "--continue", "--format", "csv",
      "-c", "revenue by brand",
      "-c", "revenue by by brand",  // 2
      "-c", "bogus_metric by brand",  // 3
      "-c", "orders by brand",
    ])
    #expect(run.status == 2)
    let blocks = csvBlocks(run.stdout, headers: ["brand,revenue", "brand,orders"])
    #expect(blocks.count == 2, "both good statements ran:\n\(run.stdout)")
    // The N-th -c is line N: each error names the statement it comes from.
    let errors = lines(run.stderr).filter { $0.hasPrefix("-c:") }
    #expect(errors.count == 2, "\(run.stderr)")
    #expect(errors.first?.hasPrefix("-c:2:12: error: ") == true, "\(run.stderr)")
    #expect(
      errors.last?.hasPrefix("-c:3:1: error: unknown metric 'bogus_metric'") == true,
      "\(run.stderr)")

    // Without --continue the first error (a model error here) stops the run.
    let stopped = try cq([
      "--format", "csv", "-c", "revenue by brand", "-c", "bogus_metric by brand", "-c",
      "revenue by by brand",
      "-c", "orders by brand",
    ])
    #expect(stopped.status == 3)
    #expect(!stopped.stdout.contains("orders"))
    #expect(
      lines(stopped.stderr).filter { $0.hasPrefix("-c:") }.map { String($0.prefix(6)) } == [
        "-c:2:1"
      ])
  }

  @Test func parseErrorInScriptNamesFileLineAndColumn() throws {
    let dir = try ScratchFolder()
    let bad = "orders by by platform"
    try dir.write("revenue by brand\n\(bad)\n", to: "s.cq")
    let run = try cq(["run", "s.cq"], in: dir.url)
    #expect(run.status == 2)
    let col = try #require(caretColumn(of: "by platform", in: bad))
    #expect(lines(run.stderr).first?.hasPrefix("s.cq:2:\(col): error: ") == true, "\(run.stderr)")
  }

  @Test func otherFailuresExitOne() throws {
    // `last` before any query: not a parse, model or data failure.
    let run = try cq(["-c", "last"])
    #expect(run.status == 1)
    #expect(run.stdout == "")
    #expect(!run.stderr.isEmpty)
    do {
      #expect(lines(run.stderr).first?.hasPrefix("-c:1:1: ") == true, "\(run.stderr)")
    }
  }

  @Test func missingScriptIsAnIOError() throws {
    let dir = try ScratchFolder()
    let run = try cq(["run", "nowhere.cq"], in: dir.url)
    #expect(run.status == 4)
    #expect(run.stderr.contains("nowhere.cq"))
  }

  @Test func unknownFormatOptionIsRejectedBeforeRunning() throws {
    let run = try cq(["--format", "xml", "-c", "revenue by brand"])
    #expect(run.status != 0)
    #expect(run.stdout == "")
    #expect(run.stderr.contains("'xml'"))
  }
}
