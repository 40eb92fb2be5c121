/// The CSV ingest kernels on their own, for micro-benchmarks (`@_spi(Benchmarks) import
/// CQStorage`): the tokenizer over a buffer and the field parsers the loader calls per field.
@_spi(Benchmarks) public enum CSVKernels {
  /// How field values are read.
  public enum Kind: Sendable {
    /// A whole number (`orders`).
    case count
    /// Money or a rate with at most two decimals, as hundredths (`revenue`).
    case hundredths
    /// An ISO date, as a day number (`date`).
    case date
  }

  /// Tokenizes `bytes` (CSV records, no header) and parses field `column` of every record as
  /// `kind`.
  ///
  /// - Returns: the records seen, and the sum of the parsed values (a value that does not
  ///   parse counts 0), so the work cannot be optimized away.
  /// - Complexity: O(*n*) in the bytes.
  public static func parseColumn(_ bytes: [UInt8], column: Int, as kind: Kind) -> (
    records: Int, sum: Int64
  ) {
    bytes.withUnsafeBufferPointer { buffer -> (Int, Int64) in
      guard let p = buffer.baseAddress, !buffer.isEmpty else { return (0, 0) }
      var tokenizer = CSVTokenizer(bytes: p, start: 0, end: buffer.count)
      var records = 0
      var field = 0
      var sum: Int64 = 0
      var start = 0
      var stop = 0
      var escaped = false
      tokenizer.skipBlankLines()
      while !tokenizer.atEnd {
        let terminator = tokenizer.scanField(start: &start, stop: &stop, escaped: &escaped)
        if field == column, !escaped {
          switch kind {
          case .count: sum &+= FieldParsing.count(p, start, stop) ?? 0
          case .hundredths: sum &+= FieldParsing.hundredths(p, start, stop) ?? 0
          case .date: sum &+= Int64(FieldParsing.day(p, start, stop) ?? 0)
          }
        }
        switch terminator {
        case .comma: field += 1
        case .newline, .end:
          records += 1
          field = 0
          tokenizer.skipBlankLines()
        case .unterminatedQuote, .textAfterQuote: return (records, sum)
        }
      }
      return (records, sum)
    }
  }
}
