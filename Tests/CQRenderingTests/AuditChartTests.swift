import CQRendering
import CQStorage
import Testing

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
    let text = try ChartRenderer.render(result, kind: .line, options: RenderOptions(width: 80, ascii: ascii))
    let plain = try ChartRenderer.render(Fixtures.weekly, kind: .line, options: RenderOptions(width: 80, ascii: ascii))
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
    let plain = try ChartRenderer.render(Fixtures.campaignWeeks, kind: .spark, options: RenderOptions(width: 100))
    #expect(text == plain + "not drawn, having no week: (unattributed)\n", "\(text)")
  }

  @Test func lineLeavesOutOther() throws {
    var result = Fixtures.weekly
    result.rows.append([.text("(other)"), .paise(1_000_000_00), .paise(1_000_00)])
    result.rowKinds = Array(repeating: .normal, count: result.rows.count - 1) + [.other]
    let text = try ChartRenderer.render(result, kind: .line, options: RenderOptions(width: 80))
    let plain = try ChartRenderer.render(Fixtures.weekly, kind: .line, options: RenderOptions(width: 80))
    #expect(text == plain + "not drawn, having no week: (other)\n", "\(text)")
  }
}
