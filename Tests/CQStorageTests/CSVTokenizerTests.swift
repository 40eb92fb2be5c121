import Foundation
import Testing

@testable import CQStorage

/// The tokenizer's word-at-a-time scans: field ends and quotes found at every offset within a
/// word, and the ASCII flag that lets a batch skip its UTF-8 check.
@Suite("CSVTokenizer")
struct CSVTokenizerTests {
  /// The fields of every record of `text`, or the failure.
  func records(_ text: String, width: Int) -> ([[String]], TokenizeFailure?, Bool) {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { b in
      guard let base = b.baseAddress else { return ([], nil, false) }
      var tokenizer = CSVTokenizer(bytes: base, start: 0, end: b.count)
      let batch = RecordBatch(width: width, capacity: 1024)
      let failure = tokenizer.fill(batch)
      var out: [[String]] = []
      for r in 0..<batch.rowCount {
        out.append(
          (0..<width).map { f in
            let v = batch.field(row: r, f, in: base)
            return FieldParsing.string(v.bytes, 0, v.count)
          })
      }
      return (out, failure, batch.mayHoldNonASCII)
    }
  }

  @Test func fieldsOfEveryLengthEndAtTheirTerminator() {
    // Lengths around the 8- and 16-byte steps, in every column, LF and CRLF, last line with and
    // without its line break.
    for ending in ["\n", "\r\n"] {
      for last in ["", ending] {
        var rows: [[String]] = []
        for n in 0..<40 {
          rows.append([
            String(repeating: "a", count: n), String(repeating: "b", count: (n * 7) % 23),
            String(repeating: "c", count: 39 - n),
          ])
        }
        let text = rows.map { $0.joined(separator: ",") }.joined(separator: ending) + last
        let (got, failure, nonASCII) = records(text, width: 3)
        #expect(failure == nil)
        #expect(got == rows, "ending \(ending.utf8.count)")
        #expect(!nonASCII)
      }
    }
  }

  @Test func quotedFieldsWithQuotesAtEveryOffset() {
    var rows: [[String]] = []
    var text = ""
    for n in 0..<36 {
      let content = String(repeating: "x", count: n) + "\"" + String(repeating: "y", count: 35 - n)
      rows.append([content, "2, \"z\"\n", "\(n)"])
      let escaped = content.replacingOccurrences(of: "\"", with: "\"\"")
      text += "\"\(escaped)\",\"2, \"\"z\"\"\n\",\(n)\n"
    }
    let (got, failure, _) = records(text, width: 3)
    #expect(failure == nil)
    #expect(got == rows)
  }

  @Test func unterminatedQuoteIsReportedWhereItOpens() {
    let text = "a,b\n\"never closed, and long enough to need several words\n"
    let (got, failure, _) = records(text, width: 2)
    #expect(got == [["a", "b"]])
    guard case .unterminatedQuote(let offset, let field) = failure else {
      Issue.record("expected an unterminated quote, got \(String(describing: failure))")
      return
    }
    #expect(offset == 4)
    #expect(field == 0)
  }

  @Test func highBytesAnywhereMarkTheBatch() {
    // A non-ASCII byte in an unquoted field, a quoted one, or a short last field at the end.
    for text in [
      "abc,d\u{e9}f\n", "abc,\"long quoted field with \u{e9} in it\"\n", "abc,\u{e9}",
      "0123456789abcdefghij,x\u{e9}\n",
    ] {
      #expect(records(text, width: 2).2, "\(text)")
    }
    #expect(!records("abc,def\n\"q\",x", width: 2).2)
  }
}
