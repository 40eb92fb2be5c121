import CQStorage

/// Horizontal bars for the first metric, one per group, value after the bar.
///
/// ```
/// revenue by campaign
/// Campaign_3  │██████████████████████▍ ₹1,23,456.70
/// Campaign_1  │████████▊ ₹48,000.00
/// Campaign_9 ▐│ -₹1,200.00
/// ```
/// Negative values grow leftward from a zero axis.
struct BarChart {
  var data: ChartData
  var context: ChartContext

  func lines() -> [String] {
    let metric = data.metrics[0]
    let formatter = context.formatter
    var out = [data.title(metrics: [metric])]
    var rows = data.rows
    var hidden = 0
    if let limit = context.rowLimit, rows.count > limit {
      hidden = rows.count - limit
      rows = Array(rows.prefix(limit))
    }
    guard !rows.isEmpty else {
      out.append("(no rows to chart)")
      return out
    }
    let values = rows.map { data.number($0, metric) }
    let texts = rows.map { formatter.display(data.value($0, metric), format: data.format(metric)) }
    let rawLabels = rows.map { data.label($0, columns: data.labelColumns, formatter: formatter) }
    let valueWidth = texts.map(TerminalWidth.displayWidth).max() ?? 0
    var labelWidth = min(
      rawLabels.map(TerminalWidth.displayWidth).max() ?? 0, max(8, context.width / 3))
    if context.width - labelWidth - 3 - valueWidth < 10 {
      labelWidth = max(4, context.width - 3 - valueWidth - 10)
    }
    let positive = values.compactMap { $0 }.filter { $0 > 0 }.max() ?? 0
    let negative = -(values.compactMap { $0 }.filter { $0 < 0 }.min() ?? 0)
    // label, space, negative region, axis, positive region, space, value
    let region = max(4, context.width - labelWidth - 3 - valueWidth)
    let span = positive + negative
    var negativeCells = 0
    if negative > 0 {
      negativeCells =
        positive > 0 ? max(1, Int((Double(region) * negative / span).rounded())) : region
      negativeCells = min(negativeCells, region)
    }
    // One scale for both sides, small enough that each side fits its cells.
    var scale = span > 0 ? Double(region) / span : 0
    if positive > 0 { scale = min(scale, Double(region - negativeCells) / positive) }
    if negative > 0 { scale = min(scale, Double(negativeCells) / negative) }
    let axis = context.ascii ? "|" : "│"

    for i in rows.indices {
      let label = TerminalWidth.pad(
        context.label(rawLabels[i], width: labelWidth), toWidth: labelWidth, alignRight: false)
      var line = label + " "
      let value = values[i] ?? 0
      let left = value < 0 ? context.leftBar(cells: -value * scale, nonZero: true) : ""
      line += TerminalWidth.pad(left, toWidth: negativeCells, alignRight: true) + axis
      if value > 0 {
        let bar = context.bar(cells: value * scale, nonZero: true)
        line += bar + " " + texts[i]
      } else {
        line += " " + texts[i]
      }
      out.append(trimRight(line))
    }
    if hidden > 0 {
      out.append(
        "\(context.ellipsis) \(hidden) more \(hidden == 1 ? "bar" : "bars") not drawn (set rows all to see them)"
      )
    }
    if let note = data.unusedMetricsNote(used: 1) { out.append(note) }
    return out
  }
}

func trimRight(_ s: String) -> String {
  var t = Substring(s)
  while t.last == " " { t.removeLast() }
  return String(t)
}
