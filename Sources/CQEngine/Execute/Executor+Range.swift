import CQLanguage
import CQStorage

/// Computed money and counts beyond the range where a `Double` is exact (README "Limits").
///
/// Sums of columns are exact 64-bit integers (the loader refuses a column whose total does not
/// fit). A defined metric's arithmetic (`define metric big = revenue * 1e14`) runs in `Double`
/// once a constant or an overflow makes it leave the integers; its money and counts are exact
/// only below 2^53 units (₹90,071,992,547,409.92, or 9,007,199,254,740,992 orders). Beyond that
/// cq refuses the answer instead of printing binary-float digits as if they were paise.
extension Engine {
  /// The largest magnitude of paise or counts a `Double` holds exactly: 2^53.
  static let exactDoubleLimit: Double = 9_007_199_254_740_992

  /// Whether `value`, in a column of `format`, is money or a count held as a `Double` beyond
  /// the exact range.
  static func isBeyondExactRange(_ value: Value, format: ValueFormat) -> Bool {
    guard case .number(let d) = value else { return false }
    switch format {
    case .money: return abs(d * 100) >= exactDoubleLimit
    case .integer: return abs(d) >= exactDoubleLimit
    default: return false
    }
  }

  /// Throws a data diagnostic at the metric for the first cell of `result` beyond the range.
  ///
  /// - Complexity: O(*r* × *c*) in the result's rows and columns.
  static func checkExactRange(_ result: ResultSet, query: QueryStmt, source: String)
    throws(DiagnosticsError)
  {
    for (c, column) in result.columns.enumerated() where column.role == .metric {
      guard column.format == .money || column.format == .integer else { continue }
      let cells = result.rows.lazy.map { $0[c] } + (result.totals.map { [$0[c]] } ?? [])
      guard let bad = cells.first(where: { isBeyondExactRange($0, format: column.format) }),
        case .number(let d) = bad
      else { continue }
      let name = query.metrics.first { $0.text.lowercased() == column.name.lowercased() }
      // Short, and the same digits on every platform (no C formatting).
      let shown = "about " + (column.format == .money ? Engine.diagnosticRupees(d * 100) : d.magnitude < 9e18 ? Engine.diagnosticCount(Int64(d)) : "\(d)")
      let limit = column.format == .money ? "₹90,071,992,547,409.92" : "9,007,199,254,740,992"
      throw DiagnosticsError(
        diagnostics: [
          Diagnostic(
            id: "data.beyondExactRange", phase: .data,
            message:
              "'\(column.name)' reaches \(shown), beyond \(limit), where cq's arithmetic on defined metrics stops being exact",
            range: name?.range ?? query.range,
            notes: [
              Diagnostic.Note(
                message:
                  "sums of columns are exact up to ₹92,233,720,368,547,758.07; scale the formula down (for example divide it by 1000000) to see its digits"
              )
            ])
        ], source: source)
    }
  }

  // A diagnostic's message is text (CQLanguage knows no values), so the figure in the one
  // above is spelt here: short, the same digits on every platform.
  /// `₹9.2Cr`-style rupees for a diagnostic; `₹…Cr` with two decimals beyond `Int64` paise.
  private static func diagnosticRupees(_ paise: Double) -> String {
    guard paise.isFinite else { return "–" }
    let a = paise.magnitude / 100
    let sign = paise < 0 ? "-" : ""
    if a >= 9e16 { return sign + "₹" + String(format2: a / 1e7) + "Cr" }
    if a >= 1e7 { return sign + "₹" + String(oneDecimal: a / 1e7) + "Cr" }
    if a >= 1e5 { return sign + "₹" + String(oneDecimal: a / 1e5) + "L" }
    if a >= 1e3 { return sign + "₹" + String(oneDecimal: a / 1e3) + "k" }
    return sign + "₹" + String(format2: a)
  }

  /// `12,345`, `1.2 lakh`, `3 crore` for a diagnostic.
  private static func diagnosticCount(_ n: Int64) -> String {
    let a = Double(n)
    if abs(a) >= 1e7 { return String(oneDecimal: a / 1e7) + " crore" }
    if abs(a) >= 1e5 { return String(oneDecimal: a / 1e5) + " lakh" }
    var out = ""
    for (i, c) in String(n).reversed().enumerated() {
      if i > 0, i % 3 == 0, c != "-" { out.append(",") }
      out.append(c)
    }
    return String(out.reversed())
  }
}

extension String {
  /// `v` rounded to one decimal, a trailing `.0` dropped.
  fileprivate init(oneDecimal v: Double) {
    guard v.isFinite, abs(v) < 1e15 else {
      self = v.isFinite ? String(v) : "–"
      return
    }
    let r = (v * 10).rounded() / 10
    self = r == r.rounded() ? String(Int64(r)) : String(r)
  }

  /// `v` with two decimals.
  fileprivate init(format2 v: Double) {
    guard v.isFinite, abs(v) < 9e15 else {
      self = v.isFinite ? String(v) : "–"
      return
    }
    let cents = Int64((abs(v) * 100).rounded())
    let fraction = cents % 100
    self = (v < 0 && cents > 0 ? "-" : "") + "\(cents / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
  }
}
