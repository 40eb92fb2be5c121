/// The range in which cq's sums are exact (README "Limits").
///
/// Every number column is non-negative (the loader rejects a minus sign), so no sum over any
/// subset of a column's rows — a group, a filter, a totals row, an allocated share — exceeds
/// the column's total. A data set is accepted only when every number column's total fits in a
/// signed 64-bit integer (9,223,372,036,854,775,807 units: ₹92,233,720,368,547,758.07 of money,
/// that many orders or followers); then every sum the engine makes is exact and none can wrap.
/// A column whose total does not fit is a load error naming the file and the column.
/// (store_orders.csv is exempt: the lift model adds it in floating point, as an estimate.)
extension DataSet {
  /// The largest total a number column may have.
  public static let largestColumnTotal = Int64.max
  /// The most rows a table may have (row numbers are 32-bit).
  public static let largestRowCount = Int(Int32.max)

  /// Throws for the first number column whose total exceeds `largestColumnTotal`.
  ///
  /// - Throws: `LoadError` (code `.outOfRange`) naming the file and column.
  /// - Complexity: O(*n*) in the number cells; a branch-free maximum per column, and an exact
  ///   checked sum only for a column whose maximum times its row count could overflow.
  public func checkColumnTotals() throws(LoadError) {
    // store_orders.csv only feeds the lift estimate, which adds in floating point: its
    // totals may pass the limit (an estimate, shown rounded, never as exact paise).
    for table in tables where table.rowCount > DataSet.largestRowCount {
      // Row numbers are held in 32 bits (codes, allocation, row lists).
      throw LoadError(
        code: .outOfRange, file: table.path ?? (table.name + ".csv"),
        message:
          "\(table.rowCount) rows, more than the \(DataSet.largestRowCount) a table may have; split the data into folders"
      )
    }
    for table in [influencers, posts, tracking, payouts] + [products].compactMap({ $0 }) {
      for name in table.columnNames {
        guard let column = table.columns[name] else { continue }
        switch column {
        case .integer(let values), .money(let values), .decimal(let values):
          guard !DataSet.totalFits(values) else { continue }
          throw LoadError.columnTotalTooLarge(
            file: table.path ?? (table.name + ".csv"), column: name, kind: column.kind)
        case .string, .date, .text:
          continue
        }
      }
    }
  }

  /// Whether the sum of `values` (each non-negative) fits in `Int64`.
  static func totalFits(_ values: ContiguousArray<Int64>) -> Bool {
    var largest: Int64 = 0
    var negative = false
    for v in values {
      largest = max(largest, v)
      negative = negative || v < 0
    }
    if negative { return false }
    if largest == 0 { return true }
    // Fast path: no sum of `count` values each at most `largest` can overflow.
    if Int64(values.count) <= Int64.max / largest { return true }
    var total: Int64 = 0
    for v in values {
      let (sum, overflow) = total.addingReportingOverflow(v)
      if overflow { return false }
      total = sum
    }
    return true
  }
}

extension LoadError {
  static func columnTotalTooLarge(file: String, column: String, kind: ColumnKind) -> LoadError {
    let limit =
      kind == .money
      ? "₹92,233,720,368,547,758.07"
      : kind == .decimal ? "92,233,720,368,547,758.07" : "9,223,372,036,854,775,807"
    return LoadError(
      code: .outOfRange, file: file, column: column,
      message:
        "column '\(column)': the values add up to more than \(limit), the largest total cq sums exactly; check the column for a misplaced value, or split the data into folders"
    )
  }
}
