import CQLanguage
import CQStorage

/// Metric values of every group, one column per metric: computed from the group table's
/// measure columns without a dictionary, an array or a `String` per group.
struct MetricColumns {
  enum Kind {
    /// A formula's number, shown in the metric's format.
    case formula(ValueFormat)
    /// A plain number (`share`, `roas_delta`).
    case number
  }
  var columns: [[Num]]
  var kinds: [Kind]

  /// Metric `m` of group `g` as a result cell.
  @inline(__always) func value(_ m: Int, _ g: Int) -> Value {
    let n = columns[m][g]
    switch kinds[m] {
    case .formula(let format): return Executor.value(n, format: format)
    case .number:
      if case .double(let v) = n { return .number(v) }
      return .empty
    }
  }

  func row(_ g: Int) -> [Value] { columns.indices.map { value($0, g) } }
}

extension Engine {
  /// Off: every query takes the group-at-a-time path (tests compare the two).
  nonisolated(unsafe) static var executesOnColumns = true

  /// Whether `execute` can run `plan` on columns: every metric a formula, `share` or
  /// `roas_delta` (score, change and lift read groups one at a time).
  static func runsOnColumns(_ plan: LogicalPlan) -> Bool {
    executesOnColumns && plan.metrics.allSatisfy { pm in
      switch pm.definition.special {
      case nil, .share?, .roasDelta?: pm.definition.liftMetric == nil
      default: false
      }
    }
  }

  /// The groups of `plan` at `grain` as columns: from the columnar store, or from the groups
  /// the SQL engine returned.
  func aggregateTable(_ plan: LogicalPlan, grain: [Dimension]) throws(DiagnosticsError) -> GroupTable {
    if remote != nil { return GroupTable(try aggregate(plan, grain: grain), width: grain.count) }
    return Executor(store: store, catalog: catalog).table(plan, grain: grain)
  }

  /// `formula` over every group of `table`.
  ///
  /// - Complexity: O(*g*) per node of the formula.
  func evaluateColumn(_ formula: Formula, _ table: GroupTable, count: Int, audience: Fact) -> [Num] {
    switch formula {
    case .measure(let m):
      var key = m
      if case .influencers = m { key = .influencers(audience) }
      if case .followers = m { key = .followers(audience) }
      guard let column = table.measures[key] else { return [Num](repeating: .int(0), count: count) }
      return column.map { .int($0) }
    case .constant(let c): return [Num](repeating: .double(c), count: count)
    case .add(let a, let b):
      return zip(evaluateColumn(a, table, count: count, audience: audience), evaluateColumn(b, table, count: count, audience: audience)).map {
        Num.combine($0, $1, { $0.addingReportingOverflow($1) }, +)
      }
    case .subtract(let a, let b):
      return zip(evaluateColumn(a, table, count: count, audience: audience), evaluateColumn(b, table, count: count, audience: audience)).map {
        Num.combine($0, $1, { $0.subtractingReportingOverflow($1) }, -)
      }
    case .multiply(let a, let b):
      return zip(evaluateColumn(a, table, count: count, audience: audience), evaluateColumn(b, table, count: count, audience: audience)).map {
        Num.combine($0, $1, { $0.multipliedReportingOverflow(by: $1) }, *)
      }
    case .divide(let a, let b):
      return zip(evaluateColumn(a, table, count: count, audience: audience), evaluateColumn(b, table, count: count, audience: audience)).map {
        guard let x = $0.double, let y = $1.double, y != 0 else { return .none }
        return .double(x / y)
      }
    case .metric(let name):
      guard let m = catalog.metric(named: name) else { return [Num](repeating: .none, count: count) }
      return evaluateColumn(m.formula, table, count: count, audience: audience)
    }
  }

  /// Every metric of `plan` over the groups of `table`.
  func metricColumns(_ plan: LogicalPlan, _ table: GroupTable, count: Int, totals: [Measure: Int64]?) -> MetricColumns {
    let executor = Executor(store: store, catalog: catalog)
    var columns: [[Num]] = []
    var kinds: [MetricColumns.Kind] = []
    for pm in plan.metrics {
      let def = pm.definition
      let values = evaluateColumn(def.formula, table, count: count, audience: plan.audience)
      switch def.special {
      case .share?:
        let all = executor.evaluate(def.formula, totals ?? [:], audience: plan.audience).double
        columns.append(values.map { n in
          guard let g = n.double, let all, all != 0 else { return .none }
          return .double(g / all)
        })
        kinds.append(.number)
      case .roasDelta?:
        let all = executor.evaluate(def.formula, totals ?? [:], audience: plan.audience).double
        columns.append(values.map { n in
          guard let g = n.double, let all else { return .none }
          return .double(g - all)
        })
        kinds.append(.number)
      default:
        columns.append(values)
        kinds.append(.formula(def.format))
      }
    }
    return MetricColumns(columns: columns, kinds: kinds)
  }

  /// One group's metric values (the `(other)` and totals rows), through the same columns.
  func metricRow(_ plan: LogicalPlan, _ measures: [Measure: Int64], totals: [Measure: Int64]?) -> [Value] {
    var one = GroupTable(width: 0)
    for (m, v) in measures { one.measures[m] = [v] }
    one.count = 1
    return metricColumns(plan, one, count: 1, totals: totals).row(0)
  }

  /// `execute` on columns (see `runsOnColumns`): the groups stay in flat arrays through
  /// `having` and ordering, and only the rows shown become cells and labels.
  ///
  /// - Complexity: O(*n* + *g* log *k*) for *n* fact rows, *g* groups and the first *k* rows
  ///   (O(*g* log *g*) without a limit).
  func executeOnColumns(_ plan: LogicalPlan) throws(DiagnosticsError) -> ResultSet {
    let spaces = plan.dimensions.map { store.space($0, tiers: plan.tiers) }
    let width = plan.dimensions.count
    var table = try aggregateTable(plan, grain: plan.dimensions)
    // Without 'by' there is always one row: a sum over no rows is 0.
    if plan.dimensions.isEmpty, table.count == 0 {
      table = GroupTable(width: 0)
      table.count = 1
    }
    let groupCount = table.count
    var totals: [Measure: Int64]? = nil
    if plan.needsTotals { totals = try aggregate(plan, grain: []).first?.measures ?? [:] }
    if Cancellation.isRequested { return ResultSet(columns: [], rows: []) }
    let metrics = metricColumns(plan, table, count: groupCount, totals: totals)
    var selected: [Int32]
    if let having = plan.having {
      selected = (0..<Int32(groupCount)).filter { g in Engine.holds(having) { metrics.value($0, Int(g)).doubleValue } }
    } else {
      selected = Array(0..<Int32(groupCount))
    }
    var ranking = plan
    if let rank = plan.rank { ranking.order = rank }
    // Label order of large dimensions (users), once per session rather than once per sort.
    let labels = LabelOrder(spaces) { [store] i in store.labelRanks(plan.dimensions[i], space: spaces[i]) }
    let ranked = Engine.order(
      selected, table: table, metrics: metrics, plan: ranking, spaces: spaces, first: plan.limit, labels: labels)
    if Cancellation.isRequested { return ResultSet(columns: [], rows: []) }
    let totalGroups = selected.count
    var shown = ranked
    var otherRow: [Value]? = nil
    func shownKeys() -> Set<[Int32]> { Set(shown.map { table.codes(Int($0)) }) }
    if let limit = plan.limit, shown.count > limit {
      shown = Array(shown[..<limit])
      if plan.withOther, !plan.dimensions.isEmpty {
        let other = try aggregate(plan, grain: plan.dimensions, scope: .except(shownKeys()))
        otherRow = metricRow(plan, other.first?.measures ?? [:], totals: totals)
      }
    }
    // The rows `top N` picked, in the order asked for.
    if plan.rank != nil {
      shown = Engine.order(shown, table: table, metrics: metrics, plan: plan, spaces: spaces, labels: labels)
    }
    var columns: [ResultColumn] = plan.dimensions.map {
      ResultColumn(name: $0.rawValue, role: .dimension(time: $0.timeGrain), format: $0.timeGrain == nil ? .text : .date)
    }
    let visible = plan.metrics.indices.filter { plan.metrics[$0].visible }
    columns += visible.map {
      ResultColumn(
        name: plan.metrics[$0].header ?? plan.metrics[$0].definition.name, role: .metric,
        format: plan.metrics[$0].definition.format)
    }
    var out: [[Value]] = []
    out.reserveCapacity(shown.count + 1)
    for (i, g) in shown.enumerated() {
      if i & 0xFFFF == 0xFFFF, Cancellation.isRequested { return ResultSet(columns: [], rows: []) }
      var row: [Value] = []
      row.reserveCapacity(width + visible.count)
      for d in 0..<width { row.append(.text(spaces[d].labelFor(table.code(Int(g), d)))) }
      for m in visible { row.append(metrics.value(m, Int(g))) }
      out.append(row)
    }
    var kinds = [ResultSet.RowKind](repeating: .normal, count: out.count)
    if let otherRow {
      out.append([.text("(other)")] + Array(repeating: .text(""), count: max(0, width - 1)) + visible.map { otherRow[$0] })
      kinds.append(.other)
    }
    var result = ResultSet(columns: columns, rows: out, rowKinds: kinds, totalGroups: totalGroups)
    if let totals, !plan.dimensions.isEmpty {
      // The totals row totals the table: when `having` or a cut without `(other)` left rows
      // out, its sums (and distinct counts) are taken again over the rows shown.
      var shownTotals = totals
      if shown.count < groupCount, otherRow == nil {
        shownTotals = try aggregate(plan, grain: plan.dimensions, scope: .only(shownKeys())).first?.measures ?? [:]
      }
      let totalRow = metricRow(plan, shownTotals, totals: totals)
      result.totals = [.text("(total)")] + Array(repeating: .text(""), count: max(0, width - 1)) + visible.map { totalRow[$0] }
    }
    if let note = heuristicFootnote(visible.map { plan.metrics[$0].definition }) { result.footnotes.append(note) }
    result.footnotes += planFootnotes(plan)
    return result
  }

  /// Whether a group's metric values (`value(i)`: metric `i` as a number) satisfy `having`.
  static func holds(_ h: BoundHaving, _ value: (Int) -> Double?) -> Bool {
    switch h {
    case .and(let a, let b): return holds(a, value) && holds(b, value)
    case .or(let a, let b): return holds(a, value) || holds(b, value)
    case .not(let a): return !holds(a, value)
    case .compare(let i, let op, let x):
      guard let v = value(i) else { return false }
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

  /// The groups `selected` in result order (see `sort`): the first `first` in order, the rest
  /// after them in no particular order.
  static func order(
    _ selected: [Int32], table: GroupTable, metrics: MetricColumns, plan: LogicalPlan, spaces: [DimensionSpace],
    first: Int? = nil, labels: LabelOrder? = nil
  ) -> [Int32] {
    let n = selected.count, width = spaces.count
    guard n > 1 else { return selected }
    let keys = sortKeys(plan)
    if first == nil || first! >= n / 2, n >= packedSortMinimum, let labels {
      return packedOrder(selected, table: table, metrics: metrics, keys: keys, spaces: spaces, labels: labels)
    }
    var codes = [Int32](repeating: 0, count: n * width)
    var unattributed = [Bool](repeating: false, count: n)
    for (r, g) in selected.enumerated() {
      for i in 0..<width {
        let c = table.code(Int(g), i)
        codes[r * width + i] = c
        if c == spaces[i].unattributed { unattributed[r] = true }
      }
    }
    var slotOf: [Int: Int] = [:]
    for key in keys { if case .metric(let m) = key.key, slotOf[m] == nil { slotOf[m] = slotOf.count } }
    let slots = slotOf.count
    var numbers = [Double](repeating: .nan, count: n * max(slots, 1))
    for (m, slot) in slotOf where m < metrics.columns.count {
      for (r, g) in selected.enumerated() { numbers[r * slots + slot] = metrics.value(m, Int(g)).doubleValue ?? .nan }
    }
    let positions = orderPositions(
      n: n, codes: codes, unattributed: unattributed, numbers: numbers, slotOf: slotOf, keys: keys, spaces: spaces,
      first: first, labels: labels)
    return positions.map { selected[$0] }
  }

  /// Results at least this long are fully sorted on packed keys.
  nonisolated(unsafe) static var packedSortMinimum = 4096

  /// The groups `selected` fully in result order (the order `orderPositions` gives), sorted on
  /// one packed integer key per row: the `(unattributed)` flag, then each sort key (a
  /// dimension's position in its order, a metric's number as order-preserving bits, flipped
  /// when descending, no value last), then every dimension's position, bit-packed most
  /// significant first into as few 64-bit words as hold them. A comparison is one or two
  /// integer compares, with no label or closure in it.
  ///
  /// - Complexity: O(*g* log *g*) integer comparisons, O(*g*) memory.
  static func packedOrder(
    _ selected: [Int32], table: GroupTable, metrics: MetricColumns, keys: [(key: SortKey, descending: Bool)],
    spaces: [DimensionSpace], labels: LabelOrder
  ) -> [Int32] {
    let n = selected.count, width = spaces.count
    // A dimension code's position: regular codes by rank (or code), then the specials by code.
    // Label ranks only for dimensions the sort keys name: the last tie-break on the rest is
    // settled after the sort, among the few rows still tied, so `revenue by user` never ranks
    // two million labels.
    var named = Set<Int>()
    for key in keys { if case .dimension(let i) = key.key { named.insert(i) } }
    let ranks: [[Int32]?] = spaces.indices.map {
      spaces[$0].sortsByCode || !named.contains($0) ? nil : labels.rankTable(of: $0)
    }
    // The final tie-break packs the dimensions before the first unranked label dimension; that
    // one and those after it are compared after the sort.
    let firstUnranked = (0..<width).first { !spaces[$0].sortsByCode && !named.contains($0) } ?? width
    let byLabel = Array(firstUnranked..<width)
    func position(_ d: Int, _ code: Int32) -> UInt64 {
      if code < Int32(spaces[d].count), let r = ranks[d], Int(code) < r.count { return UInt64(r[Int(code)]) }
      return UInt64(code)
    }
    func bitsFor(_ d: Int) -> Int { max(1, 64 - UInt64(spaces[d].total).leadingZeroBitCount) }
    enum Field { case flag, dimension(Int, Bool), metric(Int, Bool) }
    var fields: [Field] = [.flag]
    for key in keys {
      switch key.key {
      case .dimension(let i): fields.append(.dimension(i, key.descending))
      case .metric(let m): fields.append(.metric(m, key.descending))
      }
    }
    for d in 0..<firstUnranked { fields.append(.dimension(d, false)) }
    let totalBits = fields.reduce(0) { bits, f in
      switch f {
      case .flag: bits + 1
      case .dimension(let d, _): bits + bitsFor(d)
      case .metric: bits + 64
      }
    }
    let words = (totalBits + 63) / 64
    var packed = [UInt64](repeating: 0, count: n * words)
    packed.withUnsafeMutableBufferPointer { out in
      for (r, g) in selected.enumerated() {
        var w = r * words, used = 0
        func put(_ v: UInt64, _ bits: Int) {
          var remaining = bits
          while remaining > 0 {
            let room = 64 - used, take = min(room, remaining)
            let part = take == 64 ? v : (v >> UInt64(remaining - take)) & ((1 << UInt64(take)) - 1)
            out[w] |= take == 64 ? part : part << UInt64(room - take)
            used += take
            remaining -= take
            if used == 64 {
              w += 1
              used = 0
            }
          }
        }
        for f in fields {
          switch f {
          case .flag:
            var flag: UInt64 = 0
            for d in 0..<width where table.code(Int(g), d) == spaces[d].unattributed { flag = 1 }
            put(flag, 1)
          case .dimension(let d, let descending):
            let p = position(d, table.code(Int(g), d))
            let top = UInt64(1) << UInt64(bitsFor(d)) - 1
            put(descending ? top - p : p, bitsFor(d))
          case .metric(let m, let descending):
            guard m < metrics.columns.count, var x = metrics.value(m, Int(g)).doubleValue, !x.isNaN else {
              put(.max, 64)
              continue
            }
            if x == 0 { x = 0 }  // -0 and 0 are equal
            let bits = x.bitPattern
            let ordered = bits >> 63 == 1 ? ~bits : bits | (1 << 63)
            // No value sorts last either way: the largest key stays reserved for it.
            put(descending ? min(~ordered, .max - 1) : min(ordered, .max - 1), 64)
          }
        }
      }
    }
    if Cancellation.isRequested { return selected }
    var order = Array(0..<Int32(n))
    switch words {
    case 1:
      var pairs: [PackedKey1] = (0..<n).map { PackedKey1(key: packed[$0], row: Int32($0)) }
      pairs.sort { $0.key < $1.key }
      order = pairs.map { $0.row }
    case 2:
      var pairs: [PackedKey2] = (0..<n).map { PackedKey2(high: packed[2 * $0], low: packed[2 * $0 + 1], row: Int32($0)) }
      pairs.sort { $0.high != $1.high ? $0.high < $1.high : $0.low < $1.low }
      order = pairs.map { $0.row }
    default:
      packed.withUnsafeBufferPointer { p in
        order.sort { a, b in
          let x = Int(a) * words, y = Int(b) * words
          for i in 0..<words where p[x + i] != p[y + i] { return p[x + i] < p[y + i] }
          return false
        }
      }
    }
    if !byLabel.isEmpty {
      // Rows whose packed keys are equal differ only in the label dimensions left out.
      let same: (Int32, Int32) -> Bool = { a, b in
        (0..<words).allSatisfy { packed[Int(a) * words + $0] == packed[Int(b) * words + $0] }
      }
      var start = 0
      while start < n {
        var end = start + 1
        while end < n, same(order[start], order[end]) { end += 1 }
        if end - start > 1 {
          order[start..<end].sort { a, b in
            for d in byLabel {
              let x = table.code(Int(selected[Int(a)]), d), y = table.code(Int(selected[Int(b)]), d)
              if x == y { continue }
              let regular = Int32(spaces[d].count)
              if (x >= regular) != (y >= regular) { return y >= regular }
              if x >= regular || spaces[d].sortsByCode { return x < y }
              return labels.compare(d, x, y) < 0
            }
            return false
          }
        }
        start = end
      }
    }
    return order.map { selected[Int($0)] }
  }
}

struct PackedKey1 {
  var key: UInt64
  var row: Int32
}

struct PackedKey2 {
  var high: UInt64
  var low: UInt64
  var row: Int32
}
