import CQStorage

/// A time series: x is the time dimension, y the metric, drawn in braille dots (one series)
/// or one glyph per series (several series, or ASCII), with labelled axes and a legend.
///
/// ```
/// revenue by week
/// ₹2,60,500 ┤                      ⢀⠔⠢⡀
///           │               ⡠⠊⠉⠉⠒⠊    ⠈
///   ₹98,000 ┤⠢⡀⠔⠊
///           └──────────────────────────────
///            2025-04-21  2025-06-02  2025-07-14
/// ```
/// Several metrics become several series; so does a second (non-time) dimension, for the
/// first metric.
struct LineChart {
  var data: ChartData
  var context: ChartContext

  static let plotHeight = 13
  static let maxSeries = 8

  struct Series {
    var name: String
    var values: [Double?]
  }

  /// What a line chart plots, however it is drawn (terminal or SVG).
  struct Plot {
    var title: String
    /// The x positions: every period from the first to the last, in time order.
    var xLabels: [String]
    var series: [Series]
    /// The unit of the y axis (the first metric's).
    var yFormat: ValueFormat
    /// What was left out and why.
    var notes: [String]
  }

  /// The series to draw: one per group of the non-time dimensions (first metric), or one per
  /// metric in the first metric's unit; at most ``maxSeries``, the largest kept.
  func plot() throws(ChartError) -> Plot {
    guard let time = data.timeColumn else {
      throw ChartError(
        "a line chart needs a time dimension such as 'week'; try '\(data.exampleMetric) by week chart line'"
      )
    }
    let formatter = context.formatter
    var notes: [String] = data.timelessNote.map { [$0] } ?? []

    // x positions: the distinct time labels in time order.
    let grain: TimeGrain? = {
      if case .dimension(let g) = data.result.columns[time].role { return g }
      return nil
    }()
    var xLabels: [String] = []
    var seen: Set<String> = []
    for row in data.rows {
      let label = data.text(row, time, formatter: formatter)
      if seen.insert(label).inserted { xLabels.append(label) }
    }
    xLabels.sort { TimeOrder.before($0, $1, grain: grain) }
    xLabels = TimeOrder.filled(xLabels, grain: grain)
    var xIndex: [String: Int] = [:]
    for (i, label) in xLabels.enumerated() { xIndex[label] = i }

    // Series: one per group (first metric) or one per metric.
    var series: [Series] = []
    let metric = data.metrics[0]
    var title: String
    if !data.groupColumns.isEmpty {
      title = data.title(metrics: [metric], dimensions: data.groupColumns + [time])
      var byName: [String: Int] = [:]
      for row in data.rows {
        let name = data.label(row, columns: data.groupColumns, formatter: formatter)
        let s =
          byName[name]
          ?? {
            series.append(Series(name: name, values: Array(repeating: nil, count: xLabels.count)))
            byName[name] = series.count - 1
            return series.count - 1
          }()
        if let x = xIndex[data.text(row, time, formatter: formatter)] {
          series[s].values[x] = data.number(row, metric)
        }
      }
      if let note = data.unusedMetricsNote(used: 1) { notes.append(note) }
    } else {
      // One y axis: only metrics in the first metric's unit share it.
      let drawn = data.metrics.filter { data.format($0) == data.format(metric) }
      let others = data.metrics.filter { data.format($0) != data.format(metric) }
      title = data.title(metrics: drawn, dimensions: [time])
      if !others.isEmpty {
        let list = others.map { "'\(data.name($0))'" }.joined(separator: ", ")
        notes.append(
          "not drawn, in other units than '\(data.name(metric))': \(list); chart them on their own")
      }
      for m in drawn {
        var values = [Double?](repeating: nil, count: xLabels.count)
        for row in data.rows {
          if let x = xIndex[data.text(row, time, formatter: formatter)] {
            values[x] = data.number(row, m)
          }
        }
        series.append(Series(name: data.name(m), values: values))
      }
    }
    if series.count > Self.maxSeries {
      let ranked = series.indices.sorted { a, b in
        let sa = series[a].values.reduce(0) { $0 + abs($1 ?? 0) }
        let sb = series[b].values.reduce(0) { $0 + abs($1 ?? 0) }
        return sa != sb ? sa > sb : a < b
      }
      let keep = Set(ranked.prefix(Self.maxSeries))
      let dropped = series.count - Self.maxSeries
      series = series.indices.filter { keep.contains($0) }.map { series[$0] }
      notes.append(
        "\(dropped) smaller \(dropped == 1 ? "series" : "series") not drawn: narrow the query with 'where'"
      )
    }

    return Plot(
      title: title, xLabels: xLabels, series: series, yFormat: data.format(metric), notes: notes)
  }

  func lines() throws(ChartError) -> [String] {
    let plot = try plot()
    let formatter = context.formatter
    let xLabels = plot.xLabels
    let series = plot.series
    let notes = plot.notes
    var out = [plot.title]
    let all = series.flatMap { $0.values.compactMap { $0 } }
    guard !xLabels.isEmpty, !all.isEmpty else {
      out.append(xLabels.isEmpty ? "(no rows to chart)" : "(no values to chart)")
      return out + notes
    }

    // Layout: y labels, axis, plot.
    let scale = AxisScale.rounded(values: all)
    let height = Self.plotHeight
    let yFormat = plot.yFormat
    let tickRows = [0, height / 2, height - 1]
    let places = ChartContext.places(forStep: scale.tickStep ?? (scale.high - scale.low) / 2)
    let tickText = tickRows.map { row in
      formatter.axis(
        scale.value(at: height - 1 - row, cells: height), format: yFormat, places: places)
    }
    let yLabelWidth = tickText.map(TerminalWidth.displayWidth).max() ?? 0
    let plotWidth = max(10, context.width - yLabelWidth - 2)

    var canvas = Canvas(columns: plotWidth, rows: height)
    let single = series.count == 1 && !context.ascii
    let glyphs =
      context.ascii
      ? ["*", "o", "x", "#", "@", "%", "&", "="] : ["●", "○", "◆", "◇", "▲", "△", "■", "□"]
    func column(_ x: Int, cells: Int) -> Int {
      xLabels.count == 1
        ? cells / 2 : Int((Double(x) * Double(cells - 1) / Double(xLabels.count - 1)).rounded())
    }
    if single {
      let values = series[0].values
      var previous: (Int, Int)?
      for (x, value) in values.enumerated() {
        guard let value else {
          previous = nil
          continue
        }
        let px = column(x, cells: canvas.dotColumns)
        let py = canvas.dotRows - 1 - scale.position(value, cells: canvas.dotRows)
        if let (x0, y0) = previous {
          canvas.line(x0: x0, y0: y0, x1: px, y1: py)
        } else {
          canvas.setDot(x: px, y: py)
        }
        previous = (px, py)
      }
    } else {
      for (s, item) in series.enumerated().reversed() {
        let glyph = glyphs[s % glyphs.count]
        var previous: (column: Int, value: Double)?
        for (x, value) in item.values.enumerated() {
          guard let value else {
            previous = nil
            continue
          }
          let c = column(x, cells: plotWidth)
          if let p = previous, c - p.column > 1 {
            for between in (p.column + 1)..<c {
              let t = Double(between - p.column) / Double(c - p.column)
              let v = p.value + (value - p.value) * t
              canvas.set(column: between, row: height - 1 - scale.position(v, cells: height), glyph)
            }
          }
          canvas.set(column: c, row: height - 1 - scale.position(value, cells: height), glyph)
          previous = (c, value)
        }
      }
    }

    out += context.plotRows(
      canvas, height: height, tickRows: tickRows, tickText: tickText, yLabelWidth: yLabelWidth,
      plotWidth: plotWidth)
    var xTicks = [
      (position: column(0, cells: plotWidth), text: context.label(xLabels[0], width: plotWidth / 3))
    ]
    if xLabels.count > 2 {
      let mid = xLabels.count / 2
      xTicks.append(
        (column(mid, cells: plotWidth), context.label(xLabels[mid], width: plotWidth / 3)))
    }
    if xLabels.count > 1 {
      let last = xLabels.count - 1
      xTicks.append(
        (column(last, cells: plotWidth), context.label(xLabels[last], width: plotWidth / 3)))
    }
    out.append(
      String(repeating: " ", count: yLabelWidth + 2) + axisLabels(xTicks, width: plotWidth))

    if series.count > 1 || context.ascii {
      var legend: [String] = []
      var line = ""
      for (s, item) in series.enumerated() {
        let entry = glyphs[s % glyphs.count] + " " + context.label(item.name, width: 28)
        let candidate = line.isEmpty ? entry : line + "   " + entry
        if !line.isEmpty && TerminalWidth.displayWidth(candidate) > context.width {
          legend.append(line)
          line = entry
        } else {
          line = candidate
        }
      }
      if !line.isEmpty { legend.append(line) }
      out += legend
    }
    return out + notes
  }
}

/// Orders time labels: ISO labels sort as text, weekdays from Monday.
enum TimeOrder {
  static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

  static func before(_ a: String, _ b: String, grain: TimeGrain?) -> Bool {
    if grain == .weekday {
      let ia = weekdays.firstIndex(of: String(a.lowercased().prefix(3))) ?? 7
      let ib = weekdays.firstIndex(of: String(b.lowercased().prefix(3))) ?? 7
      if ia != ib { return ia < ib }
    }
    return a < b
  }

  /// Every period from the first label to the last (`labels` sorted), so a chart's x axis is
  /// time.
  ///
  /// A week with no rows is a gap, not skipped. `labels` unchanged when one does not parse as
  /// a period of `grain` or the span is implausibly long.
  ///
  /// - Complexity: O(*p*) in the periods of the span.
  static func filled(_ labels: [String], grain: TimeGrain?) -> [String] {
    guard let grain, let first = labels.first, let last = labels.last, labels.count > 1 else {
      return labels
    }
    let limit = 5_000
    var all: [String] = []
    switch grain {
    case .day, .week:
      guard let a = DayNumber.parse(first), let b = DayNumber.parse(last), a <= b else {
        return labels
      }
      let step: Int32 = grain == .week ? 7 : 1
      guard (b - a) / step < limit else { return labels }
      all = stride(from: a, through: b, by: Int(step)).map { DayNumber.isoString($0) }
    case .month, .quarter:
      func index(_ t: String) -> Int? {
        let parts = t.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let y = Int(parts[0]) else { return nil }
        if grain == .month {
          return Int(parts[1]).flatMap { (1...12).contains($0) ? y * 12 + $0 - 1 : nil }
        }
        guard parts[1].first == "Q", let q = Int(parts[1].dropFirst()), (1...4).contains(q) else {
          return nil
        }
        return y * 4 + q - 1
      }
      guard let a = index(first), let b = index(last), a <= b, b - a < limit else { return labels }
      all = (a...b).map { i in
        grain == .month
          ? "\(i / 12)-\(i % 12 < 9 ? "0" : "")\(i % 12 + 1)" : "\(i / 4)-Q\(i % 4 + 1)"
      }
    case .year:
      guard let a = Int(first), let b = Int(last), a <= b, b - a < limit else { return labels }
      all = (a...b).map(String.init)
    case .weekday:
      let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
      guard let a = weekdays.firstIndex(of: first.lowercased()),
        let b = weekdays.firstIndex(of: last.lowercased()), a <= b
      else { return labels }
      all = Array(names[a...b])
    }
    // Only when every label is one of the periods (labels as cq writes them).
    let known = Set(all)
    return labels.allSatisfy(known.contains) ? all : labels
  }
}
