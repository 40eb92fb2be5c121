import CQTestSupport
import Foundation
import Testing

/// Issue 14, defects 9–11, through the real binary: reference listings and prose on a
/// terminal (tmux), caveats of machine formats on standard error, and the smaller stumbles.
@Suite struct TeachingOutputTests {
  /// The words of `text`, whatever its line breaks.
  static func words(_ text: String) -> [Substring] {
    text.split(whereSeparator: { $0 == " " || $0 == "\n" })
  }

  // MARK: - Defect 9: reference listings are never cut; prose wraps at words

  /// `cq -c STATEMENT` on a 120-column terminal: the whole output, scrollback included.
  static func onTerminal(_ statement: String) throws -> String {
    let home = try ScratchFolder()
    let tmux = try Tmux(
      command: [TestPaths.cqBinary.path, "--norc", "--data", TestPaths.bundledData.path, "-c", statement],
      home: home, environment: ["NO_COLOR": "1"])
    _ = tmux.waitFor { $0.contains("CQ-EXIT=") }
    let screen = tmux.captureAll()
    return screen.components(separatedBy: "CQ-EXIT=").first ?? screen
  }

  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func schemaOnATerminalListsEveryColumn() throws {
    let screen = try Self.onTerminal("schema")
    let rows = boxTables(screen).first ?? []
    #expect(rows.contains { $0.count > 1 && $0[1] == "brand" }, "tracking_data.brand is listed:\n\(screen)")
    #expect(!rows.contains { $0.first == "…" }, "no elided row:\n\(screen)")
    #expect(!screen.contains("more row"))
    let piped = try cq(["-c", "schema"])
    #expect(rows.count == (boxTables(piped.stdout).first ?? []).count, "the terminal shows every row a pipe gets")
  }

  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func showMetricsOnATerminalWrapsInsteadOfCutting() throws {
    let screen = try Self.onTerminal("show metrics")
    #expect(!screen.contains("hidden"), "no column hidden:\n\(screen)")
    #expect(!screen.contains("…"), "no text cut:\n\(screen)")
    let header = screen.split(separator: "\n").first { $0.contains("formula") } ?? ""
    #expect(header.contains("meaning"), "the meaning column is shown:\n\(screen)")
    for line in screen.split(separator: "\n") where line.hasPrefix("│") || line.hasPrefix("┌") {
      #expect(line.count <= 120, "\(line)")
    }
    // Every word of every formula and meaning is there, in order.
    let piped = try cq(["--format", "tsv", "-c", "show metrics"])
    let expected = Self.words(parseDelimited(piped.stdout, separator: "\t").dropFirst().map { $0.joined(separator: " ") }.joined(separator: " "))
    let shown = Self.words(
      screen.split(separator: "\n").filter { $0.hasPrefix("│") }.dropFirst()
        .map { $0.replacingOccurrences(of: "│", with: " ") }.joined(separator: " "))
    #expect(Set(expected).isSubset(of: Set(shown)), "words missing: \(Set(expected).subtracting(Set(shown)).sorted().prefix(10))")
  }

  @Test(
    .enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"),
    arguments: ["describe incremental_roas", "explain roas by campaign where brand=MuscleBlaze"])
  func proseOnATerminalBreaksAtWords(statement: String) throws {
    let screen = try Self.onTerminal(statement)
    let piped = try cq(["-c", statement])
    #expect(piped.status == 0)
    // Hard breaks only between words: the terminal's words are the pipe's words.
    #expect(Self.words(screen) == Self.words(piped.stdout), "\(screen)")
    #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 120 })
    #expect(piped.stdout.split(separator: "\n").contains { $0.count > 120 }, "the pipe gets long lines as they are")
  }
}
