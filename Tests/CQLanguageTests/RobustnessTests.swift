import CQLanguage
import CQTestSupport
import Testing

@Suite("Parser: robustness")
struct RobustnessTests {
  static let pieces = [
    "roas", "by", "where", "having", "order", "limit", "with", "other", "chart", "bar", "top",
    "bottom", "10", "-2", "3.5", "10k", "2025-06-01", "2025-06", "2025-13-40", "brand", "=", "!=",
    "<", "<=", ">", ">=", ">>", "~", "(", ")", ",", ";", "\n", "\\\n", "\\", "and", "or", "not",
    "in", "between", "\"Whey 1kg\"", "'it''s", "\"open", "--c\n", "#c\n", "मसलब्लेज़", "💪",
    "out.csv", "~/x", "/", "-", "+", "*", "define", "metric", "segment", "set", "show", "explain",
    "describe", "sample", "last", "load", "run", "help", "quit", "&", "!", "\t", " ", "  ",
    "shwo", "were", "desc", "asc", "\r\n",
  ]

  @Test func randomInputNeverTrapsAndRangesPointIntoTheSource() {
    var random = SplitMix64(state: 20_250_423)
    for _ in 0..<3000 {
      var source = ""
      for _ in 0..<Int(random.next() % 14) {
        source += random.pick(Self.pieces)
        if random.next() % 3 != 0 { source += " " }
      }
      let bytes = Array(source.utf8)
      // Tokens are in order and their text is the source between their offsets.
      var last = 0
      for token in Lexer.tokenize(source) {
        let lower = token.range.lowerBound.offset
        let upper = token.range.upperBound.offset
        #expect(
          last <= lower && lower <= upper && upper <= bytes.count, "\(source.debugDescription)")
        if lower <= upper, upper <= bytes.count {
          #expect(String(decoding: bytes[lower..<upper], as: UTF8.self) == token.text)
          let linePrefix =
            bytes[..<lower].split(separator: 10, omittingEmptySubsequences: false).last ?? []
          let column = String(decoding: linePrefix, as: UTF8.self).count + 1
          #expect(
            token.range.lowerBound.column == column, "\(source.debugDescription) \(token.text)")
        }
        last = upper
      }
      for parsed in Parser.parseStatements(source) {
        #expect((parsed.node == nil) == parsed.diagnostics.contains { $0.severity == .error })
        for d in parsed.diagnostics {
          #expect(d.range.lowerBound.offset <= d.range.upperBound.offset)
          #expect(d.range.upperBound.offset <= bytes.count, "\(source.debugDescription)")
          #expect(d.range.lowerBound.line >= 1 && d.range.lowerBound.column >= 1)
          #expect(!d.message.isEmpty && !d.message.hasSuffix("."))
        }
      }
    }
  }

  @Test func deepNestingIsAnErrorNotACrash() {
    let deep = "roas where " + String(repeating: "(", count: 5000) + "a=1"
    let (_, diagnostics) = Parser.parse(deep)
    #expect(diagnostics.map(\.message).contains("parentheses and 'not' nest more than 64 deep"))
    let nots = "roas where " + String(repeating: "not ", count: 5000) + "a=1"
    #expect(Parser.parse(nots).diagnostics.count == 1)
    let minus = "define metric x = " + String(repeating: "-(", count: 5000) + "revenue"
    #expect(Parser.parse(minus).diagnostics.count == 1)
    #expect(
      Parser.parse(
        "roas where " + String(repeating: "(", count: 60) + "a=1"
          + String(repeating: ")", count: 60)
      ).diagnostics.isEmpty)
  }
}
