import CQLanguage
import Testing

@Suite("Lexer")
struct LexerTests {
  func kinds(_ source: String) -> [Token.Kind] { Lexer.tokenize(source).map(\.kind) }
  func texts(_ source: String) -> [String] { Lexer.tokenize(source).map(\.text) }

  @Test func wordsNumbersDatesMonths() {
    #expect(
      kinds("roas 42 3.5 -2 10k 2025-06-01 2025-06 2025-Q2 t.co user_12 -x")
        == [
          .word, .number, .number, .number, .number, .date, .month, .word, .word, .word, .word,
          .end,
        ])
  }

  @Test func operators() {
    #expect(
      kinds("= == != <> < <= > >= >> ~ ( ) , ; + - * /")
        == [
          .equal, .equal, .notEqual, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual,
          .append, .tilde, .leftParen, .rightParen, .comma, .semicolon, .plus, .minus, .star,
          .slash, .end,
        ])
    #expect(texts("brand!=X") == ["brand", "!=", "X", ""])
    #expect(texts("reach>=1000") == ["reach", ">=", "1000", ""])
  }

  @Test func strings() {
    let tokens = Lexer.tokenize(#"'it''s' "a \"b\" \\ c" "x\ny""#)
    #expect(tokens.map(\.kind) == [.string, .string, .string, .end])
    #expect(tokens.map(\.value) == ["it's", #"a "b" \ c"#, "x\ny", ""])
  }

  @Test func unterminatedStringRunsToTheEnd() {
    let tokens = Lexer.tokenize("brand = \"Muscle\nBlaze")
    #expect(tokens.map(\.kind) == [.word, .equal, .unterminatedString, .end])
    #expect(tokens[2].value == "Muscle\nBlaze")
  }

  @Test func unknownCharacters() {
    #expect(
      kinds("a & b ! c") == [.word, .unknownCharacter, .word, .unknownCharacter, .word, .end])
  }

  @Test func columnsCountGraphemes() {
    let tokens = Lexer.tokenize("brand = मसलब्लेज़ x\n  y")
    #expect(tokens[2].text == "मसलब्लेज़")
    #expect(tokens[2].range.lowerBound == SourceLocation(line: 1, column: 9, offset: 8))
    let count = "मसलब्लेज़".count
    #expect(tokens[3].range.lowerBound.column == 9 + count + 1)
    #expect(tokens[3].range.lowerBound.offset == 8 + "मसलब्लेज़".utf8.count + 1)
    #expect(
      tokens[5].range.lowerBound
        == SourceLocation(line: 2, column: 3, offset: tokens[4].range.upperBound.offset + 2))
  }

  @Test func newlinesInsideParenthesesAndAfterBackslashAreSkipped() {
    #expect(kinds("a (\nb)\nc") == [.word, .leftParen, .word, .rightParen, .newline, .word, .end])
    #expect(kinds("a \\\nb") == [.word, .word, .end])
    #expect(kinds("a \\ b") == [.word, .unknownCharacter, .word, .end])
  }

  @Test func comments() {
    #expect(texts("a -- b\nc # d\n#e") == ["a", "\n", "c", "\n", ""])
    #expect(texts("x--y") == ["x", ""])
  }

  @Test func numberLiterals() {
    #expect(NumberLiteral.value(of: "10k") == 10_000)
    #expect(NumberLiteral.value(of: "2.5M") == 2_500_000)
    #expect(NumberLiteral.value(of: "-3.25") == -3.25)
    #expect(NumberLiteral.value(of: "1.") == nil)
    #expect(NumberLiteral.value(of: "k") == nil)
    #expect(NumberLiteral.value(of: "1kg") == nil)
    #expect(NumberLiteral.integer(of: "12") == 12)
    #expect(NumberLiteral.integer(of: "99999999999999999999") == nil)
    #expect(NumberLiteral.integer(of: "1.5") == nil)
  }
}

@Suite("Suggestions")
struct SuggestionTests {
  @Test func nearestWithinSmallDistance() {
    #expect(suggestion(for: "shwo", among: Keywords.statements) == "show")
    #expect(suggestion(for: "were", among: Keywords.clauses) == "where")
    #expect(
      suggestion(for: "MusleBlaze", among: ["HKVitals", "MuscleBlaze", "Gritzo"]) == "MuscleBlaze")
    #expect(suggestion(for: "muscleblaze", among: ["MuscleBlaze"]) == "MuscleBlaze")
    #expect(suggestion(for: "revenu", among: ["revenue", "orders"]) == "revenue")
    #expect(suggestion(for: "xyz", among: ["revenue", "orders"]) == nil)
    #expect(suggestion(for: "roas", among: Keywords.statements) == nil)
    #expect(suggestion(for: "", among: ["a"]) == nil)
  }

  @Test func keywordsListIsSortedAndComplete() {
    #expect(Keywords.all == Keywords.all.sorted())
    for word in ["show", "where", "between", "desc", "bar", "settings", "other"] {
      #expect(Keywords.all.contains(word))
    }
  }
}
