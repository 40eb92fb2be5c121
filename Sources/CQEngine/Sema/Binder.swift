import CQLanguage
import CQStorage
import Foundation

/// Settings the engine reads (SPEC §4: `set allocation`, `set tiers`).
public struct EngineSettings: Sendable, Hashable {
  /// How payouts are spread over orders (`set allocation`).
  public var allocation: AllocationWeight = .orders
  /// The follower tiers (`set tiers`).
  public var tiers: Tiers = .standard
  /// Compute the totals row of every grouped result (`set totals on`).
  public var totals = false
  /// The defaults: allocation by orders, the standard tiers, no totals row.
  public init() {}
}

/// A segment defined with `define segment`.
struct SegmentDefinition: Sendable {
  var name: String
  var condition: ConditionExpr
  var text: String
  var source: String
}

/// Binds a parsed query to the metric catalogue and the data's ``Catalogue``: names → metrics
/// and dimensions, values → the values of each dimension's domain a filter allows, metrics ×
/// dimensions → facts and allocation.
///
/// Collects every diagnostic it can in one pass and throws them together.
struct Binder {
  let catalogue: any Catalogue
  let catalog: MetricCatalog
  let segments: [String: SegmentDefinition]
  let settings: EngineSettings
  let source: String
  private(set) var diagnostics: [Diagnostic] = []

  init(
    catalogue: any Catalogue, catalog: MetricCatalog, segments: [String: SegmentDefinition],
    settings: EngineSettings,
    source: String
  ) {
    self.catalogue = catalogue
    self.catalog = catalog
    self.segments = segments
    self.settings = settings
    self.source = source
  }

  /// Errors found beyond the ones kept (see `DiagnosticsError.maximumErrors`).
  var unshown = 0
  /// Notes for the result's footer (relative dates resolved).
  var notes: [String] = []

  /// Whether enough errors are kept that more would only be counted (skip costly suggestions).
  var hasEnoughErrors: Bool { diagnostics.count > DiagnosticsError.maximumErrors }

  mutating func error(
    _ id: String, _ message: String, at range: SourceRange, fix: String? = nil, notes: [String] = []
  ) {
    if hasEnoughErrors {
      unshown += 1
      return
    }
    diagnostics.append(
      Diagnostic(
        id: "sema." + id, phase: .model, message: message, range: range,
        notes: notes.map { Diagnostic.Note(message: $0) },
        fixIts: fix.map { [FixIt(range: range, replacement: $0)] } ?? []))
  }

  func fail() -> DiagnosticsError {
    DiagnosticsError(diagnostics: diagnostics, source: source, unshown: unshown)
  }

  // MARK: - Names

  static var dimensionNames: [String] { Dimension.allCases.map(\.rawValue) + ["date"] }

  mutating func bindDimension(_ name: NameRef) -> Dimension? {
    if let d = Dimension.named(name.text) { return d }
    if catalog.metric(named: name.text) != nil {
      error(
        "metricAsDimension",
        "'\(name.text)' is a metric, not a dimension; dimensions are \(Binder.dimensionList)",
        at: name.range)
      return nil
    }
    if let (d, reason) = NameSynonyms.dimensions[name.key] {
      error(
        "unknownDimension", "unknown dimension '\(name.text)'; the dimension is '\(d)', \(reason)",
        at: name.range, fix: d)
      return nil
    }
    let guess = closestName(to: name.text, among: Binder.dimensionNames)
    // `top 5 influencers by revenu`: after 'by' in a top query a misspelt metric reads as a
    // dimension; point to the metric it nearly spells.
    let metricGuess = guess == nil ? closestName(to: name.text, among: catalog.names) : nil
    error(
      "unknownDimension",
      "unknown dimension '\(name.text)'" + (guess.map { "; did you mean '\($0)'?" } ?? "")
        + (metricGuess.map { "; did you mean the metric '\($0)'?" } ?? ""),
      at: name.range, fix: guess ?? metricGuess,
      notes: guess == nil && metricGuess == nil ? ["dimensions: \(Binder.dimensionList)"] : [])
    return nil
  }

  /// `share(revenue)`, `change(orders)` (SPEC §10): a percent over another metric.
  mutating func bindMetricFunction(_ name: NameRef, function: String, open: String.Index)
    -> MetricDefinition?
  {
    let innerText = String(
      name.key[name.key.index(after: open)..<name.key.index(before: name.key.endIndex)])
    let innerStart = name.range.lowerBound
    let inner = NameRef(text: innerText, range: innerStart..<name.range.upperBound)
    guard let base = bindMetric(inner) else { return nil }
    guard base.special == nil else {
      error(
        "metricFunction",
        "'\(function)' takes a metric computed from sums; '\(base.name)' is not one", at: name.range
      )
      return nil
    }
    var def = base
    def.name = "\(function)(\(base.name))"
    def.format = .percent
    def.isUserDefined = false
    switch function {
    case "share":
      guard !base.formula.divides(in: catalog) else {
        error(
          "metricFunction",
          "share(\(base.name)) would add up ratios; share takes a metric that adds up, such as revenue, orders, payout or posts",
          at: name.range)
        return nil
      }
      def.special = .share(base.name)
      def.formulaText = "\(base.name) ÷ the total \(base.name) under the same filters"
      def.summary = "each row's share of the column total of \(base.name)"
    case "change":
      def.special = .change(base.name)
      def.formulaText = "\(base.name) ÷ \(base.name) of the previous period − 1"
      def.summary =
        "the change in \(base.name) against the previous period of the time dimension, same filters"
    default:
      return nil
    }
    return def
  }

  static var dimensionList: String { Dimension.allCases.map(\.rawValue).joined(separator: ", ") }

  mutating func bindMetric(_ name: NameRef) -> MetricDefinition? {
    if let m = catalog.metric(named: name.text) { return m }
    if let open = name.key.firstIndex(of: "("), name.key.hasSuffix(")") {
      return bindMetricFunction(name, function: String(name.key[..<open]), open: open)
    }
    if LiftMetric(rawValue: name.key) != nil {
      error(
        "needsStoreOrders",
        "'\(name.text)' needs store_orders.csv (every order of the store, the baseline for true incrementality), which this data folder does not have",
        at: name.range,
        notes: [
          "store_orders.csv columns: \(LiftMetric.storeOrdersColumns)",
          "without it, 'incremental_revenue' and 'incremental_roas' are the new-customer heuristic, not measured lift",
        ])
      return nil
    }
    if let d = Dimension.named(name.text) {
      error(
        "dimensionAsMetric",
        "'\(name.text)' is a dimension, not a metric; group by it with 'by \(d.rawValue)', e.g. 'revenue by \(d.rawValue)'",
        at: name.range)
      return nil
    }
    if let (m, reason) = NameSynonyms.metrics[name.key], catalog.metric(named: m) != nil {
      error(
        "unknownMetric", "unknown metric '\(name.text)'; the metric is '\(m)', \(reason)",
        at: name.range, fix: m)
      return nil
    }
    // A misspelt statement typed alone (`schem`, `tutoral`) reads as a query of one metric.
    let metricGuess = closestName(to: name.text, among: catalog.names)
    let statementGuess =
      metricGuess == nil
      ? suggestion(
        for: name.text, among: Keywords.statements.filter { !["top", "bottom"].contains($0) }) : nil
    let guess = metricGuess ?? statementGuess
    error(
      "unknownMetric",
      "unknown \(statementGuess == nil ? "metric" : "statement or metric") '\(name.text)'"
        + (guess.map { "; did you mean '\($0)'?" } ?? ""),
      at: name.range, fix: guess,
      notes: guess == nil ? ["see 'show metrics' for the catalogue"] : [])
    return nil
  }

  // MARK: - Query

  mutating func bind(_ query: QueryStmt) throws(DiagnosticsError) -> LogicalPlan {
    var metricNames = query.metrics
    var dimensionNames = query.dimensions
    if let top = query.top {
      // `top 10 influencer by roas`: the names before `by` are dimensions → swap.
      if rankedFirst(metricNames, dimensionNames) { swap(&metricNames, &dimensionNames) }
      if dimensionNames.isEmpty, !metricNames.isEmpty,
        metricNames.allSatisfy({ Dimension.named($0.text) != nil })
      {
        let range =
          metricNames[0].range.lowerBound..<metricNames[metricNames.count - 1].range.upperBound
        let list = metricNames.map(\.text).joined(separator: ", ")
        error(
          "topNeedsMetric",
          "'\(top.bottom ? "bottom" : "top") \(top.count) \(list)' needs a metric to rank by",
          at: range,
          notes: ["for example: \(top.bottom ? "bottom" : "top") \(top.count) \(list) by revenue"])
        throw fail()
      }
    }
    var dimensions: [Dimension] = []
    for name in dimensionNames {
      guard let d = bindDimension(name) else { continue }
      if dimensions.contains(d) {
        error("duplicateDimension", "dimension '\(name.text)' appears twice", at: name.range)
      } else {
        dimensions.append(d)
      }
    }
    var metrics: [PlannedMetric] = []
    for name in metricNames {
      guard let m = bindMetric(name) else { continue }
      if metrics.contains(where: { $0.definition.name == m.name }) {
        error("duplicateMetric", "metric '\(name.text)' appears twice", at: name.range)
      } else {
        metrics.append(planned(m, visible: true, header: name.key == m.name ? nil : name.key))
      }
    }
    var filter: BoundCondition?
    if let w = query.whereClause {
      var visiting: Set<String> = []
      filter = bindCondition(w, visiting: &visiting)
    }
    var having: BoundHaving?
    if let h = query.having { having = bindHaving(h, metrics: &metrics) }
    var order: [(key: SortKey, descending: Bool)] = []
    for item in query.orderBy {
      if let d = Dimension.named(item.name.text), let i = dimensions.firstIndex(of: d) {
        order.append((.dimension(i), item.descending))
      } else if let i = metrics.firstIndex(where: {
        $0.definition.name == item.name.key || $0.header == item.name.key
      }) {
        order.append((.metric(i), item.descending))
      } else if item.name.key.contains("("), let m = bindMetric(item.name) {
        order.append((.metric(index(of: m, in: &metrics)), item.descending))
      } else if let m = catalog.metric(named: item.name.text) {
        order.append((.metric(index(of: m, in: &metrics)), item.descending))
      } else if Dimension.named(item.name.text) != nil {
        error(
          "orderByMissingDimension",
          "cannot order by '\(item.name.text)': it is not a dimension of this query",
          at: item.name.range)
      } else {
        let guess = closestName(
          to: item.name.text, among: metrics.map(\.definition.name) + dimensions.map(\.rawValue))
        error(
          "unknownOrderKey",
          "cannot order by '\(item.name.text)'" + (guess.map { "; did you mean '\($0)'?" } ?? ""),
          at: item.name.range, fix: guess)
      }
    }
    var limit = query.limit
    var rank: [(key: SortKey, descending: Bool)]?
    if let top = query.top, !metrics.isEmpty {
      // `top N` picks its rows by the first metric; an `order by` only orders those rows.
      let ranking: [(key: SortKey, descending: Bool)] = [(.metric(0), !top.bottom)]
      if order.isEmpty { order = ranking } else { rank = ranking }
      limit = top.count
    }
    if !diagnostics.isEmpty { throw fail() }
    let facts = planFacts(metrics: metrics, dimensions: dimensions, filter: filter, query: query)
    if !diagnostics.isEmpty { throw fail() }
    let needsTotals =
      settings.totals
      || metrics.contains {
        if case .share = $0.definition.special { return true }
        return $0.definition.special == .roasDelta
      }
    for pm in metrics {
      guard case .change = pm.definition.special else { continue }
      if !dimensions.contains(where: \.isPeriod) {
        error(
          "changeNeedsTime",
          "'\(pm.definition.name)' compares each period with the one before: group by a time dimension, e.g. '\(pm.definition.name) by week'",
          at: query.metrics.first { $0.key == pm.definition.name }?.range ?? query.range)
        throw fail()
      }
    }
    return LogicalPlan(
      dimensions: dimensions, metrics: metrics, filter: filter, having: having, order: order,
      limit: limit,
      withOther: query.withOther || (query.top?.withOther ?? false), facts: facts,
      tiers: settings.tiers, needsTotals: needsTotals,
      audience: audienceFact(Set(dimensions).union(filter?.dimensions ?? [])), rank: rank,
      notes: notes, source: source)
  }

  /// Whether `top N A by B` names its dimensions first rather than its metrics.
  ///
  /// `top 10 influencer by roas` is SPEC's form. The side that reads more as dimensions
  /// (counting only names that are one kind alone) comes first. A misspelt name counts for
  /// neither, so `top 3 influencer by revnue` still ranks influencers and the typo is the
  /// metric's.
  func rankedFirst(_ before: [NameRef], _ after: [NameRef]) -> Bool {
    func isDimension(_ n: NameRef) -> Bool { Dimension.named(n.text) != nil }
    func isMetric(_ n: NameRef) -> Bool { catalog.metric(named: n.text) != nil }
    guard !before.isEmpty, !after.isEmpty else { return false }
    let dimensionsFirst =
      before.count { isDimension($0) && !isMetric($0) }
      + after.count { isMetric($0) && !isDimension($0) }
    let metricsFirst =
      before.count { isMetric($0) && !isDimension($0) }
      + after.count { isDimension($0) && !isMetric($0) }
    if dimensionsFirst != metricsFirst { return dimensionsFirst > metricsFirst }
    return before.allSatisfy(isDimension) && after.allSatisfy(isMetric)
  }

  private func index(of m: MetricDefinition, in metrics: inout [PlannedMetric]) -> Int {
    if let i = metrics.firstIndex(where: { $0.definition.name == m.name }) { return i }
    metrics.append(planned(m, visible: false))
    return metrics.count - 1
  }

  /// A metric column of the plan, its formula resolved (``Formula/resolved(in:depth:)``).
  private func planned(_ m: MetricDefinition, visible: Bool, header: String? = nil) -> PlannedMetric
  {
    var definition = m
    definition.formula = m.formula.resolved(in: catalog)
    return PlannedMetric(definition: definition, visible: visible, header: header)
  }

  // MARK: - Facts and reachability

  /// Dimensions a fact can answer by, for messages.
  func reachable(_ fact: Fact, allocation: Bool) -> [Dimension] {
    Dimension.allCases.filter { d in
      catalogue.carries(fact, d)
        || (allocation && fact == .payouts && catalogue.payoutsReachByAllocation(d))
    }
  }

  private mutating func planFacts(
    metrics: [PlannedMetric], dimensions: [Dimension], filter: BoundCondition?, query: QueryStmt
  ) -> [FactPlan] {
    let used =
      dimensions + (filter.map { Array($0.dimensions).sorted { $0.rawValue < $1.rawValue } } ?? [])
    let usedSet = Set(used)
    // Where each metric name appears, for carets.
    // Metrics named only in `having` or `order by` point there.
    let named =
      query.metrics + query.dimensions + (query.having.map(Binder.names(in:)) ?? [])
      + query.orderBy.map(\.name)
    func range(of metric: MetricDefinition) -> SourceRange {
      named.first { catalog.metric(named: $0.text)?.name == metric.name }?.range ?? query.range
    }
    var byFact: [Fact: [Measure]] = [:]
    for pm in metrics {
      let m = pm.definition
      if m.special == .score {
        // By influencer, beside any of its own attributes (`score by influencer, category,
        // tier`): each row is still one influencer.
        let grainOK =
          dimensions.contains { $0 == .influencer || $0 == .influencerID }
          && dimensions.allSatisfy(\.isInfluencerAttribute)
        let filterOK = usedSet.allSatisfy(\.isInfluencerAttribute)
        if !grainOK || !filterOK {
          error(
            "scoreGrain",
            "'score' ranks influencers over the whole data set: use it 'by influencer' (beside any of category, gender, platform, tier), with filters only on influencer attributes",
            at: range(of: m))
        }
        // Rows come from the influencer table, so every influencer gets a score.
        if !byFact[.influencers, default: []].contains(.influencers(.influencers)) {
          byFact[.influencers, default: []].append(.influencers(.influencers))
        }
        continue
      }
      var measures = m.formula.measures(in: catalog)
      if m.special == .roasDelta { measures = [.revenue, .payout] }
      if let lift = m.liftMetric {
        guard checkLiftReach(m, used: used, at: range(of: m)) else { continue }
        // iroas divides by payout at the same grain, spread as for roas.
        measures = lift.usesPayout ? [.payout] : []
      }
      for var measure in measures {
        if case .influencers = measure { measure = .influencers(audienceFact(usedSet)) }
        if case .followers = measure { measure = .followers(audienceFact(usedSet)) }
        guard checkReach(measure, metric: m, used: used, at: range(of: m)) else { break }
        if !byFact[measure.fact, default: []].contains(measure) {
          byFact[measure.fact, default: []].append(measure)
        }
      }
    }
    var plans: [FactPlan] = []
    for fact in [Fact.tracking, .posts, .payouts, .influencers] {
      guard let measures = byFact[fact] else { continue }
      var mode = FactMode.direct
      var because: [Dimension] = []
      if fact == .payouts {
        because = used.filter { !catalogue.carries(.payouts, $0) }
        if !because.isEmpty {
          let keepsPayoutColumns = usedSet.contains(.basis) || usedSet.contains(.status)
          mode =
            keepsPayoutColumns
            ? .allocatedByPayout(settings.allocation) : .allocated(settings.allocation)
        }
      }
      var plan = FactPlan(fact: fact, measures: measures, mode: mode, allocatedBecause: because)
      if measures.contains(where: \.isAudience) {
        plan.audienceAlso = audienceFacts(usedSet).filter { $0 != fact }
      }
      plans.append(plan)
    }
    return plans
  }

  /// The names a condition compares, left to right.
  static func names(in condition: ConditionExpr) -> [NameRef] {
    switch condition {
    case .compare(let name, _, _), .inList(let name, _, _), .between(let name, _, _),
      .segment(let name):
      [name]
    case .and(let a, let b), .or(let a, let b): names(in: a) + names(in: b)
    case .not(let a): names(in: a)
    }
  }

  /// Which fact `influencers` / `followers` are planned on: the influencer table when only
  /// influencer attributes are used, else the first fact that carries every dimension (the
  /// others of `audienceFacts` join its rows).
  func audienceFact(_ used: Set<Dimension>) -> Fact {
    audienceFacts(used).first ?? .tracking
  }

  /// The facts whose influencers are "in scope" (SPEC §4: any fact): the influencer table alone
  /// when only influencer attributes are used, else every fact table that carries every
  /// dimension used, so `influencers by campaign` counts who was tracked, posted or was paid.
  func audienceFacts(_ used: Set<Dimension>) -> [Fact] {
    if used.allSatisfy(\.isInfluencerAttribute) { return [.influencers] }
    return [Fact.tracking, .posts, .payouts].filter { f in
      used.allSatisfy { catalogue.carries(f, $0) }
    }
  }

  /// Lift answers by what a post carries (influencer and attributes, campaign), its brand and
  /// the day; anything else is a model error that says why and what works.
  private mutating func checkLiftReach(
    _ metric: MetricDefinition, used: [Dimension], at range: SourceRange
  ) -> Bool {
    let hasCampaigns = catalogue.hasColumn("campaign", in: "posts")
    for d in used where !LiftModel.dimensions.contains(d) || (d == .campaign && !hasCampaigns) {
      let works = LiftModel.dimensions.filter { $0 != .campaign || hasCampaigns }.map(\.rawValue)
        .joined(separator: ", ")
      let why =
        d == .campaign
        ? "posts.csv has no 'campaign' column, so lift cannot be shared among campaigns"
        : "lift is measured on store revenue per brand and day and shared among the posts that ran, and posts carry no \(d.rawValue)"
      error(
        "liftUnreachable",
        "'\(metric.name)' cannot be split or filtered by '\(d.rawValue)': \(why)", at: range,
        notes: ["'\(metric.name)' answers by: \(works)"])
      return false
    }
    return true
  }

  private mutating func checkReach(
    _ measure: Measure, metric: MetricDefinition, used: [Dimension], at range: SourceRange
  ) -> Bool {
    let fact = measure.fact
    for d in used {
      if catalogue.carries(fact, d) { continue }
      if fact == .payouts, !measure.isPayoutNative, catalogue.payoutsReachByAllocation(d) {
        continue
      }
      if fact == .payouts, d == .status || d == .campaign {
        error(
          "missingPayoutColumn",
          "'\(metric.name)' by '\(d.rawValue)' needs a '\(d.rawValue)' column in payouts.csv, which this data does not have",
          at: range)
        return false
      }
      let reach = reachable(fact, allocation: !measure.isPayoutNative).map(\.rawValue).joined(
        separator: ", ")
      var hint = ""
      if measure.isPayoutNative {
        hint =
          "; '\(metric.name)' is never spread over orders, so it answers only by what payouts carry: \(reach)"
      } else if catalogue.carries(.tracking, d) {
        hint = "; for '\(d.rawValue)' use a tracking_data metric such as 'revenue by \(d.rawValue)'"
      } else if catalogue.carries(.posts, d) {
        hint = "; for '\(d.rawValue)' use a posts metric such as 'posts by \(d.rawValue)'"
      } else if catalogue.carries(.payouts, d) {
        hint = "; for '\(d.rawValue)' use a payouts metric such as 'payout by \(d.rawValue)'"
      }
      error(
        "unreachable",
        "'\(metric.name)' cannot be split by '\(d.rawValue)': it comes from \(fact.noun), which carry no \(d.rawValue)\(hint)",
        at: range,
        notes: measure.isPayoutNative ? [] : ["\(fact.rawValue) can be grouped by: \(reach)"])
      return false
    }
    if measure == .paidPayout || measure == .pendingPayout,
      !catalogue.hasColumn("status", in: "payouts")
    {
      error(
        "missingPayoutColumn",
        "'\(metric.name)' needs a 'status' column (paid/pending) in payouts.csv, which this data does not have",
        at: range)
      return false
    }
    return true
  }

  // MARK: - Conditions

  mutating func bindCondition(_ c: ConditionExpr, visiting: inout Set<String>) -> BoundCondition? {
    switch c {
    case .and(let a, let b):
      let x = bindCondition(a, visiting: &visiting)
      let y = bindCondition(b, visiting: &visiting)
      guard let x, let y else { return nil }
      return .and(x, y)
    case .or(let a, let b):
      let x = bindCondition(a, visiting: &visiting)
      let y = bindCondition(b, visiting: &visiting)
      guard let x, let y else { return nil }
      return .or(x, y)
    case .not(let a):
      return bindCondition(a, visiting: &visiting).map { .not($0) }
    case .segment(let name):
      guard let seg = segments[name.key] else {
        if let d = Dimension.named(name.text) {
          error(
            "dimensionWithoutValue",
            "'\(name.text)' needs a comparison, e.g. '\(d.rawValue)=VALUE'", at: name.range)
          return nil
        }
        let guess = closestName(
          to: name.text,
          among: segments.keys.filter { $0 != Engine.sessionFilterKey } + Binder.dimensionNames)
        error(
          "unknownSegment",
          "unknown segment '\(name.text)'"
            + (guess.map { "; did you mean '\($0)'?" }
              ?? "; define one with 'define segment \(name.text) = CONDITION'"),
          at: name.range, fix: guess)
        return nil
      }
      guard !visiting.contains(seg.name) else {
        error("recursiveSegment", "segment '\(seg.name)' refers to itself", at: name.range)
        return nil
      }
      visiting.insert(seg.name)
      defer { visiting.remove(seg.name) }
      var inner = Binder(
        catalogue: catalogue, catalog: catalog, segments: segments, settings: settings,
        source: seg.source)
      let bound = inner.bindCondition(seg.condition, visiting: &visiting)
      for d in inner.diagnostics {
        let place =
          seg.name == Engine.sessionFilterKey
          ? "in the session filter 'use \(seg.text)'" : "in segment '\(seg.name)' (\(seg.text))"
        error("segment", "\(place): \(d.message)", at: name.range)
      }
      // A relative date inside the segment (or `use`) still states its days under the result.
      for note in inner.notes where !notes.contains(note) { notes.append(note) }
      unshown += inner.unshown
      return bound
    case .compare(let name, let op, let value):
      return bindLeaf(name, text: "\(name.text) \(op.rawValue) \(value.text)") { space, dim, b in
        b.allowed(
          dim: dim, space: space, values: [value], name: name,
          mustExist: op == .equal || op == .notEqual
        ) { cmp in
          switch op {
          case .equal: cmp.equal(0)
          case .notEqual: !cmp.equal(0)
          case .less: cmp.before(0)
          case .lessOrEqual: !cmp.after(0)
          case .greater: cmp.after(0)
          case .greaterOrEqual: !cmp.before(0)
          case .contains: cmp.contains(0)
          }
        }
      }
    case .inList(let name, let values, let negated):
      let list = values.map(\.text).joined(separator: ", ")
      return bindLeaf(name, text: "\(name.text) \(negated ? "not in" : "in") (\(list))") {
        space, dim, b in
        b.allowed(dim: dim, space: space, values: values, name: name, mustExist: true) { cmp in
          let any = values.indices.contains { cmp.equal($0) }
          return negated ? !any : any
        }
      }
    case .between(let name, let lo, let hi):
      return bindLeaf(name, text: "\(name.text) between \(lo.text) and \(hi.text)") {
        space, dim, b in
        let allowed = b.allowed(
          dim: dim, space: space, values: [lo, hi], name: name, mustExist: false
        ) { cmp in
          !cmp.before(0) && !cmp.after(1)
        }
        if let allowed, !allowed.contains(true) {
          // An empty range reads like a typo (often the bounds swapped), not an empty answer.
          let reversed = b.allowed(
            dim: dim, space: space, values: [hi, lo], name: name, mustExist: false
          ) { cmp in
            !cmp.before(0) && !cmp.after(1)
          }
          let swapped = reversed?.contains(true) == true
          b.error(
            "emptyBetween",
            "no \(dim.rawValue) in the data lies between \(lo.text) and \(hi.text)"
              + (swapped
                ? "; the smaller bound comes first: 'between \(hi.text) and \(lo.text)'" : ""),
            at: lo.range.lowerBound..<hi.range.upperBound)
          return nil
        }
        return allowed
      }
    }
  }

  private mutating func bindLeaf(
    _ name: NameRef, text: String, _ build: (DimensionSpace, Dimension, inout Binder) -> [Bool]?
  ) -> BoundCondition? {
    if Dimension.named(name.text) == nil, let metric = catalog.metric(named: name.text) {
      // `where orders > 1`: filtering groups by a metric is what `having` does.
      error(
        "metricInWhere",
        "'\(name.text)' is a metric: 'where' filters rows by dimension values before aggregation; to keep groups by a metric value use 'having', e.g. 'having \(metric.name) > 1'",
        at: name.range)
      return nil
    }
    guard let dim = bindDimension(name) else { return nil }
    let space = catalogue.space(dim, tiers: settings.tiers)
    guard let allowed = build(space, dim, &self) else { return nil }
    return .leaf(dim, allowed: allowed, text: text)
  }

  /// Compares one code of a dimension with the literal values of a condition.
  struct Comparison {
    var equal: (Int) -> Bool
    var before: (Int) -> Bool
    var after: (Int) -> Bool
    var contains: (Int) -> Bool
  }

  /// The allowed-codes bitmap for a predicate over literal values.
  mutating func allowed(
    dim: Dimension, space: DimensionSpace, values: [ValueLiteral], name: NameRef, mustExist: Bool,
    _ predicate: (Comparison) -> Bool
  ) -> [Bool]? {
    var allowed = [Bool](repeating: false, count: space.total)
    if let grain = dim.timeGrain {
      // Literals as day ranges; codes as periods.
      var ranges: [ClosedRange<Int64>] = []
      for v in values {
        if v.kind == .relative {
          guard grain != .weekday, let r = relativePeriod(v) else {
            error(
              "badTimeValue",
              "'\(v.text)' needs a date dimension such as 'date', 'week' or 'month'", at: v.range)
            return nil
          }
          ranges.append(r)
          continue
        }
        guard let r = Binder.period(of: v, for: grain) else {
          let example =
            grain == .weekday
            ? "Mon … Sun"
            : "a date like 2025-06-01, a month like 2025-06, a quarter like 2025-Q2 or a year like 2025"
          error(
            "badTimeValue", "'\(v.text)' is not a value of '\(dim.rawValue)'; expected \(example)",
            at: v.range)
          return nil
        }
        ranges.append(r)
        // `date=2052-06-01` (a typo of 2025) must not look like an empty result: a period the
        // data never reaches is a model error. Days inside the data's span stay valid.
        let span = Int64(catalogue.minDay)...Int64(catalogue.maxDay)
        if mustExist, grain != .weekday, catalogue.minDay <= catalogue.maxDay, !r.overlaps(span) {
          error(
            "timeOutsideData",
            "no data in '\(v.text)': the data runs from \(DayNumber.isoString(catalogue.minDay)) to \(DayNumber.isoString(catalogue.maxDay))",
            at: v.range)
          return nil
        }
      }
      let base = catalogue.timeBase(grain)
      for code in 0..<space.count {
        let value = base + Int64(code)
        let p: ClosedRange<Int64> =
          grain == .weekday ? value...value : (TimeCodes.period(value, grain) ?? value...value)
        let cmp = Comparison(
          equal: { p.overlaps(ranges[$0]) }, before: { p.upperBound < ranges[$0].lowerBound },
          after: { p.lowerBound > ranges[$0].upperBound }, contains: { p.overlaps(ranges[$0]) })
        allowed[code] = predicate(cmp)
      }
      // `date > 2026-01-01` (a typo of 2025) that no day of the data satisfies is refused as
      // `=` is, so it cannot look like an empty result.
      if !mustExist, values.count == 1, grain != .weekday, space.count > 0,
        catalogue.minDay <= catalogue.maxDay,
        !allowed[0..<space.count].contains(true)
      {
        let condition = Engine.text(name.range.lowerBound..<values[0].range.upperBound, in: source)
        error(
          "timeOutsideData",
          "no day of the data satisfies '\(condition)': the data runs from \(DayNumber.isoString(catalogue.minDay)) to \(DayNumber.isoString(catalogue.maxDay))",
          at: values[0].range)
        return nil
      }
      return allowed
    }
    // Text dimensions: labels compared case-insensitively; numbers numerically.
    var labels: [String] = (0..<space.count).map { space.label(Int32($0)).lowercased() }
    labels.append("(unknown)")
    var alternates: [String]? = nil
    if dim == .influencer {
      // Match the plain name too (`influencer = "Aarav Sharma"` finds every Aarav Sharma).
      let names = catalogue.influencerNames()
      alternates = (0..<space.count).map { $0 < names.count ? names[$0].lowercased() : "" }
    }
    let wanted = values.map { $0.text.lowercased() }
    if mustExist {
      let known = Set(labels).union(alternates ?? [])
      for (i, v) in values.enumerated() where !known.contains(wanted[i]) {
        if hasEnoughErrors {
          unshown += 1
          continue
        }
        let display = (0..<space.count).map { space.label(Int32($0)) }
        // Influencers are matched by plain name too, so suggest plain names (`Ash` → `Asha`
        // when two Ashas are labelled `Asha (#1)` and `Asha (#3)`).
        var plainNames: [String] = []
        if dim == .influencer {
          let names = catalogue.influencerNames()
          var seen = Set<String>()
          for code in 0..<min(space.count, names.count) {
            let name = names[code]
            if seen.insert(name).inserted { plainNames.append(name) }
          }
        }
        let guess = closestName(to: v.text, among: display + plainNames)
        // `influencer=Karan`: the values containing what was typed (accents and case folded),
        // and the `~` that matches them all.
        let key = Binder.searchKey(v.text)
        var containing: [String] = []
        if guess == nil, !key.isEmpty {
          var seen = Set<String>()
          for candidate in plainNames + display where Binder.searchKey(candidate).contains(key) {
            if seen.insert(candidate).inserted { containing.append(candidate) }
          }
        }
        let sample = display.prefix(6).joined(separator: ", ") + (display.count > 6 ? ", …" : "")
        let shownContaining =
          containing.prefix(6).joined(separator: ", ") + (containing.count > 6 ? ", …" : "")
        let hint: String
        if let guess {
          hint = "; did you mean '\(guess)'?"
        } else if containing.count == 1 {
          hint = "; did you mean '\(containing[0])'?"
        } else if !containing.isEmpty {
          hint =
            "; \(containing.count) contain it: \(shownContaining); use '\(name.text) ~ \(v.text)' to match them all"
        } else {
          hint = display.isEmpty ? "" : "; \(dim.rawValue) values: \(sample)"
        }
        let fix = guess ?? (containing.count == 1 ? containing[0] : nil)
        error(
          "unknownValue", "no \(dim.rawValue) '\(v.text)' in the data" + hint,
          at: v.range, fix: fix.map { $0.contains(" ") ? "\"\($0)\"" : $0 })
      }
      if values.indices.contains(where: { !known.contains(wanted[$0]) }) {
        return nil
      }
    }
    let numbers = wanted.map { Double($0) }
    let foldedWanted = wanted.map { Binder.searchKey($0) }
    for code in 0..<(space.count + 1) {
      let label = labels[code]
      let alt = alternates.flatMap { code < $0.count ? $0[code] : nil }
      let labelNumber = Double(label)
      func order(_ i: Int) -> Int {
        if let a = labelNumber, let b = numbers[i] { return a < b ? -1 : (a > b ? 1 : 0) }
        return label < wanted[i] ? -1 : (label > wanted[i] ? 1 : 0)
      }
      let cmp = Comparison(
        equal: { label == wanted[$0] || alt == wanted[$0] }, before: { order($0) < 0 },
        after: { order($0) > 0 },
        contains: {
          label.contains(wanted[$0])
            || ((!label.allSatisfy(\.isASCII) || foldedWanted[$0] != wanted[$0])
              && Binder.searchKey(label).contains(foldedWanted[$0]))
        })
      allowed[code] = predicate(cmp)
    }
    // `brand=TrueBasics`, a brand of store_orders.csv or products.csv with no tracked order,
    // would give an empty table: say why instead (`brand != TrueBasics` still runs).
    if mustExist, dim == .brand || dim == .product {
      let tracked = catalogue.trackedCodes(dim)
      if !allowed.indices.contains(where: { allowed[$0] && $0 < tracked.count && tracked[$0] }),
        let i = values.indices.first(where: { i in
          let codes = (0..<space.count).filter { labels[$0] == wanted[i] }
          return !codes.isEmpty && !codes.contains { $0 < tracked.count && tracked[$0] }
        })
      {
        let files = ["products", "store_orders"].filter { catalogue.hasTable($0) }.map {
          $0 + ".csv"
        }
        error(
          "untrackedValue",
          "\(dim.rawValue) '\(values[i].text)' has no tracked orders: it appears only in \(files.joined(separator: " or ")), not in tracking_data.csv"
            + (catalogue.hasTable("store_orders") && dim == .brand
              ? " (a control brand for lift_revenue)" : ""),
          at: values[i].range)
        return nil
      }
    }
    if values.count == 1, !allowed.contains(true), !mustExist {
      // `~ musle`: nothing contains it; say so rather than return an empty table.
      let display = (0..<space.count).map { space.label(Int32($0)) }
      let guess = closestName(to: values[0].text, among: display)
      error(
        "noMatch",
        "no \(dim.rawValue) matches '\(values[0].text)'"
          + (guess.map { "; did you mean '\($0)'?" } ?? ""),
        at: values[0].range, fix: guess)
      return nil
    }
    return allowed
  }

  /// `last 30 days`, `last week`, `this month` as days, relative to the data's last day, with a
  /// note for the result's footer that states the days (`in last 3 months: 2025-05-01 to
  /// 2025-07-22, the data's last 3 months`).
  ///
  /// `last N days` and `last N weeks` are the N×1 or N×7 days ending on the data's last day;
  /// `last N months` (quarters, years) the N calendar periods ending with the one holding it;
  /// `this UNIT` the period holding it; `last UNIT` the complete period before that.
  mutating func relativePeriod(_ v: ValueLiteral) -> ClosedRange<Int64>? {
    let parts = v.text.split(separator: " ").map(String.init)
    guard parts.count == 2 || parts.count == 3, catalogue.minDay <= catalogue.maxDay,
      let grain = TimeGrain(rawValue: parts[parts.count - 1])
    else { return nil }
    let n = parts.count == 3 ? Int64(parts[1]) ?? 1 : 1
    let last = Int64(catalogue.maxDay)
    let current = TimeCodes.value(catalogue.maxDay, grain)
    let range: ClosedRange<Int64>?
    let spoken = parts.count == 2 ? v.text : "last \(n) \(grain.rawValue)\(n == 1 ? "" : "s")"
    switch (parts[0], parts.count, grain) {
    case ("this", _, _): range = TimeCodes.period(current, grain)
    // `last week`, `last month`: the complete period before the one holding the last day.
    case ("last", 2, _): range = TimeCodes.period(current - 1, grain)
    case ("last", _, .day): range = (last - n + 1)...last
    case ("last", _, .week): range = (last - 7 * n + 1)...last
    case ("last", _, _):
      range = TimeCodes.period(current - n + 1, grain).map { $0.lowerBound...last }
    default: return nil
    }
    guard let range else { return nil }
    let upper = min(range.upperBound, last)
    let note =
      "\(spoken): \(DayNumber.isoString(Int32(clamping: range.lowerBound))) to \(DayNumber.isoString(Int32(clamping: upper))), relative to the data's last day (\(DayNumber.isoString(catalogue.maxDay)))"
    if !notes.contains(note) { notes.append(note) }
    return range
  }

  /// Text as `~` searches it: case and accents folded (`Chloé` is found by `chloe`).
  static func searchKey(_ text: String) -> String {
    text.folding(
      options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
  }

  /// A literal as a range of day numbers (weekday: the weekday index).
  static func period(of v: ValueLiteral, for grain: TimeGrain) -> ClosedRange<Int64>? {
    let t = v.text
    if grain == .weekday {
      let lower = t.lowercased()
      if let i = DayNumber.weekdayNames.firstIndex(where: {
        lower.hasPrefix($0.lowercased()) && lower.count >= 3
      }) {
        return Int64(i)...Int64(i)
      }
      return nil
    }
    if let d = DayNumber.parse(t) { return Int64(d)...Int64(d) }
    let parts = t.split(separator: "-")
    if parts.count == 2, let y = Int(parts[0]), parts[0].count == 4 {
      if let m = Int(parts[1]), (1...12).contains(m) {
        return TimeCodes.period(Int64(y * 12 + m - 1), .month)
      }
      let q = parts[1].uppercased()
      if q.count == 2, q.hasPrefix("Q"), let n = Int(q.dropFirst()), (1...4).contains(n) {
        return TimeCodes.period(Int64(y * 4 + n - 1), .quarter)
      }
    }
    if t.count == 4, let y = Int(t), y > 0 { return TimeCodes.period(Int64(y), .year) }
    return nil
  }

  // MARK: - Having

  mutating func bindHaving(_ c: ConditionExpr, metrics: inout [PlannedMetric]) -> BoundHaving? {
    switch c {
    case .and(let a, let b):
      let x = bindHaving(a, metrics: &metrics)
      let y = bindHaving(b, metrics: &metrics)
      guard let x, let y else { return nil }
      return .and(x, y)
    case .or(let a, let b):
      let x = bindHaving(a, metrics: &metrics)
      let y = bindHaving(b, metrics: &metrics)
      guard let x, let y else { return nil }
      return .or(x, y)
    case .not(let a):
      return bindHaving(a, metrics: &metrics).map { .not($0) }
    case .compare(let name, let op, let value):
      if let d = Dimension.named(name.text), catalog.metric(named: name.text) == nil {
        // `having brand = Gritzo`: a condition on a dimension filters rows, before grouping.
        error(
          "havingDimension",
          "'having' compares metrics; '\(name.text)' is a dimension: filter it with 'where', e.g. 'where \(d.rawValue) \(op.rawValue) \(value.kind == .quoted ? "\"\(value.text)\"" : value.text)'",
          at: name.range)
        return nil
      }
      guard let m = bindMetric(name) else { return nil }
      guard op != .contains else {
        error(
          "havingContains",
          "'~' compares text; 'having' compares metric values with = != < <= > >=", at: name.range)
        return nil
      }
      guard let number = Binder.number(value) else {
        error(
          "havingNumber", "'having' compares '\(name.text)' with a number; found '\(value.text)'",
          at: value.range)
        return nil
      }
      return .compare(metricIndex: index(of: m, in: &metrics), op, number)
    case .between(let name, let lo, let hi):
      guard let m = bindMetric(name) else { return nil }
      guard let a = Binder.number(lo), let b = Binder.number(hi) else {
        error("havingNumber", "'between' in 'having' needs two numbers", at: name.range)
        return nil
      }
      let i = index(of: m, in: &metrics)
      return .and(
        .compare(metricIndex: i, .greaterOrEqual, a), .compare(metricIndex: i, .lessOrEqual, b))
    case .inList(let name, _, _), .segment(let name):
      error(
        "havingForm", "'having' takes metric comparisons such as 'having roas > 2'", at: name.range)
      return nil
    }
  }

  /// A number as written in `having`: `2`, `1.5`, `10k`, `2L`, `1cr`, `5%`, and a ratio as
  /// tables show it, `1.9x` (cq's one number grammar, `NumberLiteral`).
  static func number(_ v: ValueLiteral) -> Double? { NumberLiteral.value(of: v.text) }
}
