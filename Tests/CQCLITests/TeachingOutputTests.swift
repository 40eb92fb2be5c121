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

  /// `cq -c STATEMENT` on a 120-column terminal: the whole output, scrollback included (no
  /// pager: `cat` stands in for it).
  static func onTerminal(_ statement: String) throws -> String {
    let home = try ScratchFolder()
    let tmux = try Tmux(
      command: [
        TestPaths.cqBinary.path, "--norc", "--data", TestPaths.bundledData.path, "-c", statement,
      ],
      home: home, environment: ["NO_COLOR": "1", "CQ_PAGER": "cat"])
    // A timeout must fail here, or the checks that text is absent would pass on a cut screen.
    try #require(tmux.waitFor { $0.contains("CQ-EXIT=0") } != nil, "\(tmux.captureAll())")
    let screen = tmux.captureAll()
    return screen.components(separatedBy: "CQ-EXIT=").first ?? screen
  }

  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func schemaOnATerminalListsEveryColumn() throws {
    let screen = try Self.onTerminal("schema")
    let rows = boxTables(screen).first ?? []
    #expect(
      rows.contains { $0.count > 1 && $0[1] == "brand" },
      "tracking_data.brand is listed:\n\(screen)")
    #expect(!rows.contains { $0.first == "…" }, "no elided row:\n\(screen)")
    #expect(!screen.contains("more row"))
    let piped = try cq(["-c", "schema"])
    #expect(
      rows.count == (boxTables(piped.stdout).first ?? []).count,
      "the terminal shows every row a pipe gets")
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
    let expected = Self.words(
      parseDelimited(piped.stdout, separator: "\t").dropFirst().map { $0.joined(separator: " ") }
        .joined(separator: " "))
    let shown = Self.words(
      screen.split(separator: "\n").filter { $0.hasPrefix("│") }.dropFirst()
        .map { $0.replacingOccurrences(of: "│", with: " ") }.joined(separator: " "))
    #expect(
      Set(expected).isSubset(of: Set(shown)),
      "words missing: \(Set(expected).subtracting(Set(shown)).sorted().prefix(10))")
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
    #expect(
      piped.stdout.split(separator: "\n").contains { $0.count > 120 },
      "the pipe gets long lines as they are")
  }

  // MARK: - Defect 10: every caveat reaches standard error under machine formats

  @Test func tierThresholdsAndTheHeuristicGoToStandardError() throws {
    let tiers = try cq(["--format", "csv", "-c", "revenue by tier"])
    #expect(tiers.stderr.contains("note: tiers: nano < 10k"), "\(tiers.stderr)")
    #expect(!tiers.stdout.contains("tiers:"))
    let cac = try cq(["--format", "json", "-c", "cac, incremental_roas by brand"])
    let heuristic = cac.stderr.split(separator: "\n").filter {
      $0.hasPrefix("note: incremental_* is a heuristic")
    }
    #expect(heuristic.count == 1, "once, not once per metric:\n\(cac.stderr)")
    #expect(
      heuristic.first?.contains("iroas") == true,
      "store_orders is loaded: it points to iroas:\n\(cac.stderr)")
    // The table shows the same caveat under it.
    let table = try cq(["-c", "cac by brand"])
    #expect(table.stdout.contains("measured lift: iroas, lift_revenue"))
    #expect(table.stderr.isEmpty)
  }

  @Test func liftNotesKeepTheirCaveatsWithoutPerRowIntervals() throws {
    let run = try cq(["--format", "csv", "-c", "lift_revenue, iroas by brand"])
    #expect(run.stderr.contains("note: lift_revenue: difference-in-differences"))
    #expect(run.stderr.contains("note: 95% intervals: lift_revenue_low, lift_revenue_high"))
    #expect(
      !run.stderr.contains("note:   "),
      "per-row intervals are columns away, not notes:\n\(run.stderr)")
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
    let without = try cq(
      ["-c", "describe incremental_roas", "-c", "cac by brand"], data: data.path)
    #expect(
      without.stdout.contains("true incrementality needs store_orders.csv"), "\(without.stdout)")
    #expect(!without.stdout.contains("measured lift: iroas"))
  }

  // MARK: - Defect 11: the smaller stumbles

  @Test func aScriptErrorSaysItsMessageOnce() throws {
    let run = try cq(["-c", "roas by campain"])
    #expect(run.status == 3)
    let message = "unknown dimension 'campain'; did you mean 'campaign'?"
    #expect(run.stderr.components(separatedBy: message).count == 2, "once:\n\(run.stderr)")
    #expect(run.stderr.hasPrefix("-c:1:9: error: \(message)\n"), "\(run.stderr)")
    #expect(run.stderr.contains("|- error\n"), "the caret still marks it:\n\(run.stderr)")
    #expect(run.stderr.contains("`- fix-it: replace 'campain' with 'campaign'"))
  }

  @Test func standardInputGetsNoEmptyContextLine() throws {
    let run = try cq([], stdin: "revenue by campain\n")
    #expect(run.status == 3)
    #expect(
      !run.stderr.split(separator: "\n").contains {
        $0.trimmingCharacters(in: .whitespaces) == "2 |"
      }, "\(run.stderr)")
  }

  @Test func aNoteSharedByEightMetricsIsShownOnce() throws {
    let run = try cq([
      "-c",
      "revenue, orders, aov, customers, conversions, new_customers, incremental_revenue, cac by post_platform",
    ])
    #expect(run.status == 3)
    let notes = run.stderr.split(separator: "\n").filter {
      $0.contains("note: tracking_data can be grouped by")
    }
    #expect(notes.count == 1, "\(run.stderr)")
  }

  @Test func aMetricInASegmentPointsToHaving() throws {
    let run = try cq(["-c", "define segment big = roas > 2"])
    #expect(run.status == 3)
    #expect(
      run.stderr.contains("'roas' is a metric: a segment is a condition on dimensions"),
      "\(run.stderr)")
    #expect(run.stderr.contains("'revenue by campaign having roas > 2'"), "\(run.stderr)")
    #expect(!run.stderr.contains("'where'"), "\(run.stderr)")
  }

  @Test func clearDoesNothingOutsideTheShell() throws {
    let run = try cq(["-c", "clear", "-c", "orders by platform"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.isEmpty)
    #expect(!run.stdout.contains("\u{1B}"))
    #expect(boxTables(run.stdout).count == 1)
    let help = try cq(["-c", "help"])
    #expect(help.stdout.contains("clear"))
  }

  /// In the shell: a redefined segment or metric says so, `clear` clears the screen, Ctrl-C at
  /// the tutorial's first prompt cancels it, and `quit` is kept out of history.
  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func shellRedefinitionClearTutorialCancelAndQuitHistory() throws {
    let home = try ScratchFolder()
    let history = home.file("history").path
    let tmux = try Tmux(
      command: [TestPaths.cqBinary.path, "--norc", "--data", TestPaths.bundledData.path],
      home: home,
      environment: ["CQ_HISTORY": history])
    #expect(tmux.waitFor { Tmux.hasPrompt($0) } != nil, "\(tmux.capture())")
    tmux.type("define segment s = brand=Gritzo")
    #expect(
      tmux.waitFor { $0.contains("defined segment 's' = brand=Gritzo") } != nil, "\(tmux.capture())"
    )
    tmux.type("define segment s = brand=HKVitals")
    #expect(
      tmux.waitFor { $0.contains("redefined segment 's' = brand=HKVitals (was brand=Gritzo)") }
        != nil,
      "\(tmux.capture())")
    tmux.type("define metric m = revenue - payout")
    tmux.type("define metric m = revenue")
    #expect(
      tmux.waitFor { $0.contains("redefined metric 'm' = revenue (was revenue - payout)") } != nil,
      "\(tmux.capture())")

    tmux.type("clear")
    #expect(
      tmux.waitFor { !$0.contains("defined") && Tmux.endsAtPrompt($0) } != nil,
      "clear empties the screen:\n\(tmux.capture())")
    #expect(!tmux.capture().contains("error"))

    tmux.type("tutorial")
    #expect(tmux.waitFor { $0.contains("Press Enter to start") } != nil, "\(tmux.capture())")
    Thread.sleep(forTimeInterval: 0.3)
    tmux.keys("C-c")
    #expect(
      tmux.waitFor { $0.contains("tutorial cancelled") } != nil,
      "Ctrl-C cancels the tutorial:\n\(tmux.capture())")
    #expect(!tmux.capture().contains("Step 1"), "\(tmux.capture())")
    tmux.type("m by platform")
    #expect(
      tmux.waitFor { boxTables($0).last?.first == ["platform", "m"] } != nil,
      "back at the shell:\n\(tmux.capture())")

    _ = tmux.waitFor { Tmux.endsAtPrompt($0) }
    tmux.type("quit")
    #expect(tmux.waitFor { $0.contains("CQ-EXIT=0") } != nil, "\(tmux.capture())")
    let saved = (try? String(contentsOfFile: history, encoding: .utf8)) ?? ""
    #expect(saved.contains("m by platform"), "\(saved)")
    #expect(
      !saved.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "quit" },
      "quit is not history:\n\(saved)")
  }

  @Test func aMissingDataFolderSaysWhatAFolderHolds() throws {
    let folder = try ScratchFolder()
    let missing = try cq(["-c", "roas by brand"], data: folder.file("nowhere").path)
    #expect(missing.status == 4)
    #expect(missing.stderr.contains("no such data folder"))
    #expect(
      missing.stderr.contains(
        "note: --data names the data folder; a data folder holds influencers.csv, posts.csv, tracking_data.csv and payouts.csv"
      ), "\(missing.stderr)")

    let fromEnvironment = try cq(
      ["-c", "roas by brand"], data: nil, environment: ["CQ_DATA": folder.file("nowhere").path])
    #expect(
      fromEnvironment.stderr.contains("note: the folder comes from CQ_DATA"),
      "\(fromEnvironment.stderr)")

    let empty = try cq(["-c", "roas by brand"], data: folder.path)
    #expect(empty.status == 4)
    #expect(
      empty.stderr.contains(
        "\(folder.path): required files not found: influencers.csv, posts.csv, tracking_data.csv, payouts.csv"
      ),
      "\(empty.stderr)")
  }

  @Test func aScatterOfFourPointsLettersEachOne() throws {
    let run = try cq(["-c", "payout, revenue by brand chart scatter"])
    #expect(run.status == 0)
    let legend = run.stdout.split(separator: "\n").filter {
      $0.count > 3 && "ABCDEFGH".contains($0.first!) && $0.dropFirst().hasPrefix("  ")
    }
    let groups = try Delimited(
      try cq(["--format", "csv", "-c", "payout, revenue by brand"]).stdout
    ).column("brand")
    #expect(legend.count == groups.count, "every point is named:\n\(run.stdout)")
    for brand in groups {
      #expect(legend.contains { $0.contains(brand) }, "\(brand) in\n\(run.stdout)")
    }
  }
}
