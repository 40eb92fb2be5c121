import CQLanguage
import CQRendering
import Testing

@Suite("DiagnosticFormatter")
struct DiagnosticFormatterTests {
  /// Parses `source` and formats its syntax diagnostics.
  func formatted(
    _ source: String, fileName: String? = nil, lineOffset: Int = 0,
    formatter: DiagnosticFormatter = DiagnosticFormatter()
  ) -> String {
    let (_, diagnostics) = Parser.parse(source)
    return formatter.format(
      DiagnosticsError(diagnostics: diagnostics, source: source), fileName: fileName,
      lineOffset: lineOffset)
  }

  func location(_ source: String, column: Int) -> CQLanguage.SourceLocation {
    let prefix = source.prefix(column - 1)
    return CQLanguage.SourceLocation(line: 1, column: column, offset: prefix.utf8.count)
  }

  @Test func caretUnderTheValue() {
    let source = "roas by campaign where brand=MusleBlaze"
    let start = location(source, column: 30)
    let end = location(source, column: 40)
    let diagnostic = Diagnostic(
      id: "sema.unknownValue", phase: .model,
      message: "no brand 'MusleBlaze'; did you mean 'MuscleBlaze'?", range: start..<end)
    let text = DiagnosticFormatter().format(
      DiagnosticsError(diagnostics: [diagnostic], source: source))
    #expect(
      text == """
        1 | roas by campaign where brand=MusleBlaze
          |                              `- error: no brand 'MusleBlaze'; did you mean 'MuscleBlaze'?

        """)
  }

  @Test func fixItsFollowTheirDiagnostic() {
    #expect(
      formatted("roas by campaign were brand=X") == """
        1 | roas by campaign were brand=X
          |                  |- error: unknown clause 'were'; did you mean 'where'?
          |                  `- fix-it: replace 'were' with 'where'

        """)
  }

  /// The mark stands under its token as a terminal draws the line: मसलब्लेज़ is 5 grapheme
  /// clusters (ब्ले is one) but 6 columns (tmux puts the cursor at 26 after the text before
  /// 'adn'), and an emoji is one cluster of 2 columns.
  @Test func marksAlignByDisplayColumns() {
    #expect(
      formatted("roas where brand = मसलब्लेज़ adn platform=Instagram") == """
        1 | roas where brand = मसलब्लेज़ adn platform=Instagram
          |                           |- error: unexpected 'adn'; did you mean 'and'?
          |                           `- fix-it: replace 'adn' with 'and'

        """)
    #expect(
      formatted("roas where brand = \"💪\" adn platform=Instagram") == """
        1 | roas where brand = "💪" adn platform=Instagram
          |                         |- error: unexpected 'adn'; did you mean 'and'?
          |                         `- fix-it: replace 'adn' with 'and'

        """)
  }

  @Test func severalMarksOnOneLine() {
    #expect(
      formatted("roas by brand where = 3 limit x") == """
        1 | roas by brand where = 3 limit x
          |                     |         `- error: expected a whole number after 'limit', found 'x'
          |                     `- error: expected a condition after 'where', found '='

        """)
  }

  @Test func notesWithRangesAreMarkedWhereTheyPoint() {
    #expect(
      formatted("roas where (brand = X or platform = Y") == """
        1 | roas where (brand = X or platform = Y
          |            |                         |- error: expected ')' to close '('
          |            |                         `- fix-it: insert ')'
          |            `- note: '(' opened here

        """)
  }

  @Test func scriptWithContextFileNameAndLineOffset() {
    let script = """
      show metrics
      roas by brand
      revenue by month
      -- a comment
      show tables
      roas by campaign limit ten
      schema
      """
    #expect(
      formatted(script, fileName: "report.cq", lineOffset: 4) == """
        report.cq:10:24: error: expected a whole number after 'limit', found 'ten'
         9 | show tables
        10 | roas by campaign limit ten
           |                        `- error
        11 | schema

        """)
    #expect(
      formatted("roas by\nshow metrics\nshow tables\nschema\nshwo tables") == """
        1 | roas by
          |        `- error: expected a dimension name after 'by'
        2 | show metrics
          :
        4 | schema
        5 | shwo tables
          | |- error: unknown statement 'shwo'; did you mean 'show'?
          | `- fix-it: replace 'shwo' with 'show'

        """)
  }

  @Test func compactLocation() throws {
    let source = "show metrics\nroas by campaign were brand=X"
    let diagnostic = try #require(Parser.parse(source).diagnostics.first)
    let formatter = DiagnosticFormatter()
    #expect(
      formatter.formatLocation(diagnostic, fileName: "-c")
        == "-c:2:18: error: unknown clause 'were'; did you mean 'where'?")
    #expect(
      formatter.formatLocation(diagnostic, fileName: "<stdin>", lineOffset: 10)
        == "<stdin>:12:18: error: unknown clause 'were'; did you mean 'where'?")
  }

  @Test func colorsOnlyWhenAsked() {
    let plain = formatted("roas by")
    let colored = formatted("roas by", formatter: DiagnosticFormatter(colors: true))
    #expect(!plain.contains("\u{1B}["))
    #expect(colored.contains("\u{1B}[1;31merror: expected a dimension name after 'by'\u{1B}[0;0m"))
  }

  @Test func tabsKeepTheirWidth() {
    #expect(
      formatted("roas\tby\t")
        == "1 | roas\tby\t\n  |     \t  \t`- error: expected a dimension name after 'by'\n")
  }
}
