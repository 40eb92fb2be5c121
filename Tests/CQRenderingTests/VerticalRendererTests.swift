import CQStorage
import Testing

@testable import CQRendering

/// Expanded display (`set display vertical`): records of `column | value` lines, formatted as
/// the table formats them.
@Suite struct VerticalRendererTests {
  @Test func recordsCarryTheTablesFormattingAndAlignByDisplayWidth() {
    let text = ResultRenderer.renderVertical(Fixtures.influencers, options: RenderOptions())
    let table = ResultRenderer.render(
      Fixtures.influencers, format: .table, options: RenderOptions())
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.count == 6 * 4)
    #expect(lines[0].hasPrefix("-[ RECORD 1 ]-"))
    #expect(lines[1] == "influencer | आरव शर्मा")
    #expect(lines[2] == "revenue    | ₹45,678.90")
    #expect(lines[3] == "roas       | 3.42x")
    #expect(lines[16] == "-[ RECORD 5 ]" + String(repeating: "-", count: lines[16].count - 13))
    // Every value the table shows appears, as the table shows it.
    for cell in ["₹45,678.90", "3.42x", "-₹1,250.00", "–"] {
      #expect(table.contains(cell) && text.contains("| \(cell)"), "\(cell)")
    }
    // The header line spans the widest line, by display width.
    let widest = lines.filter { !$0.hasPrefix("-[") }.map(TerminalWidth.displayWidth).max() ?? 0
    #expect(
      lines.filter { $0.hasPrefix("-[") }.allSatisfy { TerminalWidth.displayWidth($0) == widest })
  }

  @Test func otherAndTotalRowsAreNamedAndATerminalElidesRecords() {
    let all = ResultRenderer.renderVertical(Fixtures.campaigns, options: RenderOptions())
    #expect(all.contains("-[ RECORD 3 ]-"))
    #expect(all.contains("-[ OTHER ]-"))
    #expect(all.contains("-[ TOTAL ]-"))
    #expect(!all.contains("RECORD 4"))
    let cut = ResultRenderer.renderVertical(
      Fixtures.campaigns, options: RenderOptions(width: 40, maxRows: 2))
    #expect(
      cut.contains("-[ RECORD 1 ]-") && cut.contains("-[ RECORD 3 ]-") && !cut.contains("RECORD 2"),
      "\(cut)")
    #expect(cut.contains("-[ … 1 more ]-"))
    #expect(cut.contains("… 1 more record (set rows all to see them)"))
    let records = cut.split(separator: "\n").filter { $0.hasPrefix("-[") || $0.contains(" | ") }
    #expect(records.allSatisfy { TerminalWidth.displayWidth(String($0)) <= 40 }, "\(cut)")
    let long = ResultSet(
      columns: [Fixtures.dim("caption")],
      rows: [[.text(String(repeating: "very long caption ", count: 10))]])
    let shortened = ResultRenderer.renderVertical(long, options: RenderOptions(width: 40))
    #expect(
      shortened.split(separator: "\n").allSatisfy { TerminalWidth.displayWidth(String($0)) <= 40 },
      "\(shortened)")
    #expect(shortened.contains("…"))
  }

  @Test func naturalWidthIsTheUncutTablesWidth() {
    let table = ResultRenderer.render(
      Fixtures.influencers, format: .table, options: RenderOptions())
    let width =
      table.split(separator: "\n").map { TerminalWidth.displayWidth(String($0)) }.max() ?? 0
    #expect(
      ResultRenderer.naturalTableWidth(of: Fixtures.influencers, options: RenderOptions()) == width)
    #expect(
      ResultRenderer.renderVertical(
        ResultSet(columns: Fixtures.influencers.columns, rows: []), options: RenderOptions())
        == "(no rows)\n")
  }
}
