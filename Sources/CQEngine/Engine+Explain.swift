import CQLanguage
import CQStorage

extension Engine {
  /// `explain QUERY`: the plan in the analyst's words, with the actual figures.
  ///
  /// ```
  /// explain roas by campaign where brand=MuscleBlaze
  /// ```
  public func explain(_ query: QueryStmt, source: String) throws(DiagnosticsError) -> Prose {
    let plan = try bind(try Engine.withAcross(query, source: source), source: source)
    // Figures: the whole scope (grain removed), with row counts per fact.
    var scoped = plan
    for i in scoped.facts.indices {
      switch scoped.facts[i].fact {
      case .tracking:
        for m in [Measure.conversions, .orders, .revenue]
        where !scoped.facts[i].measures.contains(m) {
          scoped.facts[i].measures.append(m)
        }
      case .posts: scoped.facts[i].measures.append(.posts)
      case .payouts:
        if !scoped.facts[i].measures.contains(.payout) { scoped.facts[i].measures.append(.payout) }
      case .influencers: break
      }
    }
    let totals = try aggregate(scoped, grain: []).first?.measures ?? [:]
    var groupCount = plan.dimensions.isEmpty ? 1 : try aggregate(plan, grain: plan.dimensions).count
    let usesLift = plan.metrics.contains { $0.definition.liftMetric != nil }
    let lift =
      usesLift
      ? liftModel().map {
        $0.aggregate(grain: plan.dimensions, filter: plan.filter, store: store, tiers: plan.tiers)
      } : nil
    if let lift, !plan.dimensions.isEmpty {
      let known = Set(try aggregate(plan, grain: plan.dimensions).map(\.codes))
      groupCount = known.union(lift.groups.keys).count
    }
    var lines: [Prose] = []
    let grain =
      plan.dimensions.isEmpty
      ? "one row (no 'by')" : plan.dimensions.map(\.rawValue).joined(separator: " × ")
    // Headline per metric.
    for pm in plan.metrics where pm.visible {
      if let metric = pm.definition.liftMetric, let lift {
        let value = Engine.value(metric, lift.total, payout: totals[.payout] ?? 0)
        let shown: Prose =
          lift.total == nil ? "– (no estimate)" : Engine.figure(value, format: pm.definition.format)
        var text: Prose = "\(metric.rawValue) = \(shown)"
        if metric == .revenue { text += " (95% interval \(LiftModel.interval(lift.total)))" }
        if metric.usesPayout {
          text +=
            " = lift_revenue \(lift.total.map { LiftModel.rupees($0.lift) } ?? "–") ÷ \(money: totals[.payout] ?? 0) payout"
        }
        lines.append(
          text
            + (plan.dimensions.isEmpty
              ? "" : " in \(grouped: groupCount) \(grain) group\(groupCount == 1 ? "" : "s")"))
        continue
      }
      lines.append(headline(pm.definition, totals: totals, plan: plan, groups: groupCount))
    }
    lines.append("")
    if let sessionFilter {
      lines.append("session filter: use \(sessionFilter) (every query until 'use none')")
    }
    lines.append("How cq answers it")
    var step = 1
    let filterText = plan.filter.map { "rows where \($0.text)" }
    for fp in plan.facts {
      var line: Prose =
        "\(step). \(fp.fact.rawValue) (\(count: Int64(rowCount(of: store.table(fp.fact)))) rows): "
      if let filterText {
        if fp.mode == .direct {
          line += "keep \(filterText)" + scopeCount(fp.fact, totals) + "; "
        } else {
          line += "keep the payout shares carried by tracking \(filterText); "
        }
      }
      let names = fp.measures.map(measureName).joined(separator: ", ")
      line += "aggregate \(names) to \(grain) on its own"
      if !fp.audienceAlso.isEmpty, fp.measures.contains(where: \.isAudience) {
        let others = fp.audienceAlso.map { f -> Prose in
          "\(f.rawValue) (\(count: Int64(rowCount(of: store.table(f)))) rows)"
        }
        line +=
          "; distinct influencers also count the rows of \(Prose.joined(others, separator: " and ")), so an influencer is in scope wherever they were tracked, posted or were paid"
      }
      switch fp.mode {
      case .direct: break
      case .allocated(let w), .allocatedByPayout(let w):
        let because = fp.allocatedBecause.map { "'\($0.rawValue)'" }.joined(separator: " and ")
        let key =
          store.data.payouts.has("campaign") ? "influencer's and campaign's" : "influencer's"
        line +=
          ". Payouts carry no \(because), so each payout is spread over its \(key) tracking rows in proportion to their \(w.rawValue) (weights over all rows, before filters; shares rounded to whole paise by largest remainder)"
        let filtered =
          plan.filter.map { f in !f.dimensions.allSatisfy { store.carries(.payouts, $0) } } ?? false
        let (count, amount) = try unattributedPayouts(plan, filtered: filtered, weight: w)
        if count > 0 {
          line +=
            "; \(money: amount) of payouts (\(grouped: count) row\(count == 1 ? "" : "s")) \(count == 1 ? "has" : "have") no tracking rows to carry \(count == 1 ? "it" : "them")"
          line +=
            filtered
            ? " and \(count == 1 ? "is" : "are") dropped by the filter"
            : " and show\(count == 1 ? "s" : "") as (unattributed)"
        }
      }
      lines.append(line)
      step += 1
    }
    if usesLift, let model = liftModel() {
      lines.append("\(step). " + Prose.joined(model.explainLines(store: store), separator: "\n"))
      step += 1
    }
    if plan.facts.count > 1 || (usesLift && !plan.facts.isEmpty) {
      lines.append(
        "\(step). join the facts on \(grain): each was aggregated first, so no payout or post is counted once per order row (no fan-out)"
      )
      step += 1
    }
    for pm in plan.metrics {
      let d = pm.definition
      var text: Prose = "\(step). \(d.name) = \(d.formulaText)"
      if d.formulaText.contains("/") || d.special == .roasDelta {
        text += " per group — a ratio of sums, never a mean of per-row ratios"
      }
      if Engine.countsFirstPurchases(d, in: catalog) {
        text +=
          ". Heuristic: a customer's first purchase (over all data) is counted as new; they might have bought anyway"
      }
      if !pm.visible { text += " (used by having/order by)" }
      lines.append(text)
      step += 1
    }
    if plan.having != nil {
      lines.append("\(step). keep groups that pass 'having'")
      step += 1
    }
    func keysText(_ keys: [(key: SortKey, descending: Bool)]) -> String {
      keys.map { k in
        switch k.key {
        case .dimension(let i): "\(plan.dimensions[i].rawValue) \(k.descending ? "desc" : "asc")"
        case .metric(let i): "\(plan.metrics[i].definition.name) \(k.descending ? "desc" : "asc")"
        }
      }.joined(separator: ", ")
    }
    let cut = plan.limit.map {
      "first \($0) rows" + (plan.withOther ? ", the rest summed as (other)" : "")
    }
    var order = "default order: "
    if let rank = plan.rank, let cut {
      // `top N … order by`: the rows are picked by rank, then shown in the order asked for.
      order = "pick by \(keysText(rank)), \(cut); show them ordered by \(keysText(plan.order))"
    } else {
      if plan.order.isEmpty {
        let times = plan.dimensions.filter { $0.timeGrain != nil }.map(\.rawValue)
        order += (times.isEmpty ? "" : times.joined(separator: ", ") + " ascending, then ")
        order +=
          "\(plan.metrics.first { $0.visible }?.definition.name ?? "first metric") descending"
      } else {
        order = "order by " + keysText(plan.order)
      }
      if let cut { order += "; " + cut }
    }
    lines.append("\(step). \(order); \(grouped: groupCount) group\(groupCount == 1 ? "" : "s")")
    if plan.dimensions.contains(.tier) {
      lines.append("tiers: \(plan.tiers.description) followers")
    }
    return Prose.joined(lines, separator: "\n")
  }

  /// Whether `m` stands on first purchases (new_customers, incremental_*, cac and metrics
  /// defined on them): `explain` and `describe` say the heuristic.
  static func countsFirstPurchases(_ m: MetricDefinition, in catalog: MetricCatalog) -> Bool {
    m.formula.measures(in: catalog).contains { $0 == .newCustomers || $0 == .newRevenue }
  }

  /// The unattributed payout rows that pass a filter on payout dimensions (all of them when
  /// there is no filter): the ones the result shows as `(unattributed)`.
  ///
  /// - Complexity: O(*u*) in the unattributed payout rows.
  func unattributedRows(_ rows: [Int32], passing filter: BoundCondition?, tiers: Tiers) -> [Int32] {
    guard let filter, !rows.isEmpty else { return rows }
    let segment = Segment(count: rows.count, codes: [:])
    for d in filter.dimensions {
      let all = store.codes(.payouts, d, tiers: tiers)
      segment.codes[d] = ContiguousArray(rows.map { all[Int($0)] })
    }
    let mask = Aggregator.evaluateFilter(filter, segment)
    return rows.indices.filter { mask[$0] != 0 }.map { rows[$0] }
  }

  func scopeCount(_ fact: Fact, _ totals: [Measure: Int64]) -> Prose {
    switch fact {
    case .tracking: " (\(count: totals[.conversions] ?? 0) rows)"
    case .posts: " (\(count: totals[.posts] ?? 0) posts)"
    default: ""
    }
  }

  func measureName(_ m: Measure) -> String {
    switch m {
    case .revenue: "revenue"
    case .orders: "orders"
    case .conversions: "conversions"
    case .customers: "distinct users"
    case .newCustomers: "distinct first-time users"
    case .newRevenue: "revenue on first purchase dates"
    case .posts: "post count"
    case .reach: "reach"
    case .likes: "likes"
    case .comments: "comments"
    case .postFollowers: "author followers per post"
    case .payout: "total_payout"
    case .paidPayout: "paid total_payout"
    case .pendingPayout: "pending total_payout"
    case .paidOrders: "order-basis paid orders"
    case .orderGap: "paid minus tracked orders"
    case .influencers: "distinct influencers"
    case .followers: "followers of distinct influencers"
    }
  }

  /// "ROAS = ₹4.1L revenue ÷ ₹1.3L payout over 212 orders in 3 campaigns".
  func headline(_ m: MetricDefinition, totals: [Measure: Int64], plan: LogicalPlan, groups: Int)
    -> Prose
  {
    let executor = Executor(store: store, catalog: catalog)
    let value = Executor.value(
      executor.evaluate(m.formula, totals, audience: plan.audience), format: m.format)
    let scope: Prose = {
      var parts: [Prose] = []
      if let orders = totals[.orders] {
        parts.append("\(count: orders) tracked order\(orders == 1 ? "" : "s")")
      }
      if let posts = totals[.posts] { parts.append("\(count: posts) posts") }
      let by: Prose =
        plan.dimensions.isEmpty
        ? ""
        : " in \(grouped: groups) \(plan.dimensions.map(\.rawValue).joined(separator: " × "))\(groups == 1 ? "" : " groups")"
      return parts.isEmpty ? by : " over " + Prose.joined(parts, separator: " and ") + by
    }()
    let upper =
      m.name == "roas" || m.name == "roi" || m.name == "aov" || m.name == "cac" || m.name == "cpe"
        || m.name == "cpm"
      ? m.name.uppercased() : m.name
    var text: Prose
    func part(_ f: Formula) -> Prose {
      "\(Engine.figure(Executor.value(executor.evaluate(f, totals, audience: plan.audience), format: formatOf(f)), format: .integer)) \(nameOf(f))"
    }
    switch m.formula {
    case .divide(let a, let b) where m.special == nil:
      text =
        "\(upper) = \(part(a)) ÷ \(part(b)) = \(Engine.figure(value, format: m.format))\(scope)"
    case .multiply(.divide(let a, let b), .constant(let k)) where m.special == nil:
      // cpm: payout ÷ reach × 1000.
      text =
        "\(upper) = \(part(a)) ÷ \(part(b)) × \(Engine.constant(k)) = \(Engine.figure(value, format: m.format))\(scope)"
    case _ where m.special?.base != nil:
      // A percent per row against another row (the total, the previous period): the total's
      // own figure is the base metric's.
      let baseFormat = m.special?.base.flatMap { catalog.metric(named: $0)?.format } ?? .decimal
      let base = Engine.figure(
        Executor.value(
          executor.evaluate(m.formula, totals, audience: plan.audience), format: baseFormat),
        format: baseFormat)
      text = "\(m.name) = \(m.formulaText) (a percent per row; \(base) in all)\(scope)"
    case _ where m.special == .score:
      // A score ranks influencers against each other: there is no total to quote.
      text = "score = \(m.formulaText), per influencer over the whole data set (no total)\(scope)"
    default:
      text = "\(upper) = \(m.formulaText) = \(Engine.figure(value, format: m.format))\(scope)"
    }
    if let payoutPlan = plan.facts.first(where: { $0.fact == .payouts }),
      !payoutPlan.allocatedBecause.isEmpty,
      m.formula.measures(in: catalog).contains(.payout) || m.special == .roasDelta
    {
      let because = payoutPlan.allocatedBecause.map(\.rawValue).joined(separator: " and ")
      text +=
        "; payout spread over \(plan.facts.first { $0.fact == .payouts }.map { if case .allocated(let w) = $0.mode { w.rawValue } else if case .allocatedByPayout(let w) = $0.mode { w.rawValue } else { "orders" } } ?? "orders") because \(because) \(payoutPlan.allocatedBecause.count == 1 ? "is not a payout column" : "are not payout columns")"
    }
    return text
  }

  func formatOf(_ f: Formula) -> ValueFormat {
    switch f {
    case .measure(let m): m.isMoney ? .money : .integer
    case .metric(let n): catalog.metric(named: n)?.format ?? .decimal
    case .add(let a, _), .subtract(let a, _): formatOf(a)
    default: .decimal
    }
  }

  func nameOf(_ f: Formula) -> String {
    switch f {
    case .measure(let m):
      switch m {
      case .newRevenue: "new-customer revenue"
      case .newCustomers: "new customers"
      case .postFollowers: "author followers"
      case .payout: "payout"
      default: measureName(m)
      }
    case .metric(let n): n
    case .add(.measure(.likes), .measure(.comments)): "engagements"
    case .subtract(.measure(.revenue), .measure(.payout)): "profit"
    default: "(…)"
    }
  }

  /// A figure in a sentence: short money and counts (`₹4.1L`, `1.2 lakh`), ratios and rates
  /// as tables show them; no value is said to be one.
  static func figure(_ v: Value, format: ValueFormat = .integer) -> Prose {
    switch v {
    case .empty: return "\(brief: .empty, format) (no value: division by zero)"
    case _ where format == .money && isBeyondExactRange(v, format: .money):
      return "\(brief: v, .money) (beyond the exact range)"
    default: return "\(brief: v, format)"
    }
  }

  /// A formula's constant as written (`1000`, `1.50`).
  static func constant(_ k: Double) -> Prose {
    k.isFinite && k == k.rounded() && abs(k) < 9e15 ? "\(Int(k))" : Prose([.raw(.number(k))])
  }

  // MARK: - describe

  /// `describe NAME`: a metric, dimension or table — formula, source, reachable dimensions,
  /// an example query and its first rows.
  public func describe(_ name: NameRef, source: String) throws(DiagnosticsError) -> Prose {
    let binder = Binder(
      catalogue: store, catalog: catalog, segments: segments, settings: settings, source: source)
    if let m = catalog.metric(named: name.text) {
      // The catalogue's declaration: name, aliases, formula, summary, family, caveats, example.
      let aliases = catalog.aliases(of: m.name)
      var lines: [Prose] = [
        "metric \(m.name)\(aliases.isEmpty ? "" : " (alias \(aliases.joined(separator: ", ")))")",
        "  formula: \(m.formulaText)", "  meaning: \(m.summary)", "  family:  \(m.family)",
        "  from:    \(factsText(m))",
      ]
      let caveat: Prose? = m.caveats.map { "  caveat:  \($0)" }
      if let lift = m.liftMetric, let model = liftModel() {
        let dims = LiftModel.dimensions.filter { model.answers(by: $0) }
        lines.append(
          "  by:      \(dims.map(\.rawValue).joined(separator: ", ")) (what a post carries, its brand, the day)"
        )
        if lift.usesPayout {
          lines.append(
            "  payout:  at the same grain; by brand or time it is spread over tracking rows in proportion to \(settings.allocation.rawValue), as for roas"
          )
        }
        if let caveat { lines.append(caveat) }
        lines.append(
          "  method:  " + Prose.joined(model.explainLines(store: store), separator: "\n  "))
        lines += example([m.example, "\(m.name) by brand"], source: source)
        return Prose.joined(lines, separator: "\n")
      }
      let facts = Set(m.formula.measures(in: catalog).map(\.fact))
      var dims = Dimension.allCases.filter { d in
        facts.allSatisfy { f in
          f == .influencers
            ? true
            : (binder.catalogue.carries(f, d)
              || (f == .payouts && binder.catalogue.payoutsReachByAllocation(d)))
        }
      }
      if m.special == .score { dims = [.influencer, .influencerID] }
      let native = m.formula.measures(in: catalog).contains { $0.isPayoutNative }
      if native { dims = dims.filter { store.carries(.payouts, $0) } }
      lines.append("  by:      \(dims.map(\.rawValue).joined(separator: ", "))")
      if facts.contains(.payouts), !native {
        let spread = dims.filter { !store.carries(.payouts, $0) }.map(\.rawValue)
        if !spread.isEmpty {
          lines.append(
            "  allocation: by \(spread.joined(separator: ", ")) the payout is spread over tracking rows in proportion to \(settings.allocation.rawValue) (set allocation); spend with no tracking rows shows as (unattributed)"
          )
        }
      }
      if native { lines.append("  never spread over orders: answers only by what payouts carry") }
      if let caveat { lines.append(caveat) }
      if Engine.countsFirstPurchases(m, in: catalog) {
        lines.append(
          "  method: a customer is new in the group that holds their first purchase over the whole data set; revenue on that first purchase date counts as incremental."
        )
        lines.append(
          "  assumption: those customers would not have bought without the influencer — a heuristic, not measured lift "
            + (store.data.storeOrders != nil
              ? "(store_orders.csv is loaded: iroas and lift_revenue measure it; see 'describe iroas')"
              : "(true incrementality needs store_orders.csv)"))
      }
      let exampleDim =
        m.special == .score
        ? "influencer" : (dims.contains(.campaign) ? "campaign" : dims.first?.rawValue ?? "")
      let fallback =
        m.special == .score
        ? "top 5 influencer by score"
        : "\(m.name)\(exampleDim.isEmpty ? "" : " by \(exampleDim)") limit 5"
      lines += example([m.example, fallback], source: source)
      // `influencers` and `posts` name a table too.
      if let t = store.data.table(named: name.text) { lines += [""] + describe(table: t) }
      return Prose.joined(lines, separator: "\n")
    }
    if let d = Dimension.named(name.text) {
      let space = store.space(d, tiers: settings.tiers)
      let values = (0..<min(space.count, 8)).map { space.label(Int32($0)) }
      var lines: [Prose] = [
        "dimension \(d.rawValue)", "  meaning: \(d.summary)",
        "  carried by: \(Fact.allCases.filter { $0 != .influencers && store.carries($0, d) }.map(\.rawValue).joined(separator: ", "))",
        "  values:  \(space.count) — \(values.joined(separator: ", "))\(space.count > 8 ? ", …" : "")",
      ]
      if store.payoutsReachByAllocation(d) {
        lines.append("  payouts reach it by allocation (spread over tracking rows)")
      }
      if d == .tier { lines.append("  tiers: \(settings.tiers.description) followers") }
      let metric =
        store.carries(.tracking, d) ? "revenue" : (store.carries(.posts, d) ? "posts" : "payout")
      let example = "\(metric) by \(d.rawValue) limit 5"
      lines.append("  example: \(example)")
      lines.append(contentsOf: exampleRows(example, source: source))
      return Prose.joined(lines, separator: "\n")
    }
    if let t = store.data.table(named: name.text) {
      return Prose.joined(describe(table: t), separator: "\n")
    }
    if let s = segments[name.key] { return "segment \(s.name) = \(s.text)" }
    let all =
      catalog.names + Dimension.allCases.map(\.rawValue) + store.data.tables.map(\.name)
      + segments.keys.sorted()
    let guess = closestName(to: name.text, among: all)
    throw DiagnosticsError(
      diagnostics: [
        Diagnostic(
          id: "sema.unknownName", phase: .model,
          message: "nothing named '\(name.text)'"
            + (guess.map { "; did you mean '\($0)'?" }
              ?? "; try 'show metrics', 'show dimensions' or 'show tables'"),
          range: name.range, fixIts: guess.map { [FixIt(range: name.range, replacement: $0)] } ?? []
        )
      ], source: source)
  }

  /// A table: its columns and kinds, the dimensions its rows carry, and its first rows.
  func describe(table t: Table) -> [Prose] {
    let place = postgres.map { " in \($0.connection.place)" } ?? t.path.map { " from \($0)" } ?? ""
    var lines: [Prose] = ["table \(t.name): \(count: Int64(rowCount(of: t))) rows\(place)"]
    for c in t.columnNames { lines.append("  \(c): \(t.columns[c]?.kind.rawValue ?? "")") }
    if let fact = Fact.allCases.first(where: { store.table($0).name == t.name }) {
      let carried = Dimension.allCases.filter {
        fact == .influencers ? $0.isInfluencerAttribute : store.carries(fact, $0)
      }
      lines.append("  by:      \(carried.map(\.rawValue).joined(separator: ", "))")
    }
    lines.append("  example: sample \(t.name) 3")
    let origin = SourceLocation(line: 1, column: 1, offset: 0)
    if let rows = try? sample(NameRef(text: t.name, range: origin..<origin), count: 3, source: "") {
      // Raw values as in the file (money and rates with their two decimals), text cut short.
      func raw(_ v: Value) -> Prose {
        guard case .text(let s) = v else { return Prose([.raw(v)]) }
        let line = s.replacingOccurrences(of: "\n", with: " ")
        return Prose(line.count > 30 ? String(line.prefix(29)) + "…" : line)
      }
      for row in rows.rows {
        let cells = zip(rows.columns, row).map { column, value -> Prose in
          "\(column.name)=\(raw(value))"
        }
        lines.append("    " + Prose.joined(cells, separator: "  "))
      }
    }
    return lines
  }

  /// `example: QUERY` and its first rows, for the first of `candidates` (the catalogue's
  /// example, then one made from the metric's dimensions) that answers with rows on this data.
  func example(_ candidates: [String], source: String) -> [Prose] {
    let queries = candidates.filter { !$0.isEmpty }
    for query in queries {
      let rows = exampleRows(query, source: source)
      if !rows.isEmpty { return ["  example: \(query)"] + rows }
    }
    return queries.first.map { ["  example: \($0)"] } ?? []
  }

  /// The first rows of an example query, as indented `label: value` lines.
  func exampleRows(_ text: String, source: String) -> [Prose] {
    guard let stmt = Parser.parse(text).statements.first?.stmt, case .query(let q) = stmt,
      let plan = try? bind(q, source: text)
    else { return [] }
    guard let result = try? execute(plan) else { return [] }
    return result.rows.prefix(5).map { row in
      let cells = zip(result.columns, row).map { column, value -> Prose in
        "\(column.name)=\(Engine.figure(value, format: column.format))"
      }
      return "    " + Prose.joined(cells, separator: "  ")
    }
  }
}
