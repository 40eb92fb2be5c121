import CQTestSupport
import Foundation
import Testing

/// Long results through a pager on a terminal (`$PAGER`, default `less -SRF`; `set pager
/// on|off|auto`), never for pipes or files (SPEC §10).
@Suite struct PagerTests {
  static let lessPath: String? = ["/usr/bin/less", "/bin/less", "/usr/local/bin/less"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  @Test func pagerIsASettingWithItsValues() throws {
    let shown = try cq(["--format", "csv", "-c", "show settings"])
    #expect(shown.stdout.contains("\npager,auto,auto | on | off,"), "\(shown.stdout)")
    let bad = try cq(["-c", "set pager maybe"])
    #expect(bad.status == 3)
    #expect(
      bad.stderr.contains("'maybe' is not a value of 'pager'; expected auto | on | off"),
      "\(bad.stderr)")
  }

  // MARK: - Pager

  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func tallResultsGoThroughThePagerShortOnesDoNot() throws {
    let home = try ScratchFolder()
    let paged = home.file("paged.txt").path
    let tmux = try Tmux(
      command: [
        "/usr/bin/env", "-u", "CQ_PAGER", TestPaths.cqBinary.path, "--norc", "--data",
        TestPaths.bundledData.path,
      ],
      home: home, environment: ["PAGER": "cat >> '\(paged)'; echo PAGER-RAN"])
    #expect(tmux.waitFor { Tmux.endsAtPrompt($0) } != nil, "\(tmux.capture())")
    func pagedText() -> String {
      let text = (try? String(contentsOfFile: paged, encoding: .utf8)) ?? ""
      return text.replacingOccurrences(
        of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    // 40 rows and a frame: taller than the 40-line window.
    tmux.type("revenue by influencer")
    #expect(tmux.waitFor { $0.contains("PAGER-RAN") } != nil, "\(tmux.capture())")
    #expect(pagedText().contains("│ influencer"), "\(pagedText())")
    #expect(pagedText().contains("more rows (set rows all to see them)"))

    tmux.type("revenue by brand")
    #expect(
      tmux.waitFor { boxTables($0).contains { $0.first == ["brand", "revenue"] } } != nil,
      "\(tmux.capture())")
    #expect(!pagedText().contains("│ brand"), "a short result is not paged under auto")

    tmux.type("set pager on")
    tmux.type("orders by platform")
    #expect(
      tmux.waitFor { _ in pagedText().contains("│ platform") } != nil,
      "set pager on pages every result:\n\(tmux.capture())")

    tmux.type("set pager off")
    let before = pagedText()
    tmux.type("payout by influencer")
    #expect(
      tmux.waitFor { $0.contains("more rows (set rows all to see them)") } != nil,
      "\(tmux.capture())")
    #expect(pagedText() == before, "set pager off: never paged")
    tmux.ctrlDAtPrompt()
    #expect(tmux.waitFor { $0.contains("CQ-EXIT=0") } != nil, "\(tmux.capture())")
  }

  @Test(
    .enabled(
      if: InteractiveTests.tmuxPath != nil && PagerTests.lessPath != nil,
      "tmux or less is not installed"))
  func theDefaultPagerIsLessAndQuitReturnsToThePrompt() throws {
    let home = try ScratchFolder()
    let tmux = try Tmux(
      command: [
        "/usr/bin/env", "-u", "PAGER", "-u", "CQ_PAGER", TestPaths.cqBinary.path, "--norc",
        "--data", TestPaths.bundledData.path,
      ],
      home: home)
    #expect(tmux.waitFor { Tmux.endsAtPrompt($0) } != nil, "\(tmux.capture())")
    tmux.type("revenue by influencer")
    // less shows the first screenful and waits at its ':' prompt.
    let inLess = tmux.waitFor { screen in
      screen.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) } == ":"
        && screen.contains("│ influencer")
    }
    #expect(inLess != nil, "\(tmux.capture())")
    tmux.keys("q")
    #expect(
      tmux.waitFor { Tmux.endsAtPrompt($0) } != nil,
      "q leaves the pager for the prompt:\n\(tmux.capture())")
    tmux.type("revenue by brand")
    #expect(
      tmux.waitFor { boxTables($0).contains { $0.first == ["brand", "revenue"] } } != nil,
      "\(tmux.capture())")
    tmux.ctrlDAtPrompt()
    #expect(tmux.waitFor { $0.contains("CQ-EXIT=0") } != nil, "\(tmux.capture())")
  }

  @Test func neverForPipesOrFiles() throws {
    let folder = try ScratchFolder()
    let marker = folder.file("pager-ran").path
    let env = [
      "PAGER": "touch '\(marker)'; cat >/dev/null", "CQ_PAGER": "touch '\(marker)'; cat >/dev/null",
    ]
    for format in ["table", "csv", "json"] {
      let run = try cq(
        [
          "--format", format, "-c", "set pager on", "-c", "revenue by influencer", "-c",
          "revenue by brand > out.txt",
        ],
        environment: env, in: folder.url)
      #expect(run.status == 0, "\(run.stderr)")
      #expect(run.stdout.contains("Aditya"), "the result goes to the pipe as it is")
    }
    let piped = try cq(
      ["--format", "csv"], stdin: "set pager on\nrevenue by influencer\n", environment: env)
    #expect(piped.stdout.hasPrefix("influencer,revenue\n"))
    #expect(!FileManager.default.fileExists(atPath: marker), "no pager for a pipe or a file")
  }
}
