import CQStorage

/// One sparkline per group over time, each scaled to its own range, with min, max and (for
/// additive metrics) the total.
///
/// ```
/// revenue by campaign over week (each line scaled to its own min–max)
/// campaign    2025-04-21 → 06-09       min         max        total
/// Campaign_1  ▁▂▃▃▅▇▆█          ₹10,000.00  ₹25,000.00  ₹1,37,000.00
/// ```
struct SparkChart {
  var data: ChartData
  var context: ChartContext

  func lines() throws(ChartError) -> [String] {
    guard let time = data.timeColumn else {
      throw ChartError(
        "a spark chart needs a time dimension to draw over, such as 'week'; "
          + "try '\(data.exampleMetric) by \(data.exampleGroup), week chart spark'")
    }
    let formatter = context.formatter
    let metric = data.metrics[0]
    let format = data.format(metric)
    let grain: TimeGrain? = {
      if case .dimension(let g) = data.result.columns[time].role { return g }
      return nil
    }()

    // Time positions and groups in first-seen order.
    var xLabels: [String] = []
    var seenX: Set<String> = []
    var groups: [(name: String, values: [String: Value])] = []
    var groupIndex: [String: Int] = [:]
    for row in data.rows {
      let x = data.text(row, time, formatter: formatter)
      if seenX.insert(x).inserted { xLabels.append(x) }
      let name = data.label(row, columns: data.groupColumns, formatter: formatter)
      let g =
        groupIndex[name]
        ?? {
          groups.append((name, [:]))
          groupIndex[name] = groups.count - 1
          return groups.count - 1
        }()
      groups[g].values[x] = data.value(row, metric)
    }
    xLabels.sort { TimeOrder.before($0, $1, grain: grain) }
    xLabels = TimeOrder.filled(xLabels, grain: grain)

    var out = [
      data.title(metrics: [metric], dimensions: data.groupColumns) + " over " + data.name(time)
    ]
    var notes = ["each line is scaled to its own min\(context.dash)max"]
    if let note = data.unusedMetricsNote(used: 1) { notes.append(note) }
    if let note = data.timelessNote { notes.append(note) }
    guard !groups.isEmpty, !xLabels.isEmpty else {
      out.append("(no rows to chart)")
      return out + notes
    }
    var hidden = 0
    if let limit = context.rowLimit, groups.count > limit {
      hidden = groups.count - limit
      groups = Array(groups.prefix(limit))
    }

    let additive = format == .money || format == .integer
    struct Line {
      var label: String
      var values: [Double?]
      var min: String
      var max: String
      var total: String
    }
    var rows: [Line] = []
    for group in groups {
      let cells = xLabels.map { group.values[$0] ?? .empty }
      let values = cells.map(\.doubleValue)
      let present = cells.filter { $0.doubleValue != nil }
      let low = present.min { ($0.doubleValue ?? 0) < ($1.doubleValue ?? 0) }
      let high = present.max { ($0.doubleValue ?? 0) < ($1.doubleValue ?? 0) }
      let show = { (v: Value?) in formatter.display(v ?? .empty, format: format) }
      let total = additive ? show(present.isEmpty ? nil : Self.total(present)) : ""
      rows.append(
        Line(label: group.name, values: values, min: show(low), max: show(high), total: total))
    }

    // Fit: the spark wants up to 12 marks; drop total, then min and max, then shorten labels.
    var showTotal = additive
    var showRange = true
    let minWidth = max(3, rows.map { TerminalWidth.displayWidth($0.min) }.max() ?? 0)
    let maxWidth = max(3, rows.map { TerminalWidth.displayWidth($0.max) }.max() ?? 0)
    let totalWidth =
      additive ? max(5, rows.map { TerminalWidth.displayWidth($0.total) }.max() ?? 0) : 0
    func numbersWidth() -> Int {
      (showRange ? 2 + minWidth + 2 + maxWidth : 0) + (showTotal ? 2 + totalWidth : 0)
    }
    let groupHeader =
      data.groupColumns.isEmpty ? "" : data.groupColumns.map(data.name).joined(separator: " · ")
    let naturalLabel = max(
      TerminalWidth.displayWidth(groupHeader),
      rows.map { TerminalWidth.displayWidth($0.label) }.max() ?? 0)
    var labelWidth = min(naturalLabel, max(8, context.width / 3))
    let wanted = min(xLabels.count, 12)
    if context.width - labelWidth - 2 - numbersWidth() < wanted { showTotal = false }
    if context.width - labelWidth - 2 - numbersWidth() < wanted { showRange = false }
    if context.width - labelWidth - 2 - numbersWidth() < wanted {
      labelWidth = max(6, context.width - 2 - numbersWidth() - wanted)
    }
    let room = max(4, context.width - labelWidth - 2 - numbersWidth())
    let bucket = max(1, (xLabels.count + room - 1) / room)
    let sparkWidth = (xLabels.count + bucket - 1) / bucket
    var timeHeader = timeRange(xLabels)
    if TerminalWidth.displayWidth(timeHeader) > room { timeHeader = xLabels.first ?? "" }
    if TerminalWidth.displayWidth(timeHeader) > room { timeHeader = "" }
    let columnWidth = min(room, max(sparkWidth, TerminalWidth.displayWidth(timeHeader)))

    var header = TerminalWidth.pad(
      context.label(groupHeader, width: labelWidth), toWidth: labelWidth, alignRight: false)
    header += "  " + TerminalWidth.pad(timeHeader, toWidth: columnWidth, alignRight: false)
    if showRange {
      header += "  " + TerminalWidth.pad("min", toWidth: minWidth, alignRight: true)
      header += "  " + TerminalWidth.pad("max", toWidth: maxWidth, alignRight: true)
    }
    if showTotal {
      header += "  " + TerminalWidth.pad("total", toWidth: totalWidth, alignRight: true)
    }
    out.append(trimRight(header))
    for row in rows {
      var line = TerminalWidth.pad(
        context.label(row.label, width: labelWidth), toWidth: labelWidth, alignRight: false)
      line +=
        "  "
        + TerminalWidth.pad(
          spark(row.values, bucket: bucket), toWidth: columnWidth, alignRight: false)
      if showRange {
        line += "  " + TerminalWidth.pad(row.min, toWidth: minWidth, alignRight: true)
        line += "  " + TerminalWidth.pad(row.max, toWidth: maxWidth, alignRight: true)
      }
      if showTotal {
        line += "  " + TerminalWidth.pad(row.total, toWidth: totalWidth, alignRight: true)
      }
      out.append(trimRight(line))
    }
    if hidden > 0 {
      out.append(
        "\(context.ellipsis) \(hidden) more \(hidden == 1 ? "line" : "lines") not drawn (set rows all to see them)"
      )
    }
    if bucket > 1 {
      notes.append("each mark averages \(bucket) \(data.name(time)) values to fit the width")
    }
    return out + notes
  }

  /// The sum of cells, exact for paise and integers (a double when one overflows or is not).
  static func total(_ cells: [Value]) -> Value {
    var paise: Int64 = 0
    var integer: Int64 = 0
    var double = 0.0
    var kinds = Set<Int>()
    var overflow = false
    for cell in cells {
      switch cell {
      case .paise(let p):
        kinds.insert(0)
        let r = paise.addingReportingOverflow(p)
        paise = r.partialValue
        overflow = overflow || r.overflow
      case .integer(let i):
        kinds.insert(1)
        let r = integer.addingReportingOverflow(i)
        integer = r.partialValue
        overflow = overflow || r.overflow
      default:
        kinds.insert(2)
      }
      double += cell.doubleValue ?? 0
    }
    if !overflow && kinds == [0] { return .paise(paise) }
    if !overflow && kinds == [1] { return .integer(integer) }
    return .number(double)
  }

  /// `first → last` time label.
  private func timeRange(_ labels: [String]) -> String {
    guard let first = labels.first, let last = labels.last else { return "" }
    let arrow = context.ascii ? " -> " : " → "
    if labels.count == 1 { return first }
    return first + arrow + last
  }

  /// The sparkline of `values`, averaging `bucket` neighbours per mark; gaps are spaces.
  func spark(_ values: [Double?], bucket: Int) -> String {
    var marks: [Double?] = []
    var i = 0
    while i < values.count {
      let slice = values[i..<min(values.count, i + bucket)].compactMap { $0 }
      marks.append(slice.isEmpty ? nil : slice.reduce(0, +) / Double(slice.count))
      i += bucket
    }
    let present = marks.compactMap { $0 }
    let low = present.min() ?? 0
    let high = present.max() ?? 0
    let levels =
      context.ascii ? ["_", ".", "-", "~", "^"] : ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    return marks.map { mark -> String in
      guard let mark else { return " " }
      if high == low { return mark == 0 ? levels[0] : levels[levels.count / 2] }
      let t = (mark - low) / (high - low)
      let index = Int((t * Double(levels.count - 1)).rounded())
      return levels[min(levels.count - 1, max(0, index))]
    }.joined()
  }
}
