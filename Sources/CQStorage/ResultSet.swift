import Foundation

/// The answer to a statement: a table of typed cells, ready to render.
///
/// Produced by the engine (and by `schema`, `sample`, `show`), consumed by renderers and
/// charts. Small answers hold their cells as rows of plain enums. A large grouped answer
/// keeps its groups in the engine's columns (``ResultRows``): a cell, and a dimension's label,
/// is made only when read, so `revenue, orders by user, day` (two million rows) builds no
/// row arrays unless something asks for ``rows``; renderers read ``cell(_:_:)`` or
/// ``row(_:)`` by position instead.
public struct ResultSet: Sendable {
  /// The columns, in display order.
  public var columns: [ResultColumn]
  /// Every row as cells.
  ///
  /// On a result kept in columns this builds them all (once; later reads share them):
  /// renderers and writers read ``rowCount`` and ``cell(_:_:)`` instead.
  public var rows: [[Value]] {
    get {
      guard let source else { return materialized }
      return source.materialized() + materialized
    }
    set {
      source = nil
      materialized = newValue
    }
  }
  /// Per row: ordinary, a `(other)` row, or the totals row; as many as `rows`.
  public var rowKinds: [RowKind]
  /// Footer lines for people, such as the tier thresholds in force.
  ///
  /// Their figures are kept as values for CQRendering to format. Not written by machine
  /// formats.
  public var footnotes: [Prose]
  /// Rows hidden by `limit`/`top` are not here; this is the number of groups before the cut.
  public var totalGroups: Int?
  /// The totals row under the same filters (ratios recomputed from sums), when computed.
  ///
  /// The session appends it as a `.total` row when `set totals on`.
  public var totals: [Value]?
  /// The leading rows, kept in columns (nil: every row is in `materialized`).
  private var source: ResultRowsBox?
  /// The rows after `source`'s (all of them without one).
  private var materialized: [[Value]]

  /// Creates a result holding `rows` as cells (every row `.normal` unless `rowKinds` says).
  public init(
    columns: [ResultColumn], rows: [[Value]], rowKinds: [RowKind]? = nil, footnotes: [Prose] = [],
    totalGroups: Int? = nil
  ) {
    self.columns = columns
    self.materialized = rows
    self.rowKinds = rowKinds ?? Array(repeating: .normal, count: rows.count)
    self.footnotes = footnotes
    self.totalGroups = totalGroups
  }

  /// A result whose rows are read from `rows` cell by cell (every row `.normal`); rows added
  /// with ``append(_:kind:)`` follow them.
  public init(
    columns: [ResultColumn], rows: some ResultRows, footnotes: [Prose] = [], totalGroups: Int? = nil
  ) {
    self.columns = columns
    self.source = ResultRowsBox(rows, width: columns.count)
    self.materialized = []
    self.rowKinds = Array(repeating: .normal, count: rows.count)
    self.footnotes = footnotes
    self.totalGroups = totalGroups
  }

  /// The number of rows, without building them.
  public var rowCount: Int { (source?.rows.count ?? 0) + materialized.count }

  /// Cell `column` of row `row` (`.empty` past the row's end).
  @inline(__always) public func cell(_ row: Int, _ column: Int) -> Value {
    if let source {
      let n = source.rows.count
      if row < n { return column < columns.count ? source.rows.cell(row, column) : .empty }
      let r = materialized[row - n]
      return column < r.count ? r[column] : .empty
    }
    let r = materialized[row]
    return column < r.count ? r[column] : .empty
  }

  /// Row `row`'s cells (built on the spot for a row kept in columns).
  public func row(_ row: Int) -> [Value] {
    if let source {
      let n = source.rows.count
      if row < n { return (0..<columns.count).map { source.rows.cell(row, $0) } }
      return materialized[row - n]
    }
    return materialized[row]
  }

  /// Adds a row after the others (a `(other)` or totals row), leaving the rest in columns.
  public mutating func append(_ row: [Value], kind: RowKind) {
    materialized.append(row)
    rowKinds.append(kind)
  }

  /// What a row is: an ordinary row, the `(other)` row, or the totals row.
  public enum RowKind: Sendable, Hashable { case normal, other, total }
}

/// Rows kept in columns: cells made on request (see ``ResultSet/init(columns:rows:footnotes:totalGroups:)``).
///
/// Reads must be safe from any thread; the rows never change.
public protocol ResultRows: Sendable {
  var count: Int { get }
  /// Cell `column` of row `row` (both in range).
  func cell(_ row: Int, _ column: Int) -> Value
}

/// A result's rows in columns, and their cells once someone asked for all of them.
///
/// Sendable by its lock and immutability: `rows` and `width` never change after `init` (the
/// rows read only immutable columns), and `built` is read and written only under `lock`.
final class ResultRowsBox: @unchecked Sendable {
  let rows: any ResultRows
  private let lock = NSLock()
  private var built: [[Value]]?

  /// Cells per row.
  let width: Int

  init(_ rows: some ResultRows, width: Int) {
    self.rows = rows
    self.width = width
  }

  func materialized() -> [[Value]] {
    lock.lock()
    defer { lock.unlock() }
    if let built { return built }
    let all = (0..<rows.count).map { r in (0..<width).map { rows.cell(r, $0) } }
    built = all
    return all
  }
}

/// A result column: its header, role and how its values are shown.
public struct ResultColumn: Sendable, Hashable {
  /// The header.
  public var name: String
  /// Whether the column is a dimension, a metric or raw table data.
  public var role: Role
  /// How the column's values are shown.
  public var format: ValueFormat

  /// Creates a column.
  public init(name: String, role: Role, format: ValueFormat) {
    self.name = name
    self.role = role
    self.format = format
  }

  /// What a column holds: a dimension, a metric or raw table data.
  public enum Role: Sendable, Hashable {
    /// A grouping dimension; `time` set for day/week/month/quarter/year/weekday.
    case dimension(time: TimeGrain?)
    case metric
    /// Raw table data (`sample`, `schema`).
    case plain
  }

  /// Whether the column is a time dimension.
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
