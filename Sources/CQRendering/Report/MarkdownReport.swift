import CQStorage

/// Writes a ``Report`` as Markdown: headings and paragraphs from captions (or the statement
/// in backticks), GitHub tables, charts as the terminal draws them in fenced `text` blocks, and
/// each caveat as a `> **Note:**` quote, every block apart from the next by a blank line so any
/// renderer shows it as written.
///
/// ```
/// ## Payout reconciliation
///
/// What we paid and what is pending, by basis.
///
/// | basis | payout |
/// |:------|-------:|
/// | post  | ₹1.00  |
///
/// > **Note:** tiers: 10k 100k 500k 1M followers
/// ```
public enum MarkdownReport {
  /// The whole report: a `#` title, its introduction and a line naming the data and the
  /// date, then every block.
  ///
  /// - Complexity: O(*n*) in the cells and chart cells of the report.
  public static func render(_ report: Report, options: RenderOptions) throws(ChartError) -> String {
    var out = "# " + inline(report.header.title) + "\n\n"
    for part in report.header.introduction { out += self.part(part) + "\n\n" }
    out += "*" + inline(report.header.summaryLine) + "*\n"
    for block in report.blocks { out += "\n" + (try render(block, options: options)) }
    return out
  }

  /// One block, ending in a line break; blocks written one after another need a blank line
  /// between them (``render(_:options:)`` adds it).
  ///
  /// - Throws: ``ChartError`` when a chart cannot be drawn from its result.
  public static func render(_ block: ReportBlock, options: RenderOptions) throws(ChartError)
    -> String
  {
    var pieces: [String] = []
    if let caption = block.caption {
      pieces += caption.parts.map(part)
    } else if let statement = block.statement {
      pieces.append(code(statement))
    }
    switch block.content {
    case .table(let result):
      var text = ""
      MachineFormats.markdown(result, options: options, to: &text)
      if !text.isEmpty { pieces.append(trimmed(text)) }
    case .chart(let kind, let result):
      var bare = result
      bare.footnotes = []
      var chartOptions = options
      if chartOptions.width == nil { chartOptions.width = ChartRenderer.defaultWidth }
      let drawn = try ChartRenderer.render(bare, kind: kind, options: chartOptions)
      pieces.append(fenced(trimmed(drawn), info: "text"))
    case .text(let text):
      pieces.append(fenced(trimmed(text), info: "text"))
    case .failure(let message):
      pieces.append("> **Error:** " + inline(message))
    case .none:
      break
    }
    for group in ReportBlock.grouped(block.notes(options: options)) {
      pieces.append(
        (["> **Note:** " + inline(group.note)] + group.details.map { "> - " + inline($0) }).joined(
          separator: "\n"))
    }
    guard !pieces.isEmpty else { return "" }
    return pieces.joined(separator: "\n\n") + "\n"
  }

  static func part(_ part: Caption.Part) -> String {
    switch part {
    case .heading(let level, let text): String(repeating: "#", count: level) + " " + text
    case .paragraph(let text): text
    }
  }

  /// `text` in backticks, with more backticks than any run inside it (CommonMark code spans).
  static func code(_ text: String) -> String {
    let oneLine = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map {
      $0.trimmingCharacters()
    }.joined(separator: " ")
    var longest = 0
    var run = 0
    for c in oneLine {
      run = c == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: longest + 1)
    let pad = oneLine.hasPrefix("`") || oneLine.hasSuffix("`") ? " " : ""
    return fence + pad + oneLine + pad + fence
  }

  /// `text` in a fenced block longer than any backtick run inside it.
  static func fenced(_ text: String, info: String) -> String {
    var longest = 0
    var run = 0
    for c in text {
      run = c == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: max(3, longest + 1))
    return fence + info + "\n" + text + "\n" + fence
  }

  /// Data or cq's own text in running Markdown: characters that would start markup (`*`, `_`,
  /// `` ` ``, `[`, `<`, …) are escaped with a backslash, and line breaks become spaces.
  static func inline(_ text: String) -> String {
    var out = ""
    for c in text {
      switch c {
      case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|":
        out.append("\\")
        out.append(c)
      case "\n", "\r", "\r\n", "\t": out.append(" ")
      default: out.append(c)
      }
    }
    return out
  }

  static func trimmed(_ text: String) -> String {
    var s = Substring(text)
    while s.last == "\n" || s.last == " " { s.removeLast() }
    while s.first == "\n" { s.removeFirst() }
    return String(s)
  }
}

extension Substring {
  func trimmingCharacters() -> String {
    var s = self
    while s.first == " " || s.first == "\t" { s.removeFirst() }
    while s.last == " " || s.last == "\t" { s.removeLast() }
    return String(s)
  }
}
