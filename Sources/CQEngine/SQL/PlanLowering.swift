import CQSQL
import CQStorage

/// Lowers a logical plan to SQL (SPEC §8): each fact filtered and aggregated to the grain in its
/// own common table expression, the parts joined on the grain keys (never a fan-out join), money
/// summed as integer paise, and the metrics' ratios as `sum / NULLIF(sum, 0)` at the end.
///
/// Key columns hold what identifies a value in cq's catalogue: the text of a dictionary value
/// (the influencer's id for `influencer`), the first day of a period as a day number (since
/// 1970-01-01) for time, a tier's index; NULL is `(unknown)` for text and `(unattributed)` for
/// time, and the text `(unattributed)` marks spend no tracking row carries.
struct PlanLowering {
  let store: Store
  let catalog: MetricCatalog
  /// The schema of cq's derived tables (allocation shares, first purchases, order gaps).
  let derived: String
  let tiers: Tiers

  static let unattributedText = "(unattributed)"

  /// The audience parts' influencer column: no dimension's name, so a grain key
  /// (`by influencer_id`) never makes it ambiguous.
  static let audienceKey = "cq_audience_influencer"

  /// Where a part's rows come from: the fact's table as `f`, the influencer as `i` (left
  /// joined when an attribute is needed), and, for allocated spend, tracking rows as `t` and
  /// payouts as `p`.
  struct Part {
    var name: String
    var comment: String
    /// Table alias carrying each kind of column.
    var sources: [SQLSource]
    /// Which alias carries a dimension (nil: the part's rows are spend no tracking row
    /// carries, so the dimension is `(unattributed)`).
    var carrier: (Dimension) -> String?
    /// Measures and the row expression each aggregates.
    var measures: [(Measure, SQLExpr)]
  }

  // MARK: - Keys

  /// The column a dimension reads on the table aliased `alias`.
  func keyExpression(_ d: Dimension, alias: String) -> SQLExpr {
    let epoch = SQLExpr.keyword("DATE '1970-01-01'")
    func day(_ e: SQLExpr) -> SQLExpr { .binary("-", .cast(e, "date"), epoch) }
    let date = SQLExpr.column(alias, "date")
    switch d {
    case .influencer, .influencerID: return .column(alias, alias == "i" ? "id" : "influencer_id")
    case .category, .gender: return .column("i", d.rawValue)
    case .platform: return .column("i", "platform")
    case .tier:
      var whens: [(SQLExpr, SQLExpr)] = [
        (.isNull(.column("i", "id"), negated: false), .keyword("NULL"))
      ]
      for (k, threshold) in tiers.thresholds.enumerated() {
        whens.append(
          (.binary("<", .column("i", "follower_count"), .integer(threshold)), .integer(Int64(k))))
      }
      return .caseWhen(whens, else: .integer(Int64(tiers.thresholds.count)))
    case .campaign, .brand, .product, .source, .basis, .status: return .column(alias, d.rawValue)
    case .user: return .column(alias, "user_id")
    case .postPlatform: return .column(alias, "platform")
    case .day: return .binary("-", date, epoch)
    case .week, .month, .quarter, .year:
      return day(.call("date_trunc", [.keyword("'\(d.rawValue)'"), .cast(date, "timestamp")]))
    // A day of that weekday: 1970-01-05 (day 4) was a Monday, isodow 1.
    case .weekday:
      return .binary(
        "+",
        .cast(
          .call("extract", [.keyword("isodow FROM \(SQLRenderer.identifier(alias)).date")]), "int"),
        .integer(3))
    }
  }

  /// Whether a dimension's keys are text (else integers).
  static func isText(_ d: Dimension) -> Bool { d.timeGrain == nil && d != .tier }

  /// A part's key for `d`: the carrier's column, or `(unattributed)`.
  func key(_ d: Dimension, in part: Part) -> SQLExpr {
    guard let alias = part.carrier(d) else {
      return PlanLowering.isText(d)
        ? .value(PlanLowering.unattributedText) : .cast(.keyword("NULL"), "int")
    }
    return keyExpression(d, alias: alias)
  }

  // MARK: - Filters

  /// A bound condition on a part's rows.
  ///
  /// Spend no tracking row carries has no value in the dimensions payouts lack, so, as in
  /// memory (`Aggregator.evaluateFilter`), a condition naming any of them drops it whatever
  /// surrounds that name: `not brand=X` and `brand=X or basis=order` drop it too.
  func condition(_ c: BoundCondition, in part: Part) -> SQLExpr {
    if c.dimensions.contains(where: { part.carrier($0) == nil }) { return .keyword("FALSE") }
    return tree(c, in: part)
  }

  private func tree(_ c: BoundCondition, in part: Part) -> SQLExpr {
    switch c {
    case .and(let a, let b): return .binary("AND", tree(a, in: part), tree(b, in: part))
    case .or(let a, let b): return .binary("OR", tree(a, in: part), tree(b, in: part))
    case .not(let a): return .not(tree(a, in: part))
    case .leaf(let d, let allowed, _):
      let space = store.space(d, tiers: tiers)
      // condition(_:in:) has dropped the rows with no value in d.
      guard let alias = part.carrier(d) else { return .keyword("FALSE") }
      return leaf(d, allowed: allowed, space: space, alias: alias)
    }
  }

  func leaf(_ d: Dimension, allowed: [Bool], space: DimensionSpace, alias: String) -> SQLExpr {
    let regular = (0..<space.count).filter { $0 < allowed.count && allowed[$0] }
    let unknownAllowed = Int(space.unknown) < allowed.count && allowed[Int(space.unknown)]
    let key = keyExpression(d, alias: alias)
    if let grain = d.timeGrain {
      if grain == .weekday {
        let days = regular.map { SQLExpr.integer(Int64($0) + 4) }
        if days.isEmpty { return .keyword("FALSE") }
        if days.count == 7 { return .keyword("TRUE") }
        return .inList(key, days, negated: false)
      }
      // Runs of periods as date ranges.
      let base = store.timeBase(grain)
      var ranges: [(Int64, Int64)] = []
      for c in regular {
        guard let p = TimeCodes.period(base + Int64(c), grain) else { continue }
        if let last = ranges.last, last.1 + 1 == p.lowerBound {
          ranges[ranges.count - 1].1 = p.upperBound
        } else {
          ranges.append((p.lowerBound, p.upperBound))
        }
      }
      if ranges.isEmpty { return .keyword("FALSE") }
      let date = SQLExpr.column(alias, "date")
      func literal(_ day: Int64) -> SQLExpr {
        .keyword("DATE '\(DayNumber.isoString(Int32(day)))'")
      }
      return SQLExpr.or(
        ranges.map { r in
          r.0 == r.1
            ? .binary("=", date, literal(r.0))
            : .binary("AND", .binary(">=", date, literal(r.0)), .binary("<=", date, literal(r.1)))
        }) ?? .keyword("FALSE")
    }
    if d == .tier {
      var parts: [SQLExpr] = []
      if !regular.isEmpty {
        parts.append(.inList(key, regular.map { .integer(Int64($0)) }, negated: false))
      }
      if unknownAllowed { parts.append(.isNull(key, negated: false)) }
      return SQLExpr.or(parts) ?? .keyword("FALSE")
    }
    let dictionaryValues = regular.compactMap { valueText(d, code: Int32($0)) }
    var parts: [SQLExpr] = []
    if !dictionaryValues.isEmpty {
      parts.append(
        dictionaryValues.count <= 64
          ? .inList(key, dictionaryValues.map { .value($0) }, negated: false)
          : .inList(key, [.values(dictionaryValues)], negated: false))
    }
    if unknownAllowed { parts.append(.isNull(key, negated: false)) }
    return SQLExpr.or(parts) ?? .keyword("FALSE")
  }

  /// The text a key column holds for a regular code of a text dimension.
  func valueText(_ d: Dimension, code: Int32) -> String? {
    guard let dict = store.valueDictionary(d), Int(code) < dict.count else { return nil }
    return dict[code]
  }

  // MARK: - Parts

  func influencerJoin(_ alias: String) -> SQLSource {
    SQLSource(
      .leftJoin, table: "influencers", alias: "i",
      on: .binary("=", .column("i", "id"), .column(alias, "influencer_id")))
  }

  func needsInfluencer(_ dims: Set<Dimension>, measures: [Measure]) -> Bool {
    dims.contains { [.category, .gender, .platform, .tier].contains($0) }
      || measures.contains(.postFollowers)
  }

  /// The parts one fact plan reads.
  func parts(_ fp: FactPlan, dimensions: Set<Dimension>) -> [Part] {
    let fact = fp.fact
    let table = fact.rawValue
    let direct = fp.measures.filter { !$0.isAudience }
    switch fp.mode {
    case .direct:
      var parts: [Part] = []
      if !direct.isEmpty || fact == .influencers {
        var sources = [SQLSource(table: table, alias: fact == .influencers ? "i" : "f")]
        let alias = fact == .influencers ? "i" : "f"
        if fact != .influencers, needsInfluencer(dimensions, measures: direct) {
          sources.append(influencerJoin("f"))
        }
        if direct.contains(where: { $0 == .newCustomers || $0 == .newRevenue }) {
          sources.append(
            SQLSource(
              .leftJoin, schema: derived, table: "first_purchase", alias: "fp",
              on: .binary("=", .column("fp", "user_id"), .column("f", "user_id"))))
        }
        if direct.contains(.orderGap) {
          sources.append(
            SQLSource(
              .leftJoin, schema: derived, table: "order_gap", alias: "g",
              on: .binary(
                "AND", .binary("=", .column("g", "influencer_id"), .column("f", "influencer_id")),
                .binary("=", .column("g", "payout_row"), .column("f", "cq_row")))))
        }
        let measures = direct.map { ($0, measureExpression($0, alias: alias)) }
        if !measures.isEmpty {
          parts.append(
            Part(
              name: Self.partName(fact), comment: "\(table) aggregated to the grain",
              sources: sources, carrier: { _ in alias }, measures: measures))
        }
      }
      return parts
    case .allocated(let weight):
      let shares = "share_\(weight.rawValue)"
      let main = Part(
        name: "payouts_allocated",
        comment:
          "payouts spread over tracking rows by \(weight.rawValue) (largest remainder, to the paisa)",
        // Left joined: a tracking row no payout is spread over is still a group, of ₹0.00
        // (as in memory: `payout by user` lists users of influencers paid nothing).
        sources: [
          SQLSource(table: "tracking_data", alias: "t"),
          SQLSource(
            .leftJoin, schema: derived, table: shares, alias: "s",
            on: .binary(
              "AND", .binary("=", .column("s", "influencer_id"), .column("t", "influencer_id")),
              .binary("=", .column("s", "tracking_row"), .column("t", "cq_row")))),
        ] + (needsInfluencer(dimensions, measures: []) ? [influencerJoin("t")] : []),
        carrier: { _ in "t" },
        measures: [(.payout, .call("sum", [.column("s", "share")]))])
      return [main, unattributedPart(dimensions: dimensions)]
    case .allocatedByPayout(let weight):
      let shares = "share_\(weight.rawValue)"
      let payouts = store.data.payouts
      let main = Part(
        name: "payouts_allocated",
        comment:
          "each payout spread over its tracking rows by \(weight.rawValue), keeping its own basis and status",
        sources: [
          SQLSource(schema: derived, table: shares, alias: "s"),
          SQLSource(
            .join, table: "payouts", alias: "p",
            on: .binary(
              "AND", .binary("=", .column("p", "influencer_id"), .column("s", "influencer_id")),
              .binary("=", .column("p", "cq_row"), .column("s", "payout_row")))),
          SQLSource(
            .join, table: "tracking_data", alias: "t",
            on: .binary(
              "AND", .binary("=", .column("t", "influencer_id"), .column("s", "influencer_id")),
              .binary("=", .column("t", "cq_row"), .column("s", "tracking_row")))),
        ] + (needsInfluencer(dimensions, measures: []) ? [influencerJoin("s")] : []),
        carrier: { d in
          if d.isInfluencerAttribute { return "s" }
          switch d {
          case .basis, .status: return "p"
          case .campaign: return payouts.has("campaign") ? "p" : "t"
          default: return "t"
          }
        },
        measures: [(.payout, .call("sum", [.column("s", "share")]))])
      return [main, unattributedPart(dimensions: dimensions)]
    }
  }

  /// Payouts whose influencer (and campaign) has no tracking rows: `(unattributed)` in every
  /// dimension payouts lack.
  func unattributedPart(dimensions: Set<Dimension>) -> Part {
    let payouts = store.data.payouts
    return Part(
      name: "payouts_unattributed",
      comment: "spend with no tracking rows to carry it: (unattributed)",
      sources: [
        SQLSource(table: "payouts", alias: "p"),
        SQLSource(
          .join, schema: derived, table: "unattributed", alias: "u",
          on: .binary(
            "AND", .binary("=", .column("u", "influencer_id"), .column("p", "influencer_id")),
            .binary("=", .column("u", "payout_row"), .column("p", "cq_row")))),
      ] + (needsInfluencer(dimensions, measures: []) ? [influencerJoin("p")] : []),
      carrier: { d in
        if d.isInfluencerAttribute { return "p" }
        switch d {
        case .basis: return "p"
        case .status: return payouts.has("status") ? "p" : nil
        case .campaign: return payouts.has("campaign") ? "p" : nil
        default: return nil
        }
      },
      measures: [(.payout, .call("sum", [.column("p", "total_payout")]))])
  }

  /// A part's CTE name: never a table's name, which it would hide from later parts.
  static func partName(_ fact: Fact) -> String {
    (fact == .tracking ? "tracking" : fact.rawValue) + "_agg"
  }

  /// The aggregate a measure is on a fact's rows (aliased `alias`).
  func measureExpression(_ m: Measure, alias f: String) -> SQLExpr {
    func col(_ c: String) -> SQLExpr { .column(f, c) }
    func sum(_ e: SQLExpr, filter: SQLExpr? = nil) -> SQLExpr { .call("sum", [e], filter: filter) }
    let firstDay = SQLExpr.binary("=", col("date"), .column("fp", "first_date"))
    switch m {
    case .revenue: return sum(col("revenue"))
    case .orders: return sum(col("orders"))
    case .conversions, .posts: return .call("count", [.star])
    case .customers: return .call("count", [col("user_id")], distinct: true)
    case .newCustomers: return .call("count", [col("user_id")], distinct: true, filter: firstDay)
    case .newRevenue: return sum(col("revenue"), filter: firstDay)
    case .reach: return sum(col("reach"))
    case .likes: return sum(col("likes"))
    case .comments: return sum(col("comments"))
    case .postFollowers: return sum(.column("i", "follower_count"))
    case .payout: return sum(col("total_payout"))
    case .paidPayout:
      return sum(col("total_payout"), filter: .binary("=", col("status"), .value("paid")))
    case .pendingPayout:
      return sum(col("total_payout"), filter: .binary("=", col("status"), .value("pending")))
    case .paidOrders: return sum(col("orders"), filter: .binary("=", col("basis"), .value("order")))
    case .orderGap: return sum(.column("g", "gap"))
    case .influencers:
      return .call("count", [col(f == "i" ? "id" : "influencer_id")], distinct: true)
    case .followers: return sum(.column("i", "follower_count"))
    }
  }

  static func measureColumn(_ m: Measure) -> String {
    switch m {
    case .influencers(let f), .followers(let f):
      "\(m.name)_\(f == .tracking ? "tracking" : f.rawValue)"
    default: m.name
    }
  }

  // MARK: - The query

  /// The SQL for `plan` at `grain` within `scope`; its result has one column per grain
  /// dimension (named as the dimension), then one per measure (``measureColumn(_:)``), then the
  /// metrics' formulas for people reading it.
  ///
  /// With `pushdown`, the plan's `having`, order and limit run on the database when they can
  /// (``pushdown(_:result:measures:)``; `pushed` says so), and the result has one more column,
  /// ``inexactColumn``.
  func query(
    _ plan: LogicalPlan, grain: [Dimension], scope: GroupScope, pushdown: Bool = false
  ) -> (SQLQuery, measures: [Measure], pushed: Bool) {
    var dims = Set(grain)
    if let f = plan.filter { dims.formUnion(f.dimensions) }
    var ctes: [(name: String, select: SQLSelect)] = []
    var partMeasures: [(part: String, measures: [Measure])] = []
    let grouped = scopeKeys(scope, grain: grain)
    func rowFilter(_ part: Part) -> SQLExpr? {
      var conditions: [SQLExpr] = []
      if let f = plan.filter { conditions.append(condition(f, in: part)) }
      if let g = grouped { conditions.append(g(part)) }
      return SQLExpr.and(conditions)
    }
    // Scoped to some groups: one row, the grain only in the row condition.
    let outGrain = grouped == nil ? grain : []
    let keyColumns = outGrain.map { $0.rawValue }
    var used: Set<String> = []
    for fp in plan.facts {
      for var part in parts(fp, dimensions: dims) {
        var name = part.name
        while used.contains(name) { name += "_" }
        used.insert(name)
        part.name = name
        let keys = outGrain.map { key($0, in: part) }
        var select = SQLSelect(
          columns: zip(keys, keyColumns).map { ($0, $1) }
            + part.measures.map { ($1, PlanLowering.measureColumn($0)) },
          sources: part.sources, filter: rowFilter(part), groupBy: keys)
        select.comment = part.comment
        ctes.append((name, select))
        partMeasures.append((name, part.measures.map(\.0)))
      }
      // Distinct influencers over every fact in scope.
      let audience = fp.measures.filter(\.isAudience)
      if !audience.isEmpty {
        var selects: [SQLSelect] = []
        for other in [fp.fact] + fp.audienceAlso {
          let alias = other == .influencers ? "i" : "f"
          var sources = [SQLSource(table: other.rawValue, alias: alias)]
          if other != .influencers, needsInfluencer(dims, measures: []) {
            sources.append(influencerJoin("f"))
          }
          let part = Part(
            name: "", comment: "", sources: sources, carrier: { _ in alias },
            measures: [])
          let keys = outGrain.map { key($0, in: part) }
          var select = SQLSelect(
            columns: zip(keys, keyColumns).map { ($0, $1) } + [
              (.column(alias, alias == "i" ? "id" : "influencer_id"), PlanLowering.audienceKey)
            ],
            sources: sources, filter: rowFilter(part))
          select.comment = "influencers with \(other.noun) in scope"
          selects.append(select)
        }
        var name = "audience"
        while used.contains(name) { name += "_" }
        used.insert(name)
        var rows = selects[0]
        rows.unionAll = Array(selects.dropFirst())
        ctes.append((name + "_rows", rows))
        var distinct = SQLSelect(
          columns: keyColumns.map { (.column("a", $0), $0) } + [
            (.column("a", PlanLowering.audienceKey), PlanLowering.audienceKey)
          ],
          sources: [SQLSource(table: name + "_rows", alias: "a")],
          groupBy: keyColumns.map { .column("a", $0) } + [.column("a", PlanLowering.audienceKey)])
        distinct.comment = "each influencer once per group"
        ctes.append((name + "_distinct", distinct))
        let measures: [(SQLExpr, String?)] = audience.map { m in
          if case .followers = m {
            return (.call("sum", [.column("i", "follower_count")]), PlanLowering.measureColumn(m))
          }
          return (.call("count", [.star]), PlanLowering.measureColumn(m))
        }
        let counted = SQLSelect(
          columns: keyColumns.map { (.column("d", $0), $0) } + measures,
          sources: [
            SQLSource(table: name + "_distinct", alias: "d"),
            SQLSource(
              .leftJoin, table: "influencers", alias: "i",
              on: .binary("=", .column("i", "id"), .column("d", PlanLowering.audienceKey))),
          ], groupBy: keyColumns.map { .column("d", $0) })
        ctes.append((name, counted))
        partMeasures.append((name, audience))
      }
    }
    var measureOrder: [Measure] = []
    for (_, ms) in partMeasures {
      for m in ms where !measureOrder.contains(m) { measureOrder.append(m) }
    }
    var columns: [(SQLExpr, String?)]
    var body: SQLSelect
    if partMeasures.count == 1, let only = partMeasures.first {
      // One part: its rows are the groups already (one per grain key).
      columns = keyColumns.map { (.column(only.part, $0), $0) }
      for m in measureOrder {
        let column = PlanLowering.measureColumn(m)
        columns.append((.call("coalesce", [.column(only.part, column), .integer(0)]), column))
      }
      body = SQLSelect(columns: [], sources: [SQLSource(table: only.part)])
    } else {
      // Every part's rows stacked, then summed per grain key: a hash aggregate, where a join on
      // the keys (which may be NULL for unknown or unattributed) would be a nested loop.
      var selects: [SQLSelect] = partMeasures.map { p in
        SQLSelect(
          columns: keyColumns.map { (.column(p.part, $0), $0) }
            + measureOrder.map { m in
              (
                p.measures.contains(m)
                  ? .cast(.column(p.part, PlanLowering.measureColumn(m)), "numeric")
                  : .cast(.keyword("NULL"), "numeric"),
                PlanLowering.measureColumn(m)
              )
            },
          sources: [SQLSource(table: p.part)])
      }
      var stacked = selects.removeFirst()
      stacked.unionAll = selects
      stacked.comment = "every part's sums, one after another"
      ctes.append(("parts", stacked))
      let keyExpressions: [SQLExpr] = keyColumns.map { .column("parts", $0) }
      columns = zip(keyExpressions, keyColumns).map { ($0, $1) }
      for m in measureOrder {
        let column = PlanLowering.measureColumn(m)
        columns.append(
          (.call("coalesce", [.call("sum", [.column("parts", column)]), .integer(0)]), column))
      }
      body = SQLSelect(columns: [], sources: [SQLSource(table: "parts")], groupBy: keyExpressions)
    }
    // The metrics as an analyst reads them (cq computes them from the sums above).
    let measureExpressions = Dictionary(
      uniqueKeysWithValues: zip(
        measureOrder, columns.suffix(measureOrder.count).map { SQLExpr.cast($0.0, "numeric") }))
    for pm in plan.metrics where pm.definition.special == nil {
      if let e = formula(pm.definition.formula, measureExpressions, audience: plan.audience) {
        let name = pm.header ?? pm.definition.name
        if !columns.contains(where: { $0.1 == name }) { columns.append((e, name)) }
      }
    }
    body.columns = columns
    guard pushdown, grouped == nil,
      let pushed = self.pushdown(plan, result: PlanLowering.groupsName, measures: measureOrder)
    else {
      return (SQLQuery(ctes: ctes, body: body), measureOrder, false)
    }
    // `having`, order and the first rows on the database: the groups above as one more CTE.
    body.comment = "the groups"
    ctes.append((PlanLowering.groupsName, body))
    var kept = SQLSelect(
      columns: [
        (.keyword(SQLRenderer.identifier(PlanLowering.groupsName) + ".*"), nil),
        (pushed.inexact ?? .keyword("FALSE"), PlanLowering.inexactColumn),
      ],
      sources: [SQLSource(table: PlanLowering.groupsName)], filter: pushed.filter)
    kept.comment =
      pushed.first == nil
      ? "having, on the database"
      : "having, then the first rows and every row tied with the last (cq orders them itself)"
    if let first = pushed.first {
      kept.orderBy =
        (pushed.inexact == nil
          ? []
          : [
            SQLOrder(.column(nil, PlanLowering.inexactColumn), descending: true, nullsFirst: false)
          ])
        + pushed.order
      kept.firstWithTies = first
    }
    return (SQLQuery(ctes: ctes, body: kept), measureOrder, true)
  }

  /// The CTE holding the groups when `having`, order and limit run on the database.
  static let groupsName = "cq_groups"
  /// The column that marks a group whose metrics cq would not compute in whole numbers.
  static let inexactColumn = "cq_inexact"

  /// A metric's formula over the summed measures: ratios in double precision, NULL for ÷ 0.
  func formula(_ f: Formula, _ measures: [Measure: SQLExpr], audience: Fact) -> SQLExpr? {
    switch f {
    case .measure(let m):
      var key = m
      if case .influencers = m { key = .influencers(audience) }
      if case .followers = m { key = .followers(audience) }
      return measures[key] ?? .integer(0)
    case .constant(let c):
      return .keyword(c == c.rounded() && abs(c) < 1e15 ? String(Int64(c)) : "\(c)")
    case .add(let a, let b): return binary("+", a, b, measures, audience)
    case .subtract(let a, let b): return binary("-", a, b, measures, audience)
    case .multiply(let a, let b): return binary("*", a, b, measures, audience)
    case .divide(let a, let b):
      guard let x = formula(a, measures, audience: audience),
        let y = formula(b, measures, audience: audience)
      else { return nil }
      return .binary("/", .cast(x, "double precision"), .call("nullif", [y, .integer(0)]))
    case .metric(let name):
      guard let m = catalog.metric(named: name) else { return nil }
      return formula(m.formula, measures, audience: audience)
    }
  }

  private func binary(
    _ op: String, _ a: Formula, _ b: Formula, _ measures: [Measure: SQLExpr], _ audience: Fact
  ) -> SQLExpr? {
    guard let x = formula(a, measures, audience: audience),
      let y = formula(b, measures, audience: audience)
    else { return nil }
    return .binary(op, x, y)
  }

  /// For `(other)` and the totals of the rows shown: a row condition on the grain keys.
  func scopeKeys(_ scope: GroupScope, grain: [Dimension]) -> ((Part) -> SQLExpr)? {
    let keys: Set<[Int32]>
    let keep: Bool
    switch scope {
    case .each: return nil
    case .except(let k): (keys, keep) = (k, false)
    case .only(let k): (keys, keep) = (k, true)
    }
    let spaces = grain.map { store.space($0, tiers: tiers) }
    return { part in
      let tuples: [SQLExpr] = keys.sorted { $0.lexicographicallyPrecedes($1) }.compactMap { codes in
        SQLExpr.and(
          codes.enumerated().map { i, code in
            let d = grain[i]
            let k = key(d, in: part)
            if code == spaces[i].unknown { return .isNull(k, negated: false) }
            if code == spaces[i].unattributed {
              return PlanLowering.isText(d)
                ? .binary("=", k, .value(PlanLowering.unattributedText))
                : .isNull(k, negated: false)
            }
            if let grain = d.timeGrain {
              let base = store.timeBase(grain)
              let value = base + Int64(code)
              let day: Int64 =
                grain == .weekday ? value + 4 : (TimeCodes.period(value, grain)?.lowerBound ?? 0)
              return .binary("=", k, .integer(day))
            }
            if d == .tier { return .binary("=", k, .integer(Int64(code))) }
            return .binary("=", k, .value(valueText(d, code: code) ?? ""))
          })
      }
      let any = SQLExpr.or(tuples) ?? .keyword("FALSE")
      // A NULL comparison is unknown, not false: coalesce so NOT keeps those rows.
      let known = SQLExpr.call("coalesce", [any, .keyword("FALSE")])
      return keep ? known : .not(known)
    }
  }
}

extension Store {
  /// The dictionary a text dimension's values come from: what `space(_:)` labels and what a
  /// SQL engine's key columns hold.
  func valueDictionary(_ d: Dimension) -> StringDictionary? {
    func dict(_ table: Table, _ column: String) -> StringDictionary? {
      table.has(column) ? table.strings(column).dictionary : nil
    }
    switch d {
    case .influencer, .influencerID: return influencerIDs
    case .category, .gender, .platform: return dict(data.influencers, d.rawValue)
    case .postPlatform: return dict(data.posts, "platform")
    case .campaign:
      for t in [data.tracking, data.payouts, data.posts] where t.has("campaign") {
        return dict(t, "campaign")
      }
      return nil
    case .brand, .product, .source: return dict(data.tracking, d.rawValue)
    case .user: return dict(data.tracking, "user_id")
    case .basis, .status: return dict(data.payouts, d.rawValue)
    case .tier, .day, .week, .month, .quarter, .year, .weekday: return nil
    }
  }
}
