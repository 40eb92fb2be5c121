import CQStorage

/// Two metrics against each other, one point per group: x is the first metric, y the second.
///
/// A cell with several points shows their count; the extreme points are lettered and listed
/// (every point when there are at most eight).
///
/// ```
/// revenue (y) vs followers (x) by influencer
///  ₹1,20,000 ┤              A
///            │     ● ●  2
///          0 ┤●  ●
///            └────────────────
///             2,000      9,00,000
/// A  Zoë Fernandes: followers 8,12,345, revenue ₹1,20,000.00
/// ```
struct ScatterChart {
  var data: ChartData
  var context: ChartContext

  static let plotHeight = 17
  /// Letters for points; a chart of at most this many points letters every one.
  static let letters = ["A", "B", "C", "D", "E", "F", "G", "H"]

  func lines() throws(ChartError) -> [String] {
    guard data.metrics.count >= 2 else {
      let have = data.metrics.map { "'\(data.name($0))'" }.joined(separator: ", ")
      throw ChartError(
        "a scatter chart needs two metrics, one per axis, and this result has one (\(have)); "
          + "try 'followers, \(data.exampleMetric) by influencer chart scatter'")
    }
    let formatter = context.formatter
    let xMetric = data.metrics[0]
    let yMetric = data.metrics[1]
    var out = [
      "\(data.name(yMetric)) (y) vs \(data.name(xMetric)) (x)"
        + (data.labelColumns.isEmpty
          ? "" : " by " + data.labelColumns.map(data.name).joined(separator: ", "))
    ]
    var notes: [String] = []
    if let note = data.unusedMetricsNote(used: 2) { notes.append(note) }

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
      out.append(data.rows.isEmpty ? "(no rows to chart)" : "(no points with both values)")
      return out + notes
    }

    let xScale = AxisScale.rounded(values: points.map(\.x))
    let yScale = AxisScale.rounded(values: points.map(\.y))
    let height = Self.plotHeight
    let yPlaces = ChartContext.places(forStep: yScale.tickStep ?? (yScale.high - yScale.low) / 2)
    let tickRows = [0, height / 2, height - 1]
    let tickText = tickRows.map { row in
      formatter.axis(
        yScale.value(at: height - 1 - row, cells: height), format: data.format(yMetric),
        places: yPlaces)
    }
    let yLabelWidth = tickText.map(TerminalWidth.displayWidth).max() ?? 0
    let plotWidth = max(10, context.width - yLabelWidth - 2)

    // Count points per cell, then letter the extremes.
    var counts: [Int: Int] = [:]
    func cell(_ p: (row: Int, x: Double, y: Double)) -> (column: Int, row: Int) {
      (xScale.position(p.x, cells: plotWidth), height - 1 - yScale.position(p.y, cells: height))
    }
    for p in points {
      let c = cell(p)
      counts[c.row * plotWidth + c.column, default: 0] += 1
    }
    var canvas = Canvas(columns: plotWidth, rows: height)
    let dot = context.ascii ? "*" : "●"
    for (key, count) in counts {
      canvas.set(
        column: key % plotWidth, row: key / plotWidth,
        count == 1 ? dot : (count <= 9 ? String(count) : "+"))
    }
    var extremes: [Int] = []
    let byY = points.indices.sorted {
      points[$0].y != points[$1].y ? points[$0].y > points[$1].y : $0 < $1
    }
    let byX = points.indices.sorted {
      points[$0].x != points[$1].x ? points[$0].x > points[$1].x : $0 < $1
    }
    for candidate in [byY.first, byX.first, byY.last, byX.last] {
      if let candidate, !extremes.contains(candidate) { extremes.append(candidate) }
    }
    if points.count < 2 { extremes = Array(extremes.prefix(1)) }
    // A few points are all lettered (after the extremes, from the top down); points in one
    // cell then share its letter and are each listed.
    let letterAll = points.count <= Self.letters.count
    if letterAll {
      for index in byY where !extremes.contains(index) { extremes.append(index) }
    }
    func key(_ index: Int) -> Int {
      cell(points[index]).row * plotWidth + cell(points[index]).column
    }
    var cellLetters: [Int: String] = [:]
    if !letterAll {
      // Two extremes in one cell would hide a letter: the later one is not lettered.
      var letteredCells: Set<Int> = []
      extremes = extremes.filter { letteredCells.insert(key($0)).inserted }
    }
    for index in extremes where cellLetters[key(index)] == nil {
      cellLetters[key(index)] = Self.letters[cellLetters.count]
    }
    if counts.contains(where: { $0.value > 1 && cellLetters[$0.key] == nil }) {
      notes.insert("digits count groups in one cell (+ means more than 9)", at: 0)
    }
    var legend: [String] = []
    for index in extremes {
      let p = points[index]
      let c = cell(p)
      let letter = cellLetters[key(index)] ?? ""
      canvas.set(column: c.column, row: c.row, letter)
      let name = data.label(p.row, columns: data.labelColumns, formatter: formatter)
      let xText = formatter.display(data.value(p.row, xMetric), format: data.format(xMetric))
      let yText = formatter.display(data.value(p.row, yMetric), format: data.format(yMetric))
      let values = ": \(data.name(xMetric)) \(xText), \(data.name(yMetric)) \(yText)"
      let room = max(8, context.width - 3 - TerminalWidth.displayWidth(values))
      legend.append(letter + "  " + context.label(name, width: room) + values)
    }

    out += context.plotRows(
      canvas, height: height, tickRows: tickRows, tickText: tickText, yLabelWidth: yLabelWidth,
      plotWidth: plotWidth)
    let xPlaces = ChartContext.places(forStep: xScale.tickStep ?? (xScale.high - xScale.low) / 2)
    let xFormat = data.format(xMetric)
    let middle = (xScale.low + xScale.high) / 2
    let xTicks = [
      (position: 0, text: formatter.axis(xScale.low, format: xFormat, places: xPlaces)),
      (
        position: xScale.position(middle, cells: plotWidth),
        text: formatter.axis(middle, format: xFormat, places: xPlaces)
      ),
      (
        position: plotWidth - 1, text: formatter.axis(xScale.high, format: xFormat, places: xPlaces)
      ),
    ]
    out.append(
      String(repeating: " ", count: yLabelWidth + 2) + axisLabels(xTicks, width: plotWidth))
    return out + legend + notes
  }
}
