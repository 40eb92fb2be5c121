import CQStorage
import CQTestSupport
import Testing

@testable import CQRendering

/// Prose figures go through the table's formatter: one rounding rule, one small-rate rule, the
/// session's currency, grouping and charset.
@Suite struct ProseRendererTests {
  static func text(_ prose: Prose, _ options: RenderOptions = RenderOptions()) -> String {
    ProseRenderer.render(prose, options: options)
  }

  @Test func shortMoneyAndCounts() {
    #expect(Self.text("\(money: 41_000_000) revenue") == "₹4.1L revenue")
    #expect(Self.text("\(money: 290_000)") == "₹2.9k")
    #expect(Self.text("\(money: 120_000_000_00)") == "₹12Cr")
    #expect(Self.text("\(money: 1_250)") == "₹12.50")
    #expect(Self.text("\(money: -99_999_96)") == "-₹100k")
    #expect(Self.text("\(count: 12_345) rows") == "12,345 rows")
    #expect(Self.text("\(count: 123_456)") == "1.2 lakh")
    #expect(Self.text("\(count: 30_000_000)") == "3 crore")
  }

  /// A ratio of 0.285 is `0.29x` in a sentence as in a cell; rates below 0.1% keep two
  /// significant digits in both.
  @Test func ratiosAndRatesAsInCells() {
    let formatter = ValueFormatter(options: RenderOptions())
    for (value, format) in [
      (0.285, ValueFormat.multiple), (0.000032, .percent), (0.0676, .percent), (-0.5, .multiple),
    ] {
      #expect(
        Self.text("\(brief: .number(value), format)")
          == formatter.display(.number(value), format: format))
    }
    #expect(Self.text("\(brief: .number(0.285), .multiple)") == "0.29x")
    #expect(Self.text("\(brief: .number(0.000032), .percent)") == "0.0032%")
    #expect(
      Self.text("\(signedPercent: 0.0835)/day, t = \(decimal: 11.305)") == "+8.35%/day, t = 11.31")
    #expect(Self.text("\(brief: .empty, .multiple)") == "–")
  }

  @Test func currencyGroupingAndASCII() {
    let prose: Prose = "\(money: 15_000) – \(cell: .paise(12_345_670), .money) ÷ \(count: 3)"
    #expect(Self.text(prose) == "₹150.00 – ₹123,456.70 ÷ 3")
    #expect(
      Self.text(prose, RenderOptions(grouping: .indian, currencySymbol: "€"))
        == "€150.00 – €1,23,456.70 ÷ 3")
    #expect(
      Self.text(prose, RenderOptions(ascii: true, currencySymbol: "Rs "))
        == "Rs 150.00 - Rs 123,456.70 / 3")
  }

  /// Counts said in full (groups in explain) are grouped as table cells are.
  @Test func groupedCountsFollowTheGrouping() {
    let prose: Prose = "in \(grouped: 150_000) user groups"
    #expect(Self.text(prose) == "in 150,000 user groups")
    #expect(Self.text(prose, RenderOptions(grouping: .indian)) == "in 1,50,000 user groups")
  }

  @Test func adjacentWordsAreOneSegment() {
    let prose: Prose = "a \("b") c"
    #expect(prose == Prose("a b c"))
    #expect(prose.segments.count == 1)
    #expect(Prose.joined(["x", "\(count: 2)"], separator: "\n").segments.count == 2)
  }
}
