/// The result formats of SPEC §5 (`set format`, `--format`, or a `> FILE` extension).
public enum OutputFormat: String, CaseIterable, Sendable {
  /// The box-drawn table for people (the default on a terminal).
  case table
  /// RFC 4180 comma-separated values with raw numbers.
  case csv
  /// Tab-separated values; tabs, line breaks and backslashes in values are escaped.
  case tsv
  /// A JSON array of objects, keys in column order.
  case json
  /// Newline-delimited JSON: one object per line.
  case ndjson
  /// A Markdown table with values formatted as in the terminal table.
  case markdown

  /// The format a file extension asks for: `.csv`, `.tsv`, `.json`, `.ndjson`/`.jsonl`,
  /// `.md`/`.markdown`, `.txt` (a table); case-insensitive, leading dot optional.
  public init?(fileExtension: String) {
    var ext = fileExtension.lowercased()
    if ext.hasPrefix(".") { ext.removeFirst() }
    switch ext {
    case "csv": self = .csv
    case "tsv", "tab": self = .tsv
    case "json": self = .json
    case "ndjson", "jsonl": self = .ndjson
    case "md", "markdown": self = .markdown
    case "txt", "text": self = .table
    default: return nil
    }
  }

  /// The format for a file path from its extension (`out/roas.csv` → csv); `nil` when the
  /// name has no known extension.
  public init?(path: String) {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
    self.init(fileExtension: String(name[name.index(after: dot)...]))
  }

  /// Whether the format is for programs (raw numbers, never cut, no footnotes).
  public var isMachineReadable: Bool { self != .table && self != .markdown }
}
