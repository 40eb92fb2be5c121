/// A small SQL tree: what cq's plans lower to before a dialect renders them.
///
/// Only the shapes cq generates: `WITH` common table expressions, `SELECT … FROM … JOIN … WHERE
/// … GROUP BY`, `UNION ALL`, and expressions over columns, bound values, aggregates and
/// `CASE`. Values are never spliced into the text: a ``SQLExpr/value(_:)`` becomes a parameter
/// (`$1`) when rendered.
public indirect enum SQLExpr: Sendable, Hashable {
  /// `table.column` (table nil: unqualified).
  case column(String?, String)
  /// A whole-number constant written into the text (not data: counts, day numbers, flags).
  case integer(Int64)
  /// A text value from the user or the data: bound as a parameter.
  case value(String)
  /// A list of text values bound as one array parameter (`= ANY($1::text[])`).
  case values([String])
  /// A keyword-like constant the renderer writes as is: `NULL`, `TRUE`, `DATE '1970-01-01'`.
  case keyword(String)
  /// `name(arguments)`, optionally `DISTINCT` and `FILTER (WHERE …)`; `*` as the argument of count(*).
  case call(String, [SQLExpr], distinct: Bool = false, filter: SQLExpr? = nil)
  /// `left OP right` (`=`, `<>`, `<`, `>=`, `AND`, `OR`, `+`, `-`, `*`, `/`).
  case binary(String, SQLExpr, SQLExpr)
  /// `NOT expr`.
  case not(SQLExpr)
  /// `expr IS NULL` (negated: `IS NOT NULL`).
  case isNull(SQLExpr, negated: Bool)
  /// `expr IN (…)`, negated `NOT IN`.
  case inList(SQLExpr, [SQLExpr], negated: Bool)
  /// `CASE WHEN … THEN … ELSE … END`.
  case caseWhen([(SQLExpr, SQLExpr)], else: SQLExpr?)
  /// `CAST(expr AS type)`, written `expr::type`.
  case cast(SQLExpr, String)
  /// `*` in `count(*)`.
  case star

  public static func == (a: SQLExpr, b: SQLExpr) -> Bool {
    SQLRenderer.debugText(a) == SQLRenderer.debugText(b)
  }
  public func hash(into hasher: inout Hasher) { hasher.combine(SQLRenderer.debugText(self)) }

  public static func and(_ parts: [SQLExpr]) -> SQLExpr? {
    guard var out = parts.first else { return nil }
    for p in parts.dropFirst() { out = .binary("AND", out, p) }
    return out
  }
  public static func or(_ parts: [SQLExpr]) -> SQLExpr? {
    guard var out = parts.first else { return nil }
    for p in parts.dropFirst() { out = .binary("OR", out, p) }
    return out
  }
}

/// One `FROM` or `JOIN` item: a table (schema-qualified or not) or a named CTE, with an alias.
public struct SQLSource: Sendable {
  public enum Kind: Sendable { case from, join, leftJoin, fullJoin }
  public var kind: Kind
  public var schema: String?
  public var table: String
  public var alias: String?
  public var on: SQLExpr?

  public init(
    _ kind: Kind = .from, schema: String? = nil, table: String, alias: String? = nil,
    on: SQLExpr? = nil
  ) {
    self.kind = kind
    self.schema = schema
    self.table = table
    self.alias = alias
    self.on = on
  }
}

/// One `ORDER BY` key: `expr ASC|DESC NULLS FIRST|LAST`.
public struct SQLOrder: Sendable {
  public var expr: SQLExpr
  public var descending: Bool
  public var nullsFirst: Bool

  public init(_ expr: SQLExpr, descending: Bool, nullsFirst: Bool) {
    self.expr = expr
    self.descending = descending
    self.nullsFirst = nullsFirst
  }
}

/// `SELECT columns FROM sources WHERE filter GROUP BY keys ORDER BY … FETCH FIRST n ROWS WITH
/// TIES`, possibly `UNION ALL` others.
public struct SQLSelect: Sendable {
  public var columns: [(SQLExpr, String?)]
  public var sources: [SQLSource]
  public var filter: SQLExpr?
  public var groupBy: [SQLExpr]
  public var orderBy: [SQLOrder] = []
  /// `FETCH FIRST n ROWS WITH TIES`: the first `n` rows in `orderBy`'s order and every row
  /// tied with the last of them.
  public var firstWithTies: Int? = nil
  /// Further selects appended with `UNION ALL` (same columns).
  public var unionAll: [SQLSelect] = []
  /// A comment written above the select (why it is there).
  public var comment: String? = nil

  public init(
    columns: [(SQLExpr, String?)], sources: [SQLSource], filter: SQLExpr? = nil,
    groupBy: [SQLExpr] = []
  ) {
    self.columns = columns
    self.sources = sources
    self.filter = filter
    self.groupBy = groupBy
  }
}

/// A whole query: named selects (`WITH`), then the final select.
public struct SQLQuery: Sendable {
  public var ctes: [(name: String, select: SQLSelect)]
  public var body: SQLSelect

  public init(ctes: [(name: String, select: SQLSelect)] = [], body: SQLSelect) {
    self.ctes = ctes
    self.body = body
  }
}
