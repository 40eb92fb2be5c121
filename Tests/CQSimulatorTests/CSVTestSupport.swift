import CQSimulator
import Foundation
import Testing

/// A strict RFC 4180 reader for checking simulator output: LF line ends, quoted fields may hold
/// commas, doubled quotes and newlines; anything else inside quotes or after a closing quote is
/// an error.
struct CSVFile {
  var header: [String]
  var records: [[String]]
  /// 1-based physical line where each record starts.
  var lines: [Int]

  struct Malformed: Error, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
  }

  init(bytes: [UInt8]) throws {
    var records: [[String]] = []
    var lines: [Int] = []
    var field: [UInt8] = []
    var record: [String] = []
    var line = 1
    var recordLine = 1
    var i = 0
    var quoted = false
    var afterQuote = false
    var fieldStarted = false
    func finishField() {
      record.append(String(decoding: field, as: UTF8.self))
      field.removeAll(keepingCapacity: true)
    }
    while i < bytes.count {
      let b = bytes[i]
      if quoted {
        if b == 0x22 {
          if i + 1 < bytes.count, bytes[i + 1] == 0x22 {
            field.append(0x22)
            i += 2
            continue
          }
          quoted = false
          afterQuote = true
        } else {
          if b == 0x0A { line += 1 }
          field.append(b)
        }
        i += 1
        continue
      }
      switch b {
      case 0x22:
        guard !fieldStarted, field.isEmpty else {
          throw Malformed(line: line, message: "quote inside an unquoted field")
        }
        quoted = true
        fieldStarted = true
      case 0x2C:
        finishField()
        afterQuote = false
        fieldStarted = false
      case 0x0A:
        finishField()
        records.append(record)
        lines.append(recordLine)
        record = []
        afterQuote = false
        fieldStarted = false
        line += 1
        recordLine = line
      case 0x0D:
        throw Malformed(line: line, message: "carriage return (files are written with LF)")
      default:
        if afterQuote { throw Malformed(line: line, message: "text after a closing quote") }
        field.append(b)
        fieldStarted = true
      }
      i += 1
    }
    if quoted { throw Malformed(line: recordLine, message: "unterminated quote") }
    if !record.isEmpty || !field.isEmpty {
      throw Malformed(line: line, message: "last line does not end with a newline")
    }
    guard let header = records.first else { throw Malformed(line: 1, message: "empty file") }
    for (record, line) in zip(records, lines) where record.count != header.count {
      throw Malformed(line: line, message: "\(record.count) fields, header has \(header.count)")
    }
    self.header = header
    self.records = Array(records.dropFirst())
    self.lines = Array(lines.dropFirst())
  }

  init(path: String) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    try self.init(bytes: [UInt8](data))
  }

  /// The values of column `name` (the test fails and gets an empty array when it is missing).
  func column(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
    guard let index = header.firstIndex(of: name) else {
      Issue.record("no column '\(name)' in \(header)", sourceLocation: sourceLocation)
      return []
    }
    return records.map { $0[index] }
  }
}

/// Parses `123.40` into paise; nil unless the text has exactly two decimals.
func paise(_ text: String) -> Int64? {
  let parts = text.split(separator: ".", omittingEmptySubsequences: false)
  guard parts.count == 2, parts[1].count == 2, !parts[0].isEmpty,
    parts[0].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isASCII),
    let rupees = Int64(parts[0]), let cents = Int64(parts[1]), rupees >= 0
  else { return nil }
  return rupees * 100 + cents
}

/// A fresh temporary folder path (not created).
func temporaryFolder(_ label: String) -> String {
  FileManager.default.temporaryDirectory
    .appendingPathComponent("cq-sim-\(label)-\(UUID().uuidString)").path
}

/// The simulator's file names.
let simulatorFiles = [
  "influencers.csv", "posts.csv", "tracking_data.csv", "payouts.csv", "products.csv",
]

/// Generates a data set into a new temporary folder and returns the folder.
func simulate(seed: UInt64 = SimulatorOptions.defaultSeed, scale: Int = 1) throws -> (
  folder: String, summary: SimulatorSummary
) {
  let folder = temporaryFolder("s\(scale)")
  let summary = try Simulator.write(
    SimulatorOptions(seed: seed, scale: scale), to: folder, progress: nil)
  return (folder, summary)
}

func bytes(_ folder: String, _ file: String) throws -> Data {
  try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(file))
}
