import CQLanguage
import CQStorage

extension Engine {
  // MARK: - define

  /// `define metric NAME = EXPR`: a metric over catalogue metrics, live for the session.
  public func defineMetric(_ name: NameRef, expr: MetricExpr, text: String, source: String)
    throws(DiagnosticsError)
  {
    var diagnostics: [Diagnostic] = []
    if let existing = catalog.metric(named: name.text), !existing.isUserDefined {
      diagnostics.append(
        Diagnostic(
          id: "sema.redefineBuiltin", phase: .model,
          message: "'\(name.text)' is a built-in metric; choose another name", range: name.range))
    }
    if Dimension.named(name.text) != nil {
      diagnostics.append(
        Diagnostic(
          id: "sema.metricNamedLikeDimension", phase: .model,
          message: "'\(name.text)' is a dimension; choose another name for the metric",
          range: name.range))
    }
    func convert(_ e: MetricExpr) -> (Formula, ValueFormat)? {
      switch e {
      case .number(let v, _): return (.constant(v), .decimal)
      case .metric(let ref):
        guard let m = catalog.metric(named: ref.text), m.special == nil else {
          // A metric that exists but cannot be combined gets no did-you-mean (it would be itself).
          let guess =
            catalog.metric(named: ref.text) == nil
            ? closestName(to: ref.text, among: catalog.names) : nil
          diagnostics.append(
            Diagnostic(
              id: "sema.unknownMetric", phase: .model,
              message: catalog.metric(named: ref.text) != nil
                ? "'\(ref.text)' cannot be used inside a defined metric"
                : "unknown metric '\(ref.text)'" + (guess.map { "; did you mean '\($0)'?" } ?? ""),
              range: ref.range,
              fixIts: guess.map { [FixIt(range: ref.range, replacement: $0)] } ?? []))
          return nil
        }
        return (.metric(m.name), m.format)
      case .negate(let a):
        guard let (f, fmt) = convert(a) else { return nil }
        return (.multiply(.constant(-1), f), fmt)
      case .binary(let a, let op, let b):
        guard let (fa, ma) = convert(a), let (fb, mb) = convert(b) else { return nil }
        switch op {
        case .add:
          return (.add(fa, fb), ma == .money || mb == .money ? .money : (ma == mb ? ma : .decimal))
        case .subtract:
          return (
            .subtract(fa, fb), ma == .money || mb == .money ? .money : (ma == mb ? ma : .decimal)
          )
        case .multiply: return (.multiply(fa, fb), ma == .decimal ? mb : ma)
        case .divide:
          let fmt: ValueFormat = ma == .money && mb != .money ? .money : .decimal
          return (.divide(fa, fb), fmt)
        }
      }
    }
    let converted = convert(expr)
    guard diagnostics.isEmpty, let (formula, format) = converted else {
      throw DiagnosticsError(diagnostics: diagnostics, source: source)
    }
    // Defined metrics refer to each other by name and are expanded when evaluated: refuse a
    // cycle (`define metric a = a + 1` over an earlier `a`), and a definition whose expansion
    // would be too large to evaluate (`define metric m2 = m1 + m1`, doubling each time).
    var memo: [String: Int] = [:]
    switch expandedSize(of: formula, defining: name.key, memo: &memo) {
    case .cycle(let through):
      throw DiagnosticsError(
        diagnostics: [
          Diagnostic(
            id: "sema.recursiveMetric", phase: .model,
            message: "metric '\(name.key)' would refer to itself"
              + (through == name.key ? "" : " through '\(through)'")
              + "; give the new metric another name",
            range: name.range)
        ], source: source)
    case .size(let size) where size > Engine.maximumExpandedTerms:
      throw DiagnosticsError(
        diagnostics: [
          Diagnostic(
            id: "sema.metricTooLarge", phase: .model,
            message:
              "metric '\(name.key)' expands to more than \(Engine.maximumExpandedTerms) terms once the metrics it uses are spelt out; write it over fewer defined metrics",
            range: name.range)
        ], source: source)
    case .size:
      break
    }
    var def = MetricDefinition(
      name: name.key, formulaText: text, summary: "defined in this session: \(text)",
      format: format, formula: formula,
      family: "defined")
    def.isUserDefined = true
    catalog.define(def)
  }

  /// `define segment NAME = CONDITION`: a named condition usable in `where`.
  public func defineSegment(_ name: NameRef, condition: ConditionExpr, text: String, source: String)
    throws(DiagnosticsError)
  {
    if Dimension.named(name.text) != nil || catalog.metric(named: name.text) != nil {
      throw DiagnosticsError(
        diagnostics: [
          Diagnostic(
            id: "sema.segmentName", phase: .model,
            message: "'\(name.text)' is already a metric or dimension; choose another segment name",
            range: name.range)
        ], source: source)
    }
    // Bind now so a typo is reported at definition time.
    var binder = Binder(
      catalogue: store, catalog: catalog, segments: segments, settings: settings, source: source)
    var visiting: Set<String> = [name.key]
    _ = binder.bindCondition(condition, visiting: &visiting)
    if !binder.diagnostics.isEmpty {
      throw Engine.metricsNeedHaving(
        binder.fail(), condition: text, source: source,
        what:
          "a segment is a condition on dimensions (brand, platform, campaign, …), applied to rows before aggregation"
      )
    }
    // Segments are expanded where they are used: refuse one whose expansion would be too large
    // to bind (`define segment s2 = s1 or s1`, doubling each time).
    var memo: [String: Int] = [:]
    if expandedSize(of: condition, memo: &memo) > Engine.maximumExpandedTerms {
      throw DiagnosticsError(
        diagnostics: [
          Diagnostic(
            id: "sema.segmentTooLarge", phase: .model,
            message:
              "segment '\(name.key)' expands to more than \(Engine.maximumExpandedTerms) conditions once the segments it uses are spelt out; write it over fewer segments",
            range: name.range)
        ], source: source)
    }
    segments[name.key] = SegmentDefinition(
      name: name.key, condition: condition, text: text, source: source)
  }

  /// `failure` with the binder's "metrics belong in having" message told for `define segment` or
  /// `use` (`what` says how that statement filters), which are conditions on rows as `where` is.
  static func metricsNeedHaving(
    _ failure: DiagnosticsError, condition text: String, source: String, what: String
  )
    -> DiagnosticsError
  {
    var failure = failure
    for i in failure.diagnostics.indices where failure.diagnostics[i].id == "sema.metricInWhere" {
      let metric = Engine.text(failure.diagnostics[i].range, in: source)
      let having = text.lowercased().hasPrefix(metric.lowercased()) ? text : "\(metric) > 1"
      failure.diagnostics[i].message =
        "'\(metric)' is a metric: \(what); to keep groups by a metric value, put it in a query's 'having', e.g. 'revenue by campaign having \(having)'"
    }
    return failure
  }

  /// The condition a segment was defined with (`brand=MuscleBlaze and platform=Instagram`).
  public func segmentCondition(_ name: String) -> String? {
    segments[name.lowercased()]?.text
  }

  /// The source text `range` covers.
  static func text(_ range: SourceRange, in source: String) -> String {
    let utf8 = Array(source.utf8)
    let lower = min(max(0, range.lowerBound.offset), utf8.count)
    let upper = min(max(lower, range.upperBound.offset), utf8.count)
    return String(decoding: utf8[lower..<upper], as: UTF8.self)
  }

  /// The names of the segments made with `define segment`, sorted.
  public var segmentNames: [String] {
    segments.keys.filter { $0 != Engine.sessionFilterKey }.sorted()
  }

  // MARK: - show / schema / sample

  /// What `show` lists for `target`, as a table.
  public func show(_ target: ShowTarget) -> ResultSet {
    func text(_ columns: [String], _ rows: [[String]]) -> ResultSet {
      ResultSet(
        columns: columns.map { ResultColumn(name: $0, role: .plain, format: .text) },
        rows: rows.map { $0.map { Value.text($0) } })
    }
    switch target {
    case .metrics:
      // Each metric's declaration in the catalogue, its caveats after its meaning (a column of
      // their own would leave too little width on a terminal); help NAME adds the family and
      // an example, describe NAME runs the example.
      return text(
        ["metric", "formula", "from", "meaning"],
        catalog.metrics.map { m in
          [
            m.name, m.formulaText, factsText(m),
            m.summary + (m.caveats.map { " (caveat: \($0))" } ?? ""),
          ]
        })
    case .dimensions:
      return text(
        ["dimension", "from", "meaning"],
        Dimension.allCases.map { d in
          [
            d.rawValue,
            Fact.allCases.filter { $0 != .influencers && store.carries($0, d) }.map(\.rawValue)
              .joined(separator: ", "), d.summary,
          ]
        })
    case .tables:
      return ResultSet(
        columns: [
          ResultColumn(name: "table", role: .plain, format: .text),
          ResultColumn(name: "rows", role: .plain, format: .integer),
          ResultColumn(name: "columns", role: .plain, format: .text),
        ],
        rows: store.data.tables.map {
          [
            .text($0.name), .integer(Int64(rowCount(of: $0))),
            .text($0.columnNames.joined(separator: ", ")),
          ]
        })
    case .segments:
      return text(
        ["segment", "condition"],
        segments.values.sorted { $0.name < $1.name }.map { [$0.name, $0.text] })
    case .settings:
      return text(
        ["setting", "value"],
        [["allocation", settings.allocation.rawValue], ["tiers", settings.tiers.description]])
    }
  }

  func factsText(_ m: MetricDefinition) -> String {
    if m.special == .score { return "all" }
    if let lift = m.liftMetric {
      return lift.usesPayout ? "store_orders + posts + payouts" : "store_orders + posts"
    }
    var facts = m.formula.measures(in: catalog).map(\.fact)
    if m.special == .roasDelta { facts = [.tracking, .payouts] }
    var seen: [String] = []
    for f in facts where !seen.contains(f == .influencers ? "any" : f.rawValue) {
      seen.append(f == .influencers ? "any" : f.rawValue)
    }
    return seen.joined(separator: " + ")
  }

  /// The first and last day of tracking_data and posts (nil without rows), for the banner,
  /// `schema` and relative dates.
  public var dateRange: (first: String, last: String)? {
    guard store.minDay <= store.maxDay, store.data.tracking.rowCount + store.data.posts.rowCount > 0
    else { return nil }
    return (DayNumber.isoString(store.minDay), DayNumber.isoString(store.maxDay))
  }

  /// Tables, columns, types, row counts and relationships.
  public func schema() -> ResultSet {
    var rows: [[Value]] = []
    for t in store.data.tables {
      for (i, c) in t.columnNames.enumerated() {
        let kind = t.columns[c]?.kind.rawValue ?? "?"
        var note = ""
        if c == "influencer_id" { note = "→ influencers.id" }
        if t.name == "influencers", c == "id" { note = "key" }
        if c == "campaign", t.name == "payouts" || t.name == "tracking_data",
          store.data.payouts.has("campaign"), store.data.tracking.has("campaign")
        {
          note = "shared by tracking_data and payouts"
        }
        if t.name == "tracking_data", c == "brand",
          store.data.warnings.contains(where: { $0.contains("brand looked up from products.csv") })
        {
          note = "looked up from products.csv by product"
        }
        if t.name == "products", c == "product" { note = "product → brand for tracking_data" }
        rows.append([
          .text(i == 0 ? t.name : ""), .text(c), .text(kind),
          i == 0 ? .integer(Int64(rowCount(of: t))) : .text(""), .text(note),
        ])
      }
    }
    var r = ResultSet(
      columns: [
        ResultColumn(name: "table", role: .plain, format: .text),
        ResultColumn(name: "column", role: .plain, format: .text),
        ResultColumn(name: "type", role: .plain, format: .text),
        ResultColumn(name: "rows", role: .plain, format: .integer),
        ResultColumn(name: "relationship", role: .plain, format: .text),
      ], rows: rows)
    let notes: [String?] = [
      dateRange.map {
        "dates run from \($0.first) to \($0.last) (tracking_data and posts); 'last 30 days' and 'this month' count back from \($0.last)"
      },
      "every fact table (posts, tracking_data, payouts) references influencers.id through influencer_id",
      store.data.payouts.has("campaign")
        ? "tracking_data and payouts share campaign: payouts are matched to orders by influencer and campaign"
        : "payouts have no campaign column: payouts are matched to orders by influencer only",
    ]
    r.footnotes = notes.compactMap { $0.map { Prose($0) } }
    return r
  }

  /// The first `count` raw rows of a table.
  public func sample(_ name: NameRef, count: Int, source: String) throws(DiagnosticsError)
    -> ResultSet
  {
    try sample(name, count: count, where: nil, source: source)
  }

  /// The first `count` raw rows of a table that satisfy `condition` (`sample tracking_data 20
  /// where influencer_id=17`, for reconciling a payout).
  ///
  /// The condition names dimensions the table's own rows carry (`influencer_id`, `campaign`,
  /// `date`, the influencer's attributes, …), with the same value checks as `where`.
  /// - Complexity: O(*n*) in the table's rows when filtered; O(`count`) otherwise.
  public func sample(_ name: NameRef, count: Int, where condition: ConditionExpr?, source: String)
    throws(DiagnosticsError) -> ResultSet
  {
    guard
      let t = store.data.table(named: name.text)
        ?? store.data.table(named: name.text == "tracking" ? "tracking_data" : "")
    else {
      let names = store.data.tables.map(\.name)
      let guess = closestName(to: name.text, among: names)
      throw DiagnosticsError(
        diagnostics: [
          Diagnostic(
            id: "sema.unknownTable", phase: .model,
            message: "unknown table '\(name.text)'"
              + (guess.map { "; did you mean '\($0)'?" }
                ?? "; tables: \(names.joined(separator: ", "))"),
            range: name.range,
            fixIts: guess.map { [FixIt(range: name.range, replacement: $0)] } ?? [])
        ], source: source)
    }
    if postgres != nil {
      return try sampleOnDatabase(t, name: name, count: count, where: condition, source: source)
    }
    var rows: [Int] = Array(0..<min(max(0, count), t.rowCount))
    var matching = t.rowCount
    if let condition {
      let selected = try sampleRows(of: t, name: name, condition: condition, source: source)
      matching = selected.count
      rows = Array(selected.prefix(max(0, count)))
    }
    let n = rows.count
    let contiguous = rows.last.map { $0 == n - 1 } ?? true
    var columns: [ResultColumn] = []
    var cells: [[Value]] = Array(repeating: [], count: n)
    for c in t.columnNames {
      guard let column = t.columns[c] else { continue }
      let format: ValueFormat
      switch column {
      case .string(let codes, let dict):
        format = .text
        for (i, r) in rows.enumerated() { cells[i].append(.text(dict[codes[r]])) }
      case .text(let tc):
        format = .text
        let strings: [String]
        do throws(LoadError) {
          if contiguous {
            strings = try tc.strings(0..<n)
          } else {
            // Rows close together are read in one span (a text column read from its file
            // reads whole blocks, so one read per row would read each block many times).
            var picked: [String] = []
            var i = 0
            while i < rows.count {
              var j = i + 1
              while j < rows.count && rows[j] - rows[i] < 4_096 { j += 1 }
              let span = try tc.strings(rows[i]..<(rows[j - 1] + 1))
              for r in rows[i..<j] where r - rows[i] < span.count {
                picked.append(span[r - rows[i]])
              }
              i = j
            }
            strings = picked
          }
        } catch {
          throw DiagnosticsError(
            diagnostics: [
              Diagnostic(
                id: "data.textChanged", phase: .data, message: error.description, range: name.range)
            ], source: source)
        }
        for r in 0..<n { cells[r].append(.text(r < strings.count ? strings[r] : "")) }
      case .integer(let v):
        format = .integer
        for (i, r) in rows.enumerated() { cells[i].append(.integer(v[r])) }
      case .money(let v):
        format = .money
        for (i, r) in rows.enumerated() { cells[i].append(.paise(v[r])) }
      case .decimal(let v):
        format = .decimal
        // Hundredths, shown with their two decimals (`900.00`, as money is).
        for (i, r) in rows.enumerated() { cells[i].append(.paise(v[r])) }
      case .date(let v):
        format = .date
        for (i, r) in rows.enumerated() { cells[i].append(.text(DayNumber.isoString(v[r]))) }
      }
      columns.append(ResultColumn(name: c, role: .plain, format: format))
    }
    return ResultSet(columns: columns, rows: cells, totalGroups: matching)
  }

  /// The rows of `table` that satisfy `condition`, in file order.
  private func sampleRows(of table: Table, name: NameRef, condition: ConditionExpr, source: String)
    throws(DiagnosticsError) -> [Int]
  {
    let (fact, bound) = try sampleCondition(
      of: table, name: name, condition: condition, source: source)
    var codes: [Dimension: ContiguousArray<Int32>] = [:]
    for d in bound.dimensions { codes[d] = store.codes(fact, d, tiers: settings.tiers) }
    func holds(_ c: BoundCondition, _ r: Int) -> Bool {
      switch c {
      case .leaf(let d, let allowed, _):
        guard let column = codes[d], r < column.count else { return false }
        let code = Int(column[r])
        return code >= 0 && code < allowed.count && allowed[code]
      case .and(let a, let b): return holds(a, r) && holds(b, r)
      case .or(let a, let b): return holds(a, r) || holds(b, r)
      case .not(let a): return !holds(a, r)
      }
    }
    return (0..<table.rowCount).filter { holds(bound, $0) }
  }

  /// `sample TABLE where CONDITION`: the condition bound to dimensions the table's own rows carry.
  func sampleCondition(of table: Table, name: NameRef, condition: ConditionExpr, source: String)
    throws(DiagnosticsError) -> (Fact, BoundCondition)
  {
    let facts: [String: Fact] = [
      "influencers": .influencers, "posts": .posts, "tracking_data": .tracking, "payouts": .payouts,
    ]
    guard let fact = facts[table.name] else {
      throw DiagnosticsError(
        diagnostics: [
          Diagnostic(
            id: "sema.sampleWhere", phase: .model,
            message:
              "'sample \(table.name) where …' is not supported; filter the rows of influencers, posts, tracking_data or payouts",
            range: name.range)
        ], source: source)
    }
    var binder = Binder(
      catalogue: store, catalog: catalog, segments: segments, settings: settings, source: source)
    var visiting: Set<String> = []
    let bound = binder.bindCondition(condition, visiting: &visiting)
    guard let bound, binder.diagnostics.isEmpty else { throw binder.fail() }
    if let missing = bound.dimensions.sorted(by: { $0.rawValue < $1.rawValue }).first(where: {
      !store.carries(fact, $0)
    }) {
      let carried = Dimension.allCases.filter { store.carries(fact, $0) }.map(\.rawValue)
      throw DiagnosticsError(
        diagnostics: [
          Diagnostic(
            id: "sema.sampleWhere", phase: .model,
            message:
              "\(table.name) rows carry no '\(missing.rawValue)'; filter them by \(carried.joined(separator: ", "))",
            range: Binder.names(in: condition).first { Dimension.named($0.text) == missing }?.range
              ?? name.range)
        ], source: source)
    }
    return (fact, bound)
  }

  /// Distinct values of a dimension (for completion and messages), in label order.
  public func values(of dimensionName: String) -> [String] {
    guard let d = Dimension.named(dimensionName) else { return [] }
    let space = store.space(d, tiers: settings.tiers)
    return (0..<space.count).map { space.label(Int32($0)) }
  }

  /// Names of every dimension (singular).
  public var dimensionNames: [String] { Dimension.allCases.map(\.rawValue) }
}

// MARK: - Expansion limits

extension Engine {
  /// The most nodes a defined metric or segment may have once the definitions it uses are
  /// spelt out (a statement itself has at most 1,000 operators: about 2,000 nodes).
  static let maximumExpandedTerms = 4_096

  enum Expansion {
    case size(Int)
    /// The definition reaches the metric being defined, through the named metric.
    case cycle(through: String)
  }

  /// The node count of `formula` with user-defined metrics expanded, or the cycle it closes.
  ///
  /// - Complexity: O(*k*) in the nodes of the definitions reached, each definition once.
  func expandedSize(of formula: Formula, defining name: String, memo: inout [String: Int])
    -> Expansion
  {
    switch formula {
    case .measure, .constant: return .size(1)
    case .add(let a, let b), .subtract(let a, let b), .multiply(let a, let b),
      .divide(let a, let b):
      let x = expandedSize(of: a, defining: name, memo: &memo)
      guard case .size(let left) = x else { return x }
      let y = expandedSize(of: b, defining: name, memo: &memo)
      guard case .size(let right) = y else { return y }
      // Saturating: sizes only matter up to the limit.
      return .size(min(left + right + 1, Engine.maximumExpandedTerms + 1))
    case .metric(let other):
      if other == name { return .cycle(through: name) }
      guard let m = catalog.metric(named: other), m.isUserDefined else { return .size(1) }
      if let known = memo[other] { return .size(known) }
      switch expandedSize(of: m.formula, defining: name, memo: &memo) {
      case .cycle: return .cycle(through: other)
      case .size(let size):
        memo[other] = size
        return .size(size)
      }
    }
  }

  /// The node count of `condition` with segments expanded (cycles are refused by the binder).
  func expandedSize(of condition: ConditionExpr, memo: inout [String: Int]) -> Int {
    let limit = Engine.maximumExpandedTerms + 1
    switch condition {
    case .compare, .inList, .between: return 1
    case .and(let a, let b), .or(let a, let b):
      return min(limit, expandedSize(of: a, memo: &memo) + expandedSize(of: b, memo: &memo) + 1)
    case .not(let a): return min(limit, expandedSize(of: a, memo: &memo) + 1)
    case .segment(let ref):
      guard let segment = segments[ref.key] else { return 1 }
      if let known = memo[ref.key] { return known }
      memo[ref.key] = limit  // a cycle (refused elsewhere) counts as too large
      let size = expandedSize(of: segment.condition, memo: &memo)
      memo[ref.key] = size
      return size
    }
  }
}
