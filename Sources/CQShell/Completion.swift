import CQLanguage
import Foundation

/// The names tab completion offers, supplied by the session from its catalog and data.
///
/// ## Topics
/// - ``init(metrics:dimensions:tables:segments:settings:chartKinds:values:settingValues:)``
public struct CompletionVocabulary: Sendable {
  /// Metric names (catalog names and defined metrics).
  public var metrics: [String]
  /// Dimension names, singular (`campaign`, `week`).
  public var dimensions: [String]
  /// Table names (`influencers`, `posts`, ...).
  public var tables: [String]
  /// Segments defined with `define segment`.
  public var segments: [String]
  /// Setting names for `set`.
  public var settings: [String]
  /// Chart kinds for `chart`.
  public var chartKinds: [String]
  /// A dimension's distinct values, given its name as written in lower case (a plural or
  /// `date` included: the session resolves it as the binder does).
  public var values: @Sendable (String) -> [String]
  /// The values a setting takes, given its lower-case name (`[]` when free-form).
  public var settingValues: @Sendable (String) -> [String]

  /// A vocabulary; everything defaults to empty except the chart kinds and setting values,
  /// which come from their declarations (``Keywords/chartKinds``, ``Setting/all``).
  public init(
    metrics: [String] = [], dimensions: [String] = [], tables: [String] = [],
    segments: [String] = [], settings: [String] = [],
    chartKinds: [String] = Keywords.chartKinds,
    values: @escaping @Sendable (String) -> [String] = { _ in [] },
    settingValues: @escaping @Sendable (String) -> [String] = { Setting.named($0)?.offered ?? [] }
  ) {
    self.metrics = metrics
    self.dimensions = dimensions
    self.tables = tables
    self.segments = segments
    self.settings = settings
    self.chartKinds = chartKinds
    self.values = values
    self.settingValues = settingValues
  }
}

/// What to offer at the cursor: the words, and where in the line they replace the typed text.
public struct CompletionResult: Sendable, Equatable {
  /// UTF-8 offset in the line where the word being completed starts.
  public var replaceFrom: Int
  /// Full replacement words for `line[replaceFrom..<cursor]`, sorted, without duplicates.
  ///
  /// Values with spaces come back quoted (`"Whey Protein 1kg"`); folders end in `/`.
  public var candidates: [String]

  /// A result.
  public init(replaceFrom: Int, candidates: [String]) {
    self.replaceFrom = replaceFrom
    self.candidates = candidates
  }

  /// The longest prefix all candidates share (by Unicode scalar), or `""` for none.
  public var commonPrefix: String {
    guard let first = candidates.first else { return "" }
    var prefix = Array(first.unicodeScalars)
    for candidate in candidates.dropFirst() {
      let shared = zip(prefix, candidate.unicodeScalars).prefix { $0 == $1 }.count
      prefix.removeLast(prefix.count - shared)
      if prefix.isEmpty { break }
    }
    var text = ""
    text.unicodeScalars.append(contentsOf: prefix)
    return text
  }
}

/// Tab completion for the cq language (SPEC §2).
///
/// What may come at the cursor is the parser's to say (``Parser/expectation(in:at:)``):
/// keywords, or kinds of names — metrics, dimensions, values of a dimension (`brand=Mu` →
/// `MuscleBlaze`), tables, settings and their values, chart kinds, help topics, files. This
/// type only looks the names up in a ``CompletionVocabulary`` or the file system.
public enum Completer {
  /// The statement words offered at the start of a statement (with the metric names); `exit`
  /// is offered as `quit`.
  public static let statementKeywords = Keywords.statements.filter { $0 != "exit" }.sorted()

  /// Completes the word at `cursor` in `line`.
  ///
  /// - Parameters:
  ///   - line: the text being edited (one statement, or several separated by `;`).
  ///   - cursor: the cursor as a UTF-8 offset into `line` (clamped to the line).
  ///   - vocabulary: the names to offer.
  ///   - currentDirectory: where relative file names are looked up.
  /// - Returns: the candidates (possibly none) and where the word being completed starts.
  /// - Complexity: O(*n* + *v*) in the line length and the number of names offered.
  public static func complete(
    line: String, cursor: Int, vocabulary: CompletionVocabulary, currentDirectory: String
  ) -> CompletionResult {
    let expectation = Parser.expectation(in: line, at: cursor)
    if expectation.isPath {
      return CompletionResult(
        replaceFrom: expectation.replaceFrom,
        candidates: Files.candidates(
          for: expectation.typed, directoriesOnly: !expectation.names.contains(.file),
          currentDirectory: currentDirectory))
    }
    return CompletionResult(
      replaceFrom: expectation.replaceFrom,
      candidates: candidates(expectation, vocabulary: vocabulary))
  }

  /// The words of `vocabulary` that fit `expectation` and start with its typed word.
  static func candidates(_ expectation: Expectation, vocabulary: CompletionVocabulary)
    -> [String]
  {
    let typed = expectation.typed
    // An opened quote only makes sense for a value.
    let quoted = typed.hasPrefix("\"")
    let needle = (quoted ? String(typed.dropFirst()) : typed).lowercased()
    var names: [String] = []
    var values: [String] = []
    if !quoted { names += expectation.keywords }
    for name in expectation.names {
      switch name {
      case .metric: names += vocabulary.metrics
      case .dimension: names += vocabulary.dimensions
      case .conditionDimension: names += vocabulary.dimensions + ["date"]
      case .segment: names += vocabulary.segments
      case .table: names += vocabulary.tables
      case .setting: names += vocabulary.settings
      case .settingValue(let setting): names += vocabulary.settingValues(setting)
      case .chartKind: names += vocabulary.chartKinds
      case .helpTopic: names += Help.topics
      case .value(let dimension): values += vocabulary.values(dimension)
      case .file, .folder: break
      }
    }
    if quoted { names = [] }
    var result = names.filter { Text.hasPrefix($0.lowercased(), needle) }
    for value in values where Text.hasPrefix(value.lowercased(), needle) {
      result.append(quoted ? Quoting.quote(value) : Quoting.spell(value))
    }
    return Text.sortedUnique(result)
  }
}

/// Comparisons by Unicode scalar, so a prefix may end inside a grapheme cluster
/// (`प्र` is a prefix of `प्रिया`, though its last cluster is not).
enum Text {
  static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
    text.unicodeScalars.starts(with: prefix.unicodeScalars)
  }

  /// Sorted case-insensitively, ignoring an opening quote; duplicates removed.
  static func sortedUnique(_ words: [String]) -> [String] {
    var seen = Set<String>()
    func key(_ word: String) -> String {
      (word.hasPrefix("\"") ? String(word.dropFirst()) : word).lowercased()
    }
    return words.filter { seen.insert($0).inserted }.sorted { (key($0), $0) < (key($1), $1) }
  }
}

// MARK: - Files

enum Files {
  /// Names in the folder `word` points into that start with its last component.
  ///
  /// Keeps the folder part as typed (`~/da` → `~/data/`); folders end in `/`; names that need
  /// it are quoted (a closing quote only for files, so a folder can be continued).
  static func candidates(for typed: String, directoriesOnly: Bool, currentDirectory: String)
    -> [String]
  {
    let quoted = typed.hasPrefix("\"")
    let word = quoted ? String(typed.dropFirst()) : typed
    let folderPart: String
    let namePrefix: String
    if let slash = word.lastIndex(of: "/") {
      folderPart = String(word[...slash])
      namePrefix = String(word[word.index(after: slash)...])
    } else if word == "~" {
      // `~` alone completes to the home folder itself.
      return [word + "/"]
    } else {
      folderPart = ""
      namePrefix = word
    }
    let folder = resolve(folderPart, currentDirectory: currentDirectory)
    let fileManager = FileManager.default
    guard let names = try? fileManager.contentsOfDirectory(atPath: folder) else { return [] }
    var result: [String] = []
    for name in names.sorted() where Text.hasPrefix(name, namePrefix) {
      if name.hasPrefix("."), !namePrefix.hasPrefix(".") { continue }
      var isDirectory: ObjCBool = false
      let full = folder + (folder.hasSuffix("/") ? "" : "/") + name
      guard fileManager.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
      if directoriesOnly, !isDirectory.boolValue { continue }
      let path = folderPart + name
      let needsQuotes = quoted || path.contains(where: { $0 == " " || $0 == "\"" || $0 == ";" })
      if isDirectory.boolValue {
        result.append((needsQuotes ? "\"" : "") + path + "/")
      } else {
        result.append(needsQuotes ? "\"" + path + "\"" : path)
      }
    }
    return result
  }

  /// The folder a typed folder part names: `~` expanded, relative to `currentDirectory`.
  static func resolve(_ folderPart: String, currentDirectory: String) -> String {
    var path = folderPart
    if path == "~" || path.hasPrefix("~/") {
      let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
      path = home + path.dropFirst()
    }
    if path.isEmpty { return currentDirectory }
    if path.hasPrefix("/") { return path }
    return currentDirectory + (currentDirectory.hasSuffix("/") ? "" : "/") + path
  }
}

// MARK: - Listing

/// Lays out completion candidates in columns, as bash does on a second Tab.
public enum CompletionLayout {
  /// The candidates in column-major order (down, then across), fitted to `width`.
  ///
  /// Every line ends with a newline. More than `limit` candidates are cut, with a last line
  /// saying how many more there are.
  ///
  /// - Complexity: O(*n*) in the number of candidates shown.
  public static func columns(_ words: [String], width: Int, limit: Int = 300) -> String {
    guard !words.isEmpty else { return "" }
    let shown = Array(words.prefix(max(1, limit)))
    let widest = shown.map(\.count).max() ?? 0
    let columnWidth = widest + 2
    let columnCount = max(1, min(shown.count, (max(width, 1) + 2) / columnWidth))
    let rowCount = (shown.count + columnCount - 1) / columnCount
    var out = ""
    for row in 0..<rowCount {
      var line = ""
      for column in 0..<columnCount {
        let index = column * rowCount + row
        guard index < shown.count else { break }
        let word = shown[index]
        let isLast = column == columnCount - 1 || (column + 1) * rowCount + row >= shown.count
        line += isLast ? word : word + String(repeating: " ", count: columnWidth - word.count)
      }
      out += line + "\n"
    }
    if words.count > shown.count {
      out += "… and \(words.count - shown.count) more: type more letters\n"
    }
    return out
  }
}
