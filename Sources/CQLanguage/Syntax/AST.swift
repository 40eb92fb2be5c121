/// The syntax tree of cq statements (SPEC §2).
///
/// Plain data produced by `Parser` and consumed by the binder in `CQEngine`. Every node keeps
/// its source range so later phases can point carets at it.

/// A name as written: a metric, dimension, segment, table, setting or topic.
public struct NameRef: Sendable, Hashable {
  /// The text as typed (original case).
  public var text: String
  /// Where the name is written.
  public var range: SourceRange
  /// A name spelt `text` at `range`.
  public init(text: String, range: SourceRange) {
    self.text = text
    self.range = range
  }
  /// Lower-cased text, for case-insensitive lookup.
  public var key: String { text.lowercased() }
}

/// A literal value on the right of a comparison.
public struct ValueLiteral: Sendable, Hashable {
  /// How a value was written.
  public enum Kind: Sendable, Hashable {
    /// `MuscleBlaze`, `Campaign_3`
    case word
    /// `"Whey Protein 1kg"` (text is unquoted and unescaped)
    case quoted
    /// `42`, `3.5`, `-2`
    case number
    /// `2025-06-01`
    case date
    /// `2025-06`
    case month
    /// `last 30 days`, `this month`, `last week` (after `in`): a period ending at the data's last
    /// day, resolved by the binder. `text` is the canonical spelling.
    case relative
  }
  /// The value: a word or number as written, a quoted string unquoted and unescaped.
  public var text: String
  /// How it was written.
  public var kind: Kind
  /// Where the value is written.
  public var range: SourceRange
  /// A value `text` of `kind` at `range`.
  public init(text: String, kind: Kind, range: SourceRange) {
    self.text = text
    self.kind = kind
    self.range = range
  }
}

/// Comparison operators in conditions.
public enum CompareOp: String, Sendable, Hashable {
  case equal = "="
  case notEqual = "!="
  case less = "<"
  case lessOrEqual = "<="
  case greater = ">"
  case greaterOrEqual = ">="
  case contains = "~"
}

/// A `where` / `having` / segment condition.
public indirect enum ConditionExpr: Sendable, Hashable {
  /// `brand=MuscleBlaze`, `roas > 2`, `name ~ sharma`
  case compare(NameRef, CompareOp, ValueLiteral)
  /// `brand in (A, B)`; `negated` for `not in`
  case inList(NameRef, [ValueLiteral], negated: Bool)
  /// `date between 2025-05-01 and 2025-05-31`
  case between(NameRef, ValueLiteral, ValueLiteral)
  case and(ConditionExpr, ConditionExpr)
  case or(ConditionExpr, ConditionExpr)
  case not(ConditionExpr)
  /// A bare name: a segment defined with `define segment`.
  case segment(NameRef)
}

/// Arithmetic over metrics, for `define metric NAME = EXPR`.
public indirect enum MetricExpr: Sendable, Hashable {
  case number(Double, SourceRange)
  case metric(NameRef)
  case negate(MetricExpr)
  case binary(MetricExpr, ArithmeticOp, MetricExpr)
}

/// The operators of `define metric` arithmetic.
public enum ArithmeticOp: String, Sendable, Hashable {
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
}

/// One `order by` key.
public struct OrderItem: Sendable, Hashable {
  /// The metric or dimension ordered by.
  public var name: NameRef
  /// True for `desc`.
  public var descending: Bool
  /// False when neither `asc` nor `desc` was written.
  public var explicit: Bool
  /// An order key.
  public init(name: NameRef, descending: Bool, explicit: Bool) {
    self.name = name
    self.descending = descending
    self.explicit = explicit
  }
}

/// `> FILE` or `>> FILE`.
public struct RedirectClause: Sendable, Hashable {
  /// The file name as written (`~` not yet expanded).
  public var path: String
  /// True for `>>`.
  public var append: Bool
  /// From the arrow to the end of the file name.
  public var range: SourceRange
  /// A redirect to `path`.
  public init(path: String, append: Bool, range: SourceRange) {
    self.path = path
    self.append = append
    self.range = range
  }
}

/// `chart KIND`.
public struct ChartClause: Sendable, Hashable {
  /// The chart kind as written.
  public var kind: NameRef
  /// A chart of `kind`.
  public init(kind: NameRef) { self.kind = kind }
}

/// `top N` / `bottom N`, optionally `with other`.
public struct TopClause: Sendable, Hashable {
  /// N, at least 1.
  public var count: Int
  /// True for `bottom N`.
  public var bottom: Bool
  /// True with `with other`.
  public var withOther: Bool
  /// The range of `top N` / `bottom N`.
  public var range: SourceRange
  /// A `top N` or `bottom N` clause.
  public init(count: Int, bottom: Bool, withOther: Bool, range: SourceRange) {
    self.count = count
    self.bottom = bottom
    self.withOther = withOther
    self.range = range
  }
}

/// A query: `metrics [by dims] [where c] [having c] [order by ...] [limit N] [chart K] [> F]`.
///
/// For `top N A by B`, the parser stores `A` in `metrics` and `B` in `dimensions` exactly as
/// written; the binder swaps them when `A` names dimensions (`top 10 influencer by roas`).
public struct QueryStmt: Sendable, Hashable {
  /// The metric list (for `top N`, the names written before `by`).
  public var metrics: [NameRef]
  /// The `by` list.
  public var dimensions: [NameRef]
  /// The `where` condition: rows before aggregation.
  public var whereClause: ConditionExpr?
  /// The `having` condition: result rows by metric.
  public var having: ConditionExpr?
  /// The `order by` keys.
  public var orderBy: [OrderItem]
  /// `limit N`.
  public var limit: Int?
  /// `with other`: add an `(other)` row for the rows cut by `limit` or `top` (also set in
  /// `top.withOther` for `top N` queries).
  public var withOther: Bool
  /// `top N` or `bottom N`.
  public var top: TopClause?
  /// `chart KIND`.
  public var chart: ChartClause?
  /// `> FILE` or `>> FILE`.
  public var redirect: RedirectClause?
  /// `across DIM` (SPEC §10): DIM's values laid out as columns (a pivot).
  public var across: NameRef? = nil
  /// The whole query.
  public var range: SourceRange

  /// A query; clauses not given are absent.
  public init(
    metrics: [NameRef], dimensions: [NameRef] = [], whereClause: ConditionExpr? = nil,
    having: ConditionExpr? = nil, orderBy: [OrderItem] = [], limit: Int? = nil,
    withOther: Bool = false, top: TopClause? = nil, chart: ChartClause? = nil,
    redirect: RedirectClause? = nil,
    range: SourceRange
  ) {
    self.metrics = metrics
    self.dimensions = dimensions
    self.whereClause = whereClause
    self.having = having
    self.orderBy = orderBy
    self.limit = limit
    self.withOther = withOther
    self.top = top
    self.chart = chart
    self.redirect = redirect
    self.range = range
  }
}

/// `show metrics | dimensions | tables | segments | settings`.
public enum ShowTarget: String, Sendable, Hashable, CaseIterable {
  case metrics, dimensions, tables, segments, settings
}

/// One statement.
public enum Stmt: Sendable, Hashable {
  case query(QueryStmt)
  case explain(QueryStmt)
  /// `explain sql QUERY`: the SQL cq sends to a database for the query (SPEC §8).
  case explainSQL(QueryStmt)
  /// `explain plan QUERY`: the logical plan as stable text, the same on every engine.
  case explainPlan(QueryStmt)
  case describe(NameRef)
  case show(ShowTarget)
  case schema
  /// `sample TABLE [N] [where CONDITION] [> FILE]`: raw rows, optionally filtered.
  case sample(table: NameRef, count: Int?, where: ConditionExpr?, redirect: RedirectClause?)
  /// `define metric NAME = EXPR`; `text` is the expression's source text.
  case defineMetric(name: NameRef, expr: MetricExpr, text: String)
  /// `use CONDITION` (a session filter for every following query), `use none` (condition nil,
  /// `clear` true), or `use` alone (both nil/false: show it).
  case use(condition: ConditionExpr?, text: String, clear: Bool)
  /// `define segment NAME = CONDITION`; `text` is the condition's source text.
  case defineSegment(name: NameRef, condition: ConditionExpr, text: String)
  /// `set NAME VALUE...`; value words joined by one space (`set rows all`, `set tiers 5k 20k ...`),
  /// with the range they span (for error marks).
  case set(name: NameRef, value: NameRef?)
  case last(chart: ChartClause?, redirect: RedirectClause?)
  case load(path: String)
  case run(path: String)
  case help(topic: String?)
  /// `show params`: the script parameters (`--param NAME=VALUE`, `set param NAME VALUE`).
  case showParameters
  /// `save [FILE]`: appends the session's definitions and changed settings to `~/.cqrc` (or
  /// `$CQRC`, or FILE), skipping those already there.
  case save(path: String?)
  case tutorial
  /// `clear`: clears the screen in the interactive shell; does nothing elsewhere.
  case clear
  /// `refresh`: rebuilds cq's derived tables on a database after its data changed (SPEC §8).
  case refresh
  case quit
}

/// A statement with the source range it came from.
public struct StmtNode: Sendable, Hashable {
  /// The statement.
  public var stmt: Stmt
  /// Where it is written.
  public var range: SourceRange
  /// A statement at `range`.
  public init(stmt: Stmt, range: SourceRange) {
    self.stmt = stmt
    self.range = range
  }
}
