/// Queries: `metrics [by dims] [where c] [having c] [order by ...] [limit N] [with other]
/// [chart K] [> FILE]`.
extension StatementParser {
  /// Parses a query from the current token; recovers at clause keywords.
  ///
  /// Clauses may come in any order, each at most once; the redirect must be last.
  mutating func parseQuery(top: TopClause?, start: Token? = nil) -> QueryStmt {
    let startToken = start ?? current
    var query = QueryStmt(metrics: [], top: top, range: startToken.range)
    let afterMetrics = previous ?? startToken
    // The last clause read whole (for what may follow it at the cursor), and whether the
    // clause being read failed.
    var lastClause: String?
    var clauseFailed = false
    if top == nil, isReserved(current) {
      // `where brand=X` with no metric: report, then parse the clauses that follow.
      report(.expectedStatement(found: "'\(current.text)'"), at: current.range)
    } else {
      do {
        // `top 10 influencer by roas`: the first list may name dimensions (the binder swaps).
        let names: [Expectation.Name] = top == nil ? [.metric] : [.metric, .dimension]
        query.metrics = try parseNameList("a metric", after: afterMetrics, offering: names)
      } catch {
        clauseFailed = true
        skipToClause()
      }
    }
    var seen: [String: Token] = [:]
    var limitToken: Token?
    var withToken: Token?
    var lastCondition: String?

    clauses: while !atEnd {
      let token = current
      clauseFailed = false
      do {
        switch token.kind {
        case .greater, .append:
          query.redirect = try parseRedirect()
          clauseFailed = true  // nothing follows a redirect
          break clauses
        case .rightParen:
          try fail(
            .unmatchedRightParenthesis(), fixIts: [FixIt(range: token.range, replacement: "")])
        case .word:
          guard var keyword = token.keyword else { try fail(.unexpectedToken("'\(token.text)'")) }
          if !Keywords.clauses.contains(keyword) {
            keyword = try recoverClauseKeyword(
              token, metrics: query.metrics, lastCondition: lastCondition)
          }
          advance()
          if let first = seen[keyword] {
            report(
              .duplicateClause(keyword), at: token.range,
              notes: [
                Diagnostic.Note(message: SyntaxMessage.noteFirstClause.text, range: first.range)
              ])
          } else {
            seen[keyword] = token
          }
          lastCondition = nil
          lastClause = keyword
          switch keyword {
          case "by":
            let names: [Expectation.Name] = top == nil ? [.dimension] : [.dimension, .metric]
            query.dimensions = try parseNameList("a dimension", after: token, offering: names)
          case "across":
            offer(.dimension)
            query.across = try expectName("a dimension", after: token)
          case "where":
            lastCondition = keyword
            query.whereClause = try parseCondition(after: token)
          case "having":
            lastCondition = keyword
            inHaving = true
            defer { inHaving = false }
            query.having = try parseCondition(after: token)
          case "order":
            let columns = (query.metrics + query.dimensions).map(\.key)
            query.orderBy = try parseOrderBy(order: token, columns: columns)
          case "limit":
            limitToken = token
            query.limit = try parseCount(after: token)
          case "with":
            withToken = token
            guard sees("other") else {
              try fail(.expectedKeyword("other", after: token.text, found: Self.describe(current)))
            }
            advance()
            query.withOther = true
            query.top?.withOther = true
          default:  // "chart"
            query.chart = try parseChart(keyword: token)
          }
        default:
          try fail(unexpected(token, after: previous))
        }
      } catch {
        // `by by brand`: a clause keyword repeated where its operand belongs is one mistake,
        // reported once, not again as a duplicate clause with nothing after it.
        if current.kind == .word, current.keyword == token.keyword, previous?.range == token.range {
          advance()
        }
        clauseFailed = true
        skipToClause()
      }
    }
    if !clauseFailed, !query.metrics.isEmpty {
      let seen = Set(seen.keys)
      offer(keywords: Self.clauses(after: lastClause, seen: seen, hasTop: top != nil))
    }

    if let top, let limitToken {
      report(.limitWithTop(text(top.range)), at: limitToken.range)
    }
    if let withToken, top == nil, limitToken == nil {
      report(.withOtherNeedsLimit(), at: withToken.range)
    }
    let end = previous?.range.upperBound ?? startToken.range.upperBound
    query.range = startToken.range.lowerBound..<max(end, startToken.range.upperBound)
    return query
  }

  /// For a word where a clause should start: a misspelt clause keyword is reported and
  /// stands for the keyword; anything else fails.
  mutating func recoverClauseKeyword(_ token: Token, metrics: [NameRef], lastCondition: String?)
    throws(ParseAbort) -> String
  {
    let word = token.text
    if let guess = suggestion(for: word, among: Keywords.clauses),
      word.lowercased() != guess + "s", clause(guess, fits: peek())
    {
      report(
        .misspelledClause(word, suggestion: guess), at: token.range,
        fixIts: [FixIt(range: token.range, replacement: guess)])
      return guess
    }
    if lastCondition != nil, let guess = suggestion(for: word, among: ["and", "or"]) {
      try fail(
        .misspelledKeyword(word, suggestion: guess), at: token.range,
        fixIts: [FixIt(range: token.range, replacement: guess)])
    }
    if lastCondition != nil, let value = previous, value.kind == .word {
      // A word after a condition's value: a second comparison without 'and'
      // (`brand=X platform=Y`), or a value with spaces that needs quotes (`product=Raw Whey`).
      func opensComparison(_ t: Token) -> Bool {
        [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .tilde].contains(t.kind)
          || t.isKeyword("in") || t.isKeyword("between") || t.isKeyword("not")
      }
      var words = [value]
      var distance = 0
      while peek(distance).kind == .word, !isReserved(peek(distance)),
        !opensComparison(peek(distance))
      {
        words.append(peek(distance))
        distance += 1
      }
      if opensComparison(peek(distance)) {
        let at = token.range.lowerBound
        try fail(
          .missingConnective(before: word), at: token.range,
          fixIts: [FixIt(range: at..<at, replacement: "and ")])
      }
      if let last = words.last {
        let quoted = "\"" + text(value.range.lowerBound..<last.range.upperBound) + "\""
        try fail(
          .valueNeedsQuotes(word, after: value.text, quoted: quoted), at: token.range,
          fixIts: [
            FixIt(range: value.range.lowerBound..<last.range.upperBound, replacement: quoted)
          ])
      }
    }
    try fail(unexpected(token, after: previous))
  }

  /// True when `next` can follow the clause keyword `keyword`: `oder by`, `limt 10`.
  ///
  /// Keeps `revenue orders by brand` (a missing ',') from reading as a misspelt `order`.
  func clause(_ keyword: String, fits next: Token) -> Bool {
    switch keyword {
    case "by", "chart": return next.kind == .word && !isReserved(next)
    case "where", "having":
      return next.kind == .leftParen || next.isKeyword("not")
        || (next.kind == .word && !isReserved(next))
    case "order": return next.isKeyword("by")
    case "limit": return next.kind == .number
    case "with": return next.isKeyword("other")
    default: return false
    }
  }

  func unexpected(_ token: Token, after: Token?) -> SyntaxMessage {
    if token.kind == .word, let after, after.kind == .word {
      return .unexpectedAfterName(token.text, after: after.text)
    }
    return .unexpectedToken("'\(token.text)'")
  }

  /// Skips to the next token that can start a clause.
  mutating func skipToClause() {
    while !startsClause(current) { advance() }
  }

  /// A list of names separated by commas: `name, name, ...`.
  ///
  /// `offering` are the kinds of names offered at the cursor before each one.
  mutating func parseNameList(_ kind: String, after: Token, offering: [Expectation.Name] = [])
    throws(ParseAbort) -> [NameRef]
  {
    for name in offering { offer(name) }
    var names = [try expectMetricOrFunction(kind, after: after)]
    while current.kind == .comma {
      let comma = advance()
      for name in offering { offer(name) }
      names.append(try expectMetricOrFunction(kind, after: comma))
    }
    return names
  }

  /// Functions over a metric in a metric list (SPEC §10): `share(revenue)`, `change(orders)`.
  static let metricFunctions = ["share", "change"]

  /// A name, or `share(METRIC)` / `change(METRIC)` as one name spelt `share(metric)` whose
  /// range covers the call.
  mutating func expectMetricOrFunction(_ kind: String, after: Token) throws(ParseAbort) -> NameRef {
    let name = try expectName(kind, after: after)
    guard kind.contains("metric"), current.kind == .leftParen,
      Self.metricFunctions.contains(name.text.lowercased())
    else { return name }
    return try functionCall(name)
  }

  /// `(METRIC)` after a metric function's name, as one name `share(metric)`.
  mutating func functionCall(_ name: NameRef) throws(ParseAbort) -> NameRef {
    let open = advance()
    offer(.metric)
    let inner = try expectName("a metric", after: open)
    if current.kind == .leftParen {
      try fail(
        .expectedKeyword(
          ")", after: inner.text,
          found:
            "'(': \(name.text.lowercased())() takes a metric name, e.g. \(name.text.lowercased())(revenue)"
        ))
    }
    try expectRightParenthesis(matching: open)
    let end = previous?.range.upperBound ?? inner.range.upperBound
    return NameRef(
      text: "\(name.text.lowercased())(\(inner.text))", range: name.range.lowerBound..<end)
  }

  /// `by key [asc|desc], ...` after `order`.
  ///
  /// `columns` are the query's own names, offered as keys at the cursor (metrics when none).
  mutating func parseOrderBy(order: Token, columns: [String] = []) throws(ParseAbort)
    -> [OrderItem]
  {
    var after = order
    if sees("by") {
      after = advance()
    } else {
      let at = current.range.lowerBound
      let message = SyntaxMessage.expectedKeyword(
        "by", after: order.text, found: Self.describe(current))
      guard current.kind == .word, !isReserved(current) else { try fail(message) }
      // `order roas desc`: report, then read the keys as if 'by' were there.
      report(message, at: current.range, fixIts: [FixIt(range: at..<at, replacement: "by ")])
    }
    var items: [OrderItem] = []
    while true {
      if columns.isEmpty { offer(.metric) } else { offer(keywords: columns) }
      let name = try expectMetricOrFunction("a metric or dimension", after: after)
      var item = OrderItem(name: name, descending: false, explicit: false)
      if sees("asc") || sees("desc") {
        item.descending = current.isKeyword("desc")
        item.explicit = true
        advance()
      } else if current.kind == .word, !isReserved(current),
        let direction = suggestion(for: current.text, among: ["desc", "asc"])
      {
        // `order by revenue dsc`: reported, then read as the direction it nearly spells.
        report(
          .misspelledKeyword(current.text, suggestion: direction), at: current.range,
          fixIts: [FixIt(range: current.range, replacement: direction)])
        item.descending = direction == "desc"
        item.explicit = true
        advance()
      }
      items.append(item)
      guard current.kind == .comma else { break }
      after = advance()
    }
    return items
  }

  /// A whole number ≥ 0 after `limit`.
  mutating func parseCount(after keyword: Token) throws(ParseAbort) -> Int {
    let token = current
    guard token.kind == .number else {
      try fail(.expectedCount(after: keyword.text, found: Self.describe(token)))
    }
    guard let value = NumberLiteral.integer(of: token.text), value >= 0 else {
      if let value = NumberLiteral.value(of: token.text), value.rounded() == value, value > 0 {
        try fail(.numberTooLarge(token.text))
      }
      try fail(.expectedCount(after: keyword.text, found: Self.describe(token)))
    }
    advance()
    return value
  }
}
