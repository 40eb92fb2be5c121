import CQStorage

/// The parts of a result a chart reads: which columns label the groups, which is time, which
/// are metrics, and the rows to draw (the totals row is left out).
struct ChartData {
  var result: ResultSet
  var kind: ChartKind
  /// Rows to draw, in result order (totals left out).
  var rows: [Int]
  /// Dimension columns (or, without any, the text columns of a raw table).
  var labelColumns: [Int]
  /// The first time dimension.
  var timeColumn: Int?
  /// Dimension columns that are not time.
  var groupColumns: [Int]
  /// Metric columns (or, without any, the numeric columns of a raw table).
  var metrics: [Int]
  /// For charts over time: the note naming rows left out because they have no period
  /// (`(unattributed)` spend, an `(other)` row), or `nil`.
  var timelessNote: String?

  init(_ result: ResultSet, kind: ChartKind) throws(ChartError) {
    self.result = result
    self.kind = kind
    let columns = result.columns
    rows = result.rows.indices.filter { r in
      (r < result.rowKinds.count ? result.rowKinds[r] : .normal) != .total
    }
    var dimensions = columns.indices.filter {
      if case .dimension = columns[$0].role { true } else { false }
    }
    var metrics = columns.indices.filter { columns[$0].role == .metric }
    if metrics.isEmpty {
      metrics = columns.indices.filter {
        columns[$0].role == .plain && ValueFormatter.isNumeric(columns[$0].format)
      }
    }
    if dimensions.isEmpty {
      dimensions = columns.indices.filter { columns[$0].role == .plain && !metrics.contains($0) }
    }
    labelColumns = dimensions
    timeColumn = dimensions.first { columns[$0].isTime }
    groupColumns = dimensions.filter { !columns[$0].isTime }
    self.metrics = metrics
    if kind == .line || kind == .spark, let time = timeColumn {
      // `(unattributed)` spend has no date: it is not a point in time, so it is not drawn.
      var left: [String] = []
      rows = rows.filter { r in
        let kept: Bool
        if case .text(let label) = r < result.rows.count && time < result.rows[r].count
          ? result.rows[r][time] : .empty,
          label.hasPrefix("(")
        {
          kept = false
          if !left.contains(label) { left.append(label) }
        } else {
          kept = (r < result.rowKinds.count ? result.rowKinds[r] : .normal) != .other
          if !kept, !left.contains("(other)") { left.append("(other)") }
        }
        return kept
      }
      if !left.isEmpty {
        timelessNote = "not drawn, having no \(columns[time].name): \(left.joined(separator: ", "))"
      }
    }
    guard !metrics.isEmpty else {
      throw ChartError(
        "a \(kind.rawValue) chart needs a metric to draw and this result has none; "
          + "try 'revenue by campaign chart \(kind.rawValue)'")
    }
  }

  func name(_ column: Int) -> String { result.columns[column].name }
  func format(_ column: Int) -> ValueFormat { result.columns[column].format }

  func value(_ row: Int, _ column: Int) -> Value {
    guard row < result.rows.count, column < result.rows[row].count else { return .empty }
    return result.rows[row][column]
  }

  /// The cell as a finite number (rupees for money), or `nil`.
  func number(_ row: Int, _ column: Int) -> Double? {
    value(row, column).doubleValue
  }

  /// The cell as label text (numbers as a person reads them).
  func text(_ row: Int, _ column: Int, formatter: ValueFormatter) -> String {
    switch value(row, column) {
    case .text(let s): s
    case let other: formatter.display(other, format: format(column))
    }
  }

  /// A row's label from `columns`, joined with ` · ` (`(all)` when there are none).
  func label(_ row: Int, columns: [Int], formatter: ValueFormatter) -> String {
    guard !columns.isEmpty else { return "(all)" }
    return columns.map { text(row, $0, formatter: formatter) }.joined(separator: " · ")
  }

  /// `revenue by campaign, week`.
  func title(metrics shown: [Int], dimensions: [Int]? = nil) -> String {
    let dims = dimensions ?? labelColumns
    let m = shown.map(name).joined(separator: ", ")
    return dims.isEmpty ? m : m + " by " + dims.map(name).joined(separator: ", ")
  }

  /// The note for metrics a chart leaves out, or `nil`.
  func unusedMetricsNote(used: Int) -> String? {
    guard metrics.count > used else { return nil }
    let shown = metrics.prefix(used).map { "'\(name($0))'" }.joined(separator: " and ")
    let rest = metrics.dropFirst(used).map { "'\(name($0))'" }.joined(separator: ", ")
    return "\(kind.rawValue) chart of \(shown); not drawn: \(rest)"
  }

  /// A query that would suit the chart, built from this result's names.
  var exampleMetric: String { metrics.first.map(name) ?? "revenue" }
  var exampleGroup: String { groupColumns.first.map(name) ?? "campaign" }
}
