/// What may come at a cursor in statement text, as the parser sees it.
///
/// Tab completion asks ``Parser/expectation(in:at:)`` and offers words of these kinds; the
/// parser, not a second grammar, decides what fits.
///
/// ```
/// roas by campaign where brand=Mu      → a value of brand, replacing "Mu"
/// revenue by brand                     → by's dimensions end; across, where, having, ...
/// ```
///
/// ## Topics
/// - ``Name``
/// - ``keywords``
/// - ``names``
/// - ``replaceFrom``
/// - ``typed``
public struct Expectation: Sendable, Equatable {
  /// A kind of word the language takes at the cursor, whose spellings come from elsewhere (the
  /// catalogue, the data, the file system).
  public enum Name: Sendable, Hashable {
    /// A metric name (`roas`).
    case metric
    /// A dimension name (`campaign`).
    case dimension
    /// A dimension in a condition, where `date` also names `day`.
    case conditionDimension
    /// A segment made with `define segment`.
    case segment
    /// A table name (`sample`, `describe`).
    case table
    /// A setting name after `set`.
    case setting
    /// A value of the setting named (lower case) after `set NAME`.
    case settingValue(String)
    /// A value of the dimension named here as written (lower case; may be a plural or `date`).
    case value(String)
    /// A chart kind after `chart`.
    case chartKind
    /// A topic after `help`.
    case helpTopic
    /// A file name (`run`, `save`, `>` and `>>`).
    case file
    /// A folder name (`load`).
    case folder
  }

  /// Keywords that may come here, lower case.
  public var keywords: Set<String> = []
  /// Kinds of names that may come here.
  public var names: Set<Name> = []
  /// The UTF-8 offset where the word being completed starts (the cursor when none is).
  public var replaceFrom: Int
  /// The word being completed as typed: an opened quote included, `""` when none is.
  public var typed: String

  /// An expectation of nothing at `replaceFrom`.
  public init(replaceFrom: Int, typed: String = "") {
    self.replaceFrom = replaceFrom
    self.typed = typed
  }

  /// Whether a file or folder name is expected.
  public var isPath: Bool { names.contains(.file) || names.contains(.folder) }
}

extension Parser {
  /// What may come at `cursor` in `line`: keywords and kinds of names, and the typed word to
  /// replace.
  ///
  /// The statement the cursor is in (after the last `;` or line break) is lexed by ``Lexer``
  /// and parsed up to the word at the cursor; every keyword and name the parser looks for at
  /// that point is recorded. Inside a comment nothing is expected.
  ///
  /// ```
  /// revenue where brand=Mu      → names [.value("brand")], typed "Mu"
  /// revenue by brand limit 5    → keywords [with, chart]
  /// run data/we                 → names [.file], typed "data/we"
  /// ```
  ///
  /// - Parameters:
  ///   - line: the text being edited.
  ///   - cursor: a UTF-8 offset into `line` (clamped, and moved back to a scalar boundary).
  /// - Returns: what may come, and where the word being completed starts.
  /// - Complexity: O(*n*) in the length of the line.
  public static func expectation(in line: String, at cursor: Int) -> Expectation {
    let bytes = Array(line.utf8)
    var end = min(max(0, cursor), bytes.count)
    while end > 0, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
    let prefixBytes = Array(bytes[0..<end])
    let prefix = String(decoding: prefixBytes, as: UTF8.self)
    let lexed = Lexer.lex(prefix)
    guard !lexed.endsInComment else { return Expectation(replaceFrom: end) }
    var tokens = Array(lexed.tokens.dropLast())
    if let last = tokens.lastIndex(where: { $0.kind == .newline || $0.kind == .semicolon }) {
      tokens.removeSubrange(...last)
    }

    func text(_ from: Int) -> String { String(decoding: prefixBytes[from..<end], as: UTF8.self) }

    // A path may be several tokens written together (`~/data`, `out-2.csv`): when the parser
    // expects one there, the whole run is the word being completed.
    var pathStart = tokens.endIndex
    while pathStart > 0, isPathPiece(tokens[pathStart - 1]),
      tokens[pathStart - 1].range.upperBound.offset
        == (pathStart == tokens.endIndex ? end : tokens[pathStart].range.lowerBound.offset)
    {
      pathStart -= 1
    }
    let pathFrom = pathStart < tokens.endIndex ? tokens[pathStart].range.lowerBound.offset : end
    var path = expectation(before: Array(tokens[..<pathStart]), source: prefixBytes, at: pathFrom)
    if path.isPath {
      path.typed = text(pathFrom)
      return path
    }

    // Otherwise the word is the last token, when it touches the cursor.
    var wordStart = tokens.endIndex
    var typed = ""
    if let last = tokens.last, last.range.upperBound.offset == end,
      [.word, .number, .date, .month, .unterminatedString].contains(last.kind)
    {
      wordStart -= 1
      typed = last.kind == .unterminatedString ? "\"" + last.value : last.text
    }
    if wordStart == pathStart {
      path.names.subtract([.file, .folder])
      path.typed = typed
      return path
    }
    let from = wordStart < tokens.endIndex ? tokens[wordStart].range.lowerBound.offset : end
    var result = expectation(before: Array(tokens[..<wordStart]), source: prefixBytes, at: from)
    result.typed = typed
    return result
  }

  /// Tokens a path written without spaces is made of (``StatementParser/parsePath(_:after:)``).
  static func isPathPiece(_ token: Token) -> Bool {
    switch token.kind {
    case .word, .number, .date, .month, .tilde, .slash, .minus, .star, .plus, .unterminatedString:
      true
    default: false
    }
  }

  /// Parses `tokens` with the cursor after them and records what the parser looked for there.
  static func expectation(before tokens: [Token], source: [UInt8], at offset: Int) -> Expectation {
    let location =
      tokens.last.map { token in
        SourceLocation(
          line: token.range.upperBound.line,
          column: token.range.upperBound.column + (offset - token.range.upperBound.offset),
          offset: offset)
      } ?? SourceLocation(line: 1, column: 1, offset: offset)
    var parser = StatementParser(
      tokens: tokens + [Token(kind: .end, text: "", range: location..<location)], source: source)
    parser.expectation = Expectation(replaceFrom: offset)
    parser.reportLexicalErrors()
    _ = try? parser.parseStatement()
    return parser.expectation ?? Expectation(replaceFrom: offset)
  }
}

extension StatementParser {
  /// Records that `names` may come, when the parser stands at the cursor.
  mutating func offer(_ names: Expectation.Name...) {
    guard atEnd, expectation != nil else { return }
    expectation?.names.formUnion(names)
  }

  /// Records that `keywords` may come, when the parser stands at the cursor.
  mutating func offer(keywords: [String]) {
    guard atEnd, expectation != nil else { return }
    expectation?.keywords.formUnion(keywords)
  }

  /// Whether the current token is the word `keyword`; at the cursor, records it as possible.
  mutating func sees(_ keyword: String) -> Bool {
    offer(keywords: [keyword])
    return current.isKeyword(keyword)
  }

  /// Whether `token` is the word `keyword`; records it as possible when `token` is the cursor.
  mutating func sees(_ keyword: String, in token: Token) -> Bool {
    if token.kind == .end, expectation != nil { expectation?.keywords.insert(keyword) }
    return token.isKeyword(keyword)
  }

  /// The clauses that may follow `last` (`nil`: the metric list), in the order SPEC §2 writes
  /// them: each at most once, `with` only after `limit` or `top`, no `limit` with `top`.
  static func clauses(after last: String?, seen: Set<String>, hasTop: Bool) -> [String] {
    let order = Keywords.clauses
    let start = last.flatMap { order.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
    return order[start...].filter { clause in
      guard !seen.contains(clause) else { return false }
      switch clause {
      case "with": return hasTop || seen.contains("limit")
      case "limit": return !hasTop
      default: return true
      }
    }
  }
}
