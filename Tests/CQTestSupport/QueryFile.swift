import Foundation

/// The golden query files' format (`Tests/CQEngineTests/Queries/*.slt`, DataFusion's style).
///
/// A `# fixture: NAME` line, then records — `query`, `error`, `explain`, `plan` or `statement`, the
/// statement's lines, and for all but `statement` a `----` line and the expected lines, ended by
/// `====`. Read by the engine's golden-file test and by the PostgreSQL differential suite.
public enum QueryFile {
  /// One record of a file.
  public struct Record: Sendable {
    /// `query`, `error`, `explain`, `plan` or `statement` (one of ``QueryFile/kinds``).
    public var kind: String
    /// The statement as written (its lines joined by newlines), without `explain` or `explain plan`.
    public var statement: String
    /// The expected lines after `----`.
    public var expected: [String]
    /// The record's line in the file (1-based).
    public var line: Int

    /// The statement as cq reads it: `explain` records prefixed with `explain`, `plan` records
    /// with `explain plan`.
    public var source: String {
      switch kind {
      case "explain": "explain " + statement
      case "plan": "explain plan " + statement
      default: statement
      }
    }
  }

  /// The kinds of record, each a line of its own that starts a record.
  public static let kinds = ["query", "error", "explain", "plan", "statement"]

  /// The fixture named by a `# fixture: NAME` line (default `small`), and the records.
  public static func parse(_ text: String) -> (fixture: String, records: [Record]) {
    var fixture = "small"
    var records: [Record] = []
    let lines = text.components(separatedBy: "\n")
    var i = 0
    while i < lines.count {
      let line = lines[i]
      if line.hasPrefix("# fixture:") {
        fixture = line.dropFirst("# fixture:".count).trimmingCharacters(in: .whitespaces)
      }
      guard kinds.contains(line) else {
        i += 1
        continue
      }
      var record = Record(kind: line, statement: "", expected: [], line: i + 1)
      i += 1
      var statement: [String] = []
      while i < lines.count, lines[i] != "----", lines[i] != "====",
        !(record.kind == "statement" && lines[i].isEmpty)
      {
        statement.append(lines[i])
        i += 1
      }
      record.statement = statement.joined(separator: "\n")
      if i < lines.count, lines[i] == "----" {
        i += 1
        while i < lines.count, lines[i] != "====" {
          record.expected.append(lines[i])
          i += 1
        }
      }
      i += 1
      records.append(record)
    }
    return (fixture, records)
  }
}
