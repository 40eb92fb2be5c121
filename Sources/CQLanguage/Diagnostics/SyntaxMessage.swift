/// The messages of the syntax phase (lexer and parser), one static member each, alphabetized.
///
/// Messages are lower-case with no final period and put source tokens in 'quotes'. Each
/// member's name becomes the diagnostic id: `syntax.expectedName`.
struct SyntaxMessage: Equatable {
  var id: String
  var text: String

  private static func message(_ text: String, function: String = #function) -> SyntaxMessage {
    SyntaxMessage(id: "syntax." + function.prefix { $0 != "(" }, text: text)
  }

  /// ", found 'x'" or "" at the end of the statement.
  private static func found(_ token: String?) -> String {
    token.map { ", found \($0)" } ?? ""
  }

  static func clauseAfterRedirect(_ keyword: String, redirect: String) -> SyntaxMessage {
    message("'\(keyword)' must come before '\(redirect)'; the output file ends the statement")
  }

  static func duplicateClause(_ keyword: String) -> SyntaxMessage {
    message("duplicate '\(keyword)' clause")
  }

  static func expectedChartKind(found: String?) -> SyntaxMessage {
    message("expected a chart kind after 'chart' (\(ChartKind.list()))\(Self.found(found))")
  }

  static func expectedCondition(after: String, found: String?) -> SyntaxMessage {
    message("expected a condition after '\(after)'\(Self.found(found))")
  }

  static func expectedConnective(found: String?) -> SyntaxMessage {
    message("expected 'and', 'or' or ')'\(Self.found(found))")
  }

  static func expectedCount(after: String, found: String?) -> SyntaxMessage {
    message("expected a whole number after '\(after)'\(Self.found(found))")
  }

  static func expectedDefineKind(found: String?) -> SyntaxMessage {
    message("expected 'metric' or 'segment' after 'define'\(Self.found(found))")
  }

  static func expectedEnd(after: String, found: String) -> SyntaxMessage {
    message("unexpected \(found) after '\(after)'")
  }

  static func expectedEndOfCondition(found: String) -> SyntaxMessage {
    message("expected 'and', 'or' or the end of the statement, found \(found)")
  }

  static func expectedEndOfExpression(found: String) -> SyntaxMessage {
    message("expected an operator such as '+' or the end of the statement, found \(found)")
  }

  static func expectedEndOfPath(path: String, found: String) -> SyntaxMessage {
    message("unexpected \(found) after the path '\(path)'; quote paths that contain spaces")
  }

  static func expectedEqual(after: String, found: String?) -> SyntaxMessage {
    message("expected '=' after '\(after)'\(Self.found(found))")
  }

  static func expectedExpression(after: String, found: String?) -> SyntaxMessage {
    message("expected a metric name or a number after '\(after)'\(Self.found(found))")
  }

  static func expectedKeyword(_ keyword: String, after: String, found: String?) -> SyntaxMessage {
    message("expected '\(keyword)' after '\(after)'\(Self.found(found))")
  }

  static func expectedListSeparator(found: String?) -> SyntaxMessage {
    message("expected ',' or ')' in the list of values\(Self.found(found))")
  }

  static func expectedName(_ kind: String, after: String, found: String?) -> SyntaxMessage {
    message("expected \(kind) name after '\(after)'\(Self.found(found))")
  }

  static func expectedOperator(after name: String, found: String) -> SyntaxMessage {
    message("expected an operator such as '=' between '\(name)' and \(found)")
  }

  static func expectedPath(_ what: String, after: String, found: String?) -> SyntaxMessage {
    message("expected \(what) after '\(after)'\(Self.found(found))")
  }

  static func expectedQuery(after: String) -> SyntaxMessage {
    message("expected a query after '\(after)'")
  }

  static func expectedRightParenthesis(found: String?) -> SyntaxMessage {
    message("expected ')' to close '('\(Self.found(found))")
  }

  static func expectedShowTarget(found: String?) -> SyntaxMessage {
    message(
      "expected metrics, dimensions, tables, segments or settings after 'show'\(Self.found(found))")
  }

  static func expectedStatement(found: String) -> SyntaxMessage {
    message("expected a statement or a metric name, found \(found)")
  }

  static func expectedValue(after: String, found: String?) -> SyntaxMessage {
    message("expected a value after '\(after)'\(Self.found(found))")
  }

  static func invalidDate(_ text: String) -> SyntaxMessage {
    message("'\(text)' is not a valid date")
  }

  static func limitWithTop(_ top: String) -> SyntaxMessage {
    message("'limit' cannot be combined with '\(top)'; '\(top)' already limits the rows")
  }

  static func misspelledClause(_ word: String, suggestion: String) -> SyntaxMessage {
    message("unknown clause '\(word)'; did you mean '\(suggestion)'?")
  }

  static func misspelledKeyword(_ word: String, suggestion: String) -> SyntaxMessage {
    message("unexpected '\(word)'; did you mean '\(suggestion)'?")
  }

  static func nestingTooDeep(_ limit: Int) -> SyntaxMessage {
    message("parentheses and 'not' nest more than \(limit) deep")
  }

  static func missingConnective(before word: String) -> SyntaxMessage {
    message("expected 'and' or 'or' before '\(word)' to join two comparisons")
  }

  static var noteFirstClause: SyntaxMessage { message("the first one is here") }

  static var noteOpenedHere: SyntaxMessage { message("'(' opened here") }

  static func numberTooLarge(_ text: String) -> SyntaxMessage {
    message("'\(text)' is too large")
  }

  static func tooManyOperators(_ limit: Int) -> SyntaxMessage {
    message(
      "more than \(limit) 'and', 'or' and arithmetic operators in one statement; split it, or use 'in (…)' for a list of values"
    )
  }

  static func topNeedsCount(_ keyword: String) -> SyntaxMessage {
    message("'\(keyword)' needs a count of at least 1")
  }

  static func unexpectedAfterName(_ word: String, after name: String) -> SyntaxMessage {
    message(
      "unexpected '\(word)' after '\(name)'; separate names with ',' or start a clause such as 'by' or 'where'"
    )
  }

  static func unexpectedCharacter(_ text: String) -> SyntaxMessage {
    message("unexpected character '\(text)'")
  }

  static func unexpectedToken(_ found: String) -> SyntaxMessage {
    message("unexpected \(found)")
  }

  static func valueNeedsQuotes(_ word: String, after value: String, quoted: String) -> SyntaxMessage
  {
    message(
      "unexpected '\(word)' after the value '\(value)'; a value with spaces needs quotes: \(quoted)"
    )
  }

  static func unknownChartKind(_ kind: String, suggestion: String?) -> SyntaxMessage {
    if let suggestion {
      return message("unknown chart kind '\(kind)'; did you mean '\(suggestion)'?")
    }
    return message("unknown chart kind '\(kind)'; expected \(ChartKind.list())")
  }

  static func unknownShowTarget(_ word: String, suggestion: String) -> SyntaxMessage {
    message("cannot show '\(word)'; did you mean '\(suggestion)'?")
  }

  static func unknownStatement(_ word: String, suggestion: String) -> SyntaxMessage {
    message("unknown statement '\(word)'; did you mean '\(suggestion)'?")
  }

  static func unmatchedRightParenthesis() -> SyntaxMessage {
    message("unmatched ')'")
  }

  static func unterminatedString(quote: Character) -> SyntaxMessage {
    message("unterminated quoted value; add the closing \(quote)")
  }

  static func withOtherNeedsLimit() -> SyntaxMessage {
    message("'with other' needs 'top N' or 'limit N'")
  }
}
