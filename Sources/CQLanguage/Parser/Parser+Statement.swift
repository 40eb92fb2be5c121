/// Statements other than queries: `show`, `define`, `set`, `load`, ...
extension StatementParser {
  mutating func parseStatement() throws(ParseAbort) -> Stmt {
    let first = current
    offer(keywords: Keywords.statements.filter { $0 != "exit" })
    offer(.metric)
    guard first.kind == .word, var keyword = first.keyword else {
      if first.kind == .rightParen {
        try fail(.unmatchedRightParenthesis(), fixIts: [FixIt(range: first.range, replacement: "")])
      }
      try fail(.expectedStatement(found: "'\(first.text)'"))
    }
    if !Keywords.statements.contains(keyword), let guess = misspelledStatement(first) {
      report(
        .unknownStatement(first.text, suggestion: guess), at: first.range,
        fixIts: [FixIt(range: first.range, replacement: guess)])
      keyword = guess
    }
    switch keyword {
    case "explain":
      advance()
      offer(.metric)
      offer(keywords: ["top", "bottom"] + Keywords.explainForms)
      if atEnd { try fail(.expectedQuery(after: first.text)) }
      // `explain sql QUERY`: the SQL a database engine is sent (SPEC §8); `explain plan QUERY`:
      // the logical plan as text.
      var form: String?
      if let word = current.keyword, Keywords.explainForms.contains(word) {
        let token = advance()
        form = word
        if atEnd { try fail(.expectedQuery(after: "\(first.text) \(token.text)")) }
      }
      guard current.kind == .word else { try fail(.expectedStatement(found: "'\(current.text)'")) }
      let query = sees("top") || sees("bottom") ? try parseTop() : parseQuery(top: nil)
      switch form {
      case "sql": return .explainSQL(query)
      case "plan": return .explainPlan(query)
      default: return .explain(query)
      }
    case "top", "bottom":
      return .query(try parseTop())
    case "describe":
      advance()
      offer(.metric, .dimension, .table, .segment)
      let name = try expectName("a", after: first, reservedAllowed: true)
      try expectEnd(after: name.text)
      return .describe(name)
    case "show":
      advance()
      // `show params` lists the shell's script parameters, not a catalogue the engine shows.
      if let word = current.keyword, ["param", "params", "parameters"].contains(word) {
        let token = advance()
        try expectEnd(after: token.text)
        return .showParameters
      }
      return .show(try parseShowTarget())
    case "save":
      // `save` (to ~/.cqrc) or `save FILE`.
      advance()
      offer(.file)
      if atEnd { return .save(path: nil) }
      let (path, _) = try parsePath("a file name", after: first)
      try expectEndOfPath(path)
      return .save(path: path)
    case "schema", "tutorial", "quit", "exit", "clear", "refresh":
      advance()
      try expectEnd(after: first.text)
      switch keyword {
      case "schema": return .schema
      case "tutorial": return .tutorial
      case "clear": return .clear
      case "refresh": return .refresh
      default: return .quit
      }
    case "sample":
      return try parseSample()
    case "define":
      return try parseDefine()
    case "use":
      // `use brand=MuscleBlaze and date >= 2025-06-01`: every following query is filtered.
      advance()
      offer(keywords: ["none", "not"])
      offer(.conditionDimension, .segment)
      if atEnd { return .use(condition: nil, text: "", clear: false) }
      if current.isKeyword("none") || current.isKeyword("all") || current.isKeyword("off") {
        advance()
        try expectEnd(after: previous?.text ?? "none")
        return .use(condition: nil, text: "", clear: true)
      }
      let start = current.range.lowerBound
      let condition = try parseCondition(after: first)
      if !atEnd { try fail(.expectedEndOfCondition(found: "'\(current.text)'")) }
      return .use(
        condition: condition, text: text(start..<(previous?.range.upperBound ?? start)),
        clear: false)
    case "set":
      advance()
      offer(.setting)
      if atEnd { return .show(.settings) }
      let name = try expectName("a setting", after: first, reservedAllowed: true)
      offer(.settingValue(name.key))
      let start = current.range.lowerBound
      guard let words = restAsWords() else { return .set(name: name, value: nil) }
      return .set(
        name: name,
        value: NameRef(text: words, range: start..<(previous?.range.upperBound ?? start)))
    case "last":
      return try parseLast()
    case "load", "run":
      advance()
      offer(keyword == "load" ? .folder : .file)
      let what = keyword == "load" ? "a folder" : "a file name"
      let (path, _) = try parsePath(what, after: first)
      try expectEndOfPath(path)
      return keyword == "load" ? .load(path: path) : .run(path: path)
    case "help":
      advance()
      offer(.helpTopic)
      return .help(topic: restAsWords())
    default:
      return .query(parseQuery(top: nil))
    }
  }

  /// The statement keyword a misspelt first word stands for, when the rest cannot be a query.
  ///
  /// `shwo metrics` is no query (two names with no ',' between), so it means `show`; a lone
  /// `shwo` is left to the binder as an unknown metric.
  func misspelledStatement(_ first: Token) -> String? {
    let next = peek()
    switch next.kind {
    case .end, .comma, .greater, .append: return nil
    case .word where startsClause(next): return nil
    default: return suggestion(for: first.text, among: Keywords.statements)
    }
  }

  /// `top N ...` / `bottom N ...`.
  mutating func parseTop() throws(ParseAbort) -> QueryStmt {
    let keyword = advance()
    let countToken = current
    guard countToken.kind == .number else {
      try fail(.expectedCount(after: keyword.text, found: Self.describe(countToken)))
    }
    guard let count = NumberLiteral.integer(of: countToken.text) else {
      if NumberLiteral.value(of: countToken.text).map({ $0.rounded() == $0 }) == true {
        try fail(.numberTooLarge(countToken.text))
      }
      try fail(.expectedCount(after: keyword.text, found: Self.describe(countToken)))
    }
    guard count >= 1 else { try fail(.topNeedsCount(keyword.text)) }
    advance()
    let top = TopClause(
      count: count, bottom: keyword.isKeyword("bottom"), withOther: false,
      range: keyword.range.lowerBound..<countToken.range.upperBound)
    return parseQuery(top: top, start: keyword)
  }

  mutating func parseShowTarget() throws(ParseAbort) -> ShowTarget {
    let token = current
    offer(keywords: Keywords.showTargets)
    let singular = ShowTarget.allCases.map { String($0.rawValue.dropLast()) }
    guard token.kind == .word, let word = token.keyword else {
      try fail(.expectedShowTarget(found: Self.describe(token)))
    }
    var target = ShowTarget(rawValue: word) ?? ShowTarget(rawValue: word + "s")
    if target == nil {
      guard let guess = suggestion(for: word, among: Keywords.showTargets + singular) else {
        try fail(.expectedShowTarget(found: Self.describe(token)))
      }
      target = ShowTarget(rawValue: guess) ?? ShowTarget(rawValue: guess + "s")
      let plural = target?.rawValue ?? guess
      report(
        .unknownShowTarget(token.text, suggestion: plural), at: token.range,
        fixIts: [FixIt(range: token.range, replacement: plural)])
    }
    advance()
    try expectEnd(after: token.text)
    return target ?? .metrics
  }

  /// `sample TABLE [N] [> FILE]`.
  mutating func parseSample() throws(ParseAbort) -> Stmt {
    let keyword = advance()
    offer(.table)
    let table = try expectName("a table", after: keyword, reservedAllowed: true)
    var count: Int?
    if current.kind == .number {
      let token = advance()
      guard let value = NumberLiteral.integer(of: token.text), value >= 0 else {
        try fail(.expectedCount(after: table.text, found: Self.describe(token)), at: token.range)
      }
      count = value
    }
    // `sample tracking_data 20 where influencer_id=17`: raw rows, filtered.
    var condition: ConditionExpr?
    if sees("where") {
      let keyword = advance()
      condition = try parseCondition(after: keyword)
    }
    var redirect: RedirectClause?
    if current.kind == .greater || current.kind == .append {
      redirect = try parseRedirect()
    } else if !atEnd {
      try fail(.expectedEnd(after: previous?.text ?? table.text, found: "'\(current.text)'"))
    }
    return .sample(table: table, count: count, where: condition, redirect: redirect)
  }

  /// `last [chart KIND] [> FILE]`.
  mutating func parseLast() throws(ParseAbort) -> Stmt {
    advance()
    var chart: ChartClause?
    if sees("chart") {
      chart = try parseChart(keyword: advance())
    }
    var redirect: RedirectClause?
    if current.kind == .greater || current.kind == .append {
      redirect = try parseRedirect()
    } else if !atEnd {
      try fail(.expectedEnd(after: previous?.text ?? "last", found: "'\(current.text)'"))
    }
    return .last(chart: chart, redirect: redirect)
  }

  /// `define metric NAME = EXPR` / `define segment NAME = CONDITION`.
  mutating func parseDefine() throws(ParseAbort) -> Stmt {
    advance()
    offer(keywords: ["metric", "segment"])
    let kindToken = current
    guard kindToken.kind == .word, var kind = kindToken.keyword else {
      try fail(.expectedDefineKind(found: Self.describe(kindToken)))
    }
    if kind != "metric" && kind != "segment" {
      guard let guess = suggestion(for: kind, among: ["metric", "segment"]) else {
        try fail(.expectedDefineKind(found: Self.describe(kindToken)))
      }
      report(
        .misspelledKeyword(kindToken.text, suggestion: guess), at: kindToken.range,
        fixIts: [FixIt(range: kindToken.range, replacement: guess)])
      kind = guess
    }
    advance()
    let name = try expectName(kind == "metric" ? "a metric" : "a segment", after: kindToken)
    guard current.kind == .equal else {
      let at = current.range.lowerBound
      try fail(
        .expectedEqual(after: name.text, found: Self.describe(current)),
        fixIts: [FixIt(range: at..<at, replacement: "= ")])
    }
    let equal = advance()
    if atEnd {
      if kind == "metric" {
        try fail(.expectedExpression(after: equal.text, found: nil))
      }
      try fail(.expectedCondition(after: equal.text, found: nil))
    }
    let start = current.range.lowerBound
    if kind == "metric" {
      let expr = try parseMetricExpression(after: equal)
      let end = previous?.range.upperBound ?? start
      return .defineMetric(name: name, expr: expr, text: text(start..<end))
    }
    let condition = try parseCondition(after: equal)
    if !atEnd {
      try fail(.expectedEndOfCondition(found: "'\(current.text)'"))
    }
    let end = previous?.range.upperBound ?? start
    return .defineSegment(name: name, condition: condition, text: text(start..<end))
  }

  // MARK: Pieces

  /// A name (a word token); `kind` is "a metric", "a dimension", ...
  mutating func expectName(_ kind: String, after: Token, reservedAllowed: Bool = false)
    throws(ParseAbort) -> NameRef
  {
    let token = current
    guard token.kind == .word, reservedAllowed || !isReserved(token) else {
      try fail(.expectedName(kind, after: after.text, found: Self.describe(token)))
    }
    advance()
    return NameRef(text: token.text, range: token.range)
  }

  /// Fails unless the statement ends here.
  mutating func expectEnd(after: String) throws(ParseAbort) {
    guard atEnd else { try fail(.expectedEnd(after: after, found: "'\(current.text)'")) }
  }

  mutating func expectEndOfPath(_ path: String) throws(ParseAbort) {
    guard atEnd else { try fail(.expectedEndOfPath(path: path, found: "'\(current.text)'")) }
  }

  /// The rest of the statement as words joined by one space; quotes removed.
  ///
  /// Tokens written without a space between them form one word (`10k,50k`, `~/data`).
  mutating func restAsWords() -> String? {
    var words: [String] = []
    var lastEnd: Int?
    while !atEnd {
      let token = advance()
      let piece = token.kind == .string ? token.value : token.text
      if let lastEnd, lastEnd == token.range.lowerBound.offset, let last = words.popLast() {
        words.append(last + piece)
      } else {
        words.append(piece)
      }
      lastEnd = token.range.upperBound.offset
    }
    return words.isEmpty ? nil : words.joined(separator: " ")
  }

  /// A path: a quoted string, or the tokens written together with no space between them.
  mutating func parsePath(_ what: String, after: Token) throws(ParseAbort) -> (String, SourceRange)
  {
    let first = current
    switch first.kind {
    case .string:
      advance()
      return (first.value, first.range)
    case .word, .number, .date, .month, .tilde, .slash, .minus, .star, .plus:
      var last = advance()
      while !atEnd, current.kind != .string,
        current.range.lowerBound.offset == last.range.upperBound.offset
      {
        last = advance()
      }
      let range = first.range.lowerBound..<last.range.upperBound
      return (text(range), range)
    default:
      try fail(.expectedPath(what, after: after.text, found: Self.describe(first)))
    }
  }

  /// `> FILE` or `>> FILE`; must end the statement.
  mutating func parseRedirect() throws(ParseAbort) -> RedirectClause {
    let arrow = advance()
    offer(.file)
    let (path, range) = try parsePath("a file name", after: arrow)
    let redirect = RedirectClause(
      path: path, append: arrow.kind == .append, range: arrow.range.lowerBound..<range.upperBound)
    if !atEnd {
      if current.kind == .word, let keyword = current.keyword, Keywords.clauses.contains(keyword) {
        try fail(.clauseAfterRedirect(current.text, redirect: text(redirect.range)))
      }
      try fail(.expectedEndOfPath(path: path, found: "'\(current.text)'"))
    }
    return redirect
  }

  /// `chart KIND` after the `chart` keyword.
  mutating func parseChart(keyword: Token) throws(ParseAbort) -> ChartClause {
    offer(.chartKind)
    let token = current
    guard token.kind == .word, !isReserved(token), let word = token.keyword else {
      try fail(.expectedChartKind(found: Self.describe(token)))
    }
    advance()
    if !Keywords.chartKinds.contains(word) {
      let guess = suggestion(for: word, among: Keywords.chartKinds)
      try fail(
        .unknownChartKind(token.text, suggestion: guess), at: token.range,
        fixIts: guess.map { [FixIt(range: token.range, replacement: $0)] } ?? [])
    }
    return ChartClause(kind: NameRef(text: token.text, range: token.range))
  }
}
