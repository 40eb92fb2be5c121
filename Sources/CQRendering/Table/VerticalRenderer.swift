import CQStorage

/// Expanded display (`set display vertical`, psql's `\x`, DuckDB's `.mode line`): each row
/// as a block of `column | value` lines, for tables wider than the screen.
///
/// ```
/// -[ RECORD 1 ]----------------------
/// influencer      | Priya Sharma
/// revenue         | ₹1,23,456.70
/// roas            | 3.42x
/// -[ TOTAL ]-------------------------
/// influencer      | (total)
/// ```
/// The `(other)` row of `top N … with other` is headed `-[ OTHER ]-`, the totals row
/// `-[ TOTAL ]-`; the records are numbered from 1.
/// Values are formatted as the table formats them (₹, %, `x`, separators). On a terminal
/// (`width != nil`) a value longer than the line is shortened, and more rows than `maxRows`
/// keep the first and last records, with a note, as the table does.
struct VerticalRenderer {
  var options: RenderOptions

  private var formatter: ValueFormatter { ValueFormatter(options: options) }
  private var style: TerminalStyle { TerminalStyle(enabled: options.color) }
  private var ellipsis: String { options.ascii ? "..." : "…" }

  /// Writes the records, then the notes, footnotes and footer.
  ///
  /// - Complexity: O(*r* × *c*) cells, each measured once.
  func render(_ result: ResultSet, to out: inout some TextOutputStream) {
    let columns = result.columns
    let names = columns.map {
      options.marks(TerminalWidth.singleLine($0.name, ascii: options.ascii))
    }
    let nameWidth = names.map(TerminalWidth.displayWidth).max() ?? 0
    let kinds = (0..<result.rowCount).map {
      $0 < result.rowKinds.count ? result.rowKinds[$0] : .normal
    }

    // Which body rows are shown: all, or the first and last when a terminal limits rows.
    let bodyCount = kinds.filter { $0 == .normal }.count
    var head = bodyCount
    var tail = 0
    if options.width != nil, let maxRows = options.maxRows, bodyCount > max(maxRows, 0) {
      head = max(maxRows, 0) - max(maxRows, 0) / 2
      tail = max(maxRows, 0) / 2
    }
    let hidden = bodyCount - head - tail

    var blocks: [(label: String, lines: [String])] = []
    var widest = 0
    var body = 0
    var elided = false
    for (r, kind) in kinds.enumerated() {
      var label: String
      if kind == .total || kind == .other {
        label = kind == .total ? "TOTAL" : "OTHER"
      } else {
        body += 1
        if body > head && body <= bodyCount - tail {
          if !elided { blocks.append(("\(ellipsis) \(hidden) more", [])) }
          elided = true
          continue
        }
        label = "RECORD \(body)"
      }
      let row = result.row(r)
      let lines = columns.indices.map { c -> String in
        let value = c < row.count ? row[c] : .empty
        var text = options.marks(
          TerminalWidth.singleLine(
            formatter.display(value, format: columns[c].format), ascii: options.ascii))
        if let width = options.width,
          TerminalWidth.displayWidth(text) > max(8, width - nameWidth - 3)
        {
          text = TerminalWidth.truncate(
            text, toWidth: max(8, width - nameWidth - 3), ellipsis: ellipsis)
        }
        widest = max(widest, nameWidth + 3 + TerminalWidth.displayWidth(text))
        let negative =
          ValueFormatter.isNumeric(columns[c].format) && c < row.count
          && ValueFormatter.isNegative(row[c])
        return style.bold(TerminalWidth.pad(names[c], toWidth: nameWidth, alignRight: false))
          + style.dim(" | ")
          + (negative ? style.red(text) : text)
      }
      blocks.append((label, lines))
    }
    // The label line spans the widest line, as psql's does.
    for block in blocks {
      let label = "-[ \(block.label) ]-"
      let dashes = String(
        repeating: "-",
        count: max(0, min(widest, options.width ?? widest) - TerminalWidth.displayWidth(label)))
      out.write(style.dim(label + dashes) + "\n")
      for line in block.lines { out.write(line + "\n") }
    }

    if result.rowCount == 0 { out.write("(no rows)\n") }
    if hidden > 0 {
      out.write(
        options.marks(
          "\(ellipsis) \(hidden) more record\(hidden == 1 ? "" : "s") (set rows all to see them)")
          + "\n")
    }
    for footnote in ProseRenderer.render(result.footnotes, options: options) {
      out.write(style.dim(footnote) + "\n")
    }
    if let footer = options.footer { out.write(style.dim(options.marks(footer)) + "\n") }
  }
}

extension ResultRenderer {
  /// The result as expanded display: one `-[ RECORD n ]-` block of `column | value` lines per
  /// row (`set display vertical`).
  ///
  /// - Complexity: O(*r* × *c*) in the rows and columns of the result.
  public static func renderVertical(_ result: ResultSet, options: RenderOptions) -> String {
    var text = ""
    VerticalRenderer(options: options).render(result, to: &text)
    return text
  }

  /// The width in columns the box-drawn table of `result` needs to show every column whole;
  /// `set display auto` turns to vertical when it is wider than the terminal.
  ///
  /// - Complexity: O(*r* × *c*) cells.
  public static func naturalTableWidth(of result: ResultSet, options: RenderOptions) -> Int {
    let formatter = ValueFormatter(options: options)
    var widths = result.columns.map {
      TerminalWidth.displayWidth(TerminalWidth.singleLine($0.name, ascii: options.ascii))
    }
    for r in 0..<result.rowCount {
      for (c, column) in result.columns.enumerated() {
        let text = options.marks(
          TerminalWidth.singleLine(
            formatter.display(result.cell(r, c), format: column.format), ascii: options.ascii))
        widths[c] = max(widths[c], TerminalWidth.displayWidth(text))
      }
    }
    return widths.reduce(1) { $0 + $1 + 3 }
  }
}
