import CQStorage
import Testing

@testable import CQRendering

/// SPEC §5 conformance audit: charts over time draw only rows that are points in time.
@Suite("Rendering: audit of charts over time")
struct AuditChartTests {
  /// `revenue, payout by week` as the engine returns it: weeks, then `(unattributed)` spend
  /// (payout with no tracking rows, so no date), sorted last.
  static var weeklyWithUnattributed: ResultSet {
    var result = Fixtures.weekly
    result.rows.append([.text("(unattributed)"), .paise(0), .paise(9_000_000_00)])
    return result
  }

  @Test(arguments: [false, true])
  func lineLeavesOutUnattributed(ascii: Bool) throws {
    let result = Self.weeklyWithUnattributed
    let text = try ChartRenderer.render(
      result, kind: .line, options: RenderOptions(width: 80, ascii: ascii))
    let plain = try ChartRenderer.render(
      Fixtures.weekly, kind: .line, options: RenderOptions(width: 80, ascii: ascii))
    // The x axis starts at the first week, the y axis is not stretched by the undated spend,
    // and a note says what was left out.
    #expect(!text.contains("(unattributed) "), "\(text)")
    #expect(text == plain + "not drawn, having no week: (unattributed)\n", "\(text)")
  }

  @Test func sparkLeavesOutUnattributed() throws {
    var result = Fixtures.campaignWeeks
    let columns = result.columns.count
    var row: [Value] = [.text("(unattributed)"), .text("(unattributed)")]
    row += Array(repeating: Value.paise(1_000_00), count: columns - 2)
    result.rows.append(row)
    let text = try ChartRenderer.render(result, kind: .spark, options: RenderOptions(width: 100))
    let plain = try ChartRenderer.render(
      Fixtures.campaignWeeks, kind: .spark, options: RenderOptions(width: 100))
    #expect(text == plain + "not drawn, having no week: (unattributed)\n", "\(text)")
  }

  @Test func lineLeavesOutOther() throws {
    var result = Fixtures.weekly
    result.rows.append([.text("(other)"), .paise(1_000_000_00), .paise(1_000_00)])
    result.rowKinds = Array(repeating: .normal, count: result.rows.count - 1) + [.other]
    let text = try ChartRenderer.render(result, kind: .line, options: RenderOptions(width: 80))
    let plain = try ChartRenderer.render(
      Fixtures.weekly, kind: .line, options: RenderOptions(width: 80))
    #expect(text == plain + "not drawn, having no week: (other)\n", "\(text)")
  }
}

/// Scatter extremes that fall in one cell: every letter in the legend is visible in the plot.
@Suite("Rendering: audit of scatter letters")
struct AuditScatterTests {
  static func points(_ xy: [(String, Int64, Int64)]) -> ResultSet {
    ResultSet(
      columns: [
        Fixtures.dim("influencer"), Fixtures.metric("followers", .integer),
        Fixtures.metric("revenue", .money),
      ],
      rows: xy.map { [.text($0.0), .integer($0.1), .paise($0.2 * 100)] })
  }

  @Test(arguments: [false, true])
  func everyLegendLetterIsDrawn(ascii: Bool) throws {
    // Lowest revenue and fewest followers land in the same bottom-left cell.
    let result = Self.points([
      ("Top", 500_000, 100_000), ("Wide", 1_000_000, 50_000), ("Zero", 1_500, 0),
      ("Small", 1_000, 900),
      ("Mid", 400_000, 40_000),
    ])
    let text = try ChartRenderer.render(
      result, kind: .scatter, options: RenderOptions(width: 60, ascii: ascii))
    let lines = text.split(separator: "\n").map(String.init)
    let legend = lines.filter {
      $0.count > 3 && $0.dropFirst().hasPrefix("  ") && $0.first?.isUppercase == true
    }
    let plot = lines.filter { $0.contains(ascii ? "|" : "│") || $0.contains(ascii ? "+" : "┤") }
    // Five points: every one is named; the two in one cell share its letter.
    #expect(legend.count == 5, "\(text)")
    #expect(Set(legend.compactMap(\.first)).count == 4, "\(text)")
    for entry in legend {
      let letter = try #require(entry.first)
      #expect(
        plot.contains { $0.contains(letter) }, "letter \(letter) is listed but not drawn: \(text)")
    }
    #expect(!text.contains("digits count"), "no visible cell holds a count: \(text)")
  }

  @Test func countsAreExplained() throws {
    let result = Self.points([
      ("Top", 500_000, 100_000), ("Wide", 1_000_000, 50_000), ("Zero", 1_000, 0),
      ("Mid", 400_000, 40_000), ("Mid2", 400_100, 40_010),
      // More than eight points: only the extremes are lettered, so a shared cell shows a count.
      ("P1", 100_000, 10_000), ("P2", 200_000, 20_000), ("P3", 300_000, 30_000),
      ("P4", 600_000, 60_000), ("P5", 700_000, 70_000),
    ])
    let text = try ChartRenderer.render(result, kind: .scatter, options: RenderOptions(width: 60))
    #expect(text.contains("2"), "\(text)")
    #expect(text.contains("digits count groups in one cell (+ means more than 9)"), "\(text)")
  }
}

/// The x axis of a chart over time is time: a period with no rows is a gap, not skipped.
@Suite("Rendering: audit of time axes")
struct AuditTimeAxisTests {
  @Test func missingWeekKeepsItsPlace() throws {
    // Weeks 0, 1, 2 and 4 (no rows in week 3): the last week sits at the right edge and the
    // middle tick is week 2, as on a full five-week axis.
    let weeks = [0, 1, 2, 4].map(Fixtures.weekLabel)
    let gappy = ResultSet(
      columns: [Fixtures.dim("week", time: .week), Fixtures.metric("revenue", .money)],
      rows: weeks.map { [.text($0), .paise(100_000_00)] })
    let full = ResultSet(
      columns: gappy.columns,
      rows: (0...4).map { [.text(Fixtures.weekLabel($0)), .paise(100_000_00)] })
    let options = RenderOptions(width: 60, ascii: true)
    let gappyText = try ChartRenderer.render(gappy, kind: .line, options: options)
    let fullText = try ChartRenderer.render(full, kind: .line, options: options)
    let axis = { (t: String) in
      t.split(separator: "\n").first { $0.contains(Fixtures.weekLabel(0)) }.map(String.init)
    }
    #expect(axis(gappyText) == axis(fullText), "\(gappyText)")
    #expect(try #require(axis(gappyText)).contains(Fixtures.weekLabel(2)))
    // The gap: the week-3 column of the plot is empty, the full series draws through it.
    let plotRow = { (t: String) in
      t.split(separator: "\n").first { $0.contains("*") }.map(String.init) ?? ""
    }
    #expect(plotRow(gappyText) != plotRow(fullText), "\(gappyText)")
  }

  @Test func periodsOfEveryGrain() {
    #expect(
      TimeOrder.filled(["2025-06-01", "2025-06-03"], grain: .day) == [
        "2025-06-01", "2025-06-02", "2025-06-03",
      ])
    #expect(
      TimeOrder.filled(["2025-11", "2026-02"], grain: .month) == [
        "2025-11", "2025-12", "2026-01", "2026-02",
      ])
    #expect(
      TimeOrder.filled(["2025-Q3", "2026-Q1"], grain: .quarter) == [
        "2025-Q3", "2025-Q4", "2026-Q1",
      ])
    #expect(TimeOrder.filled(["2023", "2025"], grain: .year) == ["2023", "2024", "2025"])
    #expect(TimeOrder.filled(["Mon", "Thu"], grain: .weekday) == ["Mon", "Tue", "Wed", "Thu"])
    // Labels cq did not write (not Mondays for weeks) are left as they are.
    #expect(
      TimeOrder.filled(["2025-06-01", "2025-06-03"], grain: .week) == ["2025-06-01", "2025-06-03"])
  }
}
