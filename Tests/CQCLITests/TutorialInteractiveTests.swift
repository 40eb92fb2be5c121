import CQTestSupport
import Foundation
import Testing

/// The tutorial on a real terminal (SPEC §6: "`tutorial` walks a newcomer through the data
/// model by asking them to type real queries"), driven through tmux like InteractiveTests.
@Suite struct TutorialInteractiveTests {
  /// A newcomer's typo is one Up away: the tutorial's answers join the shell's history, so the
  /// wrong statement can be recalled and fixed instead of retyped, and they are saved.
  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func aWrongAnswerCanBeRecalledWithUpAndFixed() throws {
    let home = try ScratchFolder()
    let history = home.file("history").path
    let tmux = try Tmux(
      command: [TestPaths.cqBinary.path, "--norc", "--data", TestPaths.bundledData.path],
      home: home,
      environment: ["CQ_HISTORY": history])
    #expect(tmux.waitFor { Tmux.hasPrompt($0) } != nil, "\(tmux.capture())")
    tmux.type("tutorial")
    #expect(tmux.waitFor { $0.contains("Press Enter to start") } != nil, "\(tmux.capture())")
    tmux.keys("Enter")
    #expect(
      tmux.waitFor { $0.contains("Step 1 of") && $0.lastLineEnds(with: "tutorial>") } != nil,
      "\(tmux.capture())")
    tmux.type("schema")
    #expect(
      tmux.waitFor { $0.contains("Step 2 of") && $0.lastLineEnds(with: "tutorial>") } != nil,
      "\(tmux.capture())")

    tmux.type("revenue by campain")
    #expect(
      tmux.waitFor { $0.contains("did you mean 'campaign'") && $0.lastLineEnds(with: "tutorial>") }
        != nil, "\(tmux.capture())")
    tmux.keys("Up")
    let recalled = tmux.waitFor { $0.lastLineEnds(with: "tutorial> revenue by campain") }
    #expect(recalled != nil, "Up recalls the answer just typed:\n\(tmux.capture())")
    // Fix the typo in place: Ctrl-B back over "n", insert the missing "g".
    tmux.keys("C-b")
    tmux.keys("-l", "g")
    tmux.keys("Enter")
    let passed = tmux.waitFor { $0.contains("Step 3 of") && $0.lastLineEnds(with: "tutorial>") }
    #expect(passed != nil, "the fixed answer passes step 2:\n\(tmux.capture())")

    tmux.type("quit")
    #expect(
      tmux.waitFor { $0.contains("Leaving the tutorial") && $0.lastLineEnds(with: "cq>") } != nil,
      "\(tmux.capture())")
    tmux.ctrlDAtPrompt()
    #expect(tmux.waitFor { $0.contains("CQ-EXIT=0") } != nil, "\(tmux.capture())")
    let saved = (try? String(contentsOfFile: history, encoding: .utf8)) ?? ""
    #expect(
      saved.split(separator: "\n").suffix(4) == [
        "tutorial", "schema", "revenue by campain", "revenue by campaign",
      ], "\(saved)")
  }
}

extension String {
  /// The last non-blank line of a screen ends with `suffix` (tmux drops trailing blanks).
  fileprivate func lastLineEnds(with suffix: String) -> Bool {
    let lines = split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    return lines.last.map { $0.hasSuffix(suffix) } ?? false
  }
}
