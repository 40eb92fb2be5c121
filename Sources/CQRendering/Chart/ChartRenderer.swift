import CQStorage

// The chart kinds are declared once, in CQLanguage (the parser reads them too).
@_exported import enum CQLanguage.ChartKind

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a result cannot be drawn as the chart asked for, and what would work.
public struct ChartError: Error, CustomStringConvertible, Sendable, Equatable {
  /// Lower-case, no final period, names in 'quotes', ends with a query that would work.
  public var message: String

  /// Creates an error with `message`.
  public init(_ message: String) { self.message = message }

  /// The message.
  public var description: String { message }
}

/// Draws a ``ResultSet`` as a terminal chart.
///
/// ```
/// cq> revenue by campaign chart bar
/// cq> revenue by week chart line
/// cq> revenue by campaign, week chart spark
/// cq> followers, revenue by influencer chart scatter
/// cq> revenue by influencer chart hist
/// ```
/// Every chart fits `options.width` (80 columns when `nil`), uses plain ASCII when
/// `options.ascii`, shortens long labels with `…`, leaves out the totals row, and draws empty
/// results, empty cells, zeros and negative values without failing.
public enum ChartRenderer {
  /// The chart width used when the options have none (output to a file or pipe).
  public static let defaultWidth = 80

  /// Draws `result` as `kind`.
  ///
  /// - Throws: ``ChartError`` when the result does not have the shape the chart needs (a line
  ///   or spark chart without a time dimension, a scatter chart with fewer than two metrics,
  ///   any chart without a metric); the message says why and suggests a query that works.
  /// - Complexity: O(*r* + *w* × *h*) for *r* rows on a *w* × *h* chart.
  public static func render(
    _ result: ResultSet, kind: ChartKind, options: RenderOptions
  ) throws(ChartError) -> String {
    var text = ""
    try render(result, kind: kind, options: options, to: &text)
    return text
  }

  /// Draws `result` as `kind` into `out`; nothing is written when it throws.
  public static func render(
    _ result: ResultSet, kind: ChartKind, options: RenderOptions,
    to out: inout some TextOutputStream
  ) throws(ChartError) {
    let data = try ChartData(result, kind: kind)
    let context = ChartContext(options: options)
    let lines: [String]
    switch kind {
    case .bar: lines = BarChart(data: data, context: context).lines()
    case .line: lines = try LineChart(data: data, context: context).lines()
    case .spark: lines = try SparkChart(data: data, context: context).lines()
    case .scatter: lines = try ScatterChart(data: data, context: context).lines()
    case .hist: lines = HistogramChart(data: data, context: context).lines()
    }
    // The result's footnotes (tier thresholds in force, how an estimate was made) follow the
    // drawing as they follow a table.
    let notes = ProseRenderer.render(result.footnotes, options: options)
    for line in lines + notes {
      for piece in wrap(line, width: context.width, ellipsis: context.ellipsis) {
        out.write(piece + "\n")
      }
    }
    if let footer = options.footer { out.write(footer + "\n") }
  }

  /// `line` broken at spaces into lines of at most `width` columns.
  ///
  /// A word longer than that is shortened. Chart bodies are laid out to fit; this keeps titles
  /// and notes inside too.
  static func wrap(_ line: String, width: Int, ellipsis: String) -> [String] {
    guard TerminalWidth.displayWidth(line) > width else { return [line] }
    var lines: [String] = []
    var current = ""
    for word in line.split(separator: " ", omittingEmptySubsequences: false) {
      let piece = TerminalWidth.truncate(String(word), toWidth: width, ellipsis: ellipsis)
      let candidate = current.isEmpty ? piece : current + " " + piece
      if !current.isEmpty && TerminalWidth.displayWidth(candidate) > width {
        lines.append(current)
        current = "  " + piece
        if TerminalWidth.displayWidth(current) > width { current = piece }
      } else {
        current = candidate
      }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
  }
}

/// Width, glyphs and formatting shared by the charts.
struct ChartContext {
  var options: RenderOptions
  var width: Int
  var formatter: ValueFormatter

  init(options: RenderOptions) {
    self.options = options
    width = max(30, options.width ?? ChartRenderer.defaultWidth)
    formatter = ValueFormatter(options: options)
  }

  var ascii: Bool { options.ascii }
  var ellipsis: String { ascii ? "..." : "…" }
  var dash: String { ascii ? "-" : "–" }

  /// `s` on one line and at most `width` columns.
  func label(_ s: String, width: Int) -> String {
    TerminalWidth.truncate(
      TerminalWidth.singleLine(s, ascii: ascii), toWidth: width, ellipsis: ellipsis)
  }

  /// The most rows a chart with one line per group draws (`set rows` on a terminal).
  var rowLimit: Int? {
    guard options.width != nil, let maxRows = options.maxRows else { return nil }
    return max(1, maxRows)
  }

  /// A horizontal bar of `cells` columns at eighth-block resolution (`#` per cell in ASCII).
  func bar(cells: Double, nonZero: Bool) -> String {
    guard cells.isFinite, cells > 0 else { return "" }
    if ascii { return String(repeating: "#", count: Int(cells.rounded())) }
    let eighths = Int((cells * 8).rounded())
    if eighths == 0 { return nonZero ? "▏" : "" }
    let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
  }

  /// A bar growing leftward, right-aligned in `cells` (half-cell resolution in Unicode).
  func leftBar(cells: Double, nonZero: Bool) -> String {
    guard cells.isFinite, cells > 0 else { return "" }
    if ascii { return String(repeating: "#", count: Int(cells.rounded())) }
    let halves = Int((cells * 2).rounded())
    if halves == 0 { return nonZero ? "▕" : "" }
    return (halves % 2 == 1 ? "▐" : "") + String(repeating: "█", count: halves / 2)
  }

  /// Tick decimals for steps of `step` (so neighbouring ticks read differently).
  static func places(forStep step: Double) -> Int {
    guard step.isFinite, step > 0 else { return 2 }
    let places = Int((-log10(step)).rounded(.up))
    let mantissa = step * pow(10, Double(places))
    let exact = abs(mantissa - mantissa.rounded()) < 1e-6 * max(1, abs(mantissa))
    return min(8, max(0, places + (exact ? 0 : 1)))
  }
}

extension ChartContext {
  /// The plotted rows of a line or scatter chart: y tick labels, the axis, the canvas, and the
  /// x axis line under it.
  func plotRows(
    _ canvas: Canvas, height: Int, tickRows: [Int], tickText: [String], yLabelWidth: Int,
    plotWidth: Int
  ) -> [String] {
    var out: [String] = []
    let tick = ascii ? "+" : "┤"
    let bar = ascii ? "|" : "│"
    for row in 0..<height {
      let label = tickRows.firstIndex(of: row).map { tickText[$0] }
      let prefix = TerminalWidth.pad(label ?? "", toWidth: yLabelWidth, alignRight: true)
      out.append(trimRight(prefix + " " + (label == nil ? bar : tick) + canvas.line(row)))
    }
    let corner = ascii ? "+" : "└"
    let horizontal = ascii ? "-" : "─"
    out.append(
      String(repeating: " ", count: yLabelWidth + 1) + corner
        + String(repeating: horizontal, count: plotWidth))
    return out
  }
}
