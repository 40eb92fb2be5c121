import CQLanguage
import CQStorage

/// The answer to a query, with what the session needs to show it.
public struct QueryOutcome: Sendable {
  /// The rows, columns and footer.
  public var result: ResultSet
  /// Notes for standard error when the result goes to a machine format or a file (which carry
  /// no footnotes): every caveat the table's footer shows (tier thresholds, the incremental
  /// heuristic, how `lift_revenue` was estimated), each once.
  public var notes: [Prose] = []
}

/// cq's semantic engine: binds statements to the catalogue and runs them on the columnar store.
///
/// ```
/// roas by campaign where brand=MuscleBlaze
/// ```
/// Each fact table is aggregated to the query grain on its own and joined on the grain keys,
/// so a payout is never counted once per order row; payouts are spread over orders when the
/// query asks for a dimension payouts do not carry.
///
/// A query runs under the ``CancellationToken`` bound as ``CancellationToken/current`` (the
/// session binds one per statement, which Ctrl-C cancels), and with the settings the plan took
/// when it was bound: nothing it reads changes while it runs.
///
/// ## Topics
/// - ``run(_:source:)``
/// - ``explain(_:source:)``
/// - ``describe(_:source:)``
public final class Engine {
  let store: Store
  /// The settings queries run under (`set allocation`, `set tiers`, `set totals`).
  public var settings = EngineSettings()
  /// The metric catalogue: SPEC §4's metrics and those defined in the session.
  public internal(set) var catalog = MetricCatalog()
  var segments: [String: SegmentDefinition] = [:]
  /// `use CONDITION`: the session filter ANDed into every query's `where` (SPEC §10).
  public var sessionFilter: String? { segments[Engine.sessionFilterKey]?.text }
  /// Scores depend on the data only (no filters, allocation or tiers): computed once.
  private var scoreCache: [Int32: Double]?
  /// The lift model depends on the data only: estimated once, on first use.
  private var liftCache: LiftModel??
  /// The SQL engine facts are aggregated on (`--engine postgres://…`); nil: the columnar store.
  var remote: (any RemoteAggregation)?
  /// The database's catalogue when the engine runs on PostgreSQL.
  var postgres: PostgresCatalogue?

  /// An engine over `data`, offering the lift metrics when it has store_orders.
  public init(data: DataSet) {
    store = Store(data: data)
    if data.storeOrders != nil { catalog.addLiftMetrics() }
  }

  /// An engine over `data`; without `liftFromStoreOrders` the lift metrics are not offered.
  init(data: DataSet, liftFromStoreOrders: Bool) {
    store = Store(data: data)
    if liftFromStoreOrders, data.storeOrders != nil { catalog.addLiftMetrics() }
  }

  /// The difference-in-differences model of store_orders (nil without store_orders).
  func liftModel() -> LiftModel? {
    if let cached = liftCache { return cached }
    var model = LiftModel(store: store)
    // On a database the catalogue holds store_orders summed by brand and day: say its real rows.
    if let rows = postgres?.rowCounts["store_orders"] { model?.storeRows = rows }
    liftCache = .some(model)
    return model
  }

  /// The data set the engine queries.
  public var data: DataSet { store.data }

  /// Work that builds the derived columns most queries need (spend allocation, first
  /// purchases, common dimension codes) so the first queries of a shell session answer at full
  /// speed.
  ///
  /// Run it on a background thread while queries run: it holds only the store, whose caches
  /// fill under its lock, and a copy of the settings taken now, never the engine's own.
  public func warmUp() -> @Sendable () -> Void {
    let store = store
    let settings = settings
    return {
      _ = store.allocation(settings.allocation)
      _ = store.firstPurchaseDays()
      for d in [Dimension.campaign, .brand, .platform, .influencer, .week, .category] {
        _ = store.codes(.tracking, d, tiers: settings.tiers)
      }
    }
  }

  // MARK: - Queries

  /// Runs a query.
  ///
  /// - Throws: `DiagnosticsError` (phase `.model`) for names, values or metric × dimension
  ///   pairs the model cannot answer. A defined metric beyond the exact range is answered; the
  ///   caller refuses it with ``exactRangeViolation(in:query:)``.
  /// - Complexity: O(*n*) in the rows of the facts the metrics need.
  public func run(_ query: QueryStmt, source: String) throws(DiagnosticsError) -> QueryOutcome {
    let plan = try bind(try Engine.withAcross(query, source: source), source: source)
    var result = try execute(plan)
    if query.across != nil {
      result = Engine.pivot(result, dimensions: query.dimensions.count, order: acrossOrder(plan))
    }
    if let sessionFilter {
      result.footnotes.append("session filter: use \(sessionFilter) ('use none' clears it)")
    }
    var outcome = QueryOutcome(result: result)
    // Machine formats carry no footer: every caveat it shows goes to standard error instead,
    // lift's per-row intervals as a pointer to the columns that hold them.
    var notes = result.footnotes
    if plan.metrics.contains(where: { $0.visible && $0.definition.liftMetric != nil }),
      let model = liftModel()
    {
      notes = model.machineNotes(footnotes: notes)
    }
    for note in notes where !outcome.notes.contains(note) { outcome.notes.append(note) }
    return outcome
  }

  func bind(_ query: QueryStmt, source: String) throws(DiagnosticsError) -> LogicalPlan {
    var binder = Binder(
      catalogue: store, catalog: catalog, segments: segments, settings: settings, source: source)
    return try binder.bind(withSessionFilter(query))
  }

  /// The key the session filter is kept under among the segments (no name can be spelt so).
  static let sessionFilterKey = "use filter"

  /// `query` with the session filter (`use …`) ANDed before its own `where`.
  func withSessionFilter(_ query: QueryStmt) -> QueryStmt {
    guard segments[Engine.sessionFilterKey] != nil else { return query }
    var filtered = query
    let at = query.range.lowerBound
    let ref = ConditionExpr.segment(NameRef(text: Engine.sessionFilterKey, range: at..<at))
    filtered.whereClause = query.whereClause.map { .and(ref, $0) } ?? ref
    return filtered
  }

  /// `use CONDITION`: checks the condition as `where` would and keeps it for every following
  /// query until `use none` (`condition` nil).
  ///
  /// - Throws: `DiagnosticsError` for unknown names or values, as `where` reports them.
  public func use(_ condition: ConditionExpr?, text: String, source: String)
    throws(DiagnosticsError)
  {
    guard let condition else {
      segments[Engine.sessionFilterKey] = nil
      return
    }
    var binder = Binder(
      catalogue: store, catalog: catalog, segments: segments, settings: settings, source: source)
    var visiting: Set<String> = [Engine.sessionFilterKey]
    _ = binder.bindCondition(condition, visiting: &visiting)
    if !binder.diagnostics.isEmpty {
      throw Engine.metricsNeedHaving(
        binder.fail(), condition: text, source: source,
        what:
          "'use' filters rows by dimensions (brand, platform, campaign, …) before they are added up"
      )
    }
    segments[Engine.sessionFilterKey] = SegmentDefinition(
      name: Engine.sessionFilterKey, condition: condition, text: text, source: source)
  }

  /// Aggregates every fact of `plan` to `grain` and joins them on the grain keys.
  ///
  /// It runs in memory, or on the SQL engine the session is connected to: the one place the
  /// two meet.
  ///
  /// - Throws: `DiagnosticsError` (phase `.data`) when the SQL engine fails.
  func aggregate(_ plan: LogicalPlan, grain: [Dimension], scope: GroupScope = .each)
    throws(DiagnosticsError) -> [Group]
  {
    if let remote { return try remote.groups(plan, grain: grain, scope: scope, engine: self) }
    let executor = Executor(store: store, catalog: catalog)
    switch scope {
    case .each:
      return executor.groups(plan, grain: grain).groups
    case .except(let keys), .only(let keys):
      let spaces = grain.map { store.space($0, tiers: plan.tiers) }
      guard let encoder = KeyEncoder(sizes: spaces.map(\.total)) else { return [] }
      let encoded = Set(
        keys.map { codes in zip(codes, encoder.strides).reduce(Int64(0)) { $0 + Int64($1.0) * $1.1 }
        })
      let keep: Bool
      if case .only = scope { keep = true } else { keep = false }
      return executor.groups(
        plan, grain: grain, keyFilter: { encoded.contains($0) == keep ? 0 : nil }
      ).groups
    }
  }

  func execute(_ plan: LogicalPlan) throws(DiagnosticsError) -> ResultSet {
    // The columnar path: the store's rows, or a database's groups, kept in columns.
    if Engine.runsOnColumns(plan) { return try executeOnColumns(plan) }
    let executor = Executor(store: store, catalog: catalog)
    let spaces = plan.dimensions.map { store.space($0, tiers: plan.tiers) }
    var groups = try aggregate(plan, grain: plan.dimensions)
    // Without 'by' there is always one row: a sum over no rows is 0.
    if plan.dimensions.isEmpty, groups.isEmpty { groups = [Group(codes: [], measures: [:])] }
    var totals: [Measure: Int64]? = nil
    if plan.needsTotals {
      // The ungrouped row under the same filters: totals, roas_delta.
      totals = try aggregate(plan, grain: []).first?.measures ?? [:]
    }
    let scores = plan.metrics.contains { $0.definition.special == .score } ? try scoreTable() : [:]
    // The influencer's place in the grain (score may stand beside the influencer's attributes).
    let scoreColumn = plan.dimensions.firstIndex { $0 == .influencer || $0 == .influencerID } ?? 0
    // Lift: its groups join the others on the grain keys.
    let lift =
      plan.metrics.contains { $0.definition.liftMetric != nil }
      ? liftModel().map {
        $0.aggregate(grain: plan.dimensions, filter: plan.filter, store: store, tiers: plan.tiers)
      } : nil
    if let lift {
      let known = Set(groups.map(\.codes))
      for key in lift.groups.keys.sorted(by: { $0.lexicographicallyPrecedes($1) })
      where !known.contains(key) {
        groups.append(Group(codes: key, measures: [:]))
      }
    }
    // change(METRIC): each group against the same group one period earlier (SPEC §10).
    let hasChange = plan.metrics.contains {
      if case .change = $0.definition.special { true } else { false }
    }
    let changeTime = hasChange ? plan.dimensions.firstIndex(where: \.isPeriod) : nil
    let byCodes: [[Int32]: [Measure: Int64]] =
      hasChange
      ? Dictionary(groups.map { ($0.codes, $0.measures) }, uniquingKeysWith: { a, _ in a }) : [:]
    // share(METRIC): the column total under the same filters, once per metric.
    var shareTotals: [String: Double] = [:]
    for pm in plan.metrics {
      guard let base = pm.definition.special?.base, case .share = pm.definition.special else {
        continue
      }
      shareTotals[base] =
        executor.evaluate(pm.definition.formula, totals ?? [:], audience: plan.audience).double
    }
    func row(_ measures: [Measure: Int64], codes: [Int32]?, lift liftValue: LiftValue? = nil)
      -> [Value]
    {
      plan.metrics.map { pm in
        let def = pm.definition
        switch def.special {
        case .lift(let metric):
          return Engine.value(
            metric, liftValue ?? codes.flatMap { lift?.groups[$0] }, payout: measures[.payout] ?? 0)
        case .roasDelta:
          let g = executor.evaluate(def.formula, measures, audience: plan.audience).double
          let all = executor.evaluate(def.formula, totals ?? [:], audience: plan.audience).double
          guard let g, let all else { return .empty }
          return .number(g - all)
        case .score:
          guard let codes, scoreColumn < codes.count, let s = scores[codes[scoreColumn]] else {
            return .empty
          }
          return .number(s)
        case .share(let base):
          let g = executor.evaluate(def.formula, measures, audience: plan.audience).double
          guard let g, let all = shareTotals[base], all != 0 else { return .empty }
          return .number(g / all)
        case .change:
          guard let codes, let t = changeTime, t < codes.count, codes[t] > 0,
            Int(codes[t]) < spaces[t].count
          else {
            return .empty
          }
          var previous = codes
          previous[t] -= 1
          guard let before = byCodes[previous],
            let now = executor.evaluate(def.formula, measures, audience: plan.audience).double,
            let then = executor.evaluate(def.formula, before, audience: plan.audience).double,
            then != 0
          else { return .empty }
          return .number(now / then - 1)
        case nil:
          return Executor.value(
            executor.evaluate(def.formula, measures, audience: plan.audience), format: def.format)
        }
      }
    }
    if !scores.isEmpty {
      // Influencers listed only to carry a score, but without one (no orders, posts or
      // payouts), have nothing to show.
      groups.removeAll { g in
        scores[scoreColumn < g.codes.count ? g.codes[scoreColumn] : -1] == nil
          && g.measures.allSatisfy { $0.key == .influencers(.influencers) || $0.value == 0 }
      }
    }
    // Ctrl-C stops a query between its phases and inside each long one; the partial result
    // is never shown (the session sees the request and says the query was cancelled).
    var rows: [(codes: [Int32], values: [Value])] = []
    rows.reserveCapacity(groups.count)
    for (i, g) in groups.enumerated() {
      if i & 0xFFFF == 0xFFFF, CancellationToken.current.isCancelled {
        return ResultSet(columns: [], rows: [])
      }
      rows.append((g.codes, row(g.measures, codes: g.codes)))
    }
    let groupCount = rows.count
    if let having = plan.having {
      rows = rows.filter { Engine.holds(having, $0.values) }
    }
    var ranking = plan
    if let rank = plan.rank { ranking.order = rank }
    Engine.sort(&rows, plan: ranking, spaces: spaces, first: plan.limit)
    if CancellationToken.current.isCancelled { return ResultSet(columns: [], rows: []) }
    let totalGroups = rows.count
    var otherRow: [Value]? = nil
    func shownKeys() -> Set<[Int32]> { Set(rows.map(\.codes)) }
    if let limit = plan.limit, rows.count > limit {
      rows = Array(rows[..<limit])
      if plan.withOther, !plan.dimensions.isEmpty {
        let excluded = shownKeys()
        let other = try aggregate(plan, grain: plan.dimensions, scope: .except(excluded))
        // Lift adds up: the rest is the total less the rows shown (no interval).
        let shownLift = rows.reduce(0.0) { $0 + (lift?.groups[$1.codes]?.lift ?? 0) }
        let otherLift = lift?.total.map {
          LiftValue(lift: $0.lift - shownLift, variance: .nan, degreesOfFreedom: 1)
        }
        otherRow = row(other.first?.measures ?? [:], codes: nil, lift: otherLift)
      }
    }
    // The rows `top N` picked, in the order asked for.
    if plan.rank != nil { Engine.sort(&rows, plan: plan, spaces: spaces) }
    // Result columns: dimensions in the order written, then visible metrics.
    var columns: [ResultColumn] = plan.dimensions.map {
      ResultColumn(
        name: $0.rawValue, role: .dimension(time: $0.timeGrain),
        format: $0.timeGrain == nil ? .text : .date)
    }
    let visible = plan.metrics.indices.filter { plan.metrics[$0].visible }
    columns += visible.map {
      ResultColumn(
        name: plan.metrics[$0].header ?? plan.metrics[$0].definition.name, role: .metric,
        format: plan.metrics[$0].definition.format)
    }
    var out: [[Value]] = rows.map { r in
      r.codes.enumerated().map { Value.text(spaces[$0.offset].labelFor($0.element)) }
        + visible.map { r.values[$0] }
    }
    var kinds = [ResultSet.RowKind](repeating: .normal, count: out.count)
    if let otherRow {
      out.append(
        [.text("(other)")] + Array(repeating: .text(""), count: max(0, plan.dimensions.count - 1))
          + visible.map { otherRow[$0] })
      kinds.append(.other)
    }
    var result = ResultSet(columns: columns, rows: out, rowKinds: kinds, totalGroups: totalGroups)
    if let totals, !plan.dimensions.isEmpty {
      // The totals row totals the table: when `having` or a cut without `(other)` left rows
      // out, its sums (and distinct counts) are taken again over the rows shown.
      var shownTotals = totals
      var shownLift = lift?.total
      if rows.count < groupCount, otherRow == nil {
        let shown = shownKeys()
        shownTotals =
          try aggregate(plan, grain: plan.dimensions, scope: .only(shown)).first?.measures ?? [:]
        shownLift = lift.flatMap { l in
          l.total == nil
            ? nil
            : LiftValue(
              lift: rows.reduce(0.0) { $0 + (l.groups[$1.codes]?.lift ?? 0) }, variance: .nan,
              degreesOfFreedom: 1)
        }
      }
      result.totals =
        [.text("(total)")] + Array(repeating: .text(""), count: max(0, plan.dimensions.count - 1))
        + visible.map { row(shownTotals, codes: nil, lift: shownLift)[$0] }
    }
    if let note = heuristicFootnote(visible.map { plan.metrics[$0].definition }) {
      result.footnotes.append(note)
    }
    if let lift, let model = liftModel() {
      result.footnotes += model.footnotes(
        rows: rows.map { r in
          (
            r.codes.enumerated().map { spaces[$0.offset].labelFor($0.element) }.joined(
              separator: " · "), lift.groups[r.codes]
          )
        },
        total: lift.total, metrics: visible.compactMap { plan.metrics[$0].definition.liftMetric },
        store: store)
    }
    // A change against a period the data covers only in part is not a collapse: say which
    // periods are partial.
    var partialNote: [Prose] = []
    if let t = changeTime, let grain = plan.dimensions[t].timeGrain, grain != .day {
      let base = store.timeBase(grain)
      var partial: [String] = []
      for day in [store.minDay, store.maxDay] {
        let value = TimeCodes.value(day, grain)
        guard let period = TimeCodes.period(value, grain),
          Int64(store.minDay) > period.lowerBound || Int64(store.maxDay) < period.upperBound
        else { continue }
        let label = spaces[t].labelFor(Int32(clamping: value - base))
        if !partial.contains(label) { partial.append(label) }
      }
      if !partial.isEmpty {
        partialNote.append(
          "partial \(grain.rawValue)\(partial.count == 1 ? "" : "s"): \(partial.joined(separator: " and ")) (the data runs from \(DayNumber.isoString(store.minDay)) to \(DayNumber.isoString(store.maxDay))), so a change into or out of \(partial.count == 1 ? "it" : "them") is not a like-for-like comparison"
        )
      }
    }
    result.footnotes += planFootnotes(plan, then: partialNote)
    return result
  }

  static func holds(_ h: BoundHaving, _ values: [Value]) -> Bool {
    switch h {
    case .and(let a, let b): return holds(a, values) && holds(b, values)
    case .or(let a, let b): return holds(a, values) || holds(b, values)
    case .not(let a): return !holds(a, values)
    case .compare(let i, let op, let x):
      guard let v = values[i].doubleValue else { return false }
      switch op {
      case .equal: return v == x
      case .notEqual: return v != x
      case .less: return v < x
      case .lessOrEqual: return v <= x
      case .greater: return v > x
      case .greaterOrEqual: return v >= x
      case .contains: return false
      }
    }
  }

  /// The sort keys: as written, else time dimensions ascending then the first metric descending.
  static func sortKeys(_ plan: LogicalPlan) -> [(key: SortKey, descending: Bool)] {
    var keys = plan.order
    if keys.isEmpty {
      keys = plan.dimensions.indices.filter { plan.dimensions[$0].timeGrain != nil }.map {
        (.dimension($0), false)
      }
      if let first = plan.metrics.firstIndex(where: \.visible) {
        keys.append((.metric(first), true))
      }
    }
    return keys
  }

  /// Sorts result rows: explicit keys, else time dimensions ascending then the first metric
  /// descending; `(unattributed)` last; empty metric values last; ties by dimension labels
  /// (naturally: Campaign_2 before Campaign_10), then by code.
  ///
  /// Every comparison reads flat, precomputed keys (the `(unattributed)` flag, the metric
  /// values as numbers, the dimension codes), and labels only through `LabelOrder`, so a sort
  /// makes no copies or reference-count traffic per comparison.
  ///
  /// With `first` (a `limit`), only the first rows need their order: they are selected through a
  /// heap of that size and sorted, and the rest follow in no particular order (they are cut, or
  /// summed into `(other)`), so `top 10 user by revenue` does not sort two million users.
  ///
  /// - Complexity: O(*g* log *g*) comparisons for *g* rows; O(*g* log *k*) for the first *k*.
  static func sort(
    _ rows: inout [(codes: [Int32], values: [Value])], plan: LogicalPlan, spaces: [DimensionSpace],
    first: Int? = nil
  ) {
    let keys = sortKeys(plan)
    guard rows.count > 1 else { return }
    let n = rows.count
    let width = spaces.count
    var codes = [Int32](repeating: 0, count: n * width)
    var unattributed = [Bool](repeating: false, count: n)
    for (r, row) in rows.enumerated() {
      for i in 0..<min(width, row.codes.count) {
        codes[r * width + i] = row.codes[i]
        if row.codes[i] == spaces[i].unattributed { unattributed[r] = true }
      }
    }
    // The metrics the keys name, as numbers (NaN: no value, sorted after the rest).
    var slotOf: [Int: Int] = [:]
    for key in keys {
      if case .metric(let m) = key.key, slotOf[m] == nil { slotOf[m] = slotOf.count }
    }
    let slots = slotOf.count
    var numbers = [Double](repeating: .nan, count: n * max(slots, 1))
    for (m, slot) in slotOf {
      for r in 0..<n where m < rows[r].values.count {
        numbers[r * slots + slot] = rows[r].values[m].doubleValue ?? .nan
      }
    }
    let sorted = orderPositions(
      n: n, codes: codes, unattributed: unattributed, numbers: numbers, slotOf: slotOf, keys: keys,
      spaces: spaces,
      first: first)
    let all = rows
    rows = sorted.map { all[$0] }
  }

  /// The order of `n` rows given flat sort keys.
  ///
  /// The keys are each row's `codes` (`spaces.count` a row), its `(unattributed)` flag and its
  /// `numbers` (one per metric slot named in `slotOf`, NaN for no value). With `first`, only
  /// that many lead in order (a heap), the rest follow unordered. Cancelled (Ctrl-C): any order.
  static func orderPositions(
    n: Int, codes: [Int32], unattributed: [Bool], numbers: [Double], slotOf: [Int: Int],
    keys: [(key: SortKey, descending: Bool)], spaces: [DimensionSpace], first: Int?,
    labels: LabelOrder? = nil
  ) -> [Int] {
    let width = spaces.count
    let slots = slotOf.count
    guard n > 1 else { return Array(0..<n) }
    let order: [(dimension: Int, slot: Int, descending: Bool)] = keys.map { key in
      switch key.key {
      case .dimension(let i): (i, -1, key.descending)
      case .metric(let m): (-1, slotOf[m] ?? 0, key.descending)
      }
    }
    let labels = labels ?? LabelOrder(spaces)
    func compareDimension(_ i: Int, _ a: Int, _ b: Int) -> Int {
      let x = codes[a * width + i]
      let y = codes[b * width + i]
      if x == y { return 0 }
      let s = spaces[i]
      // Specials ((unknown), (unattributed)) after regular codes.
      if (x >= s.count) != (y >= s.count) { return x >= s.count ? 1 : -1 }
      if s.sortsByCode || x >= s.count { return x < y ? -1 : 1 }
      return labels.compare(i, x, y)
    }
    func precedes(_ a: Int, _ b: Int) -> Bool {
      if unattributed[a] != unattributed[b] { return unattributed[b] }
      for key in order {
        let c: Int
        if key.dimension >= 0 {
          let d = compareDimension(key.dimension, a, b)
          c = key.descending ? -d : d
        } else {
          let x = numbers[a * slots + key.slot]
          let y = numbers[b * slots + key.slot]
          if x.isNaN || y.isNaN {
            c = x.isNaN == y.isNaN ? 0 : (x.isNaN ? 1 : -1)
          } else {
            c = x == y ? 0 : ((x < y) != key.descending ? -1 : 1)
          }
        }
        if c != 0 { return c < 0 }
      }
      for i in 0..<width {
        let c = compareDimension(i, a, b)
        if c != 0 { return c < 0 }
      }
      return false
    }
    // Every 64 Ki comparisons, a Ctrl-C ends the sort (its order no longer matters).
    var compared = 0
    let cancellation = CancellationToken.current
    func precedesUnlessCancelled(_ a: Int, _ b: Int) throws -> Bool {
      compared &+= 1
      if compared & 0xFFFF == 0, cancellation.isCancelled { throw CancellationError() }
      return precedes(a, b)
    }
    var sorted: [Int]
    if let k = first, k >= 0, k < n / 2 {
      // A max-heap (under `precedes`) of the best k rows seen so far.
      var heap: [Int] = []
      heap.reserveCapacity(k)
      func siftDown(_ start: Int) {
        var parent = start
        while true {
          let left = 2 * parent + 1
          let right = left + 1
          var largest = parent
          if left < heap.count && precedes(heap[largest], heap[left]) { largest = left }
          if right < heap.count && precedes(heap[largest], heap[right]) { largest = right }
          if largest == parent { return }
          heap.swapAt(parent, largest)
          parent = largest
        }
      }
      for i in 0..<n {
        if i & 0xFFFF == 0xFFFF, CancellationToken.current.isCancelled { return Array(0..<n) }
        if heap.count < k {
          heap.append(i)
          var child = heap.count - 1
          while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(heap[parent], heap[child]) else { break }
            heap.swapAt(parent, child)
            child = parent
          }
        } else if k > 0 && precedes(i, heap[0]) {
          heap[0] = i
          siftDown(0)
        }
      }
      heap.sort(by: precedes)
      var chosen = [Bool](repeating: false, count: n)
      for i in heap { chosen[i] = true }
      sorted = heap + (0..<n).filter { !chosen[$0] }
    } else {
      sorted = Array(0..<n)
      do { try sorted.sort(by: precedesUnlessCancelled) } catch { return sorted }
    }
    return sorted
  }

  /// Case-insensitive order with digit runs compared as numbers: Campaign_2 < Campaign_10.
  static func naturalCompare(_ a: String, _ b: String) -> Int {
    // ASCII labels (ids, names) compare on their bytes, lower-cased on the fly: no copies.
    var a = a
    var b = b
    let fast = a.withUTF8 { x in
      b.withUTF8 { y -> Int? in
        guard !x.contains(where: { $0 >= 0x80 }), !y.contains(where: { $0 >= 0x80 }) else {
          return nil
        }
        return naturalCompareASCII(x, y)
      }
    }
    if let fast { return fast }
    return naturalCompare(naturalKey(a), naturalKey(b))
  }

  /// `naturalCompare` of two ASCII strings' bytes (the same order as on their lower-cased
  /// scalars).
  static func naturalCompareASCII(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>)
    -> Int
  {
    @inline(__always) func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    var i = 0
    var j = 0
    while i < x.count, j < y.count {
      if isDigit(x[i]), isDigit(y[j]) {
        var ei = i
        var ej = j
        while ei < x.count, isDigit(x[ei]) { ei += 1 }
        while ej < y.count, isDigit(y[ej]) { ej += 1 }
        var si = i
        var sj = j
        while si < ei - 1, x[si] == 48 { si += 1 }
        while sj < ej - 1, y[sj] == 48 { sj += 1 }
        if ei - si != ej - sj { return ei - si < ej - sj ? -1 : 1 }
        while si < ei {
          if x[si] != y[sj] { return x[si] < y[sj] ? -1 : 1 }
          si += 1
          sj += 1
        }
        i = ei
        j = ej
      } else {
        let a = lower(x[i])
        let b = lower(y[j])
        if a != b { return a < b ? -1 : 1 }
        i += 1
        j += 1
      }
    }
    if x.count - i != y.count - j { return x.count - i < y.count - j ? -1 : 1 }
    return 0
  }

  /// What `naturalCompare` compares: the lower-cased scalars.
  static func naturalKey(_ s: String) -> [Unicode.Scalar] { Array(s.lowercased().unicodeScalars) }

  static func naturalCompare(_ x: [Unicode.Scalar], _ y: [Unicode.Scalar]) -> Int {
    var i = 0
    var j = 0
    func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }
    while i < x.count, j < y.count {
      if isDigit(x[i]), isDigit(y[j]) {
        var ei = i
        var ej = j
        while ei < x.count, isDigit(x[ei]) { ei += 1 }
        while ej < y.count, isDigit(y[ej]) { ej += 1 }
        // Compare without leading zeros: longer run is larger, then digit by digit.
        var si = i
        var sj = j
        while si < ei - 1, x[si] == "0" { si += 1 }
        while sj < ej - 1, y[sj] == "0" { sj += 1 }
        if ei - si != ej - sj { return ei - si < ej - sj ? -1 : 1 }
        while si < ei {
          if x[si] != y[sj] { return x[si].value < y[sj].value ? -1 : 1 }
          si += 1
          sj += 1
        }
        i = ei
        j = ej
      } else {
        if x[i] != y[j] { return x[i].value < y[j].value ? -1 : 1 }
        i += 1
        j += 1
      }
    }
    if x.count - i != y.count - j { return x.count - i < y.count - j ? -1 : 1 }
    return 0
  }

  // MARK: - Score

  /// Per influencer code: the mean percentile rank in roas, engagement_rate and
  /// incremental_roas over the whole data set, × 100.
  ///
  /// Kept for the session once computed whole: never after a cancelled or failed aggregation.
  func scoreTable() throws(DiagnosticsError) -> [Int32: Double] {
    if let cached = scoreCache { return cached }
    let plan = LogicalPlan(
      dimensions: [.influencer], metrics: [], filter: nil, having: nil, order: [], limit: nil,
      withOther: false,
      facts: [
        FactPlan(
          fact: .tracking, measures: [.revenue, .newRevenue], mode: .direct, allocatedBecause: []),
        FactPlan(
          fact: .posts, measures: [.likes, .comments, .reach], mode: .direct, allocatedBecause: []),
        FactPlan(fact: .payouts, measures: [.payout], mode: .direct, allocatedBecause: []),
      ], tiers: settings.tiers, needsTotals: false, audience: .influencers)
    // Ranked among the influencers of influencers.csv (ids seen only in facts are not ranked).
    let groups = try aggregate(plan, grain: [.influencer]).filter {
      $0.codes[0] < Int32(store.influencerCount)
    }
    func ratio(_ g: Group, _ a: [Measure], _ b: Measure) -> Double? {
      // Likes and comments may each reach the Int64 limit (README "Limits"): add in Double.
      let num = a.reduce(0.0) { $0 + Double(g.measures[$1] ?? 0) }
      let den = g.measures[b] ?? 0
      return den == 0 ? nil : Double(num) / Double(den)
    }
    let components: [[Int32: Double]] = [
      ranks(groups.compactMap { g in ratio(g, [.revenue], .payout).map { (g.codes[0], $0) } }),
      ranks(
        groups.compactMap { g in ratio(g, [.likes, .comments], .reach).map { (g.codes[0], $0) } }),
      ranks(groups.compactMap { g in ratio(g, [.newRevenue], .payout).map { (g.codes[0], $0) } }),
    ]
    var score: [Int32: Double] = [:]
    for g in groups where g.codes[0] < Int32(store.influencerCount) {
      let parts = components.compactMap { $0[g.codes[0]] }
      if !parts.isEmpty { score[g.codes[0]] = parts.reduce(0, +) / Double(parts.count) * 100 }
    }
    if !CancellationToken.current.isCancelled { scoreCache = score }
    return score
  }

  /// Percentile ranks 0...1 with ties sharing their mean rank.
  func ranks(_ values: [(Int32, Double)]) -> [Int32: Double] {
    let sorted = values.sorted { $0.1 < $1.1 }
    let n = sorted.count
    var out: [Int32: Double] = [:]
    var i = 0
    while i < n {
      var j = i
      while j + 1 < n, sorted[j + 1].1 == sorted[i].1 { j += 1 }
      let rank = n == 1 ? 1.0 : (Double(i + j) / 2) / Double(n - 1)
      for k in i...j { out[sorted[k].0] = rank }
      i = j + 1
    }
    return out
  }
}

/// Label order of dimension codes during one sort, for ties broken by label.
///
/// A few comparisons compare labels directly; once a dimension's labels have been compared more
/// often than a quarter of its values, every value gets its rank in label order (one sort of
/// the distinct labels), and later comparisons compare two integers. A result of 700,000
/// user × campaign rows, nearly all tied on their metric, sorts in well under a second rather
/// than in seconds of string comparisons.
final class LabelOrder {
  private let spaces: [DimensionSpace]
  private var ranks: [[Int32]?]
  private var comparisons: [Int]
  /// Where whole rank tables come from (a cache kept across queries), when not computed here.
  private let rankTable: ((Int) -> [Int32])?

  /// `known`: rank tables already at hand (kept from an earlier query), used from the first
  /// comparison on.
  init(
    _ spaces: [DimensionSpace], rankTable: ((Int) -> [Int32])? = nil,
    known: ((Int) -> [Int32]?)? = nil
  ) {
    self.spaces = spaces
    self.rankTable = rankTable
    ranks = spaces.indices.map { i in known?(i).flatMap { $0.count == spaces[i].count ? $0 : nil } }
    comparisons = Array(repeating: 0, count: spaces.count)
  }

  /// Whether dimension `i`'s rank table is at hand (comparing costs one integer compare).
  func hasRanks(_ i: Int) -> Bool { ranks[i] != nil }

  /// Every regular code's position in label order for dimension `i` (from the rank table
  /// source when there is one).
  func rankTable(of i: Int) -> [Int32] {
    if let r = ranks[i] { return r }
    let r = rankTable?(i) ?? Self.ranks(spaces[i])
    ranks[i] = r
    return r
  }

  /// The order of two different regular codes of dimension `i`: -1 or 1.
  func compare(_ i: Int, _ x: Int32, _ y: Int32) -> Int {
    if ranks[i] == nil {
      comparisons[i] += 1
      if comparisons[i] > spaces[i].count / 4 + 64 {
        ranks[i] = rankTable?(i) ?? Self.ranks(spaces[i])
      } else {
        let c = Engine.naturalCompare(spaces[i].labelFor(x), spaces[i].labelFor(y))
        return c != 0 ? c : (x < y ? -1 : 1)
      }
    }
    guard let r = ranks[i], Int(x) < r.count, Int(y) < r.count else { return x < y ? -1 : 1 }
    return r[Int(x)] < r[Int(y)] ? -1 : 1
  }

  /// Each code's position in natural label order (equal labels by code).
  /// - Complexity: O(*k* log *k*) comparisons for *k* values, one key built per value.
  static func ranks(_ space: DimensionSpace) -> [Int32] {
    if let r = asciiRanks(space) { return r }
    let keys = (0..<space.count).map { Engine.naturalKey(space.label(Int32($0))) }
    var compared = 0
    let cancellation = CancellationToken.current
    // Cancelled (Ctrl-C): any order will do, the result is not shown (nor kept).
    let order =
      (try? keys.indices.sorted { a, b in
        compared &+= 1
        if compared & 0xFFFF == 0, cancellation.isCancelled { throw CancellationError() }
        let c = Engine.naturalCompare(keys[a], keys[b])
        return c != 0 ? c < 0 : a < b
      }) ?? Array(keys.indices)
    var rank = [Int32](repeating: 0, count: space.count)
    for (position, code) in order.enumerated() { rank[code] = Int32(position) }
    return rank
  }

  /// `ranks` when every label is ASCII (user ids, most names): the labels' bytes in one
  /// buffer, compared in place; nil when a label is not ASCII.
  static func asciiRanks(_ space: DimensionSpace) -> [Int32]? {
    var bytes: [UInt8] = []
    var starts = [Int](repeating: 0, count: space.count + 1)
    for code in 0..<space.count {
      var label = space.label(Int32(code))
      let ascii = label.withUTF8 { u -> Bool in
        guard !u.contains(where: { $0 >= 0x80 }) else { return false }
        bytes.append(contentsOf: u)
        return true
      }
      guard ascii else { return nil }
      starts[code + 1] = bytes.count
    }
    var compared = 0
    let cancellation = CancellationToken.current
    let order: [Int] = bytes.withUnsafeBufferPointer { b in
      // Cancelled (Ctrl-C): any order will do, the result is not shown (nor kept).
      (try? (0..<space.count).sorted { p, q in
        compared &+= 1
        if compared & 0xFFFF == 0, cancellation.isCancelled { throw CancellationError() }
        let x = UnsafeBufferPointer(rebasing: b[starts[p]..<starts[p + 1]])
        let y = UnsafeBufferPointer(rebasing: b[starts[q]..<starts[q + 1]])
        let c = Engine.naturalCompareASCII(x, y)
        return c != 0 ? c < 0 : p < q
      }) ?? Array(0..<space.count)
    }
    var rank = [Int32](repeating: 0, count: space.count)
    for (position, code) in order.enumerated() { rank[code] = Int32(position) }
    return rank
  }
}

// MARK: - across (a pivot, SPEC §10)

extension Engine {
  /// The query grouped by its `across` dimension too, to be laid out with it as columns.
  ///
  /// `orders by gender across category` is grouped by `gender, category`, with categories as
  /// columns. Cuts (`limit`, `top`, `with other`) and charts would cut or draw cells, not rows,
  /// so they are refused with `across`.
  static func withAcross(_ query: QueryStmt, source: String) throws(DiagnosticsError) -> QueryStmt {
    guard let across = query.across else { return query }
    var problem: String?
    if query.top != nil || query.limit != nil || query.withOther {
      problem =
        "'across' lays values out as columns; 'top', 'limit' and 'with other' cut rows, so they cannot be combined with it"
    }
    if query.chart != nil {
      problem = "'across' makes a table; draw the chart from 'by \(across.text)' instead"
    }
    if query.dimensions.contains(where: { $0.key == across.key }) {
      problem = "'\(across.text)' is already a 'by' dimension; name it in 'across' only"
    }
    if let problem {
      throw DiagnosticsError(
        diagnostics: [
          Diagnostic(id: "sema.across", phase: .model, message: problem, range: across.range)
        ], source: source)
    }
    var grouped = query
    grouped.dimensions.append(across)
    grouped.across = nil
    return grouped
  }

  /// The order of the across dimension's labels (its natural order: time, tiers, names).
  func acrossOrder(_ plan: LogicalPlan) -> [String: Int] {
    guard let dimension = plan.dimensions.last else { return [:] }
    let space = store.space(dimension, tiers: plan.tiers)
    // The order rows of that dimension take (Campaign_2 before Campaign_10).
    let rank = space.sortsByCode ? nil : LabelOrder.ranks(space)
    var order: [String: Int] = [:]
    for code in 0..<Int32(space.count) {
      order[space.label(code)] = rank.map { Int($0[Int(code)]) } ?? Int(code)
    }
    order["(unknown)"] = order.count
    order["(unattributed)"] = order.count
    return order
  }

  /// Lays the last grouping column's values out as columns: one row per combination of the
  /// first `dimensions` columns (in the result's order), one column per value and metric.
  ///
  /// - Complexity: O(*r* × *m*) in the result's rows and metrics.
  static func pivot(_ result: ResultSet, dimensions d: Int, order: [String: Int]) -> ResultSet {
    let metricColumns = Array(result.columns[(d + 1)...])
    var keys: [[Value]] = []
    var index: [[Value]: Int] = [:]
    var values: [String] = []
    var seen = Set<String>()
    var cells: [[Value]: [String: [Value]]] = [:]
    for row in result.rows {
      let key = Array(row[..<d])
      guard case .text(let label) = row[d] else { continue }
      if index[key] == nil {
        index[key] = keys.count
        keys.append(key)
      }
      if seen.insert(label).inserted { values.append(label) }
      cells[key, default: [:]][label] = Array(row[(d + 1)...])
    }
    values.sort { (order[$0] ?? Int.max, $0) < (order[$1] ?? Int.max, $1) }
    var columns = Array(result.columns[..<d])
    for value in values {
      for metric in metricColumns {
        var column = metric
        column.name = metricColumns.count == 1 ? value : "\(metric.name): \(value)"
        columns.append(column)
      }
    }
    let rows = keys.map { key in
      key
        + values.flatMap { value in
          cells[key]?[value] ?? Array(repeating: .empty, count: metricColumns.count)
        }
    }
    return ResultSet(columns: columns, rows: rows, footnotes: result.footnotes)
  }
}
