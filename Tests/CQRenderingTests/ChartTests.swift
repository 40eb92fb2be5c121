import CQRendering
import CQStorage
import CQTestSupport
import Testing

@Suite struct ChartTests {
  static func chart(
    _ result: ResultSet, _ kind: ChartKind, width: Int?, ascii: Bool = false,
    grouping: Grouping = .indian,
    sourceLocation: SourceLocation = #_sourceLocation
  ) -> String {
    let options = RenderOptions(width: width, grouping: grouping, ascii: ascii)
    do {
      let text = try ChartRenderer.render(result, kind: kind, options: options)
      let limit = width ?? ChartRenderer.defaultWidth
      for line in text.split(separator: "\n") {
        #expect(
          TerminalWidth.displayWidth(String(line)) <= limit, "too wide: \(line)",
          sourceLocation: sourceLocation)
      }
      #expect(!text.unicodeScalars.contains("\u{1B}"), sourceLocation: sourceLocation)
      if ascii {
        #expect(
          text.unicodeScalars.allSatisfy {
            $0.isASCII || !"█▏▎▍▌▋▊▉│┤└─⠁●".unicodeScalars.contains($0)
          },
          sourceLocation: sourceLocation)
      }
      return text
    } catch {
      Issue.record("unexpected chart error: \(error)", sourceLocation: sourceLocation)
      return ""
    }
  }

  // MARK: golden charts, two widths each

  @Test(arguments: [60, 100])
  func bar(width: Int) {
    assertSnapshot(
      Self.chart(Fixtures.campaigns, .bar, width: width), named: "chart-bar-campaigns-\(width)")
    assertSnapshot(
      Self.chart(Fixtures.influencers, .bar, width: width), named: "chart-bar-influencers-\(width)")
  }

  @Test(arguments: [60, 100])
  func line(width: Int) {
    assertSnapshot(
      Self.chart(Fixtures.weekly, .line, width: width), named: "chart-line-weekly-\(width)")
    assertSnapshot(
      Self.chart(Fixtures.campaignWeeks, .line, width: width),
      named: "chart-line-campaign-weeks-\(width)")
  }

  @Test func lineSingleSeriesBraille() {
    var result = Fixtures.weekly
    result.columns.removeLast()
    result.rows = result.rows.map { Array($0.prefix(2)) }
    let text = Self.chart(result, .line, width: 72)
    assertSnapshot(text, named: "chart-line-single-72")
    #expect(text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
    // Round axis ends around ₹98,000 … ₹2,60,500, and the middle between them.
    #expect(
      text.contains("₹50,000 ┤") && text.contains("₹1,75,000 ┤") && text.contains("₹3,00,000 ┤"))
    #expect(text.contains("2025-04-21") && text.contains("2025-07-14"))
  }

  @Test(arguments: [60, 100])
  func spark(width: Int) {
    assertSnapshot(
      Self.chart(Fixtures.campaignWeeks, .spark, width: width), named: "chart-spark-\(width)")
  }

  @Test(arguments: [60, 100])
  func scatter(width: Int) {
    assertSnapshot(
      Self.chart(Fixtures.followersRevenue, .scatter, width: width), named: "chart-scatter-\(width)"
    )
  }

  @Test(arguments: [60, 100])
  func hist(width: Int) {
    var revenue = Fixtures.followersRevenue
    revenue.columns.remove(at: 1)
    revenue.rows = revenue.rows.map { [$0[0], $0[2]] }
    assertSnapshot(Self.chart(revenue, .hist, width: width), named: "chart-hist-revenue-\(width)")
    var rates = Fixtures.tiers
    rates.columns.remove(at: 1)
    rates.rows = rates.rows.map { [$0[0], $0[2]] }
    assertSnapshot(Self.chart(rates, .hist, width: width), named: "chart-hist-percent-\(width)")
    // Tiered output states the thresholds in force (SPEC §3), in ASCII under --ascii.
    let ascii = Self.chart(rates, .hist, width: width, ascii: true, grouping: .western)
    #expect(ascii.contains(">= 1M followers"), "\(ascii)")
    #expect(ascii.allSatisfy { $0.isASCII }, "\(ascii)")
  }

  @Test(arguments: ChartKind.allCases)
  func ascii(kind: ChartKind) {
    let result =
      kind == .scatter
      ? Fixtures.followersRevenue
      : (kind == .bar || kind == .hist ? Fixtures.influencers : Fixtures.campaignWeeks)
    let text = Self.chart(result, kind, width: 60, ascii: true, grouping: .western)
    assertSnapshot(text, named: "chart-ascii-\(kind.rawValue)")
  }

  // MARK: shapes that cannot be drawn

  @Test func errorsSayWhyAndWhatWorks() {
    let options = RenderOptions(width: 80)
    #expect(
      throws: ChartError(
        "a line chart needs a time dimension such as 'week'; try 'revenue by week chart line'")
    ) {
      try ChartRenderer.render(Fixtures.influencers, kind: .line, options: options)
    }
    #expect(
      throws: ChartError(
        "a spark chart needs a time dimension to draw over, such as 'week'; try 'revenue by influencer, week chart spark'"
      )
    ) {
      try ChartRenderer.render(Fixtures.influencers, kind: .spark, options: options)
    }
    #expect(
      throws: ChartError(
        "a scatter chart needs two metrics, one per axis, and this result has one ('revenue'); try 'followers, revenue by influencer chart scatter'"
      )
    ) {
      try ChartRenderer.render(Fixtures.singleRow, kind: .scatter, options: options)
    }
    let noMetric = ResultSet(columns: [Fixtures.dim("campaign")], rows: [[.text("Campaign_1")]])
    for kind in ChartKind.allCases {
      #expect(throws: ChartError.self) {
        try ChartRenderer.render(noMetric, kind: kind, options: options)
      }
    }
  }

  // MARK: awkward data never crashes

  static let awkward: [(String, ResultSet)] = [
    ("empty", Fixtures.empty),
    ("all-empty", Fixtures.allEmpty),
    ("single", Fixtures.singleRow),
    (
      "negative",
      ResultSet(
        columns: [
          Fixtures.dim("campaign"), Fixtures.metric("roi", .multiple),
          Fixtures.metric("profit", .money),
        ],
        rows: [[.text("a"), .number(-2), .paise(-100)], [.text("b"), .number(-0.5), .paise(-1)]])
    ),
    (
      "zeros",
      ResultSet(
        columns: [
          Fixtures.dim("week", time: .week), Fixtures.metric("orders", .integer),
          Fixtures.metric("revenue", .money),
        ],
        rows: [
          [.text("2025-06-02"), .integer(0), .paise(0)],
          [.text("2025-06-09"), .integer(0), .paise(0)],
        ])
    ),
    (
      "one-week",
      ResultSet(
        columns: [
          Fixtures.dim("campaign"), Fixtures.dim("week", time: .week),
          Fixtures.metric("revenue", .money), Fixtures.metric("orders", .integer),
        ],
        rows: [[.text("c"), .text("2025-06-02"), .paise(500), .integer(3)]])
    ),
    (
      "huge",
      ResultSet(
        columns: [
          Fixtures.dim("day", time: .day), Fixtures.metric("a", .decimal),
          Fixtures.metric("b", .money),
        ],
        rows: [
          [.text("2025-06-01"), .number(1e300), .paise(Int64.max)],
          [.text("2025-06-02"), .number(-1e300), .paise(Int64.min)],
        ])
    ),
    (
      "no-dimension",
      ResultSet(
        columns: [Fixtures.metric("revenue", .money), Fixtures.metric("payout", .money)],
        rows: [[.paise(100), .paise(50)]])
    ),
  ]

  @Test func awkwardDataNeverCrashes() {
    for (name, result) in Self.awkward {
      for kind in ChartKind.allCases {
        for width in [30, 60] {
          for ascii in [false, true] {
            let options = RenderOptions(width: width, ascii: ascii)
            do {
              let text = try ChartRenderer.render(result, kind: kind, options: options)
              #expect(!text.isEmpty, "\(name) \(kind)")
              for line in text.split(separator: "\n") {
                #expect(
                  TerminalWidth.displayWidth(String(line)) <= width,
                  "\(name) \(kind) \(width): \(line)")
              }
            } catch {
              // Only shape errors are allowed: they name the chart kind.
              #expect(
                error.message.contains("a \(kind.rawValue) chart needs"),
                "\(name) \(kind): \(error)")
            }
          }
        }
      }
    }
  }

  @Test func awkwardSnapshots() {
    var text = ""
    for (name, result) in Self.awkward {
      for kind in ChartKind.allCases {
        text += "== \(name) · \(kind.rawValue)\n"
        do {
          text += try ChartRenderer.render(result, kind: kind, options: RenderOptions(width: 50))
        } catch {
          text += "error: \(error)\n"
        }
      }
    }
    assertSnapshot(text, named: "chart-awkward-50")
  }

  @Test func barRespectsRowLimitOnTerminal() {
    let text = Self.chart(Fixtures.manyRows, .bar, width: 60)
    #expect(text.split(separator: "\n").count == 101)
    let limited = try? ChartRenderer.render(
      Fixtures.manyRows, kind: .bar, options: RenderOptions(width: 60, maxRows: 10))
    #expect(limited?.contains("… 90 more bars not drawn (set rows all to see them)") == true)
  }

  @Test func totalsAreNotCharted() {
    let text = Self.chart(Fixtures.campaigns, .bar, width: 80)
    #expect(!text.contains("(total)"))
    #expect(text.contains("(other)"))
  }

  @Test func histogramBins() throws {
    let values = (0..<100).map { Double($0) * 10 }  // 0 … 990
    let text = Self.chart(
      ResultSet(
        columns: [Fixtures.dim("influencer"), Fixtures.metric("revenue", .money)],
        rows: values.enumerated().map { [.text("i\($0.offset)"), .number($0.element)] }),
      .hist, width: 70)
    let binLines = text.split(separator: "\n").filter { $0.hasPrefix("[") }
    #expect((8...12).contains(binLines.count), "\(binLines.count) bins")
    #expect(binLines.first?.hasPrefix("[₹0 – ₹100)") == true)
    #expect(binLines.last?.contains("₹1,000]") == true)
    // Every value is counted once.
    let counts = binLines.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
    #expect(counts.reduce(0, +) == 100)
  }
}

@Suite struct ChartOrderTests {
  @Test func weekdaysRunFromMonday() throws {
    let days = ["Wed", "Sun", "Mon", "Fri", "Tue", "Sat", "Thu"]
    let result = ResultSet(
      columns: [Fixtures.dim("weekday", time: .weekday), Fixtures.metric("orders", .integer)],
      rows: days.enumerated().map { [.text($0.element), .integer(Int64($0.offset * 10))] })
    let text = try ChartRenderer.render(result, kind: .line, options: RenderOptions(width: 60))
    let axis = try #require(text.split(separator: "\n").first { $0.contains("Mon") })
    let mon = try #require(axis.range(of: "Mon"))
    let thu = try #require(axis.range(of: "Thu"))
    let sun = try #require(axis.range(of: "Sun"))
    #expect(mon.lowerBound < thu.lowerBound && thu.lowerBound < sun.lowerBound)
  }

  @Test func linesUseOneUnitPerAxis() throws {
    var result = Fixtures.weekly
    result.columns.append(Fixtures.metric("roas", .multiple))
    result.rows = result.rows.map { $0 + [.number(2.5)] }
    let text = try ChartRenderer.render(result, kind: .line, options: RenderOptions(width: 80))
    #expect(text.hasPrefix("revenue, payout by week\n"))
    #expect(text.contains("not drawn, in other units than 'revenue': 'roas'"))
  }
}
