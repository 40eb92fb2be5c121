import CQStorage

/// Draws a ``ResultSet`` as inline SVG for an HTML report: the same five charts as the
/// terminal (``ChartRenderer``), read from the same ``ChartData``, with labels in cq's money,
/// ratio and percent formats and every data string escaped.
///
/// ```
/// revenue by campaign chart bar               -- bars, labels and values
/// revenue by week, brand chart line           -- one line per brand, with a legend
/// revenue by campaign, week chart spark       -- a table with a sparkline per campaign
/// followers, revenue by influencer chart scatter
/// roas by influencer chart hist
/// ```
/// Every SVG has a `viewBox` 720 units wide and scales to the page (a phone shrinks it).
enum SVGChart {
  /// The drawing (SVG, or for a spark chart a table of SVG sparklines), its title, and notes on
  /// what was left out.
  struct Drawing {
    var title: String
    var html: String
    var notes: [String]
  }

  /// Width of every chart's `viewBox`.
  static let width = 720.0
  /// Series colours (Tableau 10), distinguishable in print and for most colour blindness.
  static let palette = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
  ]
  static let negativeColor = "#e15759"
  /// The most bars a bar chart draws.
  static let maxBars = 60

  /// Draws `result` as `kind`.
  ///
  /// - Throws: ``ChartError`` as ``ChartRenderer`` does, when the result lacks what the chart
  ///   needs.
  /// - Complexity: O(*r*) in the rows (O(*r* log *r*) to order time labels).
  static func render(_ result: ResultSet, kind: ChartKind, options: RenderOptions)
    throws(ChartError)
    -> Drawing
  {
    let data = try ChartData(result, kind: kind)
    var fileOptions = options
    fileOptions.width = nil
    let context = ChartContext(options: fileOptions)
    switch kind {
    case .bar: return bar(data, context)
    case .line: return try line(data, context)
    case .spark: return try spark(data, context)
    case .scatter: return try scatter(data, context)
    case .hist: return hist(data, context)
    }
  }

  // MARK: bar

  static func bar(_ data: ChartData, _ context: ChartContext) -> Drawing {
    let metric = data.metrics[0]
    let formatter = context.formatter
    var notes: [String] = data.unusedMetricsNote(used: 1).map { [$0] } ?? []
    var rows = data.rows
    if rows.count > maxBars {
      notes.append(
        "\(rows.count - maxBars) more bars not drawn; narrow the query with 'limit' or 'top'")
      rows = Array(rows.prefix(maxBars))
    }
    let title = data.title(metrics: [metric])
    guard !rows.isEmpty else {
      return Drawing(title: title, html: empty("no rows to chart"), notes: notes)
    }
    let values = rows.map { data.number($0, metric) }
    let texts = rows.map { formatter.display(data.value($0, metric), format: data.format(metric)) }
    let labels = rows.map { data.label($0, columns: data.labelColumns, formatter: formatter) }
    let labelChars = min(34, labels.map(TerminalWidth.displayWidth).max() ?? 0)
    let labelWidth = Double(labelChars) * charWidth + 10
    let valueWidth = Double(texts.map(TerminalWidth.displayWidth).max() ?? 0) * charWidth + 10
    let plotLeft = labelWidth
    let plotWidth = max(120, width - labelWidth - valueWidth)
    let positive = values.compactMap { $0 }.filter { $0 > 0 }.max() ?? 0
    let negative = -(values.compactMap { $0 }.filter { $0 < 0 }.min() ?? 0)
    let span = positive + negative
    let zero = plotLeft + (span > 0 ? plotWidth * negative / span : 0)
    let scale = span > 0 ? plotWidth / span : 0
    let rowHeight = 22.0
    let height = Double(rows.count) * rowHeight + 8
    var svg = open(height: height, title: title)
    for (i, row) in rows.indices.enumerated() {
      _ = row
      let y = 4 + Double(i) * rowHeight
      let middle = y + rowHeight / 2
      let label = TerminalWidth.truncate(labels[i], toWidth: labelChars, ellipsis: "…")
      svg += text(label, x: plotLeft - 6, y: middle + 4, anchor: "end", full: labels[i])
      let value = values[i] ?? 0
      let length = abs(value) * scale
      let x = value < 0 ? zero - length : zero
      let color = value < 0 ? negativeColor : palette[0]
      svg +=
        "<rect x=\"\(n(x))\" y=\"\(n(y + 4))\" width=\"\(n(length))\" height=\"\(n(rowHeight - 8))\" fill=\"\(color)\"><title>\(escape(labels[i])): \(escape(texts[i]))</title></rect>"
      let valueX = value < 0 ? zero + 4 : zero + length + 4
      svg += text(texts[i], x: valueX, y: middle + 4, anchor: "start", cssClass: "value")
    }
    svg +=
      "<line class=\"axis\" x1=\"\(n(zero))\" y1=\"2\" x2=\"\(n(zero))\" y2=\"\(n(height - 2))\"/>"
    svg += "</svg>"
    return Drawing(title: title, html: svg, notes: notes)
  }

  // MARK: line

  static func line(_ data: ChartData, _ context: ChartContext) throws(ChartError) -> Drawing {
    let plot = try LineChart(data: data, context: context).plot()
    let formatter = context.formatter
    let all = plot.series.flatMap { $0.values.compactMap { $0 } }
    guard !plot.xLabels.isEmpty, !all.isEmpty else {
      return Drawing(
        title: plot.title,
        html: empty(plot.xLabels.isEmpty ? "no rows to chart" : "no values to chart"),
        notes: plot.notes)
    }
    let y = Axis(values: all, format: plot.yFormat, formatter: formatter)
    let legendRows = plot.series.count > 1 ? legendLayout(plot.series.map(\.name)) : []
    let legendHeight = Double(legendRows.count) * 20
    let top = 12 + legendHeight
    let plotHeight = 240.0
    let left = y.labelWidth + 12
    let right = 24.0
    let bottom = 34.0
    let height = top + plotHeight + bottom
    let plotWidth = width - left - right
    func px(_ i: Int) -> Double {
      plot.xLabels.count == 1
        ? left + plotWidth / 2 : left + plotWidth * Double(i) / Double(plot.xLabels.count - 1)
    }
    func py(_ v: Double) -> Double { top + plotHeight - plotHeight * y.fraction(v) }
    var svg = open(height: height, title: plot.title)
    svg += legend(legendRows, top: 6)
    svg += y.gridAndLabels(left: left, right: width - right, position: py)
    // x labels: at most 8, evenly spread, always the first and last.
    let count = plot.xLabels.count
    let shown = min(count, max(2, Int(plotWidth / 90)))
    var ticks: [Int] =
      shown <= 1
      ? [0]
      : (0..<shown).map { Int((Double($0) * Double(count - 1) / Double(shown - 1)).rounded()) }
    ticks = ticks.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    for i in ticks {
      let anchor = count > 1 && i == 0 ? "start" : (count > 1 && i == count - 1 ? "end" : "middle")
      svg +=
        "<line class=\"tick\" x1=\"\(n(px(i)))\" y1=\"\(n(top + plotHeight))\" x2=\"\(n(px(i)))\" y2=\"\(n(top + plotHeight + 4))\"/>"
      svg += text(plot.xLabels[i], x: px(i), y: top + plotHeight + 18, anchor: anchor)
    }
    svg +=
      "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top + plotHeight))\" x2=\"\(n(width - right))\" y2=\"\(n(top + plotHeight))\"/>"
    for (s, series) in plot.series.enumerated() {
      let color = palette[s % palette.count]
      var runs: [[(Double, Double)]] = [[]]
      for (i, value) in series.values.enumerated() {
        if let value {
          runs[runs.count - 1].append((px(i), py(value)))
        } else if !runs[runs.count - 1].isEmpty {
          runs.append([])
        }
      }
      svg += "<g class=\"series\"><title>\(escape(series.name))</title>"
      for run in runs where run.count > 1 {
        let points = run.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
        svg +=
          "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\"/>"
      }
      let marks = count <= 40 || runs.contains { $0.count == 1 }
      for (i, value) in series.values.enumerated() {
        guard let value, marks || runs.contains(where: { $0.count == 1 && $0[0].0 == px(i) }) else {
          continue
        }
        svg +=
          "<circle cx=\"\(n(px(i)))\" cy=\"\(n(py(value)))\" r=\"2.5\" fill=\"\(color)\"><title>\(escape(series.name)) \(escape(plot.xLabels[i])): \(escape(formatter.display(.number(value), format: plot.yFormat)))</title></circle>"
      }
      svg += "</g>"
    }
    svg += "</svg>"
    return Drawing(title: plot.title, html: svg, notes: plot.notes)
  }

  /// Legend entries placed in rows that fit the width: (row, x, name, colour index).
  static func legendLayout(_ names: [String]) -> [[(x: Double, name: String, index: Int)]] {
    var rows: [[(x: Double, name: String, index: Int)]] = [[]]
    var x = 0.0
    for (i, full) in names.enumerated() {
      let name = TerminalWidth.truncate(full, toWidth: 30, ellipsis: "…")
      let entry = 18 + Double(TerminalWidth.displayWidth(name)) * charWidth + 18
      if x > 0 && x + entry > width {
        rows.append([])
        x = 0
      }
      rows[rows.count - 1].append((x, name, i))
      x += entry
    }
    return rows
  }

  static func legend(_ rows: [[(x: Double, name: String, index: Int)]], top: Double) -> String {
    var svg = ""
    for (r, row) in rows.enumerated() {
      let y = top + Double(r) * 20
      for entry in row {
        let color = palette[entry.index % palette.count]
        svg +=
          "<rect x=\"\(n(entry.x))\" y=\"\(n(y + 3))\" width=\"12\" height=\"12\" rx=\"2\" fill=\"\(color)\"/>"
        svg += text(entry.name, x: entry.x + 17, y: y + 13, anchor: "start", cssClass: "legend")
      }
    }
    return svg
  }

  // MARK: spark

  static func spark(_ data: ChartData, _ context: ChartContext) throws(ChartError) -> Drawing {
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
    var xLabels: [String] = []
    var seen: Set<String> = []
    var groups: [(name: String, values: [String: Value])] = []
    var index: [String: Int] = [:]
    for row in data.rows {
      let x = data.text(row, time, formatter: formatter)
      if seen.insert(x).inserted { xLabels.append(x) }
      let name = data.label(row, columns: data.groupColumns, formatter: formatter)
      let g =
        index[name]
        ?? {
          groups.append((name, [:]))
          index[name] = groups.count - 1
          return groups.count - 1
        }()
      groups[g].values[x] = data.value(row, metric)
    }
    xLabels.sort { TimeOrder.before($0, $1, grain: grain) }
    xLabels = TimeOrder.filled(xLabels, grain: grain)
    let title =
      data.title(metrics: [metric], dimensions: data.groupColumns) + " over " + data.name(time)
    var notes = ["each line is scaled to its own min–max"]
    if let note = data.unusedMetricsNote(used: 1) { notes.append(note) }
    if let note = data.timelessNote { notes.append(note) }
    guard !groups.isEmpty, !xLabels.isEmpty else {
      return Drawing(title: title, html: empty("no rows to chart"), notes: notes)
    }
    let additive = format == .money || format == .integer
    let groupHeader =
      data.groupColumns.isEmpty ? "" : data.groupColumns.map(data.name).joined(separator: " · ")
    var html =
      "<div class=\"table-wrap\"><table class=\"spark\"><thead><tr><th>\(escape(groupHeader))</th>"
    html +=
      "<th>\(escape(xLabels[0]))\(xLabels.count > 1 ? " – " + escape(xLabels[xLabels.count - 1]) : "")</th>"
    html += "<th class=\"num\">min</th><th class=\"num\">max</th>"
    if additive { html += "<th class=\"num\">total</th>" }
    html += "</tr></thead><tbody>"
    let sparkWidth = 160.0
    let sparkHeight = 28.0
    for group in groups {
      let cells = xLabels.map { group.values[$0] ?? .empty }
      let values = cells.map(\.doubleValue)
      let present = cells.filter { $0.doubleValue != nil }
      let low = present.min { ($0.doubleValue ?? 0) < ($1.doubleValue ?? 0) }
      let high = present.max { ($0.doubleValue ?? 0) < ($1.doubleValue ?? 0) }
      let lowValue = low?.doubleValue ?? 0
      let highValue = high?.doubleValue ?? 0
      func px(_ i: Int) -> Double {
        xLabels.count == 1
          ? sparkWidth / 2 : 2 + (sparkWidth - 4) * Double(i) / Double(xLabels.count - 1)
      }
      func py(_ v: Double) -> Double {
        highValue == lowValue
          ? sparkHeight / 2 : 3 + (sparkHeight - 6) * (1 - (v - lowValue) / (highValue - lowValue))
      }
      var runs: [[String]] = [[]]
      var lastPoint: (Double, Double)?
      for (i, value) in values.enumerated() {
        if let value {
          runs[runs.count - 1].append("\(n(px(i))),\(n(py(value)))")
          lastPoint = (px(i), py(value))
        } else if !runs[runs.count - 1].isEmpty {
          runs.append([])
        }
      }
      var svg =
        "<svg class=\"sparkline\" viewBox=\"0 0 \(n(sparkWidth)) \(n(sparkHeight))\" width=\"\(n(sparkWidth))\" height=\"\(n(sparkHeight))\" role=\"img\" aria-label=\"\(escape(group.name))\">"
      for run in runs where !run.isEmpty {
        svg +=
          run.count == 1
          ? "<circle cx=\"\(run[0].split(separator: ",")[0])\" cy=\"\(run[0].split(separator: ",")[1])\" r=\"1.5\" fill=\"\(palette[0])\"/>"
          : "<polyline points=\"\(run.joined(separator: " "))\" fill=\"none\" stroke=\"\(palette[0])\" stroke-width=\"1.5\"/>"
      }
      if let (x, y) = lastPoint {
        svg += "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"2\" fill=\"\(palette[1])\"/>"
      }
      svg += "</svg>"
      let show = { (v: Value?) in escape(formatter.display(v ?? .empty, format: format)) }
      html += "<tr><td>\(escape(group.name))</td><td class=\"spark-cell\">\(svg)</td>"
      html += "<td class=\"num\">\(show(low))</td><td class=\"num\">\(show(high))</td>"
      if additive {
        html += "<td class=\"num\">\(show(present.isEmpty ? nil : SparkChart.total(present)))</td>"
      }
      html += "</tr>"
    }
    html += "</tbody></table></div>"
    return Drawing(title: title, html: html, notes: notes)
  }

  // MARK: scatter

  static func scatter(_ data: ChartData, _ context: ChartContext) throws(ChartError) -> Drawing {
    guard data.metrics.count >= 2 else {
      let have = data.metrics.map { "'\(data.name($0))'" }.joined(separator: ", ")
      throw ChartError(
        "a scatter chart needs two metrics, one per axis, and this result has one (\(have)); "
          + "try 'followers, \(data.exampleMetric) by influencer chart scatter'")
    }
    let formatter = context.formatter
    let xMetric = data.metrics[0]
    let yMetric = data.metrics[1]
    let title =
      "\(data.name(yMetric)) (y) vs \(data.name(xMetric)) (x)"
      + (data.labelColumns.isEmpty
        ? "" : " by " + data.labelColumns.map(data.name).joined(separator: ", "))
    var notes: [String] = data.unusedMetricsNote(used: 2).map { [$0] } ?? []
    let points = data.rows.compactMap { row -> (row: Int, x: Double, y: Double)? in
      guard let x = data.number(row, xMetric), let y = data.number(row, yMetric) else { return nil }
      return (row, x, y)
    }
    let skipped = data.rows.count - points.count
    if skipped > 0 {
      notes.append(
        "\(skipped) \(skipped == 1 ? "group" : "groups") without both values not plotted")
    }
    guard !points.isEmpty else {
      return Drawing(
        title: title,
        html: empty(data.rows.isEmpty ? "no rows to chart" : "no points with both values"),
        notes: notes)
    }
    let x = Axis(values: points.map(\.x), format: data.format(xMetric), formatter: formatter)
    let y = Axis(values: points.map(\.y), format: data.format(yMetric), formatter: formatter)
    let top = 24.0
    let plotHeight = 300.0
    let left = y.labelWidth + 12
    let right = 24.0
    let bottom = 40.0
    let height = top + plotHeight + bottom
    let plotWidth = width - left - right
    func px(_ v: Double) -> Double { left + plotWidth * x.fraction(v) }
    func py(_ v: Double) -> Double { top + plotHeight - plotHeight * y.fraction(v) }
    var svg = open(height: height, title: title)
    svg += text(data.name(yMetric), x: 0, y: 12, anchor: "start", cssClass: "axis-title")
    svg += y.gridAndLabels(left: left, right: width - right, position: py)
    for (i, tick) in x.ticks.enumerated() {
      let anchor = i == 0 ? "start" : (i == x.ticks.count - 1 ? "end" : "middle")
      svg +=
        "<line class=\"tick\" x1=\"\(n(px(tick)))\" y1=\"\(n(top + plotHeight))\" x2=\"\(n(px(tick)))\" y2=\"\(n(top + plotHeight + 4))\"/>"
      svg += text(x.label(tick), x: px(tick), y: top + plotHeight + 17, anchor: anchor)
    }
    svg += text(
      data.name(xMetric), x: width - right, y: height - 4, anchor: "end", cssClass: "axis-title")
    svg +=
      "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top + plotHeight))\" x2=\"\(n(width - right))\" y2=\"\(n(top + plotHeight))\"/>"
    // Labels: every point when there are few, else the extremes and the highest few.
    var labelled: [Int] = []
    let byY = points.indices.sorted {
      points[$0].y != points[$1].y ? points[$0].y > points[$1].y : $0 < $1
    }
    let byX = points.indices.sorted {
      points[$0].x != points[$1].x ? points[$0].x > points[$1].x : $0 < $1
    }
    if points.count <= 12 {
      labelled = Array(points.indices)
    } else {
      for candidate in [byY.first, byX.first, byY.last, byX.last] + byY.prefix(4).map(Optional.some)
      {
        if let candidate, !labelled.contains(candidate) { labelled.append(candidate) }
      }
    }
    for (i, p) in points.enumerated() {
      let name = data.label(p.row, columns: data.labelColumns, formatter: formatter)
      let values =
        "\(data.name(xMetric)) \(formatter.display(data.value(p.row, xMetric), format: data.format(xMetric))), \(data.name(yMetric)) \(formatter.display(data.value(p.row, yMetric), format: data.format(yMetric)))"
      let lettered = labelled.contains(i)
      svg +=
        "<circle cx=\"\(n(px(p.x)))\" cy=\"\(n(py(p.y)))\" r=\"\(lettered ? "4" : "3.5")\" fill=\"\(palette[0])\" fill-opacity=\"\(lettered ? "0.95" : "0.55")\"><title>\(escape(name)): \(escape(values))</title></circle>"
    }
    for i in labelled {
      let p = points[i]
      let name = TerminalWidth.truncate(
        data.label(p.row, columns: data.labelColumns, formatter: formatter), toWidth: 24,
        ellipsis: "…")
      let cx = px(p.x)
      let nearRight = cx + 8 + Double(TerminalWidth.displayWidth(name)) * charWidth > width
      svg += text(
        name, x: nearRight ? cx - 7 : cx + 7, y: max(10, py(p.y) - 6),
        anchor: nearRight ? "end" : "start", cssClass: "point-label")
    }
    svg += "</svg>"
    return Drawing(title: title, html: svg, notes: notes)
  }

  // MARK: hist

  static func hist(_ data: ChartData, _ context: ChartContext) -> Drawing {
    let metric = data.metrics[0]
    let format = data.format(metric)
    let formatter = context.formatter
    let groups =
      data.labelColumns.isEmpty ? "row" : data.labelColumns.map(data.name).joined(separator: " · ")
    let values = data.rows.compactMap { data.number($0, metric) }
    let title =
      "\(data.name(metric)) over \(values.count) \(groups) \(values.count == 1 ? "group" : "groups")"
    var notes: [String] = []
    let skipped = data.rows.count - values.count
    if skipped > 0 {
      notes.append("\(skipped) \(skipped == 1 ? "group" : "groups") without a value not counted")
    }
    if let note = data.unusedMetricsNote(used: 1) { notes.append(note) }
    guard !values.isEmpty else {
      return Drawing(
        title: title, html: empty(data.rows.isEmpty ? "no rows to chart" : "no values to chart"),
        notes: notes)
    }
    let bins = HistogramChart.bins(values, integral: format == .integer)
    let places =
      bins.step > 0
      ? ChartContext.places(forStep: bins.step)
      : ChartContext.places(forStep: max(abs(bins.start) / 100, 0.01))
    let edges = (0...bins.counts.count).map { i in
      formatter.axis(bins.start + Double(i) * bins.step, format: format, places: places)
    }
    let maxCount = Double(bins.counts.max() ?? 1)
    let top = 20.0
    let plotHeight = 200.0
    let left = 36.0
    let right = 24.0
    let height = top + plotHeight + 40
    let plotWidth = width - left - right
    let barWidth = plotWidth / Double(max(1, bins.counts.count))
    let widest = Double(edges.map(TerminalWidth.displayWidth).max() ?? 1) * charWidth + 8
    let every = max(1, Int((widest / barWidth).rounded(.up)))
    var svg = open(height: height, title: title)
    svg += text("groups", x: 0, y: 12, anchor: "start", cssClass: "axis-title")
    for (i, count) in bins.counts.enumerated() {
      let h = maxCount > 0 ? plotHeight * Double(count) / maxCount : 0
      let x = left + Double(i) * barWidth
      let range =
        "[" + edges[i] + " – " + (bins.step > 0 ? edges[i + 1] : edges[i])
        + (i == bins.counts.count - 1 ? "]" : ")")
      svg +=
        "<rect x=\"\(n(x + 1))\" y=\"\(n(top + plotHeight - h))\" width=\"\(n(max(1, barWidth - 2)))\" height=\"\(n(h))\" fill=\"\(palette[0])\"><title>\(escape(range)): \(count)</title></rect>"
      svg += text(
        String(count), x: x + barWidth / 2, y: top + plotHeight - h - 4, anchor: "middle",
        cssClass: "value")
    }
    for i in stride(from: 0, through: bins.counts.count, by: every) {
      let x = left + Double(i) * barWidth
      let anchor = i == 0 ? "start" : (i == bins.counts.count ? "end" : "middle")
      svg +=
        "<line class=\"tick\" x1=\"\(n(x))\" y1=\"\(n(top + plotHeight))\" x2=\"\(n(x))\" y2=\"\(n(top + plotHeight + 4))\"/>"
      svg += text(
        bins.step > 0 || i == 0 ? edges[i] : "", x: x, y: top + plotHeight + 17, anchor: anchor)
    }
    svg += text(
      data.name(metric), x: width - right, y: height - 4, anchor: "end", cssClass: "axis-title")
    svg +=
      "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top + plotHeight))\" x2=\"\(n(width - right))\" y2=\"\(n(top + plotHeight))\"/>"
    svg += "</svg>"
    return Drawing(title: title, html: svg, notes: notes)
  }

  // MARK: pieces

  /// A numeric axis on round values, labelled in the metric's format.
  struct Axis {
    var low: Double
    var high: Double
    var ticks: [Double]
    var format: ValueFormat
    var formatter: ValueFormatter
    var places: Int

    init(values: [Double], format: ValueFormat, formatter: ValueFormatter) {
      let scale = AxisScale.rounded(values: values)
      low = scale.low
      high = scale.high
      let step = (scale.tickStep.map { $0 * 2 }) ?? (scale.high - scale.low) / 4
      var ticks: [Double] = []
      if step > 0, step.isFinite {
        var v = low
        while v <= high + step * 1e-9, ticks.count < 12 {
          ticks.append(abs(v) < step * 1e-9 ? 0 : v)
          v += step
        }
      } else {
        ticks = [low, high]
      }
      self.ticks = ticks
      self.format = format
      self.formatter = formatter
      places = ChartContext.places(forStep: step > 0 ? step : 1)
    }

    func fraction(_ v: Double) -> Double {
      let t = (v - low) / (high - low)
      return t.isFinite ? min(1, max(0, t)) : 0.5
    }

    func label(_ v: Double) -> String { formatter.axis(v, format: format, places: places) }

    var labelWidth: Double {
      Double(ticks.map { TerminalWidth.displayWidth(label($0)) }.max() ?? 1) * charWidth
    }

    /// Grid lines and y labels across the plot.
    func gridAndLabels(left: Double, right: Double, position: (Double) -> Double) -> String {
      var svg = ""
      for tick in ticks {
        let y = position(tick)
        svg +=
          "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(right))\" y2=\"\(n(y))\"/>"
        svg += SVGChart.text(label(tick), x: left - 6, y: y + 4, anchor: "end")
      }
      return svg
    }
  }

  /// The opening `<svg>` tag with its accessible title.
  static func open(height: Double, title: String) -> String {
    "<svg class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(escape(title))\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(escape(title))</title>"
  }

  static func empty(_ what: String) -> String { "<p class=\"empty\">(\(escape(what)))</p>" }

  /// Average advance of one column of text at the chart font size, in viewBox units.
  static let charWidth = 7.0

  static func text(
    _ s: String, x: Double, y: Double, anchor: String, cssClass: String? = nil, full: String? = nil
  ) -> String {
    let cls = cssClass.map { " class=\"\($0)\"" } ?? ""
    let tip = full.flatMap { $0 == s ? nil : "<title>\(escape($0))</title>" } ?? ""
    return
      "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(cls)>\(tip)\(escape(s))</text>"
  }

  /// A coordinate with at most one decimal (`12`, `12.5`).
  static func n(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let tenths = Int((value * 10).rounded())
    let sign = tenths < 0 ? "-" : ""
    let magnitude = abs(tenths)
    return magnitude % 10 == 0
      ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
  }
}

/// `s` safe inside HTML or SVG text and attribute values: `& < > " '` as entities, and
/// control characters other than tab and line breaks dropped.
///
/// - Complexity: O(*n*) in the characters of `s`.
func escape(_ s: String) -> String {
  var out = ""
  out.reserveCapacity(s.utf8.count)
  for scalar in s.unicodeScalars {
    switch scalar {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&#39;"
    case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
    default:
      if scalar.value < 0x20 || scalar.value == 0x7F || (0xFFFE...0xFFFF).contains(scalar.value) {
        continue
      }
      out.unicodeScalars.append(scalar)
    }
  }
  return out
}
