import Testing

@_spi(Benchmarks) @testable import CQStorage

/// The micro-benchmark kernel reads fields exactly as the loader does.
@Suite struct CSVKernelsTests {
  @Test func parsesOneColumnOfEveryRecord() {
    let text = "a,1,2025-01-02,3.50\r\n\"b, quoted\",2,2025-01-03,1.25\n\nc,x,2025-01-04,7\n"
    let bytes = Array(text.utf8)
    #expect(CSVKernels.parseColumn(bytes, column: 1, as: .count) == (3, 3))
    #expect(CSVKernels.parseColumn(bytes, column: 3, as: .hundredths) == (3, 350 + 125 + 700))
    let days = [FieldParsing.daysFromCivil(year: 2025, month: 1, day: 2), 3, 4].enumerated().map {
      i, d in
      i == 0 ? d : FieldParsing.daysFromCivil(year: 2025, month: 1, day: d)
    }
    #expect(CSVKernels.parseColumn(bytes, column: 2, as: .date) == (3, Int64(days.reduce(0, +))))
    #expect(CSVKernels.parseColumn([], column: 0, as: .count) == (0, 0))
  }
}
