/// Arithmetic for `define metric NAME = EXPR`: `+ -` below `* /`, unary `-`, parentheses.
///
/// ```
/// define metric profit = revenue - payout
/// define metric margin = (revenue - payout) / revenue * 100
/// ```
extension StatementParser {
  /// Parses an expression running to the end of the statement.
  mutating func parseMetricExpression(after equal: Token) throws(ParseAbort) -> MetricExpr {
    splitArithmeticWords()
    let expr = try parseSum(after: equal)
    if !atEnd {
      if current.kind == .rightParen {
        try fail(
          .unmatchedRightParenthesis(), fixIts: [FixIt(range: current.range, replacement: "")])
      }
      try fail(.expectedEndOfExpression(found: "'\(current.text)'"))
    }
    return expr
  }

  mutating func parseSum(after: Token) throws(ParseAbort) -> MetricExpr {
    var left = try parseProduct(after: after)
    while current.kind == .plus || current.kind == .minus {
      let op = advance()
      try countOperator(op)
      left = .binary(left, op.kind == .plus ? .add : .subtract, try parseProduct(after: op))
    }
    return left
  }

  mutating func parseProduct(after: Token) throws(ParseAbort) -> MetricExpr {
    var left = try parseFactor(after: after)
    while current.kind == .star || current.kind == .slash {
      let op = advance()
      try countOperator(op)
      left = .binary(left, op.kind == .star ? .multiply : .divide, try parseFactor(after: op))
    }
    return left
  }

  mutating func parseFactor(after: Token) throws(ParseAbort) -> MetricExpr {
    offer(.metric)
    let token = current
    switch token.kind {
    case .minus:
      advance()
      try enterNesting()
      defer { nesting -= 1 }
      return .negate(try parseFactor(after: token))
    case .leftParen:
      advance()
      try enterNesting()
      defer { nesting -= 1 }
      let inner = try parseSum(after: token)
      try expectRightParenthesis(matching: token)
      return inner
    case .number:
      guard let value = NumberLiteral.value(of: token.text) else {
        try fail(.expectedExpression(after: after.text, found: Self.describe(token)))
      }
      advance()
      return .number(value, token.range)
    case .word where !isReserved(token):
      advance()
      return .metric(NameRef(text: token.text, range: token.range))
    default:
      try fail(.expectedExpression(after: after.text, found: Self.describe(token)))
    }
  }

  /// Splits words such as `revenue-payout` or `revenue/orders` (one word to the lexer, which
  /// allows '-' and '/' inside values and paths) into names and operators, from the current
  /// token to the end of the statement.
  mutating func splitArithmeticWords() {
    var split: [Token] = []
    for token in tokens[index...] {
      guard [.word, .number, .date, .month].contains(token.kind),
        token.text.contains(where: { $0 == "-" || $0 == "/" })
      else {
        split.append(token)
        continue
      }
      var location = token.range.lowerBound
      var piece = ""
      var pieceStart = location
      func flush(into split: inout [Token]) {
        guard !piece.isEmpty else { return }
        split.append(
          Token(kind: Lexer.classify(piece), text: piece, range: pieceStart..<location))
        piece = ""
      }
      for character in token.text {
        let next = SourceLocation(
          line: location.line, column: location.column + 1,
          offset: location.offset + character.utf8.count)
        if character == "-" || character == "/" {
          flush(into: &split)
          split.append(
            Token(
              kind: character == "-" ? .minus : .slash, text: String(character),
              range: location..<next))
          pieceStart = next
        } else if piece.isEmpty {
          pieceStart = location
          piece.append(character)
        } else {
          piece.append(character)
        }
        location = next
      }
      flush(into: &split)
    }
    tokens.replaceSubrange(index..., with: split)
  }
}
