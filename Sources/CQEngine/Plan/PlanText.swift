import CQLanguage

/// The logical plan as stable text (`explain plan QUERY`): one step per line, each step above
/// the steps it reads, as DataFusion and DuckDB print theirs.
///
/// ```
/// Sort: roas desc (default)
///   Project: roas = revenue / payout
///     Join: on campaign (each fact aggregated on its own, no fan-out)
///       Aggregate tracking_data by campaign: revenue = sum(revenue)
///         Filter: brand in ('MuscleBlaze')
///       Aggregate payouts by campaign: payout = sum(total_payout)
///         Allocate: each payout over its influencer's tracking rows by orders (payouts carry no brand)
///         Filter: brand in ('MuscleBlaze')
/// ```
///
/// Filters are printed with the literal values they allow, read from the catalogue's value
/// domains, so the text is the same on every engine and names no row or code of a store.
struct PlanText {
  let plan: LogicalPlan
  let catalogue: any Catalogue
  /// At most this many values of a filter are listed; the rest are counted.
  static let shownValues = 8

  /// The plan, top step first.
  var text: String {
    var lines: [String] = []
    var depth = 0
    func add(_ line: String) {
      lines.append(String(repeating: "  ", count: depth) + line)
      depth += 1
    }
    if let limit = plan.limit {
      let other = plan.withOther ? "; the rest summed as (other)" : ""
      if let rank = plan.rank {
        add("Limit: the first \(limit) by \(keys(rank))\(other)")
      } else {
        add("Limit: \(limit)\(other)")
      }
    }
    let sortKeys = Engine.sortKeys(plan)
    if !plan.dimensions.isEmpty, !sortKeys.isEmpty {
      add(
        "Sort: \(keys(sortKeys))\(plan.order.isEmpty ? " (default)" : ""); ties by labels, (unattributed) last"
      )
    }
    if let having = plan.having { add("Having: \(text(having))") }
    if plan.needsTotals { add("Totals: the ungrouped row under the same filters") }
    let metrics = plan.metrics.map { pm in
      "\(pm.definition.name) = \(formula(pm.definition))" + (pm.visible ? "" : " (not shown)")
    }
    add("Project: " + metrics.joined(separator: ", "))
    let grain =
      plan.dimensions.isEmpty ? "" : plan.dimensions.map(\.rawValue).joined(separator: ", ")
    let to = grain.isEmpty ? "to one row" : "by " + grain
    let lift = plan.metrics.contains { $0.definition.liftMetric != nil }
    if plan.facts.count > 1 || (lift && !plan.facts.isEmpty) {
      add(
        grain.isEmpty
          ? "Join: the one-row aggregates side by side"
          : "Join: on \(grain) (each fact aggregated on its own, no fan-out)")
    }
    let factDepth = depth
    for fp in plan.facts {
      depth = factDepth
      let measures = fp.measures.map { "\($0.name) = \(PlanText.definition($0))" }
      add("Aggregate \(fp.fact.rawValue) \(to): " + measures.joined(separator: ", "))
      let step = depth
      switch fp.mode {
      case .direct: break
      case .allocated(let w), .allocatedByPayout(let w):
        let key =
          catalogue.hasColumn("campaign", in: "payouts")
          ? "influencer's and campaign's" : "influencer's"
        let because = fp.allocatedBecause.map(\.rawValue).joined(separator: ", ")
        let own = fp.mode == .allocatedByPayout(w) ? ", keeping each payout's basis and status" : ""
        lines.append(
          String(repeating: "  ", count: step)
            + "Allocate: each payout over its \(key) tracking rows by \(w.rawValue)\(own) (payouts carry no \(because))"
        )
      }
      if !fp.audienceAlso.isEmpty {
        lines.append(
          String(repeating: "  ", count: step)
            + "Union: the influencers of \(fp.audienceAlso.map(\.rawValue).joined(separator: ", ")) under the same filters"
        )
      }
      if let filter = plan.filter {
        lines.append(String(repeating: "  ", count: step) + "Filter: " + text(filter))
      }
    }
    if lift {
      depth = factDepth
      add(
        "Lift: store_orders by brand and day, difference-in-differences around post dates, shared among posts \(to)"
      )
      if let filter = plan.filter {
        lines.append(String(repeating: "  ", count: depth) + "Filter: " + text(filter))
      }
    }
    if plan.dimensions.contains(.tier) {
      lines.append("-- tiers: \(plan.tiers.description) followers")
    }
    return lines.joined(separator: "\n")
  }

  private func keys(_ keys: [(key: SortKey, descending: Bool)]) -> String {
    keys.map { k in
      let name: String =
        switch k.key {
        case .dimension(let i): plan.dimensions[i].rawValue
        case .metric(let i): plan.metrics[i].definition.name
        }
      return "\(name) \(k.descending ? "desc" : "asc")"
    }.joined(separator: ", ")
  }

  private func text(_ h: BoundHaving) -> String {
    switch h {
    case .compare(let i, let op, let value):
      "\(plan.metrics[i].definition.name) \(op.rawValue) \(PlanText.number(value))"
    case .and(let a, let b): "\(text(a)) and \(text(b))"
    case .or(let a, let b): "(\(text(a)) or \(text(b)))"
    case .not(let a): "not (\(text(a)))"
    }
  }

  /// A condition with each leaf as the literal values it allows.
  func text(_ c: BoundCondition) -> String {
    switch c {
    case .leaf(let dim, let allowed, _): leaf(dim, allowed)
    case .and(let a, let b): "\(text(a)) and \(text(b))"
    case .or(let a, let b): "(\(text(a)) or \(text(b)))"
    case .not(let a): "not (\(text(a)))"
    }
  }

  private func leaf(_ dim: Dimension, _ allowed: [Bool]) -> String {
    let space = catalogue.space(dim, tiers: plan.tiers)
    let codes = allowed.indices.filter { allowed[$0] }.map { Int32($0) }
    if codes.isEmpty { return "false (no \(dim.rawValue) allowed)" }
    if codes.count == allowed.count { return "true (every \(dim.rawValue))" }
    if dim.isPeriod {
      // Runs of periods as ranges: `week in [2025-06-02 .. 2025-06-30]`.
      var runs: [String] = []
      var start = codes[0]
      var previous = codes[0]
      func close() {
        let a = space.labelFor(start)
        let b = space.labelFor(previous)
        runs.append(start == previous ? a : "\(a) .. \(b)")
      }
      for code in codes.dropFirst() {
        if code == previous + 1, code < space.unknown {
          previous = code
          continue
        }
        close()
        start = code
        previous = code
      }
      close()
      return "\(dim.rawValue) in [\(runs.joined(separator: ", "))]"
    }
    // The shorter of the two lists: the values allowed or the values refused.
    let refused = allowed.indices.filter { !allowed[$0] }.map { Int32($0) }
    let (word, list) = codes.count <= refused.count ? ("in", codes) : ("not in", refused)
    var shown = list.prefix(PlanText.shownValues).map { PlanText.quoted(space.labelFor($0)) }
    if list.count > PlanText.shownValues {
      shown.append("… \(list.count - PlanText.shownValues) more")
    }
    return "\(dim.rawValue) \(word) (\(shown.joined(separator: ", ")))"
  }

  private func formula(_ m: MetricDefinition) -> String {
    switch m.special {
    case .lift(let lift):
      return lift.usesPayout
        ? "\(lift.rawValue) (lift_revenue / payout)"
        : "\(lift.rawValue) (estimated from store_orders)"
    case .score: return "score (percentile ranks over the whole data set)"
    case .roasDelta: return "revenue / payout - (revenue / payout of the totals)"
    case .share(let base): return "\(base) / (\(base) of the totals)"
    case .change(let base): return "\(base) / (\(base) of the previous period) - 1"
    case nil: return PlanText.text(m.formula, top: true)
    }
  }

  /// A formula over the measures' names, parenthesised only where needed.
  static func text(_ f: Formula, top: Bool = false) -> String {
    let s: String
    switch f {
    case .measure(let m): return m.name
    case .constant(let c): return number(c)
    case .metric(let n): return n
    case .add(let a, let b): s = "\(text(a)) + \(text(b))"
    case .subtract(let a, let b): s = "\(text(a)) - \(text(b, top: false))"
    case .multiply(let a, let b): s = "\(factor(a)) * \(factor(b))"
    case .divide(let a, let b): s = "\(factor(a)) / \(factor(b))"
    }
    return top ? s : "(\(s))"
  }

  private static func factor(_ f: Formula) -> String {
    switch f {
    case .multiply, .divide: String(text(f, top: true))
    default: text(f)
    }
  }

  static func number(_ d: Double) -> String {
    d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
  }

  static func quoted(_ label: String) -> String {
    "'" + label.replacingOccurrences(of: "'", with: "''") + "'"
  }

  /// What a measure adds up, over its fact's rows.
  static func definition(_ m: Measure) -> String {
    switch m {
    case .revenue: "sum(revenue)"
    case .orders: "sum(orders)"
    case .conversions: "count(*)"
    case .customers: "count(distinct user_id)"
    case .newCustomers: "count(distinct user_id) on each user's first purchase date"
    case .newRevenue: "sum(revenue) on each user's first purchase date"
    case .posts: "count(*)"
    case .reach: "sum(reach)"
    case .likes: "sum(likes)"
    case .comments: "sum(comments)"
    case .postFollowers: "sum(follower_count of the post's author)"
    case .payout: "sum(total_payout)"
    case .paidPayout: "sum(total_payout) where status = 'paid'"
    case .pendingPayout: "sum(total_payout) where status = 'pending'"
    case .paidOrders: "sum(orders) where basis = 'order'"
    case .orderGap: "sum(paid orders - tracked orders of the payout's influencer and campaign)"
    case .influencers: "count(distinct influencer_id)"
    case .followers: "sum(follower_count) over distinct influencer_id"
    }
  }
}

extension Engine {
  /// `explain plan QUERY`: the logical plan as stable text (``PlanText``), the same on every
  /// engine.
  public func explainPlan(_ query: QueryStmt, source: String) throws(DiagnosticsError) -> String {
    let plan = try bind(try Engine.withAcross(query, source: source), source: source)
    return PlanText(plan: plan, catalogue: store).text
  }
}
