import CQTestSupport
import Foundation
import Testing

/// `use CONDITION` (SPEC §10, a dashboard slicer): every following query is filtered until
/// `use none`; the filter is checked like `where`, stated under results and in `explain`, and
/// shown in the prompt.
@Suite struct SessionFilterTests {
  @Test func useFiltersEveryFollowingQueryUntilUseNone() throws {
    let run = try cq([
      "--format", "csv", "-c", "use brand=MuscleBlaze", "-c", "revenue", "-c", "revenue by brand",
      "-c", "use",
      "-c", "use none", "-c", "revenue",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let filtered = try cq(["--format", "csv", "-c", "revenue where brand=MuscleBlaze"]).stdout
    let all = try cq(["--format", "csv", "-c", "revenue"]).stdout
    let expected =
      filtered + "brand,revenue\nMuscleBlaze," + (filtered.split(separator: "\n").last ?? "") + "\n"
      + "use brand=MuscleBlaze\n" + all
    #expect(run.stdout == expected, "\(run.stdout)")
  }

  @Test func useChecksItsConditionAndCombinesWithWhere() throws {
    let metric = try cq(["-c", "use roas > 2"])
    #expect(metric.status == 3)
    #expect(
      metric.stderr.contains("'roas' is a metric: 'use' filters rows by dimensions"),
      "\(metric.stderr)")
    let typo = try cq(["-c", "use brand=Musleblaze"])
    #expect(typo.status == 3)
    #expect(
      typo.stderr.contains("no brand 'Musleblaze' in the data; did you mean 'MuscleBlaze'?"),
      "\(typo.stderr)")
    let both = try cq([
      "--format", "csv", "-c", "use date >= 2025-07-01", "-c", "revenue where brand=Gritzo",
    ])
    let direct = try cq([
      "--format", "csv", "-c", "revenue where date >= 2025-07-01 and brand=Gritzo",
    ])
    #expect(both.stdout == direct.stdout)
    let table = try cq(["-c", "use brand=MuscleBlaze", "-c", "revenue"])
    #expect(
      table.stdout.contains("session filter: use brand=MuscleBlaze ('use none' clears it)"),
      "\(table.stdout)")
    // A relative date in the filter still states its days under the result.
    let relative = try cq(["-c", "use date in last 30 days", "-c", "revenue"])
    #expect(
      relative.stdout.contains("last 30 days: 2025-06-23 to 2025-07-22"), "\(relative.stdout)")
    let explain = try cq(["-c", "use brand=MuscleBlaze", "-c", "explain roas"])
    #expect(
      explain.stdout.contains(
        "session filter: use brand=MuscleBlaze (every query until 'use none')"), "\(explain.stdout)"
    )
  }

  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func thePromptShowsTheSessionFilter() throws {
    let home = try ScratchFolder()
    let tmux = try Tmux(
      command: [TestPaths.cqBinary.path, "--norc", "--data", TestPaths.bundledData.path], home: home
    )
    #expect(tmux.waitFor { Tmux.hasPrompt($0) } != nil, "\(tmux.capture())")
    tmux.type("use brand=MuscleBlaze")
    #expect(tmux.waitFor { $0.contains("cq[brand=MuscleBlaze]>") } != nil, "\(tmux.capture())")
    tmux.type("use none")
    #expect(
      tmux.waitFor { $0.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) } == "cq>" }
        != nil, "\(tmux.capture())")
    tmux.ctrlDAtPrompt()
    #expect(tmux.waitFor { $0.contains("CQ-EXIT=0") } != nil, "\(tmux.capture())")
  }
}
