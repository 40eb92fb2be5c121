/// The answer to a statement: a small table of typed cells, ready to render.
///
/// Produced by the engine (and by `schema`, `sample`, `show`), consumed by renderers and
/// charts. Rows are few (one per group), so cells are plain enums.
public struct ResultSet: Sendable {
  public var columns: [ResultColumn]
  public var rows: [[Value]]
  /// Per row: ordinary, a `(other)` row, or the totals row. Same count as `rows`.
  public var rowKinds: [RowKind]
  /// Footer lines for people (e.g. tier thresholds in force), their figures kept as values for
  /// CQRendering to format. Not written by machine formats.
  public var footnotes: [Prose]
  /// Rows hidden by `limit`/`top` are not here; this is the number of groups before the cut.
  public var totalGroups: Int?
  /// The totals row under the same filters (ratios recomputed from sums), when computed.
  /// The session appends it as a `.total` row when `set totals on`.
  public var totals: [Value]?

  public init(
    columns: [ResultColumn], rows: [[Value]], rowKinds: [RowKind]? = nil, footnotes: [Prose] = [],
    totalGroups: Int? = nil
  ) {
    self.columns = columns
    self.rows = rows
    self.rowKinds = rowKinds ?? Array(repeating: .normal, count: rows.count)
    self.footnotes = footnotes
    self.totalGroups = totalGroups
  }

  public enum RowKind: Sendable, Hashable { case normal, other, total }
}

/// A result column: its header, role and how its values are shown.
public struct ResultColumn: Sendable, Hashable {
  public var name: String
  public var role: Role
  public var format: ValueFormat

  public init(name: String, role: Role, format: ValueFormat) {
    self.name = name
    self.role = role
    self.format = format
  }

  public enum Role: Sendable, Hashable {
    /// A grouping dimension; `time` set for day/week/month/quarter/year/weekday.
    case dimension(time: TimeGrain?)
    case metric
    /// Raw table data (`sample`, `schema`).
    case plain
  }

  public var isTime: Bool {
    if case .dimension(let t) = role { return t != nil }
    return false
  }
}

/// Time grains of SPEC §3.
public enum TimeGrain: String, Sendable, Hashable, CaseIterable {
  case day, week, month, quarter, year, weekday
}

/// How a column's values are displayed.
public enum ValueFormat: Sendable, Hashable {
  /// Left-aligned text.
  case text
  /// Whole numbers with thousands separators.
  case integer
  /// Rupees: `.paise` cells exactly, `.number` cells as rupees (₹ in tables; 2 decimals in machine formats).
  case money
  /// A ratio shown as `3.42x` (roas, roi, incremental_roas).
  case multiple
  /// A fraction shown as a percent (`6.76%`); machine formats carry the fraction.
  case percent
  /// A plain decimal number.
  case decimal
  /// A date label (`2025-06-01`) or other time label (`2025-06`, `2025-Q2`, `Mon`).
  case date
}

/// One result cell.
public enum Value: Sendable, Hashable {
  case text(String)
  case integer(Int64)
  /// Exact money in paise.
  case paise(Int64)
  case number(Double)
  /// No value (division by zero, no data): `–` in tables, empty in machine formats.
  case empty

  /// The numeric value (rupees for paise), for charts and sorting.
  public var doubleValue: Double? {
    switch self {
    case .integer(let v): Double(v)
    case .paise(let v): Double(v) / 100
    case .number(let v): v.isFinite ? v : nil
    case .text, .empty: nil
    }
  }
}
