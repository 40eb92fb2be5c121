import CQTestSupport
import Foundation
import Testing

// Helpers for the end-to-end tests: run the real binary, make scratch folders, and read its
// output back (CSV, TSV, JSON, the box-drawn table) so numbers can be compared across formats.

/// Runs `cq --norc --data <bundled data> ARGS…` (pass `data: nil` to leave `--data` out).
func cq(
  _ arguments: [String], stdin: String? = nil, data: String? = TestPaths.bundledData.path,
  environment: [String: String] = [:], in directory: URL? = nil, rc: Bool = false
) throws -> CQRun {
  var full: [String] = rc ? [] : ["--norc"]
  if let data { full += ["--data", data] }
  return try runCQ(
    full + arguments, stdin: stdin, environment: environment, currentDirectory: directory)
}

/// A scratch folder removed when the value is released.
final class ScratchFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cq-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  var path: String { url.path }

  func file(_ name: String) -> URL { url.appendingPathComponent(name) }

  func write(_ text: String, to name: String) throws {
    let target = file(name)
    try FileManager.default.createDirectory(
      at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: target, atomically: true, encoding: .utf8)
  }

  func read(_ name: String) throws -> String {
    try String(contentsOf: file(name), encoding: .utf8)
  }

  func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name).path) }

  /// Copies the bundled CSV files into `name` (a sub-folder), to be corrupted by a test.
  func copyBundledData(to name: String) throws -> URL {
    let dir = file(name)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let source = TestPaths.bundledData
    for f in try FileManager.default.contentsOfDirectory(atPath: source.path)
    where f.hasSuffix(".csv") {
      try FileManager.default.copyItem(
        at: source.appendingPathComponent(f), to: dir.appendingPathComponent(f))
    }
    return dir
  }
}

/// A hand-made data set small enough to check by hand.
///
/// Asha (id 1) has two tracking rows (₹400.50 for 2 orders of Whey/MuscleBlaze, ₹99.25 for 1 order
/// of Oats/HKVitals) and a ₹100 payout; Bilal (id 2) has a post but no tracking rows and a ₹300
/// payout. So revenue 499.75, orders 3, payout 400, Asha's roas 4.9975, Bilal's aov has no value.
enum TinyData {
  static let revenueAsha = Decimal(sign: .plus, exponent: -2, significand: 499_75)
  static let payoutAsha = Decimal(100)
  static let payoutBilal = Decimal(300)

  static func write(into folder: ScratchFolder, name: String) throws -> URL {
    try folder.write(
      """
      id,name,category,gender,follower_count,platform
      1,Asha,Fitness,Female,12000,Instagram
      2,Bilal,Health,Male,700000,YouTube

      """, to: "\(name)/influencers.csv")
    try folder.write(
      """
      influencer_id,platform,date,url,caption,reach,likes,comments,campaign
      1,Instagram,2025-06-01,https://example.com/1,"hi, there",1000,50,5,C1
      2,YouTube,2025-06-02,https://example.com/2,yo,2000,100,0,C1

      """, to: "\(name)/posts.csv")
    try folder.write(
      """
      source,campaign,influencer_id,user_id,product,brand,date,orders,revenue
      instagram.com,C1,1,u1,Whey,MuscleBlaze,2025-06-01,2,400.50
      instagram.com,C1,1,u2,Oats,HKVitals,2025-06-03,1,99.25

      """, to: "\(name)/tracking_data.csv")
    try folder.write(
      """
      influencer_id,campaign,basis,rate,orders,total_payout,posts,status
      1,C1,post,100,0,100.00,1,paid
      2,C1,post,300,0,300.00,1,pending

      """, to: "\(name)/payouts.csv")
    return folder.file(name)
  }
}

// MARK: - Reading output back

/// Parses RFC 4180 text (quoted fields may hold separators, quotes and newlines; LF or CRLF).
///
/// A trailing newline does not make an empty record.
func parseDelimited(_ text: String, separator: Unicode.Scalar = ",") -> [[String]] {
  var records: [[String]] = []
  var record: [String] = []
  var field = String.UnicodeScalarView()
  var inQuotes = false
  var pendingQuote = false  // saw a quote inside a quoted field: either "" or the closing one
  var any = false
  func endField() {
    record.append(String(field))
    field = String.UnicodeScalarView()
  }
  func endRecord() {
    endField()
    records.append(record)
    record = []
    any = false
  }
  for s in text.unicodeScalars {
    if inQuotes {
      if pendingQuote {
        pendingQuote = false
        if s == "\"" {
          field.append(s)
          continue
        }
        inQuotes = false
      } else if s == "\"" {
        pendingQuote = true
        continue
      } else {
        field.append(s)
        continue
      }
    }
    any = true
    switch s {
    case "\"": inQuotes = true
    case separator: endField()
    case "\r": continue
    case "\n": endRecord()
    default: field.append(s)
    }
  }
  if any || !field.isEmpty || !record.isEmpty { endRecord() }
  return records
}

/// A CSV/TSV result: the header and the rows, addressable by column name.
struct Delimited {
  var header: [String]
  var rows: [[String]]

  init(_ text: String, separator: Unicode.Scalar = ",") throws {
    var records = parseDelimited(text, separator: separator)
    guard !records.isEmpty else { throw OutputError("no header in:\n\(text)") }
    header = records.removeFirst()
    rows = records
  }

  func column(_ name: String) throws -> [String] {
    guard let i = header.firstIndex(of: name) else {
      throw OutputError("no column '\(name)' in \(header)")
    }
    return rows.map { i < $0.count ? $0[i] : "" }
  }

  /// `key column value → value column value`.
  func map(_ key: String, _ value: String) throws -> [String: String] {
    Dictionary(zip(try column(key), try column(value)), uniquingKeysWith: { a, _ in a })
  }
}

struct OutputError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// The JSON array of objects `--format json` prints.
func parseJSONArray(_ text: String) throws -> [[String: Any]] {
  let value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
  guard let array = value as? [[String: Any]] else {
    throw OutputError("not an array of objects:\n\(text)")
  }
  return array
}

/// One JSON object per line (`ndjson`).
func parseNDJSON(_ text: String) throws -> [[String: Any]] {
  try text.split(separator: "\n").map { line in
    guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    else {
      throw OutputError("not an object: \(line)")
    }
    return object
  }
}

/// The header and rows of every box-drawn table in `text` (border lines dropped, cells trimmed).
func boxTables(_ text: String) -> [[[String]]] {
  var tables: [[[String]]] = []
  var current: [[String]] = []
  for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
    if line.hasPrefix("┌") {
      current = []
    } else if line.hasPrefix("│") {
      let cells = line.split(separator: "│", omittingEmptySubsequences: false).dropFirst()
        .dropLast()
      current.append(cells.map { $0.trimmingCharacters(in: .whitespaces) })
    } else if line.hasPrefix("└") {
      tables.append(current)
    }
  }
  return tables
}

/// Splits the output of several CSV statements into one block per header line `headers[i]`.
func csvBlocks(_ text: String, headers: [String]) -> [String] {
  var blocks: [String] = []
  var current: [Substring] = []
  for line in text.split(separator: "\n") {
    if headers.contains(String(line)), !current.isEmpty {
      blocks.append(current.joined(separator: "\n") + "\n")
      current = []
    }
    current.append(line)
  }
  if !current.isEmpty { blocks.append(current.joined(separator: "\n") + "\n") }
  return blocks
}

/// The lines of `text` (no trailing empty line).
func lines(_ text: String) -> [String] {
  text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
}

/// Table text of a money amount: "2748787.41" → "₹2,748,787.41" (western grouping).
func tableMoney(_ plain: String) -> String {
  let negative = plain.hasPrefix("-")
  let digits = negative ? String(plain.dropFirst()) : plain
  let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
  var whole = ""
  for (i, c) in parts[0].reversed().enumerated() {
    if i > 0, i % 3 == 0 { whole.append(",") }
    whole.append(c)
  }
  let fraction = parts.count > 1 ? "." + parts[1] : ""
  return (negative ? "-" : "") + "₹" + String(whole.reversed()) + fraction
}

/// A number from a JSON value (JSONSerialization gives NSNumber).
func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

/// The number of data records (header excluded) in a CSV file.
func recordCount(ofCSV url: URL) throws -> Int {
  max(0, parseDelimited(try String(contentsOf: url, encoding: .utf8)).count - 1)
}

/// Sum of `valueColumn` per `keyColumn` over a CSV file, exactly.
func sums(ofCSV url: URL, by keyColumn: String, of valueColumn: String) throws -> [String: Decimal]
{
  let table = try Delimited(String(contentsOf: url, encoding: .utf8))
  var out: [String: Decimal] = [:]
  for (k, v) in zip(try table.column(keyColumn), try table.column(valueColumn)) {
    guard let d = Decimal(string: v) else { throw OutputError("not a number: \(v)") }
    out[k, default: 0] += d
  }
  return out
}

/// 1-based column of the first occurrence of `needle` in `text`.
func caretColumn(of needle: String, in text: String) -> Int? {
  guard let r = text.range(of: needle) else { return nil }
  return text.distance(from: text.startIndex, to: r.lowerBound) + 1
}

/// The literal text of every number (or `null`) member of the JSON objects in `text`, in order,
/// keyed by member name: `{"roas":1.96901}` gives `[["roas": "1.96901"]]`, one dictionary per
/// line holding an object. (Foundation's JSON parser may round the last digit; the text may not.)
func jsonNumberTexts(_ text: String) -> [[String: String]] {
  text.split(separator: "\n").filter { $0.contains("{") }.map { line in
    var members: [String: String] = [:]
    for m in line.matches(of: /"([^"\\]+)":(-?[0-9][0-9.eE+\-]*|null)/) {
      members[String(m.1)] = String(m.2)
    }
    return members
  }
}
