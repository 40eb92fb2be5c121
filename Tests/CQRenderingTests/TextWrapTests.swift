import CQRendering
import CQStorage
import Testing

/// Teaching output wraps at word boundaries (issue 14, defect 9): prose, notes under tables,
/// and the cells of reference listings, which are never cut.
@Suite struct TextWrapTests {
  /// The words of `text`, in order, whatever the line breaks.
  static func words(_ text: String) -> [Substring] {
    text.split(whereSeparator: { $0 == " " || $0 == "\n" })
  }

  @Test func breaksBetweenWordsNeverInside() {
    let text =
      "ROAS = ₹27.5L revenue ÷ ₹14L payout = 1.97x over 15,457 tracked orders in 10 campaign groups; payout spread over orders because brand is not a payout column"
    let wrapped = TextWrap.wrap(text, width: 40)
    for line in wrapped.split(separator: "\n") {
      #expect(TerminalWidth.displayWidth(String(line)) <= 40, "\(line)")
    }
    #expect(Self.words(wrapped) == Self.words(text), "no word is split or lost:\n\(wrapped)")
    #expect(TextWrap.wrap("short line", width: 40) == "short line")
  }

  @Test func continuationHangsUnderTheTextOfListsAndFields() {
    let numbered = TextWrap.wrapLine(
      "1. tracking_data (20,000 rows): keep rows where brand = MuscleBlaze", width: 30)
    #expect(numbered.count > 1)
    #expect(
      numbered.dropFirst().allSatisfy { $0.hasPrefix("   ") && !$0.hasPrefix("    ") },
      "\(numbered)")
    let field = TextWrap.wrapLine(
      "  meaning: new-customer revenue per rupee of payout over the campaign", width: 40)
    #expect(field.first?.hasPrefix("  meaning: new-customer") == true)
    #expect(
      field.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: 11)) }, "\(field)")
  }

  @Test func aWordWiderThanTheLineIsCut() {
    let lines = TextWrap.wrapLine(
      "see engagement_rate_followers_per_post_everywhere now", width: 12)
    #expect(lines.allSatisfy { TerminalWidth.displayWidth($0) <= 12 }, "\(lines)")
    #expect(
      lines.joined().replacingOccurrences(of: " ", with: "")
        == "seeengagement_rate_followers_per_post_everywherenow")
  }

  static let listing = ResultSet(
    columns: [
      ResultColumn(name: "metric", role: .plain, format: .text),
      ResultColumn(name: "formula", role: .plain, format: .text),
      ResultColumn(name: "meaning", role: .plain, format: .text),
    ],
    rows: (1...50).map { i in
      [
        .text("metric_\(i)"), .text("sum(total_payout) where status = paid over influencers \(i)"),
        .text("what the metric means, in a sentence long enough to need two or three lines here"),
      ]
    })

  @Test func aReferenceListingWrapsItsCellsAndShowsEveryRow() {
    var options = RenderOptions(width: 60, maxRows: 10)
    options.wrapsText = true
    let text = ResultRenderer.render(Self.listing, format: .table, options: options)
    #expect(!text.contains("…"), "nothing is cut:\n\(text)")
    #expect(!text.contains("hidden"))
    #expect(!text.contains("more row"))
    for line in text.split(separator: "\n") {
      #expect(TerminalWidth.displayWidth(String(line)) <= 60, "\(line)")
    }
    // Every cell's words are there, in order, within its column.
    let cells = text.split(separator: "\n").filter { $0.hasPrefix("│") }.map {
      $0.split(separator: "│", omittingEmptySubsequences: false).dropFirst().dropLast()
        .map { $0.trimmingCharacters(in: .whitespaces) }
    }
    #expect(cells.first == ["metric", "formula", "meaning"])
    let formulaWords = cells.dropFirst().flatMap { $0.count > 1 ? Self.words($0[1]) : [] }
    let expected = Self.listing.rows.flatMap { row -> [Substring] in
      guard case .text(let s) = row[1] else { return [] }
      return Self.words(s)
    }
    #expect(formulaWords == expected)
  }

  @Test func anOrdinaryTableIsStillCutWithAMarker() {
    let text = ResultRenderer.render(
      Self.listing, format: .table, options: RenderOptions(width: 60, maxRows: 10))
    #expect(text.contains("more rows"))
  }

  @Test func notesUnderATableWrapAtWords() {
    var result = Self.listing
    result.rows = Array(result.rows.prefix(1))
    result.footnotes = [
      "incremental_* is a heuristic: revenue on each customer's first purchase date (they might have bought anyway), not measured lift"
    ]
    var options = RenderOptions(width: 60)
    options.wrapsText = true
    let text = ResultRenderer.render(result, format: .table, options: options)
    let footer = text.split(separator: "\n").drop { !$0.hasPrefix("└") }.dropFirst().joined(
      separator: "\n")
    #expect(footer.split(separator: "\n").count > 1)
    #expect(
      footer.split(separator: "\n").allSatisfy { TerminalWidth.displayWidth(String($0)) <= 60 })
    #expect(
      Self.words(footer) == Self.words(ProseRenderer.render(result.footnotes[0], options: options)))
  }
}
