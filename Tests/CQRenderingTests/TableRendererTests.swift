import CQRendering
import CQStorage
import CQTestSupport
import Testing

@Suite struct TableRendererTests {
  static func table(_ result: ResultSet, _ options: RenderOptions) -> String {
    ResultRenderer.render(result, format: .table, options: options)
  }

  @Test(arguments: [60, 100])
  func campaignsIndian(width: Int) {
    let text = Self.table(Fixtures.campaigns, RenderOptions(width: width, grouping: .indian))
    assertSnapshot(text, named: "table-campaigns-indian-\(width)")
    // The frame itself fits the terminal; only the note under it may run on.
    for line in text.split(separator: "\n") where line.hasPrefix("┌") || line.hasPrefix("│") {
      #expect(TerminalWidth.displayWidth(String(line)) <= width)
    }
  }

  @Test func campaignsUncutForFiles() {
    let text = Self.table(
      Fixtures.campaigns, RenderOptions(width: nil, maxRows: 2, grouping: .western))
    assertSnapshot(text, named: "table-campaigns-western-file")
    #expect(!text.contains("hidden"))
    #expect(!text.contains("more rows"))
    #expect(text.contains("₹178,798,157.00") == false)
    #expect(text.contains("₹17,879,815.70"))
  }

  @Test(arguments: [60, 100])
  func unicodeNamesAlign(width: Int) {
    let text = Self.table(Fixtures.influencers, RenderOptions(width: width))
    assertSnapshot(text, named: "table-influencers-\(width)")
    let widths = Set(text.split(separator: "\n").map { TerminalWidth.displayWidth(String($0)) })
    #expect(widths.count == 1, "every line of the frame has the same display width: \(widths)")
  }

  @Test func ascii() {
    let text = Self.table(Fixtures.influencers, RenderOptions(width: 80, ascii: true))
    assertSnapshot(text, named: "table-influencers-ascii")
    #expect(!text.contains("│") && !text.contains("─") && !text.contains("–"))
  }

  /// `--ascii` spells cq's own marks in notes and footnotes in ASCII too (SPEC §5: plain ASCII).
  @Test func asciiNotesAndFootnotes() {
    var result = Fixtures.manyRows
    result.footnotes = [
      "tiers: nano < 10k ≤ micro < 50k ≤ mid", "lift ₹30.7L ± ₹2L — method: DiD · 95%",
    ]
    let text = Self.table(
      result, RenderOptions(width: 60, maxRows: 6, ascii: true, currencySymbol: "Rs "))
    #expect(text.allSatisfy { $0.isASCII }, "\(text)")
    #expect(text.contains("... 94 more rows (set rows all to see them)"))
    #expect(text.contains("tiers: nano < 10k <= micro < 50k <= mid"))
    #expect(text.contains("lift Rs 30.7L +/- Rs 2L - method: DiD - 95%"))
    let boxed = Self.table(result, RenderOptions(width: 60, maxRows: 6))
    #expect(boxed.contains("tiers: nano < 10k ≤ micro"), "without --ascii the marks stay")
  }

  @Test func rowElision() {
    let text = Self.table(Fixtures.manyRows, RenderOptions(width: 60, maxRows: 6))
    assertSnapshot(text, named: "table-many-rows-elided")
    #expect(text.contains("influencer_1 "))
    #expect(text.contains("influencer_100"))
    #expect(!text.contains("influencer_50 "))
    #expect(text.contains("… 94 more rows (set rows all to see them)"))
  }

  @Test func elisionKeepsTotals() {
    var result = Fixtures.manyRows
    result.rows.append([.text("(total)"), .paise(999)])
    result.rowKinds.append(.total)
    let text = Self.table(result, RenderOptions(width: 80, maxRows: 4))
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.contains("(total)") })
    #expect(text.contains("96 more rows"))
  }

  @Test func footnotesAndFooter() {
    let text = Self.table(Fixtures.tiers, RenderOptions(width: 80, footer: "5 rows · 3.1 ms"))
    assertSnapshot(text, named: "table-tiers-footnotes")
    #expect(text.hasSuffix("mega ≥ 1M followers\n5 rows · 3.1 ms\n"))
  }

  @Test func emptyResult() {
    let text = Self.table(Fixtures.empty, RenderOptions(width: 80))
    assertSnapshot(text, named: "table-empty")
    #expect(text.contains("(no rows)"))
  }

  @Test func longTextIsShortenedBeforeColumnsAreDropped() {
    let result = ResultSet(
      columns: [
        Fixtures.dim("influencer"), ResultColumn(name: "caption", role: .plain, format: .text),
        Fixtures.metric("reach", .integer),
      ],
      rows: [
        [
          .text("Zoë"),
          .text(
            "Whey, \"isolate\" and more —\nline two of a very long caption that goes on and on"),
          .integer(12_000),
        ]
      ])
    let text = Self.table(result, RenderOptions(width: 60))
    assertSnapshot(text, named: "table-long-text")
    #expect(text.contains("12,000"))
    #expect(text.contains("long text shortened to fit: set width"))
    #expect(!text.contains("\nline two"))
  }

  @Test func firstColumnNeverDropped() {
    let text = Self.table(Fixtures.campaigns, RenderOptions(width: 30))
    #expect(text.contains("Campaign_3"))
    // The note wraps at words to the 30 columns.
    #expect(
      text.replacingOccurrences(of: "\n", with: " ").contains(
        "7 more columns hidden (revenue, payout, roas, engagement_rate, orders, cpe, …)"))
  }

  @Test func colourOnlyWhenAsked() {
    let plain = Self.table(Fixtures.campaigns, RenderOptions(width: 100, color: false))
    #expect(!plain.unicodeScalars.contains("\u{1B}"))
    let coloured = Self.table(Fixtures.campaigns, RenderOptions(width: 100, color: true))
    #expect(coloured.contains("\u{1B}[1mcampaign"))
    let negative = coloured.split(separator: "\n").first { $0.contains("Campaign_10") } ?? ""
    #expect(
      negative.contains("\u{1B}[31m") && negative.contains("-₹50.00\u{1B}[0m"),
      "\(negative.debugDescription)")
    #expect(coloured.contains("\u{1B}[2m┌"))
    // Colour never changes what is shown, only how.
    #expect(stripANSI(coloured) == plain)
  }

  @Test func controlCharactersInDataAreNeutralised() {
    let result = ResultSet(
      columns: [Fixtures.dim("influencer"), Fixtures.metric("posts", .integer)],
      rows: [[.text("evil\u{1B}[2Jname\ttab"), .integer(1)]])
    let text = Self.table(result, RenderOptions(width: 80))
    #expect(!text.unicodeScalars.contains("\u{1B}"))
    #expect(text.contains("evil\u{FFFD}[2Jname tab"))
  }
}

func stripANSI(_ s: String) -> String {
  var out = ""
  var scalars = s.unicodeScalars.makeIterator()
  while let scalar = scalars.next() {
    if scalar == "\u{1B}" {
      while let next = scalars.next(), next != "m" {}
      continue
    }
    out.unicodeScalars.append(scalar)
  }
  return out
}
