/// Conditions of `where`, `having` and `define segment`: `not` binds tighter than `and`, which
/// binds tighter than `or`.
///
/// ```
/// brand=MuscleBlaze and not (platform in (Instagram, YouTube) or reach < 1000)
/// date between 2025-05-01 and 2025-05-31 and name ~ sharma
/// ```
extension StatementParser {
  /// A condition after `keyword` (`where`, `having`, `=`).
  mutating func parseCondition(after keyword: Token) throws(ParseAbort) -> ConditionExpr {
    try parseOr(after: keyword)
  }

  mutating func parseOr(after: Token) throws(ParseAbort) -> ConditionExpr {
    var left = try parseAnd(after: after)
    while sees("or") {
      let op = advance()
      try countOperator(op)
      left = .or(left, try parseAnd(after: op))
    }
    return left
  }

  mutating func parseAnd(after: Token) throws(ParseAbort) -> ConditionExpr {
    var left = try parseNot(after: after)
    while sees("and") {
      let op = advance()
      try countOperator(op)
      left = .and(left, try parseNot(after: op))
    }
    return left
  }

  mutating func parseNot(after: Token) throws(ParseAbort) -> ConditionExpr {
    if sees("not") {
      let op = advance()
      try enterNesting()
      defer { nesting -= 1 }
      return .not(try parseNot(after: op))
    }
    return try parsePrimary(after: after)
  }

  mutating func parsePrimary(after: Token) throws(ParseAbort) -> ConditionExpr {
    let token = current
    if token.kind == .leftParen {
      let open = advance()
      try enterNesting()
      defer { nesting -= 1 }
      let inner = try parseOr(after: open)
      try expectRightParenthesis(matching: open)
      return inner
    }
    if inHaving { offer(.metric) } else { offer(.conditionDimension, .segment) }
    guard token.kind == .word, !isReserved(token) else {
      try fail(.expectedCondition(after: after.text, found: Self.describe(token)))
    }
    advance()
    var name = NameRef(text: token.text, range: token.range)
    // `having share(revenue) > 0.3`: a metric function is one name.
    if current.kind == .leftParen, Self.metricFunctions.contains(token.text.lowercased()) {
      name = try functionCall(name)
    }
    comparing = name
    defer { comparing = nil }
    let next = current
    if let op = Self.compareOperator(next.kind) {
      advance()
      return .compare(name, op, try parseValue(after: next))
    }
    if sees("in") {
      advance()
      if current.isKeyword("last") || current.isKeyword("this") {
        return .inList(name, [try parseRelativePeriod(after: next)], negated: false)
      }
      return .inList(name, try parseValueList(after: next), negated: false)
    }
    if sees("between") {
      advance()
      return try parseBetween(name, keyword: next)
    }
    if sees("not") {
      let following = peek()
      if sees("in", in: following) {
        advance()
        advance()
        return .inList(name, try parseValueList(after: following), negated: true)
      }
      if sees("between", in: following) {
        advance()
        advance()
        return .not(try parseBetween(name, keyword: following))
      }
    }
    switch next.kind {
    case .number, .date, .month, .string:
      try failMissingOperator(name: token, before: next)
    case .word where !isReserved(next) && !next.isKeyword("asc") && !next.isKeyword("desc"):
      // `brand MuscleBlaze`; a misspelt 'and' or clause keyword is reported by the caller.
      let isKeywordLike =
        suggestion(for: next.text, among: Keywords.clauses + ["and", "or"]) != nil
      if !isKeywordLike { try failMissingOperator(name: token, before: next) }
      return .segment(name)
    default:
      return .segment(name)
    }
  }

  mutating func failMissingOperator(name: Token, before next: Token) throws(ParseAbort) -> Never {
    let gap = name.range.upperBound..<next.range.lowerBound
    try fail(
      .expectedOperator(after: name.text, found: "'\(next.text)'"), at: next.range,
      fixIts: [FixIt(range: gap, replacement: "=")])
  }

  static func compareOperator(_ kind: Token.Kind) -> CompareOp? {
    switch kind {
    case .equal: .equal
    case .notEqual: .notEqual
    case .less: .less
    case .lessOrEqual: .lessOrEqual
    case .greater: .greater
    case .greaterOrEqual: .greaterOrEqual
    case .tilde: .contains
    default: nil
    }
  }

  mutating func expectRightParenthesis(matching open: Token) throws(ParseAbort) {
    if current.kind == .rightParen {
      advance()
      return
    }
    let note = Diagnostic.Note(message: SyntaxMessage.noteOpenedHere.text, range: open.range)
    if atEnd {
      let at = current.range.lowerBound
      try fail(
        .expectedRightParenthesis(found: nil), at: current.range, notes: [note],
        fixIts: [FixIt(range: at..<at, replacement: ")")])
    }
    try fail(.expectedConnective(found: Self.describe(current)), at: current.range, notes: [note])
  }

  /// `A and B` after `between`.
  mutating func parseBetween(_ name: NameRef, keyword: Token) throws(ParseAbort) -> ConditionExpr {
    let low = try parseValue(after: keyword)
    guard sees("and") else {
      try fail(.expectedKeyword("and", after: low.text, found: Self.describe(current)))
    }
    let and = advance()
    let high = try parseValue(after: and)
    return .between(name, low, high)
  }

  /// `(v1, v2, ...)` after `in`.
  mutating func parseValueList(after keyword: Token) throws(ParseAbort) -> [ValueLiteral] {
    guard current.kind == .leftParen else {
      try fail(.expectedKeyword("(", after: keyword.text, found: Self.describe(current)))
    }
    let open = advance()
    var values = [try parseValue(after: open)]
    while current.kind == .comma {
      let comma = advance()
      values.append(try parseValue(after: comma))
    }
    if current.kind == .rightParen {
      advance()
      return values
    }
    if atEnd { try expectRightParenthesis(matching: open) }
    try fail(.expectedListSeparator(found: Self.describe(current)))
  }

  /// Units of a relative period, singular.
  static let relativeUnits = ["day", "week", "month", "quarter", "year"]

  /// `last 30 days`, `last week`, `this month` after `in`, as a `.relative` literal whose text
  /// is `last 30 day`, `last week`, `this month` (the binder resolves it).
  mutating func parseRelativePeriod(after keyword: Token) throws(ParseAbort) -> ValueLiteral {
    let first = advance()
    let which = first.text.lowercased()
    var count: Int?
    if which == "last", current.kind == .number {
      let token = advance()
      guard let n = NumberLiteral.integer(of: token.text), n >= 1, n <= 100_000 else {
        try fail(.expectedCount(after: first.text, found: Self.describe(token)), at: token.range)
      }
      count = n
    }
    let unitToken = current
    var unit = unitToken.text.lowercased()
    if unit.hasSuffix("s") { unit.removeLast() }
    guard unitToken.kind == .word, Self.relativeUnits.contains(unit) else {
      try fail(
        .expectedKeyword(
          "day(s), week(s), month(s), quarter(s) or year(s)", after: (previous ?? first).text,
          found: Self.describe(unitToken)))
    }
    advance()
    return ValueLiteral(
      text: [which, count.map(String.init), unit].compactMap { $0 }.joined(separator: " "),
      kind: .relative, range: first.range.lowerBound..<unitToken.range.upperBound)
  }

  /// A value: a bare word, quoted string, number, date or month.
  mutating func parseValue(after: Token) throws(ParseAbort) -> ValueLiteral {
    if !inHaving, let comparing { offer(.value(comparing.key)) }
    let token = current
    let kind: ValueLiteral.Kind
    switch token.kind {
    case .word:
      guard !isReserved(token) || reservedWordIsValue(token) else {
        try fail(.expectedValue(after: after.text, found: Self.describe(token)))
      }
      kind = .word
    case .number: kind = .number
    case .string: kind = .quoted
    case .date:
      guard Self.isValidDate(token.text) else { try fail(.invalidDate(token.text)) }
      kind = .date
    case .month:
      guard Self.isValidDate(token.text + "-01") else { try fail(.invalidDate(token.text)) }
      kind = .month
    default:
      try fail(.expectedValue(after: after.text, found: Self.describe(token)))
    }
    advance()
    return ValueLiteral(text: token.value, kind: kind, range: token.range)
  }

  /// A clause word right after a comparison is data when it cannot start its clause there:
  /// `basis=order` (an order-basis payout) but not `basis=x order by y`.
  func reservedWordIsValue(_ token: Token) -> Bool {
    let next = peek()
    switch token.keyword ?? "" {
    case "order": return !next.isKeyword("by")
    case "with": return !next.isKeyword("other")
    case "limit": return next.kind != .number
    case "by", "where", "having", "chart": return next.kind != .word
    default: return false
    }
  }

  /// True for `YYYY-MM-DD` naming a day of the Gregorian calendar.
  static func isValidDate(_ text: String) -> Bool {
    let parts = text.split(separator: "-").compactMap { Int($0) }
    guard parts.count == 3 else { return false }
    let (year, month, day) = (parts[0], parts[1], parts[2])
    guard (1...12).contains(month), day >= 1 else { return false }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return day <= days[month - 1]
  }
}
