import CQStorage

/// The formats for programs and documents: csv, tsv, json, ndjson, markdown.
///
/// csv, tsv, json and ndjson carry raw numbers (money in rupees with two decimals, ratios as
/// full-precision fractions, no value as an empty field or `null`). Markdown is for people: it
/// shows values as the table does (`₹1,234.50`, `6.76%`). None of them cuts rows or columns,
/// and none writes footnotes or the footer.
enum MachineFormats {
  // MARK: csv / tsv

  /// RFC 4180 CSV with LF line ends; a field is quoted when it holds a comma, a quote, CR or
  /// LF (or starts or ends with a space), and quotes inside are doubled.
  static func csv(_ result: ResultSet, includeHeader: Bool, to out: inout some TextOutputStream) {
    delimited(result, separator: ",", field: csvField, includeHeader: includeHeader, to: &out)
  }

  /// One record per line, fields joined by `separator`, text escaped by `field`.
  ///
  /// - Complexity: O(*r* × *c*); rows are built as bytes, with no `String` per cell.
  static func delimited(
    _ result: ResultSet, separator: String, field: (String) -> String, includeHeader: Bool,
    to out: inout some TextOutputStream
  ) {
    if includeHeader {
      out.write(result.columns.map { field($0.name) }.joined(separator: separator) + "\n")
    }
    // Cells are read by position (a result kept in columns builds no row arrays).
    let formats = result.columns.map(\.format)
    let tab = separator == "\t"
    var line = MachineBytes()
    for r in 0..<result.rowCount {
      for c in formats.indices {
        if c > 0 { line.append(separator) }
        line.appendCell(result.cell(r, c), format: formats[c], empty: "") { line, s in
          if tab ? !tsvNeedsEscape(s) : !csvNeedsQuotes(s) {
            line.append(s)
          } else {
            line.append(field(s))
          }
        }
      }
      line.append(UInt8(ascii: "\n"))
      line.flushIfFull(to: &out)
    }
    line.flush(to: &out)
  }

  /// Whether `csvField` would change `s` (its quick test: no comma, quote or line break, no
  /// space at either end).
  static func csvNeedsQuotes(_ s: String) -> Bool {
    guard let last = s.utf8.last, last != 0x20, s.utf8.first != 0x20 else { return true }
    return s.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
  }

  /// Whether `tsvField` would change `s`.
  static func tsvNeedsEscape(_ s: String) -> Bool {
    s.utf8.contains { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x5C }
  }

  static func csvField(_ s: String) -> String {
    // Most fields are plain ASCII without a comma, quote or line break: as they are.
    if let last = s.utf8.last, last != 0x20, s.utf8.first != 0x20,
      !s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D })
    {
      return s
    }
    let needsQuotes =
      s.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
      || s.hasPrefix(" ") || s.hasSuffix(" ")
    guard needsQuotes else { return s }
    return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
  }

  /// Tab-separated values: a tab, CR, LF or backslash inside a value is written as `\t`,
  /// `\r`, `\n` or `\\` (the "linear TSV" convention), so every record is one line.
  static func tsv(_ result: ResultSet, includeHeader: Bool, to out: inout some TextOutputStream) {
    delimited(result, separator: "\t", field: tsvField, includeHeader: includeHeader, to: &out)
  }

  static func tsvField(_ s: String) -> String {
    guard s.unicodeScalars.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\\" })
    else { return s }
    var out = ""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "\t": out += "\\t"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  // MARK: json / ndjson

  /// A JSON array of objects, one object per line: keys are the column names in order,
  /// numbers are JSON numbers, no value is `null`.
  static func json(_ result: ResultSet, to out: inout some TextOutputStream) {
    let n = result.rowCount
    guard n > 0 else {
      out.write("[]\n")
      return
    }
    out.write("[\n")
    let keys = jsonKeys(result)
    var line = MachineBytes()
    for r in 0..<n {
      line.append("  " as StaticString)
      appendJSONObject(r, result, keys: keys, to: &line)
      line.append(r + 1 < n ? ",\n" as StaticString : "\n")
      line.flushIfFull(to: &out)
    }
    line.flush(to: &out)
    out.write("]\n")
  }

  /// Newline-delimited JSON: one object per line, nothing else.
  static func ndjson(_ result: ResultSet, to out: inout some TextOutputStream) {
    let keys = jsonKeys(result)
    var line = MachineBytes()
    for r in 0..<result.rowCount {
      appendJSONObject(r, result, keys: keys, to: &line)
      line.append(UInt8(ascii: "\n"))
      line.flushIfFull(to: &out)
    }
    line.flush(to: &out)
  }

  /// Each column's `"name":`, escaped once per result.
  static func jsonKeys(_ result: ResultSet) -> [String] {
    result.columns.map { jsonString($0.name) + ":" }
  }

  /// Row `r` as a JSON object (`keys` from ``jsonKeys(_:)``).
  static func appendJSONObject(
    _ r: Int, _ result: ResultSet, keys: [String], to line: inout MachineBytes
  ) {
    line.append(UInt8(ascii: "{"))
    for c in keys.indices {
      if c > 0 { line.append(UInt8(ascii: ",")) }
      line.append(keys[c])
      line.appendCell(result.cell(r, c), format: result.columns[c].format, empty: "null") {
        line, s in
        if jsonIsPlain(s) {
          line.append(UInt8(ascii: "\""))
          line.append(s)
          line.append(UInt8(ascii: "\""))
        } else {
          line.append(jsonString(s))
        }
      }
    }
    line.append(UInt8(ascii: "}"))
  }

  /// Printable ASCII without a quote or backslash: a JSON string as it is, in quotes.
  static func jsonIsPlain(_ s: String) -> Bool {
    !s.utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F || $0 == 0x22 || $0 == 0x5C })
  }

  static func jsonString(_ s: String) -> String {
    // Printable ASCII without a quote or backslash needs no escapes.
    if jsonIsPlain(s) { return "\"" + s + "\"" }
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case "\u{2028}": out += "\\u2028"
      case "\u{2029}": out += "\\u2029"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  // MARK: markdown

  /// A GitHub-flavoured Markdown table, values as people read them, padded so the source
  /// lines up; `|` and `<` in values are escaped as `\|` and `\<`, and line breaks become spaces.
  static func markdown(
    _ result: ResultSet, options: RenderOptions, to out: inout some TextOutputStream
  ) {
    guard !result.columns.isEmpty else { return }
    let formatter = ValueFormatter(options: options)
    let numeric = result.columns.map { ValueFormatter.isNumeric($0.format) }
    let header = result.columns.map { markdownCell($0.name) }
    let body = (0..<result.rowCount).map { r in
      result.columns.indices.map { c in
        markdownCell(formatter.display(result.cell(r, c), format: result.columns[c].format))
      }
    }
    var widths = header.map { max(3, TerminalWidth.displayWidth($0)) }
    for row in body {
      for (c, text) in row.enumerated() {
        widths[c] = max(widths[c], TerminalWidth.displayWidth(text))
      }
    }
    func line(_ cells: [String]) -> String {
      let padded = cells.enumerated().map { c, text in
        TerminalWidth.pad(text, toWidth: widths[c], alignRight: numeric[c])
      }
      return "| " + padded.joined(separator: " | ") + " |"
    }
    out.write(line(header) + "\n")
    let separators = widths.indices.map { c in
      numeric[c]
        ? String(repeating: "-", count: widths[c] + 1) + ":"
        : ":" + String(repeating: "-", count: widths[c] + 1)
    }
    out.write("|" + separators.joined(separator: "|") + "|\n")
    for row in body { out.write(line(row) + "\n") }
  }

  static func markdownCell(_ s: String) -> String {
    var out = ""
    var previousCR = false
    for scalar in s.unicodeScalars {
      if scalar == "\n" && previousCR {
        previousCR = false
        continue
      }
      previousCR = scalar == "\r"
      switch scalar {
      case "|": out += "\\|"
      // Raw HTML in a cell would be markup to most renderers: a name like <b> stays text.
      case "<": out += "\\<"
      case "\n", "\r", "\t": out += " "
      default:
        if scalar.value < 0x20 || scalar.value == 0x7F { continue }
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

}

extension String {
  /// Every occurrence of `target` replaced (no Foundation needed).
  func replacingAll(_ target: Character, with replacement: String) -> String {
    var out = ""
    for character in self {
      if character == target { out += replacement } else { out.append(character) }
    }
    return out
  }
}
