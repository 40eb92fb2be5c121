/// The result formats of SPEC §5 and §9 (`set format`, `--format`, or a `> FILE` extension):
/// the one declaration `--format`, `set format`, completion, `help formats`, `show settings`
/// and file extensions all read.
///
/// ```
/// set format csv
/// roas by campaign > roas.json
/// cq run weekly.cq --output weekly.html
/// ```
///
/// ## Topics
/// - ``summary``
/// - ``fileExtensions``
/// - ``init(fileExtension:)``
/// - ``init(path:)``
/// - ``isMachineReadable``
/// - ``isDocument``
/// - ``isPage``
/// - ``list(conjunction:)``
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
  /// A Markdown document: each result's caption, its table (values as in the terminal table)
  /// or its chart in a fenced block, and its notes.
  case markdown
  /// One self-contained HTML page: captions, tables, charts as inline SVG, notes as footnotes.
  case html
  /// The HTML page printed to PDF by a headless Chromium on the machine.
  case pdf

  /// What the format is for, in a few words (`help formats`, `--help`).
  public var summary: String {
    switch self {
    case .table: "aligned, box-drawn tables for people (the default)"
    case .csv: "comma-separated values, raw numbers"
    case .tsv: "tab-separated values, raw numbers"
    case .json: "a JSON array of objects, raw numbers"
    case .ndjson: "one JSON object per line, raw numbers"
    case .markdown: "a Markdown report: captions, tables, charts, notes"
    case .html: "one self-contained HTML page, charts in SVG"
    case .pdf: "the HTML report printed by headless Chromium"
    }
  }

  /// The file name extensions that ask for this format, the usual one first.
  public var fileExtensions: [String] {
    switch self {
    case .table: ["txt", "text"]
    case .csv: ["csv"]
    case .tsv: ["tsv", "tab"]
    case .json: ["json"]
    case .ndjson: ["ndjson", "jsonl"]
    case .markdown: ["md", "markdown"]
    case .html: ["html", "htm"]
    case .pdf: ["pdf"]
    }
  }

  /// The format a file extension asks for (``fileExtensions``); case-insensitive, leading dot
  /// optional.
  public init?(fileExtension: String) {
    var ext = fileExtension.lowercased()
    if ext.hasPrefix(".") { ext.removeFirst() }
    guard let format = Self.allCases.first(where: { $0.fileExtensions.contains(ext) }) else {
      return nil
    }
    self = format
  }

  /// The format for a file path from its extension (`out/roas.csv` → csv); `nil` when the
  /// name has no extension or one no format claims (see ``fileExtension(ofPath:)``).
  public init?(path: String) {
    guard let ext = Self.fileExtension(ofPath: path) else { return nil }
    self.init(fileExtension: ext)
  }

  /// The extension of the last component of `path` (`weekly.PDF` → `PDF`); `nil` when it has
  /// none (`report`, `.hidden`).
  public static func fileExtension(ofPath path: String) -> String? {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
    let ext = String(name[name.index(after: dot)...])
    return ext.isEmpty ? nil : ext
  }

  /// Whether the format is for programs (raw numbers, never cut, no footnotes).
  public var isMachineReadable: Bool {
    switch self {
    case .csv, .tsv, .json, .ndjson: true
    case .table, .markdown, .html, .pdf: false
    }
  }

  /// Whether the format is a document for people (SPEC §9): each result comes with its caption
  /// (or its statement), charts are drawn into it, and caveats are written as notes.
  public var isDocument: Bool {
    switch self {
    case .markdown, .html, .pdf: true
    case .table, .csv, .tsv, .json, .ndjson: false
    }
  }

  /// Whether the format is one page for the whole run, written when the run ends (HTML, PDF),
  /// rather than text written result by result.
  public var isPage: Bool { self == .html || self == .pdf }

  /// Whether the output is bytes for a viewer, not text for a terminal.
  public var isBinary: Bool { self == .pdf }

  /// The format names in declaration order, joined for a message:
  /// `table, csv, tsv, json, ndjson, markdown, html or pdf`.
  public static func list(conjunction: String = "or") -> String {
    let names = allCases.map(\.rawValue)
    guard let last = names.last, names.count > 1 else { return names.joined() }
    return names.dropLast().joined(separator: ", ") + " \(conjunction) " + last
  }

  /// Every extension with its format, for the message about an unknown one:
  /// `.txt (table), .csv, .tsv, …, .pdf`.
  public static var extensionList: String {
    allCases.map { format in
      let ext = "." + format.fileExtensions[0]
      return format.fileExtensions[0] == format.rawValue ? ext : "\(ext) (\(format.rawValue))"
    }.joined(separator: ", ")
  }
}
