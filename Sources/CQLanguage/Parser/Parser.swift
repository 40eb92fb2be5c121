/// Parses cq statement text into `Stmt`s (SPEC §2).
///
/// The parser never throws: it recovers at statement and clause boundaries and collects every
/// syntax diagnostic in one pass.
///
/// ```
/// roas by campaign where brand=MuscleBlaze order by roas desc limit 5
/// top 10 influencer by roas where platform=Instagram; show metrics
/// ```
public enum Parser {
  /// Parses a script or a shell line into statements and diagnostics.
  ///
  /// Statements are separated by newlines or `;`; a line ending in `\` or inside an open `(`
  /// continues. A statement with an error is left out of `statements`; use
  /// `parseStatements(_:)` to see each statement with its own diagnostics.
  ///
  /// - Complexity: O(*n*) in the length of `source`.
  public static func parse(_ source: String) -> (statements: [StmtNode], diagnostics: [Diagnostic])
  {
    let parsed = parseStatements(source)
    return (parsed.compactMap(\.node), parsed.flatMap(\.diagnostics))
  }

  /// Parses a script into one entry per statement, in source order, each with its diagnostics.
  ///
  /// A script runner executes entries in order and stops at the first one with diagnostics.
  /// Empty statements (blank lines, comments, `;;`) produce no entry.
  public static func parseStatements(_ source: String) -> [ParsedStatement] {
    let lexed = Lexer.lex(source)
    let bytes = Array(source.utf8)
    var result: [ParsedStatement] = []
    var group: [Token] = []
    for token in lexed.tokens {
      switch token.kind {
      case .newline, .semicolon, .end:
        if !group.isEmpty {
          let end = token.range.lowerBound
          group.append(Token(kind: .end, text: "", range: end..<end))
          var parser = StatementParser(tokens: group, source: bytes)
          result.append(parser.parse())
          group.removeAll(keepingCapacity: true)
        }
      default:
        group.append(token)
      }
    }
    return result
  }

  /// True when `text` is an unfinished statement the shell should continue on a next line.
  ///
  /// That is when it ends in `\`, leaves a `(` open, or leaves a quote open.
  public static func needsContinuation(_ text: String) -> Bool {
    let lexed = Lexer.lex(text)
    return lexed.endsInContinuation || lexed.openParentheses > 0 || lexed.endsInString
  }
}

/// One statement of a script: its range, the statement when it parsed, and its diagnostics.
public struct ParsedStatement: Sendable {
  /// From the first token of the statement to the end of its last token.
  public var range: SourceRange
  /// The statement, or nil when it has errors.
  public var node: StmtNode?
  /// The syntax diagnostics of this statement, in source order.
  public var diagnostics: [Diagnostic]

  /// A parsed statement.
  public init(range: SourceRange, node: StmtNode?, diagnostics: [Diagnostic]) {
    self.range = range
    self.node = node
    self.diagnostics = diagnostics
  }
}

/// Unwinds to the nearest recovery point after a diagnostic was recorded.
struct ParseAbort: Error {}

/// Parses the tokens of one statement; the last token is always `.end`.
struct StatementParser {
  var tokens: [Token]
  let source: [UInt8]
  var index = 0
  var diagnostics: [Diagnostic] = []
  /// Open parentheses and `not`s being parsed, bounded so deep nesting cannot exhaust the stack.
  var nesting = 0
  static let maximumNesting = 64
  /// `and`, `or` and arithmetic operators parsed in this statement, bounded so that a long flat
  /// chain (`a or b or c …`, a left-deep tree) cannot exhaust the stack of the binder, the
  /// evaluator or the tree's own destruction, all of which recurse once per operator.
  var operators = 0
  static let maximumOperators = 1_000
  /// Completion: what the parser looked for at the `.end` token (the cursor); nil when not
  /// recording (``Parser/expectation(in:at:)``).
  var expectation: Expectation?
  /// The name a condition compares (its values are offered at the cursor).
  var comparing: NameRef?
  /// True while parsing a `having` condition (metrics, not dimensions, are compared).
  var inHaving = false

  init(tokens: [Token], source: [UInt8]) {
    self.tokens = tokens
    self.source = source
  }

  // MARK: Token access

  var current: Token { tokens[index] }

  func peek(_ distance: Int = 1) -> Token {
    tokens[min(index + distance, tokens.count - 1)]
  }

  var atEnd: Bool { current.kind == .end }

  /// The last consumed token, if any.
  var previous: Token? { index > 0 ? tokens[index - 1] : nil }

  @discardableResult
  mutating func advance() -> Token {
    let token = tokens[index]
    if index < tokens.count - 1 { index += 1 }
    return token
  }

  /// The source text between two locations.
  func text(_ range: SourceRange) -> String {
    let lower = max(0, min(range.lowerBound.offset, source.count))
    let upper = max(lower, min(range.upperBound.offset, source.count))
    return String(decoding: source[lower..<upper], as: UTF8.self)
  }

  /// How a token is named in a message: `'x'`, or nil at the end of the statement.
  static func describe(_ token: Token) -> String? {
    switch token.kind {
    case .end, .newline, .semicolon: nil
    default: "'\(token.text)'"
    }
  }

  func isReserved(_ token: Token) -> Bool {
    guard let keyword = token.keyword else { return false }
    return Keywords.reserved.contains(keyword)
  }

  /// True when `token` can start a query clause (or the output redirect).
  func startsClause(_ token: Token) -> Bool {
    switch token.kind {
    case .greater, .append, .end: return true
    case .word: return Keywords.clauses.contains(token.keyword ?? "")
    default: return false
    }
  }

  // MARK: Diagnostics

  mutating func report(
    _ message: SyntaxMessage, at range: SourceRange, notes: [Diagnostic.Note] = [],
    fixIts: [FixIt] = []
  ) {
    diagnostics.append(
      Diagnostic(
        id: message.id, phase: .syntax, message: message.text, range: range, notes: notes,
        fixIts: fixIts))
  }

  mutating func fail(
    _ message: SyntaxMessage, at range: SourceRange, notes: [Diagnostic.Note] = [],
    fixIts: [FixIt] = []
  ) throws(ParseAbort) -> Never {
    report(message, at: range, notes: notes, fixIts: fixIts)
    throw ParseAbort()
  }

  /// Fails at the current token.
  mutating func fail(_ message: SyntaxMessage, fixIts: [FixIt] = []) throws(ParseAbort)
    -> Never
  {
    try fail(message, at: current.range, fixIts: fixIts)
  }

  /// Enters one level of nesting; fails past `maximumNesting`.
  ///
  /// Pair with `nesting -= 1`.
  mutating func enterNesting() throws(ParseAbort) {
    nesting += 1
    if nesting > Self.maximumNesting { try fail(.nestingTooDeep(Self.maximumNesting)) }
  }

  /// Counts one `and`, `or`, `+`, `-`, `*` or `/` at `token`; fails past `maximumOperators`.
  mutating func countOperator(_ token: Token) throws(ParseAbort) {
    operators += 1
    if operators > Self.maximumOperators {
      try fail(.tooManyOperators(Self.maximumOperators), at: token.range)
    }
  }

  // MARK: Statement

  /// Parses the statement, reporting lexical errors first.
  mutating func parse() -> ParsedStatement {
    let range =
      tokens[0].range
      .lowerBound..<(tokens.dropLast().last?.range.upperBound ?? tokens[0].range.upperBound)
    let text = self.text(range)
    // psql's `\q`, `\?`, `\d`: the cq statement they stand for.
    if let command = SQLHabits.backslashCommands[text.lowercased()] {
      let stmt: Stmt = command == "quit" ? .quit : command == "help" ? .help(topic: nil) : .schema
      return ParsedStatement(
        range: range, node: StmtNode(stmt: stmt, range: range), diagnostics: [])
    }
    reportLexicalErrors()
    var stmt: Stmt?
    if tokens.count > 1 {
      do {
        stmt = try parseStatement()
      } catch {
        stmt = nil
      }
    }
    // SQL habits (`SELECT …`, `group by`, `sum(revenue)`, `sort by`): one error that shows the
    // cq statement meant, in place of the parser's.
    if diagnostics.contains(where: { $0.severity == .error }),
      let meant = SQLHabits.cqStatement(for: text),
      meant != text
    {
      diagnostics = [
        Diagnostic(
          id: "parser.sqlHabit", phase: .syntax,
          message:
            "cq is not SQL: metrics are already sums, 'by' groups, 'order by' sorts; did you mean '\(meant)'?",
          range: range, fixIts: [FixIt(range: range, replacement: meant)])
      ]
    }
    let failed = diagnostics.contains { $0.severity == .error }
    return ParsedStatement(
      range: range, node: failed ? nil : stmt.map { StmtNode(stmt: $0, range: range) },
      diagnostics: diagnostics)
  }

  /// Reports bad characters (and drops them) and unclosed quotes (kept as values).
  mutating func reportLexicalErrors() {
    var kept: [Token] = []
    for var token in tokens {
      switch token.kind {
      case .unknownCharacter:
        report(.unexpectedCharacter(token.text), at: token.range)
        continue
      case .unterminatedString:
        let quote = token.text.first ?? "\""
        let end = token.range.upperBound
        report(
          .unterminatedString(quote: quote), at: token.range,
          fixIts: [FixIt(range: end..<end, replacement: String(quote))])
        token.kind = .string
      default:
        break
      }
      kept.append(token)
    }
    tokens = kept
  }
}
