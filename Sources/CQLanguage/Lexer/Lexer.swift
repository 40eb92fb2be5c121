/// Turns statement text into tokens.
///
/// The lexer never throws: a character that cannot start a token becomes an
/// `.unknownCharacter` token and an unclosed quote an `.unterminatedString` token, both
/// reported by the parser. Comments (`--` and `#` to the end of the line) and the line breaks
/// that continue a statement (after `\`, or inside parentheses) are skipped.
///
/// ```
/// roas by campaign where brand=MuscleBlaze  -- a comment
/// ```
public enum Lexer {
  /// Splits `source` into tokens, ending with one `.end` token.
  ///
  /// - Complexity: O(*n*) in the length of `source`.
  public static func tokenize(_ source: String) -> [Token] {
    lex(source).tokens
  }

  /// The tokens and the state at the end of the input.
  struct Result {
    var tokens: [Token]
    /// Open parentheses at the end of the input.
    var openParentheses: Int
    /// The input ends in a `\` that continues the statement.
    var endsInContinuation: Bool
    /// The input ends inside a quoted value.
    var endsInString: Bool
    /// The input ends inside a comment.
    var endsInComment = false
  }

  static func lex(_ source: String) -> Result {
    var scanner = Scanner(source)
    return scanner.run()
  }

  /// True for characters that may appear in a bare word.
  static func isWordCharacter(_ c: Character) -> Bool {
    if c.isASCII {
      return c.isLetter || c.isNumber || c == "_" || c == "-" || c == "." || c == "@" || c == "/"
        || c == ":" || c == "%"
    }
    return !c.isWhitespace && !c.isNewline
  }
}

private struct Scanner {
  let chars: [Character]
  var index = 0
  var line = 1
  var column = 1
  var offset = 0
  var depth = 0
  var tokens: [Token] = []
  var endsInContinuation = false
  var endsInString = false
  var endsInComment = false

  init(_ source: String) {
    chars = Array(source)
  }

  var location: SourceLocation { SourceLocation(line: line, column: column, offset: offset) }

  func peek(_ n: Int = 0) -> Character? {
    let i = index + n
    return i >= 0 && i < chars.count ? chars[i] : nil
  }

  mutating func advance() {
    guard index < chars.count else { return }
    let c = chars[index]
    index += 1
    offset += c.utf8.count
    if c.isNewline {
      line += 1
      column = 1
    } else {
      column += 1
    }
  }

  mutating func emit(
    _ kind: Token.Kind, from start: SourceLocation, startIndex: Int, value: String? = nil
  ) {
    let text = String(chars[startIndex..<index])
    tokens.append(Token(kind: kind, text: text, value: value, range: start..<location))
  }

  mutating func run() -> Lexer.Result {
    while let c = peek() {
      let start = location
      let startIndex = index
      if c.isNewline {
        advance()
        if depth == 0 { emit(.newline, from: start, startIndex: startIndex) }
        continue
      }
      if c.isWhitespace {
        advance()
        continue
      }
      if c == "#" || (c == "-" && peek(1) == "-") {
        skipComment()
        continue
      }
      if c == "\\" {
        if continuesLine() { continue }
        advance()
        emit(.unknownCharacter, from: start, startIndex: startIndex)
        continue
      }
      if c == "\"" || c == "'" {
        lexString(quote: c)
        continue
      }
      if startsWord(c) {
        lexWord()
        continue
      }
      lexSymbol(c, start: start, startIndex: startIndex)
    }
    let end = location
    tokens.append(Token(kind: .end, text: "", range: end..<end))
    return Lexer.Result(
      tokens: tokens, openParentheses: depth, endsInContinuation: endsInContinuation,
      endsInString: endsInString, endsInComment: endsInComment)
  }

  mutating func skipComment() {
    while let c = peek(), !c.isNewline { advance() }
    if peek() == nil { endsInComment = true }
  }

  /// At a `\`: when only blanks or a comment follow on the line, skips through the line break
  /// and returns true.
  mutating func continuesLine() -> Bool {
    var n = 1
    while let c = peek(n), c.isWhitespace, !c.isNewline { n += 1 }
    let next = peek(n)
    let isComment = next == "#" || (next == "-" && peek(n + 1) == "-")
    guard next == nil || next?.isNewline == true || isComment else { return false }
    for _ in 0..<n { advance() }
    if isComment { skipComment() }
    if peek() == nil {
      endsInContinuation = true
    } else {
      advance()  // the line break
    }
    return true
  }

  func startsWord(_ c: Character) -> Bool {
    guard Lexer.isWordCharacter(c) else { return false }
    if c == "-" || c == "/" {
      // A lone '-' or '/' is an operator; '-2', '-x', '/tmp' start words.
      guard let next = peek(1), Lexer.isWordCharacter(next), next != "-" else { return false }
    }
    return true
  }

  mutating func lexWord() {
    let start = location
    let startIndex = index
    advance()
    while let c = peek() {
      if c == "-" && peek(1) == "-" { break }
      if Lexer.isWordCharacter(c) {
        advance()
      } else if c == "'", let prev = peek(-1), prev.isLetter, let next = peek(1), next.isLetter {
        advance()  // O'Brien, Women's
      } else {
        break
      }
    }
    let text = String(chars[startIndex..<index])
    emit(Lexer.classify(text), from: start, startIndex: startIndex)
  }

  mutating func lexString(quote: Character) {
    let start = location
    let startIndex = index
    advance()
    var value = ""
    while let c = peek() {
      if c == quote {
        if peek(1) == quote {
          value.append(quote)
          advance()
          advance()
          continue
        }
        advance()
        emit(.string, from: start, startIndex: startIndex, value: value)
        return
      }
      if c == "\\", let next = peek(1) {
        switch next {
        case "n": value.append("\n")
        case "t": value.append("\t")
        case "\\", "\"", "'": value.append(next)
        default:
          value.append(c)
          value.append(next)
        }
        advance()
        advance()
        continue
      }
      value.append(c)
      advance()
    }
    endsInString = true
    emit(.unterminatedString, from: start, startIndex: startIndex, value: value)
  }

  mutating func lexSymbol(_ c: Character, start: SourceLocation, startIndex: Int) {
    advance()
    let next = peek()
    var kind: Token.Kind
    switch c {
    case "=":
      kind = .equal
      if next == "=" { advance() }
    case "!":
      if next == "=" {
        advance()
        kind = .notEqual
      } else {
        kind = .unknownCharacter
      }
    case "<":
      kind = .less
      if next == "=" {
        advance()
        kind = .lessOrEqual
      } else if next == ">" {
        advance()
        kind = .notEqual
      }
    case ">":
      kind = .greater
      if next == "=" {
        advance()
        kind = .greaterOrEqual
      } else if next == ">" {
        advance()
        kind = .append
      }
    case "~": kind = .tilde
    case "(":
      kind = .leftParen
      depth += 1
    case ")":
      kind = .rightParen
      depth = max(0, depth - 1)
    case ",": kind = .comma
    case ";":
      kind = .semicolon
      depth = 0
    case "+": kind = .plus
    case "-": kind = .minus
    case "*": kind = .star
    case "/": kind = .slash
    default: kind = .unknownCharacter
    }
    emit(kind, from: start, startIndex: startIndex)
  }
}

extension Lexer {
  /// Whether a bare word is a number, a date, a month or a plain word.
  static func classify(_ text: String) -> Token.Kind {
    if NumberLiteral.value(of: text) != nil { return .number }
    let u = Array(text.utf8)
    func digits(_ r: Range<Int>) -> Bool { r.allSatisfy { u[$0] >= 0x30 && u[$0] <= 0x39 } }
    if u.count == 10, digits(0..<4), u[4] == 0x2D, digits(5..<7), u[7] == 0x2D, digits(8..<10) {
      return .date
    }
    if u.count == 7, digits(0..<4), u[4] == 0x2D, digits(5..<7) { return .month }
    return .word
  }
}
