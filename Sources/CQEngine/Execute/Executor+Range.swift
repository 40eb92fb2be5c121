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

  /// The first metric cell of `result` (its rows, then its totals) beyond the exact range, as
  /// values for the session to say: cq refuses such an answer rather than show binary-float
  /// digits as paise (a data error, exit status 4).
  ///
  /// - Complexity: O(*r* × *c*) in the result's rows and columns.
  public static func exactRangeViolation(in result: ResultSet, query: QueryStmt)
    -> ExactRangeViolation?
  {
    for (c, column) in result.columns.enumerated() where column.role == .metric {
      guard column.format == .money || column.format == .integer else { continue }
      // Cell by cell, without copying the column (a result may hold millions of rows).
      var bad: Double?
      for r in 0..<result.rowCount {
        let cell = result.cell(r, c)
        if isBeyondExactRange(cell, format: column.format), case .number(let d) = cell {
          bad = d
          break
        }
      }
      if bad == nil, let total = result.totals?[c],
        isBeyondExactRange(total, format: column.format),
        case .number(let d) = total
      {
        bad = d
      }
      guard let d = bad else { continue }
      let name = query.metrics.first { $0.text.lowercased() == column.name.lowercased() }
      let limit: Value =
        column.format == .money
        ? .paise(Int64(exactDoubleLimit)) : .integer(Int64(exactDoubleLimit))
      return ExactRangeViolation(
        metric: column.name, value: d, format: column.format, limit: limit,
        range: name?.range ?? query.range)
    }
    return nil
  }
}

/// A metric whose money or count left the range where cq's arithmetic is exact: which, how
/// far, and where it is written in the statement (``Engine/exactRangeViolation(in:query:)``).
public struct ExactRangeViolation: Sendable {
  /// The metric's column name, as written.
  public var metric: String
  /// The value reached: rupees for money, units for a count.
  public var value: Double
  /// `.money` or `.integer`.
  public var format: ValueFormat
  /// The largest exact magnitude in this format: 2^53 paise (₹90,071,992,547,409.92) or 2^53.
  public var limit: Value
  /// The metric in the statement (the whole statement when it is not named there).
  public var range: SourceRange
  /// The largest sum of a column cq holds exactly: `Int64.max` paise.
  public static let columnSumLimit = Value.paise(.max)
}
