import Foundation

/// A deliberately naive RFC 4180 reader for the reference model: independent of CQStorage.
enum TinyCSV {
  /// Records of a CSV text (quotes, doubled quotes, commas and newlines inside quotes; LF/CRLF).
  static func records(_ text: String) -> [[String]] {
    var chars = Array(text)
    if chars.first == "\u{FEFF}" { chars.removeFirst() }
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var inQuotes = false
    var fieldStarted = false
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if inQuotes {
        if c == "\"" {
          if i + 1 < chars.count, chars[i + 1] == "\"" {
            field.append("\"")
            i += 1
          } else {
            inQuotes = false
          }
        } else {
          field.append(c)
        }
      } else if c == "\"" {
        inQuotes = true
        fieldStarted = true
      } else if c == "," {
        record.append(field)
        field = ""
        fieldStarted = false
      } else if c == "\n" || c == "\r\n" || c == "\r" {
        record.append(field)
        records.append(record)
        record = []
        field = ""
        fieldStarted = false
      } else {
        field.append(c)
        fieldStarted = true
      }
      i += 1
    }
    if fieldStarted || !field.isEmpty || !record.isEmpty {
      record.append(field)
      records.append(record)
    }
    return records
  }

  /// The rows of a CSV file as dictionaries keyed by lower-cased, trimmed header names.
  static func table(at path: String) throws -> [[String: String]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let all = records(text)
    guard let header = all.first else { return [] }
    let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    return all.dropFirst().map { fields in
      var row: [String: String] = [:]
      for (i, name) in names.enumerated() where i < fields.count { row[name] = fields[i] }
      return row
    }
  }

  /// `"1000.50"` → 100050 paise (exact, no floating point).
  static func paise(_ text: String) -> Int64 {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let rupees = Int64(parts[0]) ?? 0
    var fraction: Int64 = 0
    if parts.count > 1 {
      let digits = String(parts[1].prefix(2)).padding(toLength: 2, withPad: "0", startingAt: 0)
      fraction = Int64(digits) ?? 0
    }
    return rupees * 100 + fraction
  }
}
