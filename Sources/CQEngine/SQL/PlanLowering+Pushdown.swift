import CQSQL
import CQStorage

/// `having`, order and `top N` run on the database when no `(other)` sum or totals row needs
/// the groups they leave out, so a database sends back a few groups instead of every one.
///
/// cq still applies them itself to what comes back, with its own comparator (ties by label,
/// naturally, then by first appearance), so the answer is the in-memory one byte for byte. That
/// is exact because the database only ever sends back a superset of what cq keeps:
///
/// - `having` compares the very `Double` cq compares: each metric is recomputed in SQL as cq
///   computes it (whole sums exact, converted to double precision where cq converts them, the
///   same IEEE operations in the same order, money divided by 100 last);
/// - the rows are ranked by cq's own sort keys up to the first key SQL cannot order as cq does
///   (a text dimension, which cq orders by label), and the database keeps the first `N + 1` rows
///   with every row tied with the last of them (`FETCH FIRST … WITH TIES`): every row cq could
///   pick for its first `N` is among them, and more than `N` come back exactly when there are
///   more than `N` groups (which `(other)` needs to know).
///
/// Where cq's arithmetic leaves whole numbers (a sum, difference or product beyond 64 bits, then
/// computed in double precision) a group is marked inexact; such groups sort first, and when the
/// first group back is one, cq asks again for every group.
struct Pushdown {
  /// The condition on the result's groups (`having`), nil for none.
  var filter: SQLExpr?
  /// The order that ranks the groups, when the query keeps only its first rows.
  var order: [SQLOrder]
  /// How many rows to keep (with ties), when the query keeps only its first rows.
  var first: Int?
  /// Whether a group's metric left cq's exact whole-number arithmetic (nil: never).
  var inexact: SQLExpr?
}

extension PlanLowering {
  /// A metric as cq's sort and `having` read it, as SQL over the summed measures.
  struct MirroredMetric {
    var expr: SQLExpr
    var inexact: [SQLExpr]
    /// What ranks the groups as `expr` does (nil: `expr`): for a whole number, the number itself,
    /// which orders as its `Double` (and money's `Double / 100`) while its magnitude is under
    /// 2^52, without a conversion per group.
    var orderKey: SQLExpr? = nil
    /// When `orderKey` does not order as `expr`.
    var orderInexact: [SQLExpr] = []
  }

  /// What of `plan`'s `having`, order and limit can run on the database, the groups being the
  /// columns of `result` (dimensions named as themselves, measures by ``measureColumn(_:)``).
  ///
  /// Nil when nothing can (no `having` or limit, or a totals row that needs every group).
  func pushdown(_ plan: LogicalPlan, result: String, measures: [Measure]) -> Pushdown? {
    guard plan.having != nil || plan.limit != nil, !plan.needsTotals, !plan.dimensions.isEmpty,
      plan.metrics.allSatisfy({ $0.definition.special == nil })
    else { return nil }
    let present = Set(measures)
    var mirrored: [Int: MirroredMetric] = [:]
    func metric(_ i: Int) -> MirroredMetric? {
      if let m = mirrored[i] { return m }
      guard i < plan.metrics.count else { return nil }
      let def = plan.metrics[i].definition
      guard let (e, isInt, inexact) = mirror(def.formula, result, present, plan.audience) else {
        return nil
      }
      var value = isInt ? SQLExpr.cast(e, "double precision") : e
      if def.format == .money { value = .binary("/", value, .keyword("100::double precision")) }
      var out = MirroredMetric(expr: value, inexact: inexact)
      if isInt {
        out.orderKey = e
        out.orderInexact = [
          .binary(">=", .call("abs", [e]), .keyword("4503599627370496"))
        ]
      }
      mirrored[i] = out
      return out
    }
    var out = Pushdown(filter: nil, order: [], first: nil, inexact: nil)
    var inexact: [SQLExpr] = []
    if let having = plan.having {
      guard let h = havingCondition(having, metric) else { return nil }
      out.filter = h.expr
      inexact += h.inexact
    }
    if let limit = plan.limit {
      var ranking = plan
      if let rank = plan.rank { ranking.order = rank }
      var order: [SQLOrder] = []
      // Only spend no tracking row carries is (unattributed) (the allocated facts' other part).
      let allocated = plan.facts.contains { $0.mode != .direct }
      let flag = allocated ? unattributedFlag(plan.dimensions, result: result) : nil
      if let flag { order.append(SQLOrder(flag, descending: false, nullsFirst: false)) }
      var keys = 0
      for key in Engine.sortKeys(ranking) {
        switch key.key {
        case .metric(let i):
          guard let m = metric(i) else { break }
          inexact += m.inexact + m.orderInexact
          // cq: no value sorts last whichever the direction.
          order.append(
            SQLOrder(m.orderKey ?? m.expr, descending: key.descending, nullsFirst: false))
          keys += 1
          continue
        case .dimension(let i):
          guard i < plan.dimensions.count else { break }
          let d = plan.dimensions[i]
          // Time and tiers sort by code, as their keys do; (unknown) after the rest, first when
          // descending. Text dimensions sort by label: SQL cannot, so the ranking stops there.
          guard !PlanLowering.isText(d) else { break }
          order.append(
            SQLOrder(
              .column(result, d.rawValue), descending: key.descending, nullsFirst: key.descending))
          keys += 1
          continue
        }
        break
      }
      if keys > 0 {
        out.order = order
        out.first = limit + 1
      }
    }
    if out.filter == nil, out.first == nil { return nil }
    out.inexact = SQLExpr.or(inexact)
    return out
  }

  /// Whether a group is `(unattributed)` in any dimension (cq sorts those last), nil if it never
  /// can be.
  private func unattributedFlag(_ dimensions: [Dimension], result: String) -> SQLExpr? {
    var parts: [SQLExpr] = []
    for d in dimensions {
      let key = SQLExpr.column(result, d.rawValue)
      if d.timeGrain != nil {
        parts.append(.isNull(key, negated: false))
      } else if PlanLowering.isText(d) {
        // A real value spelt (unattributed) takes that value's code, not the special one.
        if store.valueDictionary(d)?.code(of: PlanLowering.unattributedText) != nil { continue }
        parts.append(
          .call(
            "coalesce",
            [.binary("=", key, .value(PlanLowering.unattributedText)), .keyword("FALSE")]))
      }
    }
    return SQLExpr.or(parts)
  }

  private func havingCondition(_ h: BoundHaving, _ metric: (Int) -> MirroredMetric?)
    -> MirroredMetric?
  {
    switch h {
    case .and(let a, let b), .or(let a, let b):
      guard let x = havingCondition(a, metric), let y = havingCondition(b, metric) else {
        return nil
      }
      if case .and = h {
        return MirroredMetric(expr: .binary("AND", x.expr, y.expr), inexact: x.inexact + y.inexact)
      }
      return MirroredMetric(expr: .binary("OR", x.expr, y.expr), inexact: x.inexact + y.inexact)
    case .not(let a):
      guard let x = havingCondition(a, metric) else { return nil }
      return MirroredMetric(expr: .not(x.expr), inexact: x.inexact)
    case .compare(let i, let op, let x):
      guard let m = metric(i), x.isFinite else { return nil }
      let symbol: String
      switch op {
      case .equal: symbol = "="
      case .notEqual: symbol = "<>"
      case .less: symbol = "<"
      case .lessOrEqual: symbol = "<="
      case .greater: symbol = ">"
      case .greaterOrEqual: symbol = ">="
      case .contains: return MirroredMetric(expr: .keyword("FALSE"), inexact: [])
      }
      // cq: a metric with no value satisfies no comparison (and `not` of it holds).
      let compared = SQLExpr.binary(symbol, m.expr, PlanLowering.double(x))
      return MirroredMetric(
        expr: .call("coalesce", [compared, .keyword("FALSE")]), inexact: m.inexact)
    }
  }

  /// A double-precision constant, written so PostgreSQL reads back the very same `Double`.
  static func double(_ x: Double) -> SQLExpr {
    .cast(.keyword("'\(x.description)'"), "double precision")
  }

  /// cq's `Executor.evaluate` as SQL: whole numbers stay exact (numeric) while cq's stay `Int64`,
  /// and turn into double precision where cq's do.
  ///
  /// - Returns: the expression, whether it is a whole number, and the conditions under which
  ///   cq's arithmetic would have left whole numbers (beyond 64 bits).
  private func mirror(
    _ f: Formula, _ result: String, _ present: Set<Measure>, _ audience: Fact
  ) -> (SQLExpr, Bool, [SQLExpr])? {
    switch f {
    case .measure(let m):
      var key = m
      if case .influencers = m { key = .influencers(audience) }
      if case .followers = m { key = .followers(audience) }
      guard present.contains(key) else { return (.cast(.integer(0), "numeric"), true, []) }
      return (.cast(.column(result, PlanLowering.measureColumn(key)), "numeric"), true, [])
    case .constant(let c):
      guard c.isFinite else { return nil }
      return (PlanLowering.double(c), false, [])
    case .add(let a, let b): return arithmetic("+", a, b, result, present, audience)
    case .subtract(let a, let b): return arithmetic("-", a, b, result, present, audience)
    case .multiply(let a, let b): return arithmetic("*", a, b, result, present, audience)
    case .divide(let a, let b):
      guard let (x, xi, xn) = mirror(a, result, present, audience),
        let (y, yi, yn) = mirror(b, result, present, audience)
      else { return nil }
      let dx = xi ? SQLExpr.cast(x, "double precision") : x
      let dy = yi ? SQLExpr.cast(y, "double precision") : y
      // cq: no value when the divisor is 0.
      return (
        .binary("/", dx, .call("nullif", [dy, .keyword("0::double precision")])), false, xn + yn
      )
    case .metric(let name):
      guard let m = catalog.metric(named: name) else { return nil }
      return mirror(m.formula, result, present, audience)
    }
  }

  private func arithmetic(
    _ op: String, _ a: Formula, _ b: Formula, _ result: String, _ present: Set<Measure>,
    _ audience: Fact
  ) -> (SQLExpr, Bool, [SQLExpr])? {
    guard let (x, xi, xn) = mirror(a, result, present, audience),
      let (y, yi, yn) = mirror(b, result, present, audience)
    else { return nil }
    if xi, yi {
      let exact = SQLExpr.binary(op, x, y)
      let beyond = SQLExpr.not(
        .binary(
          "AND", .binary(">=", exact, .keyword("-9223372036854775808")),
          .binary("<=", exact, .keyword("9223372036854775807"))))
      return (exact, true, xn + yn + [beyond])
    }
    let dx = xi ? SQLExpr.cast(x, "double precision") : x
    let dy = yi ? SQLExpr.cast(y, "double precision") : y
    return (.binary(op, dx, dy), false, xn + yn)
  }
}
