import CQTestSupport
import Foundation
import Testing

/// Batch use reports every failure in SPEC's words and with SPEC's exit statuses (§1, §2, §6).
@Suite struct BatchErrorConformanceTests {
  @Test func aRejectedValueAtStartIsReportedExactlyInTheSpecFormat() throws {
    let dir = try ScratchFolder()
    let data = try TinyData.write(into: dir, name: "tiny")
    let file = data.appendingPathComponent("posts.csv")
    let text = try String(contentsOf: file, encoding: .utf8)
      .replacingOccurrences(of: "2000,100,0", with: "2000,-100,0")
    try text.write(to: file, atomically: true, encoding: .utf8)

    let run = try cq(["-c", "posts"], data: data.path)
    #expect(run.status == 4)
    #expect(run.stdout == "")
    #expect(
      lines(run.stderr).first
        == "\(data.path)/posts.csv:3: column 'likes': expected non-negative integer, found \"-100\"",
      "\(run.stderr)")
  }

  @Test func aMissingDefaultDataFolderSaysHowToNameOne() throws {
    let dir = try ScratchFolder()
    let run = try cq(["-c", "revenue"], data: nil, in: dir.url)
    #expect(run.status == 4)
    let shown = lines(run.stderr)
    #expect(shown.first == "data: no such data folder", "\(run.stderr)")
    #expect(
      shown.contains {
        $0.hasPrefix("note:") && $0.contains("--data DIR") && $0.contains("CQ_DATA")
      })
  }

  @Test func tutorialInBatchIsAnErrorThatStopsTheRun() throws {
    let run = try cq(["-c", "tutorial", "-c", "revenue"])
    #expect(run.status == 1)
    #expect(run.stdout == "", "the statement after the error does not run")
    #expect(run.stderr.hasPrefix("-c:1:1: error: 'tutorial' is interactive"), "\(run.stderr)")

    let piped = try cq([], stdin: "revenue\ntutorial\n")
    #expect(piped.status == 1)
    #expect(piped.stderr.hasPrefix("<stdin>:2:1: error:"), "\(piped.stderr)")
  }

  /// A metric that cannot go inside `define metric` is named, with no fix-it replacing it by
  /// itself; a misspelt one still gets its did-you-mean.
  @Test func aMetricThatCannotBeDefinedOnGetsNoSelfFixIt() throws {
    let run = try cq(["-c", "define metric m = score + 1"])
    #expect(run.status == 3)
    #expect(run.stderr.contains("'score' cannot be used inside a defined metric"), "\(run.stderr)")
    #expect(!run.stderr.contains("fix-it"), "\(run.stderr)")
    let typo = try cq(["-c", "define metric m = revenu + 1"])
    #expect(typo.status == 3)
    #expect(typo.stderr.contains("fix-it: replace 'revenu' with 'revenue'"), "\(typo.stderr)")
  }

  /// A bad setting is marked where it is wrong: an unknown name at the name, a bad value at
  /// the value.
  @Test func settingErrorsPointAtTheNameOrTheValue() throws {
    let value = try cq(["-c", "set totals maybe"])
    #expect(value.status == 3)
    #expect(
      value.stderr.hasPrefix("-c:1:12: error: 'maybe' is not a value of 'totals'"),
      "\(value.stderr)")
    let shown = lines(value.stderr)
    let source = try #require(shown.first { $0.hasPrefix("1 | ") })
    // Under the `-c:1:12: error: …` line the mark does not repeat the message.
    let mark = try #require(shown.first { $0.hasSuffix("`- error") })
    #expect(
      mark.firstIndex(of: "`")?.utf16Offset(in: mark)
        == source.range(of: "maybe")?.lowerBound.utf16Offset(in: source), "\(value.stderr)")
    let name = try cq(["-c", "set colour on"])
    #expect(name.status == 3)
    #expect(
      name.stderr.hasPrefix("-c:1:5: error: unknown setting 'colour' (did you mean 'color'?)"),
      "\(name.stderr)")
  }

  @Test func helpOnAnUnknownTopicIsAModelError() throws {
    let run = try cq(["-c", "help metrcs"])
    #expect(run.status == 3)
    #expect(run.stderr.hasPrefix("-c:1:1: error: no help on 'metrcs'"), "\(run.stderr)")
    #expect(run.stderr.contains("did you mean 'help metrics'?"))
    let known = try cq(["-c", "help metrics"])
    #expect(known.status == 0)
    #expect(!known.stdout.isEmpty)
  }

  @Test func runOfAMissingScriptPointsAtTheStatement() throws {
    let dir = try ScratchFolder()
    try dir.write("revenue\nrun missing.cq\nposts\n", to: "outer.cq")
    let run = try cq(["run", "outer.cq"], in: dir.url)
    #expect(run.status == 4)
    #expect(
      run.stderr.hasPrefix("outer.cq:2:1: error: cannot read script 'missing.cq'"), "\(run.stderr)")
    #expect(boxTables(run.stdout).count == 1, "revenue ran, posts did not")

    let direct = try cq(["run", "missing.cq"], in: dir.url)
    #expect(direct.status == 4)
    #expect(direct.stderr.hasPrefix("error: cannot read script 'missing.cq'"), "\(direct.stderr)")
  }
}
