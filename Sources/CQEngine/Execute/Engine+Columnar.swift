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
  var columns: [MetricColumn]
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

/// One metric's values per group: a measure column as it is (sums and counts, shared with the
/// group table, no copy), or numbers a formula computed.
enum MetricColumn {
  case measure([Int64])
  case numbers([Num])

  @inline(__always) subscript(_ g: Int) -> Num {
    switch self {
    case .measure(let v): .int(v[g])
    case .numbers(let n): n[g]
    }
  }

  var count: Int {
    switch self {
    case .measure(let v): v.count
    case .numbers(let n): n.count
    }
  }

  func map<T>(_ transform: (Num) -> T) -> [T] { (0..<count).map { transform(self[$0]) } }
}

extension Engine {
  /// Off: every query takes the group-at-a-time path (tests compare the two).
  static var executesOnColumns: Bool { ExecutionTuning.current.executesOnColumns }

  /// Whether `execute` can run `plan` on columns: every metric a formula, `share` or
  /// `roas_delta` (score, change and lift read groups one at a time).
  static func runsOnColumns(_ plan: LogicalPlan) -> Bool {
    executesOnColumns
      && plan.metrics.allSatisfy { pm in
        switch pm.definition.special {
        case nil, .share?, .roasDelta?: pm.definition.liftMetric == nil
        default: false
        }
      }
  }

  /// The groups of `plan` at `grain` as columns: from the columnar store, or from the groups
  /// the SQL engine returned.
  func aggregateTable(_ plan: LogicalPlan, grain: [Dimension]) throws(DiagnosticsError)
    -> GroupTable
  {
    if let remote {
      // On a database, `having`, order and limit may already have left out groups cq drops.
      if grain == plan.dimensions { return try remote.table(plan, engine: self) }
      return GroupTable(try aggregate(plan, grain: grain), width: grain.count)
    }
    return Executor(store: store, catalog: catalog).table(plan, grain: grain)
  }

  /// `formula` over every group of `table`; a plain measure is its column as it is (a sum
  /// over two million groups is not copied into a second, wider array).
  ///
  /// - Complexity: O(1) for a measure; else O(*g*) per node of the formula.
  func metricColumn(_ formula: Formula, _ table: GroupTable, count: Int, audience: Fact)
    -> MetricColumn
  {
    var f = formula
    while case .metric(let name) = f, let m = catalog.metric(named: name) { f = m.formula }
    if case .measure(let m) = f {
      var key = m
      if case .influencers = m { key = .influencers(audience) }
      if case .followers = m { key = .followers(audience) }
      if let column = table.measures[key], column.count == count { return .measure(column) }
    }
    return .numbers(evaluateColumn(formula, table, count: count, audience: audience))
  }

  /// `formula` over every group of `table`.
  ///
  /// - Complexity: O(*g*) per node of the formula.
  func evaluateColumn(_ formula: Formula, _ table: GroupTable, count: Int, audience: Fact) -> [Num]
  {
    switch formula {
    case .measure(let m):
      var key = m
      if case .influencers = m { key = .influencers(audience) }
      if case .followers = m { key = .followers(audience) }
      guard let column = table.measures[key] else { return [Num](repeating: .int(0), count: count) }
      return column.map { .int($0) }
    case .constant(let c): return [Num](repeating: .double(c), count: count)
    case .add(let a, let b):
      return zip(
        evaluateColumn(a, table, count: count, audience: audience),
        evaluateColumn(b, table, count: count, audience: audience)
      ).map {
        Num.combine($0, $1, { $0.addingReportingOverflow($1) }, +)
      }
    case .subtract(let a, let b):
      return zip(
        evaluateColumn(a, table, count: count, audience: audience),
        evaluateColumn(b, table, count: count, audience: audience)
      ).map {
        Num.combine($0, $1, { $0.subtractingReportingOverflow($1) }, -)
      }
    case .multiply(let a, let b):
      return zip(
        evaluateColumn(a, table, count: count, audience: audience),
        evaluateColumn(b, table, count: count, audience: audience)
      ).map {
        Num.combine($0, $1, { $0.multipliedReportingOverflow(by: $1) }, *)
      }
    case .divide(let a, let b):
      return zip(
        evaluateColumn(a, table, count: count, audience: audience),
        evaluateColumn(b, table, count: count, audience: audience)
      ).map {
        guard let x = $0.double, let y = $1.double, y != 0 else { return .none }
        return .double(x / y)
      }
    case .metric(let name):
      guard let m = catalog.metric(named: name) else {
        return [Num](repeating: .none, count: count)
      }
      return evaluateColumn(m.formula, table, count: count, audience: audience)
    }
  }

  /// Every metric of `plan` over the groups of `table`.
  func metricColumns(
    _ plan: LogicalPlan, _ table: GroupTable, count: Int, totals: [Measure: Int64]?
  ) -> MetricColumns {
    let executor = Executor(store: store, catalog: catalog)
    var columns: [MetricColumn] = []
    var kinds: [MetricColumns.Kind] = []
    for pm in plan.metrics {
      let def = pm.definition
      let values = metricColumn(def.formula, table, count: count, audience: plan.audience)
      switch def.special {
      case .share?:
        let all = executor.evaluate(def.formula, totals ?? [:], audience: plan.audience).double
        columns.append(
          .numbers(
            values.map { n in
              guard let g = n.double, let all, all != 0 else { return .none }
              return .double(g / all)
            }))
        kinds.append(.number)
      case .roasDelta?:
        let all = executor.evaluate(def.formula, totals ?? [:], audience: plan.audience).double
        columns.append(
          .numbers(
            values.map { n in
              guard let g = n.double, let all else { return .none }
              return .double(g - all)
            }))
        kinds.append(.number)
      default:
        columns.append(values)
        kinds.append(.formula(def.format))
      }
    }
    return MetricColumns(columns: columns, kinds: kinds)
  }

  /// One group's metric values (the `(other)` and totals rows), through the same columns.
  func metricRow(_ plan: LogicalPlan, _ measures: [Measure: Int64], totals: [Measure: Int64]?)
    -> [Value]
  {
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
    if CancellationToken.current.isCancelled { return ResultSet(columns: [], rows: []) }
    var metrics = metricColumns(plan, table, count: groupCount, totals: totals)
    var selected: [Int32]
    if let having = plan.having {
      selected = (0..<Int32(groupCount)).filter { g in
        Engine.holds(having) { metrics.value($0, Int(g)).doubleValue }
      }
    } else {
      selected = Array(0..<Int32(groupCount))
    }
    var ranking = plan
    if let rank = plan.rank { ranking.order = rank }
    // Label order of large dimensions (users), once per session rather than once per sort.
    let labels = LabelOrder(
      spaces, rankTable: { [store] i in store.labelRanks(plan.dimensions[i], space: spaces[i]) },
      known: { [store] i in
        spaces[i].sortsByCode ? nil : store.knownLabelRanks(plan.dimensions[i], space: spaces[i])
      })
    let ranked = Engine.order(
      selected, table: table, metrics: metrics, plan: ranking, spaces: spaces, first: plan.limit,
      labels: labels)
    if CancellationToken.current.isCancelled { return ResultSet(columns: [], rows: []) }
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
      shown = Engine.order(
        shown, table: table, metrics: metrics, plan: plan, spaces: spaces, labels: labels)
    }
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
    var otherCells: [Value]? = nil
    if let otherRow {
      otherCells =
        [.text("(other)")] + Array(repeating: .text(""), count: max(0, width - 1))
        + visible.map { otherRow[$0] }
    }
    var totalCells: [Value]? = nil
    if let totals, !plan.dimensions.isEmpty {
      // The totals row totals the table: when `having` or a cut without `(other)` left rows
      // out, its sums (and distinct counts) are taken again over the rows shown.
      var shownTotals = totals
      if shown.count < groupCount, otherRow == nil {
        shownTotals =
          try aggregate(plan, grain: plan.dimensions, scope: .only(shownKeys())).first?.measures
          ?? [:]
      }
      let totalRow = metricRow(plan, shownTotals, totals: totals)
      totalCells =
        [.text("(total)")] + Array(repeating: .text(""), count: max(0, width - 1))
        + visible.map { totalRow[$0] }
    }
    // A long answer is gathered into result order once, in tight loops that keep many memory
    // reads in flight, instead of one scattered read per cell while its rows are written.
    if shown.count >= Engine.gatherMinimum {
      table = table.gathered(shown)
      metrics = metricColumns(plan, table, count: table.count, totals: totals)
      shown = Array(0..<Int32(table.count))
    }
    // The rows stay in the group table's columns: a cell (and a label) is made when read.
    let body = GroupRows(
      shown: shown, table: table, metrics: metrics, spaces: spaces, visible: visible)
    var result = ResultSet(columns: columns, rows: body, totalGroups: totalGroups)
    if let otherCells { result.append(otherCells, kind: .other) }
    result.totals = totalCells
    if let note = heuristicFootnote(visible.map { plan.metrics[$0].definition }) {
      result.footnotes.append(note)
    }
    result.footnotes += planFootnotes(plan)
    return result
  }

  /// Answers with at least this many rows are gathered into result order before they are read.
  static let gatherMinimum = 1 << 16

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
    _ selected: [Int32], table: GroupTable, metrics: MetricColumns, plan: LogicalPlan,
    spaces: [DimensionSpace],
    first: Int? = nil, labels: LabelOrder? = nil
  ) -> [Int32] {
    let n = selected.count
    let width = spaces.count
    guard n > 1 else { return selected }
    let keys = sortKeys(plan)
    if (first ?? n) >= n / 2, n >= packedSortMinimum, let labels {
      return packedOrder(
        selected, table: table, metrics: metrics, keys: keys, spaces: spaces, labels: labels)
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
    for key in keys {
      if case .metric(let m) = key.key, slotOf[m] == nil { slotOf[m] = slotOf.count }
    }
    let slots = slotOf.count
    var numbers = [Double](repeating: .nan, count: n * max(slots, 1))
    for (m, slot) in slotOf where m < metrics.columns.count {
      for (r, g) in selected.enumerated() {
        numbers[r * slots + slot] = metrics.value(m, Int(g)).doubleValue ?? .nan
      }
    }
    let positions = orderPositions(
      n: n, codes: codes, unattributed: unattributed, numbers: numbers, slotOf: slotOf, keys: keys,
      spaces: spaces,
      first: first, labels: labels)
    return positions.map { selected[$0] }
  }

  /// Results at least this long are fully sorted on packed keys.
  static var packedSortMinimum: Int { ExecutionTuning.current.packedSortMinimum }

  /// The groups `selected` fully in result order (the order `orderPositions` gives).
  ///
  /// They are sorted on one packed integer key per row: the `(unattributed)` flag, then each
  /// sort key (a dimension's position in its order, a metric's number as order-preserving bits,
  /// flipped when descending, no value last), then every dimension's position, bit-packed most
  /// significant first into as few 64-bit words as hold them. A comparison is one or two
  /// integer compares, with no label or closure in it.
  ///
  /// - Complexity: O(*g* log *g*) integer comparisons, O(*g*) memory.
  static func packedOrder(
    _ selected: [Int32], table: GroupTable, metrics: MetricColumns,
    keys: [(key: SortKey, descending: Bool)],
    spaces: [DimensionSpace], labels: LabelOrder
  ) -> [Int32] {
    let n = selected.count
    let width = spaces.count
    // A dimension code's position: regular codes by rank (or code), then the specials by code.
    // Label ranks only for dimensions the sort keys name: the last tie-break on the rest is
    // settled after the sort, among the few rows still tied, so `revenue by user` never ranks
    // two million labels.
    var named = Set<Int>()
    for key in keys { if case .dimension(let i) = key.key { named.insert(i) } }
    // Rank tables an earlier query made are used for the rest too.
    let ranks: [[Int32]?] = spaces.indices.map {
      spaces[$0].sortsByCode || !(named.contains($0) || labels.hasRanks($0))
        ? nil : labels.rankTable(of: $0)
    }
    // The final tie-break packs the dimensions before the first unranked label dimension; that
    // one and those after it are compared after the sort.
    let firstUnranked = (0..<width).first { !spaces[$0].sortsByCode && ranks[$0] == nil } ?? width
    let byLabel = Array(firstUnranked..<width)
    func position(_ d: Int, _ code: Int32) -> UInt64 {
      if code < Int32(spaces[d].count), let r = ranks[d], Int(code) < r.count {
        return UInt64(r[Int(code)])
      }
      return UInt64(code)
    }
    func bitsFor(_ d: Int) -> Int { max(1, 64 - UInt64(spaces[d].total).leadingZeroBitCount) }
    enum Field {
      case flag
      case dimension(Int, Bool)
      case metric(Int, Bool)
    }
    var fields: [Field] = [.flag]
    for key in keys {
      switch key.key {
      case .dimension(let i): fields.append(.dimension(i, key.descending))
      case .metric(let m): fields.append(.metric(m, key.descending))
      }
    }
    for d in 0..<firstUnranked { fields.append(.dimension(d, false)) }
    // A metric whose values are all whole numbers (sums, counts) of modest size packs as its
    // offset from the smallest, in as many bits as the range needs (no value: one past the
    // largest), instead of 64 bits of a Double: the same order, a shorter key.
    var intRanges: [Int: (lo: Int64, bits: Int)] = [:]
    for case .metric(let m, _) in fields where m < metrics.columns.count && intRanges[m] == nil {
      let column = metrics.columns[m]
      var lo = Int64.max
      var hi = Int64.min
      var whole = true
      for g in selected {
        switch column[Int(g)] {
        case .int(let v):
          lo = min(lo, v)
          hi = max(hi, v)
        case .none: break
        case .double: whole = false
        }
        if !whole { break }
      }
      // Within ±2^50 every value (and every value / 100, for money) is a distinct Double.
      let limit: Int64 = 1 << 50
      guard whole, lo <= hi, lo > -limit, hi < limit else { continue }
      intRanges[m] = (lo, max(1, 64 - UInt64(hi - lo + 1).leadingZeroBitCount))
    }
    let totalBits = fields.reduce(0) { bits, f in
      switch f {
      case .flag: bits + 1
      case .dimension(let d, _): bits + bitsFor(d)
      case .metric(let m, _): bits + (intRanges[m]?.bits ?? 64)
      }
    }
    let words = (totalBits + 63) / 64
    var packed = [UInt64](repeating: 0, count: n * words)
    packed.withUnsafeMutableBufferPointer { out in
      for (r, g) in selected.enumerated() {
        var w = r * words
        var used = 0
        func put(_ v: UInt64, _ bits: Int) {
          var remaining = bits
          while remaining > 0 {
            let room = 64 - used
            let take = min(room, remaining)
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
            if let (lo, bits) = intRanges[m] {
              let none = UInt64(1) << UInt64(bits) - 1
              var v = none
              if case .int(let x) = metrics.columns[m][Int(g)] {
                v = descending ? none - 1 - UInt64(x - lo) : UInt64(x - lo)
              }
              put(v, bits)
              continue
            }
            guard m < metrics.columns.count, var x = metrics.value(m, Int(g)).doubleValue, !x.isNaN
            else {
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
    if CancellationToken.current.isCancelled { return selected }
    var order = Array(0..<Int32(n))
    switch words {
    case 1, 2:
      // The packed keys go once split into words; equal keys are found in the sorted words.
      let (sorted, low, high) = radixOrder(consuming: &packed, words: words)
      return finishPackedOrder(
        sorted, selected: selected, table: table, spaces: spaces, labels: labels,
        byLabel: byLabel
      ) { i, j in low[i] == low[j] && (words == 1 || high[i] == high[j]) }
    default:
      packed.withUnsafeBufferPointer { p in
        order.sort { a, b in
          let x = Int(a) * words
          let y = Int(b) * words
          for i in 0..<words where p[x + i] != p[y + i] { return p[x + i] < p[y + i] }
          return false
        }
      }
    }
    return finishPackedOrder(
      order, selected: selected, table: table, spaces: spaces, labels: labels, byLabel: byLabel
    ) { i, j in
      let (a, b) = (Int(order[i]), Int(order[j]))
      return (0..<words).allSatisfy { packed[a * words + $0] == packed[b * words + $0] }
    }
  }

  /// The positions of `keys` (`words` words a key, most significant first, one or two) in
  /// ascending key order, equal keys in position order: a least-significant-digit radix sort,
  /// 11 bits a pass, skipping the digits every key shares (the high bits of narrow keys).
  ///
  /// - Complexity: O(*n*) per digit that varies, at most 12; O(*n*) memory.
  static func radixOrder(_ keys: [UInt64], words: Int) -> [Int32] {
    var copy = keys
    return radixOrder(consuming: &copy, words: words).order
  }

  /// ``radixOrder(_:words:)`` that lets go of `keys` (left empty) once they are split into
  /// words, and also returns each word in sorted order (`high` empty for one-word keys): the
  /// sort holds its working arrays, not the packed keys besides.
  static func radixOrder(consuming keys: inout [UInt64], words: Int) -> (
    order: [Int32], low: [UInt64], high: [UInt64]
  ) {
    let n = keys.count / words
    let digitBits = 11
    let buckets = 1 << digitBits
    let digitsPerWord = (64 + digitBits - 1) / digitBits
    let digits = digitsPerWord * words
    // Every digit's histogram in one pass; digit 0 is the least significant.
    var histograms = [Int](repeating: 0, count: digits * buckets)
    keys.withUnsafeBufferPointer { k in
      histograms.withUnsafeMutableBufferPointer { h in
        for i in 0..<n {
          for w in 0..<words {
            let word = k[i * words + w]
            let base = (words - 1 - w) * digitsPerWord
            for d in 0..<digitsPerWord {
              h[
                (base + d) * buckets + Int((word >> UInt64(d * digitBits)) & UInt64(buckets - 1))] +=
                1
            }
          }
        }
      }
    }
    var low = [UInt64](repeating: 0, count: n)
    var high = [UInt64](repeating: 0, count: words == 2 ? n : 0)
    for i in 0..<n {
      low[i] = keys[i * words + words - 1]
      if words == 2 { high[i] = keys[i * 2] }
    }
    keys = []
    var rows = Array(0..<Int32(n))
    var low2 = low
    var high2 = high
    var rows2 = rows
    var position = [Int](repeating: 0, count: buckets)
    for digit in 0..<digits {
      let h = histograms[(digit * buckets)..<((digit + 1) * buckets)]
      if h.contains(n) { continue }  // every key has this digit
      var running = 0
      for (b, c) in h.enumerated() {
        position[b] = running
        running += c
      }
      let fromHigh = digit >= digitsPerWord
      let shift = UInt64((digit % digitsPerWord) * digitBits)
      low.withUnsafeBufferPointer { l in
        high.withUnsafeBufferPointer { hi in
          rows.withUnsafeBufferPointer { r in
            low2.withUnsafeMutableBufferPointer { l2 in
              high2.withUnsafeMutableBufferPointer { hi2 in
                rows2.withUnsafeMutableBufferPointer { r2 in
                  position.withUnsafeMutableBufferPointer { p in
                    for i in 0..<n {
                      let b = Int(((fromHigh ? hi[i] : l[i]) >> shift) & UInt64(buckets - 1))
                      let to = p[b]
                      p[b] = to + 1
                      l2[to] = l[i]
                      if words == 2 { hi2[to] = hi[i] }
                      r2[to] = r[i]
                    }
                  }
                }
              }
            }
          }
        }
      }
      swap(&low, &low2)
      swap(&high, &high2)
      swap(&rows, &rows2)
    }
    return (rows, low, high)
  }

  /// `order` (positions in `selected`, sorted on packed keys) with each run of rows whose keys
  /// are equal (`same`) sorted on the label dimensions the keys left out (`byLabel`); the
  /// groups in that order.
  static func finishPackedOrder(
    _ sorted: [Int32], selected: [Int32], table: GroupTable, spaces: [DimensionSpace],
    labels: LabelOrder,
    byLabel: [Int], same: (Int, Int) -> Bool
  ) -> [Int32] {
    var order = sorted
    let n = order.count
    if !byLabel.isEmpty {
      // Rows whose packed keys are equal differ only in the label dimensions left out.
      var start = 0
      while start < n {
        var end = start + 1
        while end < n, same(start, end) { end += 1 }
        if end - start > 1 {
          order[start..<end].sort { a, b in
            for d in byLabel {
              let x = table.code(Int(selected[Int(a)]), d)
              let y = table.code(Int(selected[Int(b)]), d)
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

/// The rows of a grouped result, read from the group table's columns (see ``ResultRows``):
/// the groups in result order, their labels made on request (time labels once per value).
///
/// Sendable because nothing in it changes after `init`: every stored property is a `let` of
/// arrays, and the spaces' label closures read only immutable arrays (the store's dictionaries
/// and label tables); they are `@unchecked` only because closures and the group table are not
/// marked Sendable.
struct GroupRows: ResultRows, @unchecked Sendable {
  let shown: [Int32]
  let table: GroupTable
  let metrics: MetricColumns
  let spaces: [DimensionSpace]
  /// The labels of dimensions whose labels are computed (time), every code's once.
  let labelTables: [[String]?]
  /// The metrics shown, in column order after the dimensions.
  let visible: [Int]

  init(
    shown: [Int32], table: GroupTable, metrics: MetricColumns, spaces: [DimensionSpace],
    visible: [Int]
  ) {
    self.shown = shown
    self.table = table
    self.metrics = metrics
    self.spaces = spaces
    self.visible = visible
    // Computed labels (days, weeks) are made once per value, not once per row.
    labelTables = spaces.map { s in
      s.sortsByCode && shown.count > s.total ? (0..<Int32(s.total)).map { s.labelFor($0) } : nil
    }
  }

  var count: Int { shown.count }

  func cell(_ row: Int, _ column: Int) -> Value {
    let g = Int(shown[row])
    let width = spaces.count
    if column < width {
      let code = table.code(g, column)
      if let labels = labelTables[column], Int(code) < labels.count {
        return .text(labels[Int(code)])
      }
      return .text(spaces[column].labelFor(code))
    }
    return metrics.value(visible[column - width], g)
  }
}
