import Foundation

/// Renders the SQL tree as PostgreSQL text with bound parameters.
///
/// Identifiers are quoted whenever they are not plain lower-case names or are reserved words;
/// values become `$1, $2, …` with their texts in ``Rendered/parameters``, so a value such as
/// `x'); drop table payouts; --` is data, never SQL.
public struct SQLRenderer {
  /// SQL text and the values its parameters stand for.
  public struct Rendered: Sendable {
    public var text: String
    public var parameters: [String]

    /// The statement as psql runs it, values included: `PREPARE`, `EXECUTE` with the values
    /// written as quoted literals, `DEALLOCATE` (just the text when there are none).
    public var runnable: String {
      guard !parameters.isEmpty else { return text + ";" }
      let types = Array(repeating: "text", count: parameters.count).joined(separator: ", ")
      let values = parameters.map(SQLRenderer.literal).joined(separator: ", ")
      return
        "PREPARE cq_query(\(types)) AS\n\(text);\nEXECUTE cq_query(\(values));\nDEALLOCATE cq_query;"
    }
  }

  private var parameters: [String] = []
  private var index: [String: Int] = [:]

  public init() {}

  /// Renders `query`.
  public static func render(_ query: SQLQuery) -> Rendered {
    var r = SQLRenderer()
    var text = ""
    if !query.ctes.isEmpty {
      text += "WITH "
      text += query.ctes.map { cte in
        "\(identifier(cte.name)) AS (\n\(r.select(cte.select, indent: "  "))\n)"
      }.joined(separator: ",\n")
      text += "\n"
    }
    text += r.select(query.body, indent: "")
    return Rendered(text: text, parameters: r.parameters)
  }

  /// A string as a SQL literal: `'it''s'` (standard_conforming_strings, PostgreSQL's default).
  public static func literal(_ s: String) -> String {
    "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
  }

  static let reserved: Set<String> = [
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case",
    "cast", "check",
    "collate", "column", "constraint", "create", "current_date", "current_role", "current_time",
    "current_user",
    "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
    "for", "foreign",
    "from", "grant", "group", "having", "in", "initially", "intersect", "into", "lateral",
    "leading", "limit",
    "localtime", "not", "null", "offset", "on", "only", "or", "order", "placing", "primary",
    "references",
    "returning", "select", "session_user", "some", "symmetric", "table", "then", "to", "trailing",
    "true", "union",
    "unique", "user", "using", "variadic", "when", "where", "window", "with",
  ]

  /// An identifier, quoted when it must be (`"user"`, `"Brand Name"`).
  public static func identifier(_ name: String) -> String {
    let plain =
      !name.isEmpty
      && name.unicodeScalars.allSatisfy {
        ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_"
      }
      && !(name.first?.isNumber ?? true) && !reserved.contains(name)
    return plain ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  static func debugText(_ e: SQLExpr) -> String {
    var r = SQLRenderer()
    return r.expr(e) + r.parameters.joined(separator: "\u{1}")
  }

  private mutating func parameter(_ value: String) -> String {
    if let i = index[value] { return "$\(i)" }
    parameters.append(value)
    index[value] = parameters.count
    return "$\(parameters.count)"
  }

  mutating func select(_ s: SQLSelect, indent: String) -> String {
    var lines: [String] = []
    if let comment = s.comment { lines.append(indent + "-- " + comment) }
    let columns = s.columns.map { e, alias in
      let text = expr(e)
      return alias.map { text + " AS " + SQLRenderer.identifier($0) } ?? text
    }
    lines.append(indent + "SELECT " + columns.joined(separator: ", "))
    for src in s.sources {
      let name =
        (src.schema.map { SQLRenderer.identifier($0) + "." } ?? "")
        + SQLRenderer.identifier(src.table)
        + (src.alias.map { " " + SQLRenderer.identifier($0) } ?? "")
      switch src.kind {
      case .from: lines.append(indent + "FROM " + name)
      case .join:
        lines.append(indent + "JOIN " + name + (src.on.map { " ON " + expr($0) } ?? " ON TRUE"))
      case .leftJoin:
        lines.append(
          indent + "LEFT JOIN " + name + (src.on.map { " ON " + expr($0) } ?? " ON TRUE"))
      case .fullJoin:
        lines.append(
          indent + "FULL JOIN " + name + (src.on.map { " ON " + expr($0) } ?? " ON TRUE"))
      }
    }
    if let f = s.filter { lines.append(indent + "WHERE " + expr(f)) }
    if !s.groupBy.isEmpty {
      lines.append(indent + "GROUP BY " + s.groupBy.map { expr($0) }.joined(separator: ", "))
    }
    if !s.orderBy.isEmpty {
      let keys = s.orderBy.map { o in
        expr(o.expr) + (o.descending ? " DESC" : " ASC")
          + (o.nullsFirst ? " NULLS FIRST" : " NULLS LAST")
      }
      lines.append(indent + "ORDER BY " + keys.joined(separator: ", "))
    }
    if let n = s.firstWithTies {
      lines.append(indent + "FETCH FIRST \(max(0, n)) ROWS WITH TIES")
    }
    var text = lines.joined(separator: "\n")
    for u in s.unionAll { text += "\n" + indent + "UNION ALL\n" + select(u, indent: indent) }
    return text
  }

  mutating func expr(_ e: SQLExpr) -> String {
    switch e {
    case .column(let t, let c):
      return (t.map { SQLRenderer.identifier($0) + "." } ?? "") + SQLRenderer.identifier(c)
    case .integer(let v): return String(v)
    case .value(let s): return parameter(s)
    case .values(let list):
      let array =
        "{"
        + list.map {
          "\""
            + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
              of: "\"", with: "\\\"") + "\""
        }
        .joined(separator: ",") + "}"
      return parameter(array) + "::text[]"
    case .keyword(let k): return k
    case .star: return "*"
    case .call(let name, let args, let distinct, let filter):
      let inner = (distinct ? "DISTINCT " : "") + args.map { expr($0) }.joined(separator: ", ")
      return "\(name)(\(inner))" + (filter.map { " FILTER (WHERE \(expr($0)))" } ?? "")
    case .binary(let op, let a, let b):
      return "(\(expr(a)) \(op) \(expr(b)))"
    case .not(let a): return "NOT \(expr(a))"
    case .isNull(let a, let negated): return "\(expr(a)) IS \(negated ? "NOT " : "")NULL"
    case .inList(let a, let list, let negated):
      if list.count == 1, case .values = list[0] {
        return negated
          ? "NOT (\(expr(a)) = ANY(\(expr(list[0]))))" : "\(expr(a)) = ANY(\(expr(list[0])))"
      }
      return
        "\(expr(a)) \(negated ? "NOT IN" : "IN") (\(list.map { expr($0) }.joined(separator: ", ")))"
    case .caseWhen(let whens, let otherwise):
      var t = "CASE"
      for (c, v) in whens { t += " WHEN \(expr(c)) THEN \(expr(v))" }
      if let otherwise { t += " ELSE \(expr(otherwise))" }
      return t + " END"
    case .cast(let a, let type): return "\(expr(a))::\(type)"
    }
  }
}
