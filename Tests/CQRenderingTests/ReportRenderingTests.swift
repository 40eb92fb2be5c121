import CQRendering
import CQStorage
import CQTestSupport
import Foundation
import Testing

/// Reports (SPEC §9): captions, Markdown blocks, the HTML page and its SVG charts.
@Suite struct ReportRenderingTests {
  static let options = RenderOptions(grouping: .indian)
  static let header = ReportHeader(
    title: "Weekly <report>", introduction: [.paragraph("For the team & <b>friends</b>")],
    dataSource: "data", dateRange: ("2025-04-23", "2025-07-22"), generated: "2025-08-01 09:30 UTC")

  /// A result whose every string is markup: names, a column and a footnote.
  static var hostile: ResultSet {
    var result = ResultSet(
      columns: [
        Fixtures.dim("<img src=x onerror=alert(1)>"), Fixtures.metric("revenue", .money),
        Fixtures.metric("roas", .multiple), Fixtures.metric("engagement_rate", .percent),
      ],
      rows: [
        [
          .text("<script>alert('x')</script>"), .paise(123_456_70), .number(3.4217),
          .number(0.0676),
        ],
        [.text("Tom & \"Jerry\""), .paise(-1_250_00), .number(-0.1), .empty],
      ])
    result.footnotes = ["tiers: nano < 10k ≤ micro <script>"]
    return result
  }

  // MARK: Captions

  @Test func captionsReadHeadingsAndParagraphs() throws {
    let caption = try #require(
      Caption(commentTexts: [
        "## Payout reconciliation", "What we paid,", "and what is pending.", "",
        "#hashtag stays text",
      ]))
    #expect(
      caption.parts == [
        .heading(level: 2, text: "Payout reconciliation"),
        .paragraph("What we paid, and what is pending."),
        .paragraph("#hashtag stays text"),
      ])
    #expect(Caption(commentTexts: ["", "  "]) == nil)
    #expect(Caption.commentText("-- ## Title") == "## Title")
    #expect(Caption.commentText("  #   indented") == "  indented")
    #expect(Caption.commentText("revenue by brand") == nil)
  }

  @Test func timestampsAreUTC() {
    #expect(ReportHeader.timestamp(secondsSince1970: 0) == "1970-01-01 00:00 UTC")
    #expect(ReportHeader.timestamp(secondsSince1970: 1_754_040_600) == "2025-08-01 09:30 UTC")
  }

  // MARK: Markdown

  @Test func markdownBlocksAreApartAndChartsFenced() throws {
    let report = Report(
      header: Self.header,
      blocks: [
        ReportBlock(
          caption: Caption(parts: [
            .heading(level: 2, text: "Weekly"), .paragraph("Revenue by week."),
          ]),
          statement: "revenue, payout by week chart line", content: .chart(.line, Fixtures.weekly)),
        ReportBlock(caption: nil, statement: "posts by tier", content: .table(Fixtures.tiers)),
      ])
    let text = try MarkdownReport.render(report, options: Self.options)
    // Every block is separated from the next by exactly one blank line, never more.
    #expect(!text.contains("\n\n\n"))
    #expect(
      text.contains("## Weekly\n\nRevenue by week.\n\n```text\nrevenue, payout by week\n"),
      "\(text)")
    #expect(text.contains("```\n\n`posts by tier`\n\n| tier"), "\(text)")
    for note in ProseRenderer.render(Fixtures.tiers.footnotes, options: Self.options) {
      #expect(
        text.contains("> **Note:** " + note.replacingOccurrences(of: "<", with: "\\<")), "\(text)")
    }
    #expect(
      text.hasPrefix("# Weekly \\<report\\>\n\nFor the team & <b>friends</b>\n\n*data: data"),
      "\(text)")
  }

  @Test func markdownEscapesCellsThatWouldBeMarkup() throws {
    let block = ReportBlock(caption: nil, statement: "x", content: .table(Self.hostile))
    let text = try MarkdownReport.render(block, options: Self.options)
    #expect(text.contains("\\<script>alert('x')\\</script>"), "\(text)")
    #expect(text.contains("> **Note:** tiers: nano \\< 10k ≤ micro \\<script\\>"), "\(text)")
  }

  // MARK: HTML

  @Test func everyDataStringIsEscaped() throws {
    var blocks: [ReportBlock] = []
    for kind in [nil] + ChartKind.allCases.map(Optional.some) {
      let caption = Caption(parts: [
        .heading(level: 2, text: "<script>alert(2)</script>"), .paragraph("a < b & c"),
      ])
      let content: ReportBlock.Content =
        kind.map { .chart($0, Self.hostile) } ?? .table(Self.hostile)
      if kind == .line || kind == .spark { continue }  // need time; covered below
      blocks.append(ReportBlock(caption: caption, statement: "<script>", content: content))
    }
    blocks.append(
      ReportBlock(caption: nil, statement: "explain", content: .text("a <b>bold</b> plan")))
    let page = try HTMLReport.render(
      Report(header: Self.header, blocks: blocks), options: Self.options)
    #expect(!page.contains("<script"), "no data string becomes a tag")
    #expect(!page.contains("<img"))
    #expect(!page.contains("<b>"))
    #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
    #expect(page.contains("<title>Weekly &lt;report&gt;</title>"))
    #expect(page.contains("Tom &amp; &quot;Jerry&quot;"))
    #expect(page.contains("<p>a &lt; b &amp; c</p>"))
  }

  @Test func pageIsSelfContained() throws {
    let blocks = ChartKind.allCases.map { kind -> ReportBlock in
      let result =
        kind == .scatter
        ? Fixtures.followersRevenue : (kind == .spark ? Fixtures.campaignWeeks : Fixtures.weekly)
      return ReportBlock(caption: nil, statement: kind.example, content: .chart(kind, result))
    }
    let page = try HTMLReport.render(
      Report(header: Self.header, blocks: blocks), options: Self.options)
    #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
    #expect(
      page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
    #expect(
      page.contains("<style>") && page.contains("@media print")
        && page.contains("@media (max-width:40rem)"))
    #expect(page.contains("h2.break{break-before:page}"))
    // Nothing is fetched: no scripts, links, images, imports or URLs other than the SVG namespace.
    for needle in ["<script", "<link", "<img", "src=", "href=", "@import", "url(", "https://"] {
      #expect(!page.contains(needle), "\(needle)")
    }
    #expect(
      page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains(
        "http://") == false)
    #expect(page.contains("data: data · 2025-04-23 to 2025-07-22 · generated 2025-08-01 09:30 UTC"))
    #expect(page.components(separatedBy: HTMLReport.endMarker).count == 2)
  }

  @Test func tablesRightAlignNumbersInCqFormats() {
    let html = ResultRenderer.render(Self.hostile, format: .html, options: Self.options)
    #expect(html.contains("<th class=\"num\">revenue</th>"))
    #expect(html.contains("<td class=\"num\">₹1,23,456.70</td>"), "\(html)")
    #expect(html.contains("<td class=\"num\">3.42x</td>"))
    #expect(html.contains("<td class=\"num\">6.76%</td>"))
    #expect(html.contains("<td class=\"num neg\">-₹1,250.00</td>"))
    #expect(html.contains("<td class=\"num\">–</td>"))
    let totals = ResultRenderer.render(Fixtures.campaigns, format: .html, options: Self.options)
    #expect(totals.contains("<tr class=\"total\">") && totals.contains("<tr class=\"other\">"))
  }

  @Test func footnotesBecomeNotes() throws {
    let block = ReportBlock(
      caption: nil, statement: "posts by tier", content: .table(Fixtures.tiers))
    var seen = false
    let html = try HTMLReport.render(block, options: Self.options, breakBeforeHeading: &seen)
    #expect(html.contains("<ol class=\"notes\">"))
    for note in ProseRenderer.render(Fixtures.tiers.footnotes, options: Self.options) {
      #expect(
        html.contains("<li>" + note.replacingOccurrences(of: "<", with: "&lt;") + "</li>"),
        "\(html)")
    }
  }

  @Test func headingsAfterTheFirstBreakThePage() throws {
    var seen = false
    let first = ReportBlock(
      caption: Caption(parts: [.heading(level: 2, text: "One")]), statement: nil,
      content: .table(Fixtures.tiers))
    let second = ReportBlock(
      caption: Caption(parts: [.heading(level: 2, text: "Two"), .heading(level: 3, text: "Two a")]),
      statement: nil,
      content: .none)
    let a = try HTMLReport.render(first, options: Self.options, breakBeforeHeading: &seen)
    let b = try HTMLReport.render(second, options: Self.options, breakBeforeHeading: &seen)
    #expect(a.contains("<h2>One</h2>"))
    #expect(b.contains("<h2 class=\"break\">Two</h2>"))
    #expect(b.contains("<h3>Two a</h3>"))
  }

  // MARK: SVG charts

  func page(_ kind: ChartKind, _ result: ResultSet) throws -> String {
    var seen = false
    return try HTMLReport.render(
      ReportBlock(caption: nil, statement: nil, content: .chart(kind, result)),
      options: Self.options,
      breakBeforeHeading: &seen)
  }

  @Test func barChartHasABarAndValuePerGroup() throws {
    let html = try page(.bar, Fixtures.influencers)
    #expect(html.components(separatedBy: "<rect ").count - 1 == Fixtures.influencers.rows.count)
    #expect(html.contains(">₹45,678.90</text>"))
    #expect(html.contains("fill=\"#e15759\""), "a negative bar is drawn in the negative colour")
  }

  @Test func lineChartWithSeveralSeriesHasALegend() throws {
    let html = try page(.line, Fixtures.campaignWeeks)
    #expect(html.components(separatedBy: "<polyline ").count - 1 >= 3)
    for name in ["Campaign_1", "Monsoon Whey Protein Push 2025", "आरव शर्मा"] {
      #expect(html.contains("class=\"legend\">\(name)</text>"), "\(name)")
    }
    // A gap (a week with no value) breaks the line rather than joining across it.
    #expect(html.contains("<figcaption>revenue by campaign, week</figcaption>"))
    let single = try page(.line, Fixtures.weekly.withOneMetric)
    #expect(!single.contains("class=\"legend\""), "one series: no legend")
  }

  @Test func sparkScatterAndHistDraw() throws {
    let spark = try page(.spark, Fixtures.campaignWeeks)
    #expect(spark.components(separatedBy: "<svg class=\"sparkline\"").count - 1 == 3)
    #expect(spark.contains("<th class=\"num\">total</th>"))
    let scatter = try page(.scatter, Fixtures.followersRevenue)
    #expect(scatter.components(separatedBy: "<circle ").count - 1 == 30)
    #expect(scatter.contains("class=\"point-label\">"))
    #expect(scatter.contains("1 group without both values not plotted"))
    let hist = try page(.hist, Fixtures.followersRevenue)
    #expect(
      hist.contains("<figcaption>followers over 31 influencer groups</figcaption>"), "\(hist)")
  }

  @Test func chartsThatCannotBeDrawnSayWhy() {
    #expect(throws: ChartError.self) { try page(.line, Fixtures.influencers) }
    #expect(throws: ChartError.self) { try page(.scatter, Fixtures.tiers.withOneMetric) }
  }
}

extension ResultSet {
  /// The result with only its first metric.
  fileprivate var withOneMetric: ResultSet {
    var copy = self
    let keep =
      columns.indices.filter { columns[$0].role != .metric }
      + columns.indices.filter { columns[$0].role == .metric }.prefix(1)
    copy.columns = keep.map { columns[$0] }
    copy.rows = rows.map { row in keep.map { row[$0] } }
    return copy
  }
}
