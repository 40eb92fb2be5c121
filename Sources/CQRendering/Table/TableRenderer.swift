import CQStorage

/// The box-drawn terminal table (SPEC §5 `table`).
///
/// ```
/// ┌────────────┬──────────────┬───────┐
/// │ campaign   │      revenue │  roas │
/// ├────────────┼──────────────┼───────┤
/// │ Campaign_3 │ ₹1,23,456.70 │ 3.42x │
/// ├────────────┼──────────────┼───────┤
/// │ (total)    │ ₹1,23,456.70 │ 3.42x │
/// └────────────┴──────────────┴───────┘
/// ```
/// Text is left-aligned, numbers right-aligned. On a terminal (`width != nil`) a table wider
/// than the screen first shortens long text columns, then drops trailing columns (never the
/// first) and says which; more rows than `maxRows` keep the first and last rows. A reference
/// listing (``RenderOptions/wrapsText``) wraps long text onto more lines instead, and notes
/// under a table wrap at word boundaries.
struct TableRenderer {
  var options: RenderOptions

  private var formatter: ValueFormatter { ValueFormatter(options: options) }
  private var style: TerminalStyle { TerminalStyle(enabled: options.color) }
  private var ellipsis: String { options.ascii ? "..." : "…" }

  private enum Line {
    case row(Int)
    case ellipsis
    case rule
  }

  /// Writes the table, its notes (hidden rows and columns), footnotes and footer.
  ///
  /// - Complexity: O(*r* × *c*) cells, each measured once.
  func render(_ result: ResultSet, to out: inout some TextOutputStream) {
    let columns = result.columns
    guard !columns.isEmpty else {
      out.write("(no columns)\n")
      writeNotes(result, notes: [], to: &out)
      return
    }
    let (lines, hiddenRows) = plan(result)

    // Cell text, measured once.
    // Under --ascii, line breaks in text show as spaces and cq's marks (₹, –, ≤) in ASCII.
    let headers = columns.map { TerminalWidth.singleLine($0.name, ascii: options.ascii) }
    var cells: [Int: [String]] = [:]
    for case .row(let r) in lines {
      let row = r < result.rowCount ? result.row(r) : []
      cells[r] = columns.indices.map { c in
        let value = c < row.count ? row[c] : .empty
        return options.marks(
          TerminalWidth.singleLine(
            formatter.display(value, format: columns[c].format), ascii: options.ascii))
      }
    }
    var widths = headers.map(TerminalWidth.displayWidth)
    for rowCells in cells.values {
      for (c, text) in rowCells.enumerated() {
        widths[c] = max(widths[c], TerminalWidth.displayWidth(text))
      }
    }
    if lines.contains(where: { if case .ellipsis = $0 { true } else { false } }) {
      widths = widths.map { max($0, TerminalWidth.displayWidth(ellipsis)) }
    }
    let naturalWidth = tableWidth(widths)

    // Fit to the terminal.
    var visible = columns.count
    var shortened = false
    var wrapped = false
    if let limit = options.width, naturalWidth > limit, options.wrapsText {
      // Narrow the widest text columns to a common width until the table fits (text wraps).
      let text = columns.indices.filter { !ValueFormatter.isNumeric(columns[$0].format) }
      let minimum = 12
      var level = text.map { widths[$0] }.max() ?? 0
      func fitted(_ level: Int) -> [Int] {
        var w = widths
        for c in text where w[c] > level { w[c] = max(level, min(w[c], minimum)) }
        return w
      }
      while level > minimum, tableWidth(fitted(level)) > limit { level -= 1 }
      wrapped = fitted(level) != widths
      widths = fitted(level)
      while visible > 1 && tableWidth(widths.prefix(visible)) > limit { visible -= 1 }
    } else if let limit = options.width, naturalWidth > limit {
      let cap = max(16, limit / 3)
      for c in columns.indices where !ValueFormatter.isNumeric(columns[c].format) && widths[c] > cap
      {
        widths[c] = cap
        shortened = true
      }
      while visible > 1 && tableWidth(widths.prefix(visible)) > limit { visible -= 1 }
      if tableWidth(widths.prefix(visible)) > limit {
        widths[0] = max(1, limit - 4)
        shortened = true
      }
    }
    let shownWidths = Array(widths.prefix(visible))
    let numeric = columns.map { ValueFormatter.isNumeric($0.format) }

    let b = options.ascii ? Borders.ascii : Borders.box
    out.write(style.dim(rule(b.topLeft, b.topMiddle, b.topRight, b, shownWidths)) + "\n")
    let headerCells = (0..<visible).map { c in
      style.bold(fit(headers[c], width: shownWidths[c], alignRight: numeric[c]))
    }
    out.write(rowLine(headerCells, b) + "\n")
    out.write(style.dim(rule(b.middleLeft, b.middle, b.middleRight, b, shownWidths)) + "\n")
    for line in lines {
      switch line {
      case .rule:
        out.write(style.dim(rule(b.middleLeft, b.middle, b.middleRight, b, shownWidths)) + "\n")
      case .ellipsis:
        let parts = (0..<visible).map { c in
          fit(ellipsis, width: shownWidths[c], alignRight: numeric[c])
        }
        out.write(rowLine(parts.map(style.dim), b) + "\n")
      case .row(let r):
        let texts = cells[r] ?? []
        let row = r < result.rowCount ? result.row(r) : []
        // Wrapped cells take as many lines as the tallest of them.
        let cellLines = (0..<visible).map { c -> [String] in
          let text = c < texts.count ? texts[c] : ""
          return wrapped ? TextWrap.wrapLine(text, width: shownWidths[c]) : [text]
        }
        for k in 0..<(cellLines.map(\.count).max() ?? 1) {
          let parts = (0..<visible).map { c -> String in
            let text = fit(
              k < cellLines[c].count ? cellLines[c][k] : "", width: shownWidths[c],
              alignRight: numeric[c])
            let negative = c < row.count && numeric[c] && ValueFormatter.isNegative(row[c])
            return negative ? style.red(text) : text
          }
          out.write(rowLine(parts, b) + "\n")
        }
      }
    }
    out.write(style.dim(rule(b.bottomLeft, b.bottomMiddle, b.bottomRight, b, shownWidths)) + "\n")

    var notes: [String] = []
    if result.rowCount == 0 { notes.append("(no rows)") }
    if hiddenRows > 0 {
      let noun = hiddenRows == 1 ? "row" : "rows"
      notes.append("\(ellipsis) \(hiddenRows) more \(noun) (set rows all to see them)")
    }
    if visible < columns.count {
      let hidden = columns[visible...].map(\.name)
      let listed =
        hidden.count > 6
        ? hidden.prefix(6).joined(separator: ", ") + ", " + ellipsis
        : hidden.joined(separator: ", ")
      let noun = hidden.count == 1 ? "column" : "columns"
      notes.append(
        "\(ellipsis) \(hidden.count) more \(noun) hidden (\(listed)): set display vertical, set width \(naturalWidth) or set format csv"
      )
    } else if shortened {
      notes.append(
        "\(ellipsis) long text shortened to fit: set width \(naturalWidth) or set format csv")
    }
    writeNotes(result, notes: notes, to: &out)
  }

  private func writeNotes(_ result: ResultSet, notes: [String], to out: inout some TextOutputStream)
  {
    // On a terminal, long notes wrap at word boundaries rather than where the screen ends.
    func lines(_ text: String) -> [String] {
      guard let width = options.width else { return [text] }
      return TextWrap.wrapLine(text, width: width)
    }
    for note in notes { for line in lines(options.marks(note)) { out.write(line + "\n") } }
    for footnote in result.footnotes {
      let text = ProseRenderer.render(footnote, options: options)
      for line in lines(text) { out.write(style.dim(line) + "\n") }
    }
    if let footer = options.footer { out.write(style.dim(options.marks(footer)) + "\n") }
  }

  /// Which rows are shown, in order, with rules before totals and one ellipsis for elided rows.
  private func plan(_ result: ResultSet) -> (lines: [Line], hiddenRows: Int) {
    let kinds = (0..<result.rowCount).map {
      $0 < result.rowKinds.count ? result.rowKinds[$0] : .normal
    }
    let bodyCount = kinds.filter { $0 != .total }.count
    var head = bodyCount
    var tail = 0
    var hidden = 0
    if options.width != nil, !options.wrapsText, let maxRows = options.maxRows,
      bodyCount > max(maxRows, 0)
    {
      let m = max(maxRows, 0)
      head = m - m / 2
      tail = m / 2
      hidden = bodyCount - m
    }
    var lines: [Line] = []
    var bodyIndex = 0
    var elided = false
    for (r, kind) in kinds.enumerated() {
      if kind == .total {
        if !lines.isEmpty { lines.append(.rule) }
        lines.append(.row(r))
        continue
      }
      defer { bodyIndex += 1 }
      if bodyIndex < head || bodyIndex >= bodyCount - tail {
        lines.append(.row(r))
      } else if !elided {
        lines.append(.ellipsis)
        elided = true
      }
    }
    return (lines, hidden)
  }

  private func tableWidth(_ widths: some Collection<Int>) -> Int {
    widths.reduce(1) { $0 + $1 + 3 }
  }

  private func fit(_ text: String, width: Int, alignRight: Bool) -> String {
    let cut =
      TerminalWidth.displayWidth(text) > width
      ? TerminalWidth.truncate(text, toWidth: width, ellipsis: ellipsis) : text
    return TerminalWidth.pad(cut, toWidth: width, alignRight: alignRight)
  }

  private func rule(
    _ left: String, _ middle: String, _ right: String, _ b: Borders, _ widths: [Int]
  ) -> String {
    left + widths.map { String(repeating: b.horizontal, count: $0 + 2) }.joined(separator: middle)
      + right
  }

  private func rowLine(_ parts: [String], _ b: Borders) -> String {
    let bar = style.dim(b.vertical)
    return bar + " " + parts.joined(separator: " " + bar + " ") + " " + bar
  }
}

/// The characters of a table frame.
struct Borders: Sendable {
  var topLeft, topMiddle, topRight: String
  var middleLeft, middle, middleRight: String
  var bottomLeft, bottomMiddle, bottomRight: String
  var horizontal, vertical: String

  static let box = Borders(
    topLeft: "┌", topMiddle: "┬", topRight: "┐", middleLeft: "├", middle: "┼", middleRight: "┤",
    bottomLeft: "└", bottomMiddle: "┴", bottomRight: "┘", horizontal: "─", vertical: "│")
  static let ascii = Borders(
    topLeft: "+", topMiddle: "+", topRight: "+", middleLeft: "+", middle: "+", middleRight: "+",
    bottomLeft: "+", bottomMiddle: "+", bottomRight: "+", horizontal: "-", vertical: "|")
}
