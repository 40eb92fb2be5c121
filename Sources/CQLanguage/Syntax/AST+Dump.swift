/// A stable one-line text form of statements, without source ranges, for tests and debugging.
///
/// Conditions and expressions are fully parenthesized so precedence shows:
/// `roas by campaign where brand=MB and not x=1 or y=2` dumps as
/// `query [roas] by [campaign] where ((brand = MB and (not x = #1)) or y = #2)`.
/// Values show their kind: `Word`, `"quoted"`, `#42`, `date:2025-06-01`, `month:2025-06`.
extension Stmt {
  /// The statement as stable text, without source ranges.
  public var syntaxDump: String {
    switch self {
    case .query(let query): query.syntaxDump
    case .explain(let query): "explain " + query.syntaxDump
    case .explainSQL(let query): "explain sql " + query.syntaxDump
    case .explainPlan(let query): "explain plan " + query.syntaxDump
    case .describe(let name): "describe \(name.text)"
    case .show(let target): "show \(target.rawValue)"
    case .schema: "schema"
    case .sample(let table, let count, let condition, let redirect):
      (["sample", table.text]
        + [
          count.map { String($0) }, condition.map { "where " + $0.syntaxDump },
          redirect?.syntaxDump,
        ].compactMap { $0 })
        .joined(separator: " ")
    case .use(let condition, _, let clear):
      clear ? "use none" : condition.map { "use " + $0.syntaxDump } ?? "use"
    case .defineMetric(let name, let expr, let text):
      "define metric \(name.text) = \(expr.syntaxDump) text=\(quote(text))"
    case .defineSegment(let name, let condition, let text):
      "define segment \(name.text) = \(condition.syntaxDump) text=\(quote(text))"
    case .set(let name, let value):
      "set \(name.text) value=\(value.map { quote($0.text) } ?? "nil")"
    case .last(let chart, let redirect):
      (["last", chart.map { "chart \($0.kind.text)" }, redirect?.syntaxDump].compactMap { $0 })
        .joined(separator: " ")
    case .load(let path): "load path=\(quote(path))"
    case .run(let path): "run path=\(quote(path))"
    case .help(let topic): topic.map { "help topic=\(quote($0))" } ?? "help"
    case .showParameters: "show params"
    case .save(let path): path.map { "save path=\(quote($0))" } ?? "save"
    case .tutorial: "tutorial"
    case .clear: "clear"
    case .refresh: "refresh"
    case .quit: "quit"
    }
  }
}

extension QueryStmt {
  /// The query as stable text, without source ranges.
  public var syntaxDump: String {
    var parts = ["query"]
    if let top { parts.append("\(top.bottom ? "bottom" : "top") \(top.count)") }
    parts.append("[\(metrics.map(\.text).joined(separator: ", "))]")
    if !dimensions.isEmpty {
      parts.append("by [\(dimensions.map(\.text).joined(separator: ", "))]")
    }
    if let across { parts.append("across \(across.text)") }
    if let whereClause { parts.append("where \(whereClause.syntaxDump)") }
    if let having { parts.append("having \(having.syntaxDump)") }
    if !orderBy.isEmpty {
      let keys = orderBy.map { item in
        item.name.text + (item.explicit ? (item.descending ? " desc" : " asc") : "")
      }
      parts.append("order [\(keys.joined(separator: ", "))]")
    }
    if let limit { parts.append("limit \(limit)") }
    if withOther { parts.append("with other") }
    if let chart { parts.append("chart \(chart.kind.text)") }
    if let redirect { parts.append(redirect.syntaxDump) }
    return parts.joined(separator: " ")
  }
}

extension RedirectClause {
  var syntaxDump: String { (append ? ">> " : "> ") + quote(path) }
}

extension ValueLiteral {
  var syntaxDump: String {
    switch kind {
    case .word: text
    case .quoted: quote(text)
    case .number: "#" + text
    case .date: "date:" + text
    case .month: "month:" + text
    case .relative: "relative:" + text
    }
  }
}

extension ConditionExpr {
  /// The condition as stable, fully parenthesized text.
  public var syntaxDump: String {
    switch self {
    case .compare(let name, let op, let value): "\(name.text) \(op.rawValue) \(value.syntaxDump)"
    case .inList(let name, let values, let negated):
      "\(name.text) \(negated ? "not in" : "in") [\(values.map(\.syntaxDump).joined(separator: ", "))]"
    case .between(let name, let low, let high):
      "[\(name.text) between \(low.syntaxDump) and \(high.syntaxDump)]"
    case .and(let left, let right): "(\(left.syntaxDump) and \(right.syntaxDump))"
    case .or(let left, let right): "(\(left.syntaxDump) or \(right.syntaxDump))"
    case .not(let inner): "(not \(inner.syntaxDump))"
    case .segment(let name): "segment(\(name.text))"
    }
  }
}

extension MetricExpr {
  /// The expression as stable, fully parenthesized text.
  public var syntaxDump: String {
    switch self {
    case .number(let value, _):
      "#" + (value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    case .metric(let name): name.text
    case .negate(let inner): "(-\(inner.syntaxDump))"
    case .binary(let left, let op, let right):
      "(\(left.syntaxDump) \(op.rawValue) \(right.syntaxDump))"
    }
  }
}

/// `text` in double quotes with `"` and `\` escaped.
private func quote(_ text: String) -> String {
  var out = "\""
  for c in text {
    switch c {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    default: out.append(c)
    }
  }
  return out + "\""
}
