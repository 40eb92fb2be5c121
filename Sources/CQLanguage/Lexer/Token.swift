/// One lexical token of cq statement text.
///
/// Tokens keep their raw text and source range; the lexer never throws, so bad input becomes
/// `.unknownCharacter` or `.unterminatedString` tokens that the parser reports.
public struct Token: Sendable, Hashable {
  /// What a token is.
  public enum Kind: Sendable, Hashable {
    /// A bare word: a keyword, a name or a value (`roas`, `MuscleBlaze`, `t.co`, `data/`).
    case word
    /// `42`, `3.5`, `-2`, `10k`
    case number
    /// `2025-06-01`
    case date
    /// `2025-06`
    case month
    /// `"Whey Protein 1kg"` or `'...'`; `value` holds the unquoted, unescaped text.
    case string
    /// `=` (also `==`)
    case equal
    /// `!=` (also `<>`)
    case notEqual
    case less, lessOrEqual, greater, greaterOrEqual
    /// `>>`
    case append
    /// `~`
    case tilde
    case leftParen, rightParen, comma, semicolon
    case plus, minus, star, slash
    /// A line break that ends a statement (not inside parentheses, not after `\`).
    case newline
    /// A character that cannot start a token.
    case unknownCharacter
    /// A quote with no closing quote; runs to the end of the input.
    case unterminatedString
    /// The end of the input.
    case end
  }

  /// What the token is.
  public var kind: Kind
  /// The text exactly as written, quotes included.
  public var text: String
  /// For strings the unquoted, unescaped text; otherwise `text`.
  public var value: String
  /// Where the token is written.
  public var range: SourceRange

  /// A token; `value` defaults to `text`.
  public init(kind: Kind, text: String, value: String? = nil, range: SourceRange) {
    self.kind = kind
    self.text = text
    self.value = value ?? text
    self.range = range
  }

  /// The lower-cased text of a word token, for keyword matching; nil for other kinds.
  public var keyword: String? { kind == .word ? text.lowercased() : nil }

  /// True when this token is the word `keyword` (given in lower case).
  public func isKeyword(_ keyword: String) -> Bool {
    kind == .word && text.count == keyword.count && text.lowercased() == keyword
  }
}
