import CQStorage

/// A number computed from measures: exact while only sums and differences are involved.
enum Num: Sendable {
  case int(Int64)
  case double(Double)
  case none

  var double: Double? {
    switch self {
    case .int(let v): Double(v)
    case .double(let v): v.isFinite ? v : nil
    case .none: nil
    }
  }

  static func combine(
    _ a: Num, _ b: Num, _ op: (Int64, Int64) -> (Int64, Bool), _ d: (Double, Double) -> Double
  ) -> Num {
    if case .int(let x) = a, case .int(let y) = b {
      let (r, o) = op(x, y)
      if !o { return .int(r) }
    }
    guard let x = a.double, let y = b.double else { return .none }
    return .double(d(x, y))
  }
}

/// One group of the joined result: its dimension codes and its measure values.
struct Group {
  var codes: [Int32]
  var measures: [Measure: Int64]
}

/// The groups of one aggregation as columns: each group's packed key (or its codes, for
/// groups a remote engine returned) and one array per measure, indexed by group.
///
/// What `execute` reads: a million groups cost a few flat arrays, not a million dictionaries.
struct GroupTable {
  /// Grain dimensions.
  let width: Int
  /// Packed keys (`encoder`), when the groups were aggregated in memory.
  var keys: [Int64] = []
  let encoder: KeyEncoder?
  /// Codes, `width` per group, when the groups came as codes (remote engines).
  var flatCodes: [Int32] = []
  var measures: [Measure: [Int64]] = [:]

  init(width: Int, encoder: KeyEncoder? = nil) {
    self.width = width
    self.encoder = encoder
  }

  /// The table of `groups` (each `width` codes; measures a group lacks are 0).
  init(_ groups: [Group], width: Int) {
    self.width = width
    encoder = nil
    flatCodes.reserveCapacity(groups.count * width)
    for g in groups {
      precondition(g.codes.count == width, "a group has one code per grain dimension")
      flatCodes += g.codes
    }
    var names = Set<Measure>()
    for g in groups { names.formUnion(g.measures.keys) }
    for m in names { measures[m] = groups.map { $0.measures[m] ?? 0 } }
    count = groups.count
  }

  private var setCount: Int?
  var count: Int {
    get { setCount ?? (encoder != nil ? keys.count : flatCodes.count / max(width, 1)) }
    set { setCount = newValue }
  }

  /// Code of grain dimension `d` of group `g`.
  @inline(__always) func code(_ g: Int, _ d: Int) -> Int32 {
    if let encoder {
      let s = encoder.strides[d]
      return Int32((keys[g] / s) % Int64(encoder.sizes[d]))
    }
    return flatCodes[g * width + d]
  }

  func codes(_ g: Int) -> [Int32] { (0..<width).map { code(g, $0) } }

  /// Group `g`'s measures as a dictionary (for the paths that read one group at a time).
  func measures(_ g: Int) -> [Measure: Int64] {
    var out = [Measure: Int64](minimumCapacity: measures.count)
    for (m, column) in measures { out[m] = column[g] }
    return out
  }

  /// The groups `rows` (positions in this table), in that order, as a table of their own.
  ///
  /// - Complexity: O(*k* · (*m* + 1)) for *k* rows and *m* measures; each column is one
  ///   gather loop.
  func gathered(_ rows: [Int32]) -> GroupTable {
    func gather(_ column: [Int64]) -> [Int64] {
      [Int64](unsafeUninitializedCapacity: rows.count) { out, n in
        column.withUnsafeBufferPointer { c in
          for (i, g) in rows.enumerated() { out[i] = Int(g) < c.count ? c[Int(g)] : 0 }
        }
        n = rows.count
      }
    }
    var t = GroupTable(width: width, encoder: encoder)
    if encoder != nil {
      t.keys = gather(keys)
    } else {
      t.flatCodes.reserveCapacity(rows.count * width)
      for g in rows { t.flatCodes += flatCodes[Int(g) * width..<(Int(g) + 1) * width] }
    }
    for (m, column) in measures { t.measures[m] = gather(column) }
    t.count = rows.count
    return t
  }

  /// One `Group` per group (`decode` false: without codes, for one-group scopes).
  func groups(decode: Bool = true) -> [Group] {
    (0..<count).map { Group(codes: decode ? codes($0) : [], measures: measures($0)) }
  }
}

/// Runs logical plans on the store.
struct Executor {
  let store: Store
  let catalog: MetricCatalog

  // MARK: - Segments

  func segments(for plan: FactPlan, dimensions: Set<Dimension>, tiers: Tiers) -> [Segment] {
    let fact = plan.fact
    switch plan.mode {
    case .direct:
      var seg = Segment(count: store.rowCount(fact), codes: [:])
      for d in dimensions { seg.codes.lazy(d) { store.codes(fact, d, tiers: tiers) } }
      for m in plan.measures { addInput(m, fact: fact, to: &seg) }
      seg.cacheKey = fact.rawValue
      for m in Set(seg.sums.keys).union(seg.sumMakers.keys) {
        seg.sumKeys[m] = "\(fact.rawValue)/\(m)"
      }
      // Rows of the other facts in scope count toward the distinct influencers only.
      let audience = plan.measures.filter(\.isAudience)
      let others: [Segment] =
        audience.isEmpty
        ? []
        : plan.audienceAlso.map { other in
          var extra = Segment(count: store.rowCount(other), codes: [:])
          for d in dimensions { extra.codes.lazy(d) { store.codes(other, d, tiers: tiers) } }
          for m in audience {
            extra.distinct[m] = (store.influencerCodes(other), store.influencerIDs.count)
            if case .followers = m { extra.distinctWeights[m] = store.followers }
          }
          return extra
        }
      return [seg] + others
    case .allocated(let weight):
      let alloc = store.allocation(weight)
      var main = Segment(count: store.rowCount(.tracking), codes: [:])
      for d in dimensions { main.codes.lazy(d) { store.codes(.tracking, d, tiers: tiers) } }
      main.narrowSums[.payout] = alloc.perRow
      main.cacheKey = Fact.tracking.rawValue
      main.sumKeys[.payout] = "allocation/\(weight.rawValue)"
      let rows = alloc.unattributedRows
      var rest = Segment(count: rows.count, codes: [:])
      for d in dimensions {
        if store.carries(.payouts, d) {
          let all = store.codes(.payouts, d, tiers: tiers)
          rest.codes[d] = ContiguousArray(rows.map { all[Int($0)] })
        } else {
          let u = store.space(d, tiers: tiers).unattributed
          rest.codes[d] = ContiguousArray(repeating: u, count: rows.count)
        }
      }
      let totals = store.data.payouts.integers("total_payout")
      rest.sums[.payout] = ContiguousArray(rows.map { totals[Int($0)] })
      return [main, rest]
    case .allocatedByPayout(let weight):
      let alloc = store.allocation(weight)
      let payouts = store.data.payouts
      let totals = payouts.integers("total_payout")
      let w =
        weight == .orders
        ? store.data.tracking.integers("orders") : store.data.tracking.integers("revenue")
      // One row per (payout, tracking row) share, or per payout with no rows to carry it. The
      // output columns are indexed by position (appends in place, never a copy per row).
      let payoutDims = dimensions.filter { store.carries(.payouts, $0) }
      let trackingDims = dimensions.filter { !store.carries(.payouts, $0) }
      let payoutCodes = payoutDims.map { store.codes(.payouts, $0, tiers: tiers) }
      let trackingCodes = trackingDims.map { store.codes(.tracking, $0, tiers: tiers) }
      let unattributed = trackingDims.map { store.space($0, tiers: tiers).unattributed }
      let expected = store.rowCount(.tracking) + payouts.rowCount
      var payoutColumns = payoutDims.map { _ in ContiguousArray<Int32>() }
      var trackingColumns = trackingDims.map { _ in ContiguousArray<Int32>() }
      for k in payoutColumns.indices { payoutColumns[k].reserveCapacity(expected) }
      for k in trackingColumns.indices { trackingColumns[k].reserveCapacity(expected) }
      var values = ContiguousArray<Int64>()
      values.reserveCapacity(expected)
      var scratch: [(row: Int32, share: Int64)] = []
      for p in 0..<payouts.rowCount {
        alloc.shares(ofPayout: p, weights: w, total: totals[p], into: &scratch)
        if scratch.isEmpty {
          for k in payoutColumns.indices { payoutColumns[k].append(payoutCodes[k][p]) }
          for k in trackingColumns.indices { trackingColumns[k].append(unattributed[k]) }
          values.append(totals[p])
          continue
        }
        for (r, share) in scratch {
          for k in payoutColumns.indices { payoutColumns[k].append(payoutCodes[k][p]) }
          for k in trackingColumns.indices { trackingColumns[k].append(trackingCodes[k][Int(r)]) }
          values.append(share)
        }
      }
      var codes: [Dimension: ContiguousArray<Int32>] = [:]
      for (k, d) in payoutDims.enumerated() { codes[d] = payoutColumns[k] }
      for (k, d) in trackingDims.enumerated() { codes[d] = trackingColumns[k] }
      var seg = Segment(count: values.count, codes: CodeColumns(codes))
      seg.sums[.payout] = values
      return [seg]
    }
  }

  private func addInput(_ m: Measure, fact: Fact, to seg: inout Segment) {
    let t = store.table(fact)
    let influencerCount = store.influencerIDs.count
    switch m {
    case .revenue: seg.sums[m] = t.integers("revenue")
    case .orders: seg.sums[m] = t.integers("orders")
    case .conversions, .posts: seg.counted.insert(m)
    case .customers:
      seg.distinct[m] = (t.strings("user_id").codes, t.strings("user_id").dictionary.count)
    case .newCustomers:
      let users = t.strings("user_id")
      seg.distinct[m] = (
        store.cachedCodes(
          "\(fact.rawValue)|newCustomers", count: t.rowCount,
          cardinality: users.dictionary.count
        ) {
          let firstDays = store.firstPurchaseDays()
          let dates = t.dates("date")
          return ContiguousArray(
            (0..<t.rowCount).map { r in
              dates[r] == firstDays[Int(users.codes[r])] ? users.codes[r] : -1
            })
        }, users.dictionary.count
      )
    case .newRevenue:
      let (users, firstDays) = (t.strings("user_id").codes, store.firstPurchaseDays())
      let dates = t.dates("date")
      let revenue = t.integers("revenue")
      seg.sumMakers[m] = RowValues(count: t.rowCount) { r in
        dates[r] == firstDays[Int(users[r])] ? revenue[r] : 0
      }
    case .reach: seg.sums[m] = t.integers("reach")
    case .likes: seg.sums[m] = t.integers("likes")
    case .comments: seg.sums[m] = t.integers("comments")
    case .postFollowers:
      let infl = store.influencerCodes(fact)
      let followers = store.followers
      seg.sumMakers[m] = RowValues(count: t.rowCount) { r in
        Int(infl[r]) < followers.count ? followers[Int(infl[r])] : 0
      }
    case .payout: seg.sums[m] = t.integers("total_payout")
    case .paidPayout, .pendingPayout:
      let status = t.strings("status")
      let totals = t.integers("total_payout")
      let wanted = m == .paidPayout ? "paid" : "pending"
      seg.sums[m] = ContiguousArray(
        (0..<t.rowCount).map { status.dictionary[status.codes[$0]] == wanted ? totals[$0] : 0 })
    case .paidOrders:
      seg.sums[m] = orderBasisOrders()
    case .orderGap:
      seg.sums[m] = orderGaps()
    case .influencers(let f), .followers(let f):
      precondition(f == fact)
      seg.distinct[m] = (store.influencerCodes(fact), influencerCount)
      if case .followers = m { seg.distinctWeights[m] = store.followers }
    }
  }

  /// Paid orders of order-basis payouts per payout row (0 for other bases).
  func orderBasisOrders() -> ContiguousArray<Int64> {
    let t = store.data.payouts
    let basis = t.strings("basis")
    let orders = t.integers("orders")
    return ContiguousArray(
      (0..<t.rowCount).map { basis.dictionary[basis.codes[$0]] == "order" ? orders[$0] : 0 })
  }

  /// Per payout row: its paid orders (order basis) minus the tracked orders of its influencer
  /// (and campaign) — subtracted once per key, on the key's first order-basis row.
  func orderGaps() -> ContiguousArray<Int64> {
    let paid = orderBasisOrders()
    let t = store.data.payouts
    let basis = t.strings("basis")
    let alloc = store.allocation(.orders)
    var seen = Set<Int32>()
    return ContiguousArray(
      (0..<t.rowCount).map { p in
        guard basis.dictionary[basis.codes[p]] == "order" else { return 0 }
        let k = alloc.payoutKey[p]
        let tracked = seen.insert(k).inserted ? alloc.keyWeight[Int(k)] : 0
        return paid[p] - tracked
      })
  }

  // MARK: - Aggregation and join

  /// Aggregates every fact of `plan` to `grain` and joins them on the grain keys, as one
  /// `Group` per key (the scopes of `Engine.aggregate`, the remote engine's shape).
  func groups(
    _ plan: LogicalPlan, grain: [Dimension], keyFilter: ((Int64) -> Int64?)? = nil
  ) -> (groups: [Group], encoder: KeyEncoder) {
    let spaces = grain.map { store.space($0, tiers: plan.tiers) }
    guard let encoder = KeyEncoder(sizes: spaces.map(\.total)) else {
      return ([], KeyEncoder())
    }
    return (
      table(plan, grain: grain, keyFilter: keyFilter).groups(decode: keyFilter == nil), encoder
    )
  }

  /// Aggregates every fact of `plan` to `grain` and joins them on the grain keys, column by
  /// column: keys and measures in flat arrays, no allocation per group.
  ///
  /// - Complexity: O(*n* + *g*) in the facts' rows and the groups.
  func table(_ plan: LogicalPlan, grain: [Dimension], keyFilter: ((Int64) -> Int64?)? = nil)
    -> GroupTable
  {
    let spaces = grain.map { store.space($0, tiers: plan.tiers) }
    guard let encoder = KeyEncoder(sizes: spaces.map(\.total)) else {
      return GroupTable(width: grain.count)
    }
    var dims = Set(grain)
    if let f = plan.filter { dims.formUnion(f.dimensions) }
    var result = GroupTable(width: grain.count, encoder: encoder)
    // Other facts find the first fact's keys here (built only when there is another fact).
    var index = KeyTable(expected: 0)
    for (f, fp) in plan.facts.enumerated() {
      let segs = segments(for: fp, dimensions: dims, tiers: plan.tiers)
      let agg = Aggregator.aggregate(
        segments: segs, grain: grain, encoder: encoder, filter: plan.filter, measures: fp.measures,
        keyFilter: keyFilter,
        store: store, tiers: plan.tiers)
      if f == 0 {
        // The first fact's keys are distinct: its columns are the table's.
        result.keys = agg.keys
        for (m, values) in agg.values { result.measures[m] = values }
        if plan.facts.count > 1 {
          index = KeyTable(expected: agg.keys.count)
          for key in agg.keys { _ = index.id(key) }
        }
        continue
      }
      var slot = [Int32](repeating: 0, count: agg.keys.count)
      for (gi, key) in agg.keys.enumerated() {
        let before = index.count
        let i = index.id(key)
        if index.count > before { result.keys.append(key) }
        slot[gi] = i
      }
      let n = result.keys.count
      for (m, column) in result.measures where column.count < n {
        result.measures[m]?.append(contentsOf: repeatElement(0, count: n - column.count))
      }
      for (m, values) in agg.values {
        var column = result.measures[m] ?? [Int64](repeating: 0, count: n)
        if column.count < n { column.append(contentsOf: repeatElement(0, count: n - column.count)) }
        for gi in values.indices { column[Int(slot[gi])] &+= values[gi] }
        result.measures[m] = column
      }
    }
    let n = result.keys.count
    for (m, column) in result.measures where column.count < n {
      result.measures[m]?.append(contentsOf: repeatElement(0, count: n - column.count))
    }
    return result
  }

  // MARK: - Metrics

  func evaluate(_ formula: Formula, _ measures: [Measure: Int64], audience: Fact) -> Num {
    switch formula {
    case .measure(let m):
      var key = m
      if case .influencers = m { key = .influencers(audience) }
      if case .followers = m { key = .followers(audience) }
      return .int(measures[key] ?? 0)
    case .constant(let c): return .double(c)
    case .add(let a, let b):
      return Num.combine(
        evaluate(a, measures, audience: audience), evaluate(b, measures, audience: audience),
        { $0.addingReportingOverflow($1) }, +)
    case .subtract(let a, let b):
      return Num.combine(
        evaluate(a, measures, audience: audience), evaluate(b, measures, audience: audience),
        { $0.subtractingReportingOverflow($1) }, -)
    case .multiply(let a, let b):
      return Num.combine(
        evaluate(a, measures, audience: audience), evaluate(b, measures, audience: audience),
        { $0.multipliedReportingOverflow(by: $1) }, *)
    case .divide(let a, let b):
      guard let x = evaluate(a, measures, audience: audience).double,
        let y = evaluate(b, measures, audience: audience).double, y != 0
      else {
        return .none
      }
      return .double(x / y)
    case .metric(let name):
      guard let m = catalog.metric(named: name) else { return .none }
      return evaluate(m.formula, measures, audience: audience)
    }
  }

  /// A computed number as a result cell: money in paise stays exact; derived money is rupees.
  static func value(_ n: Num, format: ValueFormat) -> Value {
    switch (n, format) {
    case (.none, _): return .empty
    case (.int(let v), .money): return .paise(v)
    case (.double(let v), .money): return v.isFinite ? .number(v / 100) : .empty
    case (.int(let v), .integer): return .integer(v)
    case (.int(let v), _): return .number(Double(v))
    case (.double(let v), _): return v.isFinite ? .number(v) : .empty
    }
  }

}
