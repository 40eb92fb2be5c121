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

  // MARK: - Defect 10: every caveat reaches standard error under machine formats

  @Test func tierThresholdsAndTheHeuristicGoToStandardError() throws {
    let tiers = try cq(["--format", "csv", "-c", "revenue by tier"])
    #expect(tiers.stderr.contains("note: tiers: nano < 10k"), "\(tiers.stderr)")
    #expect(!tiers.stdout.contains("tiers:"))
    let cac = try cq(["--format", "json", "-c", "cac, incremental_roas by brand"])
    let heuristic = cac.stderr.split(separator: "\n").filter { $0.hasPrefix("note: incremental_* is a heuristic") }
    #expect(heuristic.count == 1, "once, not once per metric:\n\(cac.stderr)")
    #expect(heuristic.first?.contains("iroas") == true, "store_orders is loaded: it points to iroas:\n\(cac.stderr)")
    // The table shows the same caveat under it.
    let table = try cq(["-c", "cac by brand"])
    #expect(table.stdout.contains("measured lift: iroas, lift_revenue"))
    #expect(table.stderr.isEmpty)
  }

  @Test func liftNotesKeepTheirCaveatsWithoutPerRowIntervals() throws {
    let run = try cq(["--format", "csv", "-c", "lift_revenue, iroas by brand"])
    #expect(run.stderr.contains("note: lift_revenue: difference-in-differences"))
    #expect(run.stderr.contains("note: 95% intervals: lift_revenue_low, lift_revenue_high"))
    #expect(!run.stderr.contains("note:   "), "per-row intervals are columns away, not notes:\n\(run.stderr)")
    let lines = run.stderr.split(separator: "\n")
    #expect(Set(lines).count == lines.count, "no note twice:\n\(run.stderr)")
  }

  @Test func describeIncrementalRoasPointsToIroasWhenStoreOrdersIsLoaded() throws {
    let loaded = try cq(["-c", "describe incremental_roas"])
    #expect(loaded.stdout.contains("iroas"), "\(loaded.stdout)")
    #expect(!loaded.stdout.contains("needs store_orders.csv"), "\(loaded.stdout)")

    let folder = try ScratchFolder()
    let data = try folder.copyBundledData(to: "data")
    try? FileManager.default.removeItem(at: data.appendingPathComponent("store_orders.csv"))
    let without = try cq(["-c", "describe incremental_roas", "-c", "cac by brand"], data: data.path)
    #expect(without.stdout.contains("true incrementality needs store_orders.csv"), "\(without.stdout)")
    #expect(!without.stdout.contains("measured lift: iroas"))
  }
}
