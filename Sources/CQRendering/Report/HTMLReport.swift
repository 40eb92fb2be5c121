import CQStorage

/// Writes a ``Report`` as one self-contained HTML page (SPEC §9): inline CSS, charts as
/// inline SVG, nothing fetched from the network, every data string escaped.
///
/// ```
/// cq run weekly.cq --output weekly.html
/// roas by brand chart bar > roas.html
/// ```
/// The page reads on a phone (tables scroll sideways inside their box, charts scale to the
/// width) and prints on A4 with a page break before each `##` heading; chart data tables
/// fold away under "Data" on screen and are left out of print.
public enum HTMLReport {
  /// Marks the end of the blocks, so `>> FILE.html` can add a block to a page cq wrote.
  public static let endMarker = "<!-- cq: end of blocks -->"

  /// The whole page.
  ///
  /// - Throws: ``ChartError`` when a chart cannot be drawn from its result.
  /// - Complexity: O(*n*) in the cells of the report.
  public static func render(_ report: Report, options: RenderOptions) throws(ChartError) -> String {
    var out = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="generator" content="cq">
      <title>\(escape(report.header.title))</title>
      <style>
      \(css)</style>
      </head>
      <body>
      <div class="page">
      <header class="report">
      <h1>\(escape(report.header.title))</h1>

      """
    for part in report.header.introduction { out += html(part, breaks: false) + "\n" }
    out += "<p class=\"meta\">\(escape(report.header.summaryLine))</p>\n</header>\n<main>\n"
    var headingSeen = false
    for block in report.blocks {
      out += try render(block, options: options, breakBeforeHeading: &headingSeen)
    }
    out += endMarker + "\n</main>\n"
    out +=
      "<footer>Made with cq from \(escape(report.header.dataSource ?? "its data")); numbers as of \(escape(report.header.generated)).</footer>\n"
    out += "</div>\n</body>\n</html>\n"
    return out
  }

  /// One block as a `<section>`.
  ///
  /// The first heading of a page gets no page break; every later one does (`headingSeen`
  /// carries that across blocks).
  ///
  /// - Throws: ``ChartError`` when a chart cannot be drawn from its result.
  public static func render(
    _ block: ReportBlock, options: RenderOptions, breakBeforeHeading headingSeen: inout Bool
  )
    throws(ChartError) -> String
  {
    var out = "<section class=\"block\">\n"
    if let caption = block.caption {
      for part in caption.parts {
        if case .heading = part {
          out += html(part, breaks: headingSeen) + "\n"
          headingSeen = true
        } else {
          out += html(part, breaks: false) + "\n"
        }
      }
    } else if let statement = block.statement {
      out += "<p class=\"statement\"><code>\(escape(statement))</code></p>\n"
    }
    var notes = block.notes(options: options)
    switch block.content {
    case .table(let result):
      out += table(result, options: options)
    case .chart(let kind, let result):
      let drawing = try SVGChart.render(result, kind: kind, options: options)
      out +=
        "<figure class=\"chart-figure \(kind.rawValue)\">\n<figcaption>\(escape(drawing.title))</figcaption>\n"
      out += drawing.html + "\n</figure>\n"
      if kind != .spark, !result.rows.isEmpty {
        out +=
          "<details class=\"data\"><summary>Data</summary>\n" + table(result, options: options)
          + "</details>\n"
      }
      notes = drawing.notes + notes
    case .text(let text):
      out += "<pre>\(escape(options.marks(text)))</pre>\n"
    case .failure(let message):
      out += "<p class=\"failure\"><strong>Not shown:</strong> \(escape(message))</p>\n"
    case .none:
      break
    }
    if !notes.isEmpty {
      out += "<ol class=\"notes\">\n"
      for group in ReportBlock.grouped(notes.map(options.marks)) {
        out += "<li>\(escape(group.note))"
        if !group.details.isEmpty {
          out += "<ul>" + group.details.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
        }
        out += "</li>\n"
      }
      out += "</ol>\n"
    }
    return out + "</section>\n"
  }

  /// `page` with `blocks` added before its end marker; `nil` when `page` is not a report cq
  /// wrote (no marker).
  public static func appending(_ blocks: String, to page: String) -> String? {
    guard let range = page.range(of: endMarker) else { return nil }
    return String(page[..<range.lowerBound]) + blocks + String(page[range.lowerBound...])
  }

  static func html(_ part: Caption.Part, breaks: Bool) -> String {
    switch part {
    case .heading(let level, let text):
      let h = min(6, max(2, level))
      let cls = h == 2 && breaks ? " class=\"break\"" : ""
      return "<h\(h)\(cls)>\(escape(text))</h\(h)>"
    case .paragraph(let text):
      return "<p>\(escape(text))</p>"
    }
  }

  /// A result as an HTML table: numbers right-aligned in cq's formats (`₹1,234.50`, `3.42x`,
  /// `6.76%`), negatives marked, `(other)` and totals rows set apart.
  ///
  /// - Complexity: O(*r* × *c*).
  static func table(_ result: ResultSet, options: RenderOptions) -> String {
    guard !result.columns.isEmpty else { return "" }
    let formatter = ValueFormatter(options: options)
    let numeric = result.columns.map { ValueFormatter.isNumeric($0.format) }
    var out = "<div class=\"table-wrap\"><table>\n<thead><tr>"
    for (c, column) in result.columns.enumerated() {
      out += "<th\(numeric[c] ? " class=\"num\"" : "")>\(escape(column.name))</th>"
    }
    out += "</tr></thead>\n<tbody>\n"
    for (r, row) in result.rows.enumerated() {
      let kind = r < result.rowKinds.count ? result.rowKinds[r] : .normal
      switch kind {
      case .normal: out += "<tr>"
      case .other: out += "<tr class=\"other\">"
      case .total: out += "<tr class=\"total\">"
      }
      for c in result.columns.indices {
        let value = c < row.count ? row[c] : .empty
        var classes: [String] = []
        if numeric[c] { classes.append("num") }
        if ValueFormatter.isNegative(value) { classes.append("neg") }
        let cls = classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\""
        out +=
          "<td\(cls)>\(escape(formatter.display(value, format: result.columns[c].format)))</td>"
      }
      out += "</tr>\n"
    }
    if result.rows.isEmpty {
      out += "<tr><td colspan=\"\(result.columns.count)\" class=\"empty\">(no rows)</td></tr>\n"
    }
    return out + "</tbody>\n</table></div>\n"
  }

  /// The page's style sheet: screen, phone and print.
  static let css = """
    :root{--ink:#1f2328;--muted:#59636e;--rule:#d8dee4;--band:#f6f8fa;--accent:#4e79a7;--bad:#b42318}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%}
    body{margin:0;background:#fff;color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Devanagari","Helvetica Neue",Arial,sans-serif}
    .page{max-width:60rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}
    header.report{border-bottom:3px solid var(--accent);padding-bottom:.5rem;margin-bottom:1rem}
    h1{font-size:1.8rem;line-height:1.2;margin:0 0 .5rem}
    h2{font-size:1.35rem;line-height:1.3;margin:2rem 0 .5rem;padding-top:1rem;border-top:1px solid var(--rule)}
    h3,h4,h5,h6{font-size:1.1rem;margin:1.5rem 0 .4rem}
    p{margin:.4rem 0 .6rem}
    .meta{color:var(--muted);font-size:.85rem;margin:.25rem 0}
    .block{margin:0 0 1.75rem}
    .statement code,code{font:.85rem/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;background:var(--band);padding:.15rem .4rem;border-radius:4px;overflow-wrap:anywhere}
    .table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.5rem 0;max-width:100%}
    table{border-collapse:collapse;font-size:.875rem;font-variant-numeric:tabular-nums}
    th,td{padding:.3rem .65rem;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
    th{background:var(--band);font-weight:600;white-space:nowrap;border-bottom:2px solid var(--rule)}
    th.num,td.num{text-align:right;white-space:nowrap}
    td.neg{color:var(--bad)}
    tr.total td{font-weight:600;border-top:2px solid var(--ink)}
    tr.other td{color:var(--muted);font-style:italic}
    td.empty{color:var(--muted)}
    figure{margin:.75rem 0;overflow-x:auto;-webkit-overflow-scrolling:touch}
    figcaption{font-size:.85rem;font-weight:600;color:var(--muted);margin-bottom:.35rem}
    svg.chart{display:block;width:100%;height:auto;font:11px system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif}
    svg text{fill:var(--ink)}
    svg .value,svg .legend{fill:var(--muted)}
    svg .axis-title{fill:var(--muted);font-weight:600}
    svg .point-label{font-size:10px}
    svg .axis{stroke:var(--ink);stroke-width:1}
    svg .grid{stroke:var(--rule);stroke-width:1}
    svg .tick{stroke:var(--muted);stroke-width:1}
    table.spark td{vertical-align:middle}
    td.spark-cell{padding:.15rem .5rem}
    svg.sparkline{display:block;max-width:40vw;height:auto}
    pre{background:var(--band);padding:.75rem 1rem;border-radius:6px;overflow-x:auto;font:.8rem/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;white-space:pre}
    ol.notes{font-size:.8rem;color:var(--muted);margin:.5rem 0 0;padding-left:1.4rem}
    ol.notes li{margin:.15rem 0}
    .failure{border-left:4px solid var(--bad);background:#fef3f2;padding:.4rem .75rem}
    .empty{color:var(--muted)}
    details.data{margin:.25rem 0}
    details.data summary{cursor:pointer;font-size:.8rem;color:var(--muted)}
    footer{margin-top:2.5rem;padding-top:.5rem;border-top:1px solid var(--rule);font-size:.75rem;color:var(--muted)}
    @media (max-width:40rem){
    body{font-size:15px}
    .page{padding:1rem .75rem 2rem}
    h1{font-size:1.4rem}
    h2{font-size:1.15rem;margin-top:1.5rem}
    th,td{padding:.25rem .45rem}
    svg.chart{min-width:36rem}
    }
    @media print{
    @page{size:A4;margin:14mm 12mm}
    body{font-size:10.5pt}
    .page{max-width:none;padding:0}
    h2{border-top:none;padding-top:0;break-after:avoid}
    h2.break{break-before:page}
    figure,pre,tr{break-inside:avoid}
    thead{display:table-header-group}
    .table-wrap{overflow:visible}
    details.data{display:none}
    figure{overflow:visible}
    svg.chart{width:78%;min-width:0}
    footer{break-inside:avoid}
    }

    """
}
