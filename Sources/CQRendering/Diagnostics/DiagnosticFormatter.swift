import CQLanguage

/// Renders diagnostics under the statement text, in the swift-syntax style.
///
/// ```
/// 1 | roas by campaign where brand=MusleBlaze
///   |                              `- error: no brand 'MusleBlaze'; did you mean 'MuscleBlaze'?
/// ```
///
/// Each diagnostic is marked at the first character of its range; columns count grapheme
/// clusters, so marks line up under Devanagari and other non-ASCII names. Notes without a range
/// and fix-its follow their diagnostic at the same column; notes with a range are marked where
/// they point. Colour (ANSI) only when asked for.
public struct DiagnosticFormatter {
  /// Whether to colour the output with ANSI escapes.
  public var colors: Bool
  /// Source lines shown before and after each line with a mark.
  public var contextLines: Int

  public init(colors: Bool = false) {
    self.colors = colors
    self.contextLines = 1
  }

  /// The diagnostics of `error` drawn under its source text.
  ///
  /// - Parameters:
  ///   - error: The diagnostics and the text their ranges point into.
  ///   - fileName: When given, a first line `FILE:LINE:COL: error: message` names the first
  ///     diagnostic, as compilers do, and its mark below says only `error` (the message is not
  ///     printed twice).
  ///   - lineOffset: Added to every line number shown (for text cut from a larger script).
  /// - Returns: Lines ending in `\n`.
  public func format(_ error: DiagnosticsError, fileName: String? = nil, lineOffset: Int = 0)
    -> String
  {
    var out = ""
    if let fileName, let first = error.diagnostics.first {
      out += formatLocation(first, fileName: fileName, lineOffset: lineOffset) + "\n"
    }
    let lines = Self.lines(of: error.source)
    var marks: [Int: [Mark]] = [:]  // by 1-based line
    var unplaced: [String] = []
    // A note several diagnostics share (eight metrics that cannot be split by one dimension)
    // is shown once, with the first of them.
    var notesShown: Set<String> = []
    for (index, diagnostic) in error.diagnostics.enumerated() {
      let location = diagnostic.range.lowerBound
      // Under a `FILE:LINE:COL: error: message` line, its mark does not repeat the message.
      let headed = fileName != nil && index == 0
      guard (1...max(1, lines.count)).contains(location.line), !lines.isEmpty else {
        if !headed { unplaced.append(label(diagnostic.severity, diagnostic.message)) }
        continue
      }
      var messages = [
        headed ? label(diagnostic.severity, nil) : label(diagnostic.severity, diagnostic.message)
      ]
      for note in diagnostic.notes {
        if let range = note.range, (1...lines.count).contains(range.lowerBound.line) {
          marks[range.lowerBound.line, default: []].append(
            Mark(column: range.lowerBound.column, messages: [label(.note, note.message)]))
        } else if notesShown.insert(note.message).inserted {
          messages.append(label(.note, note.message))
        }
      }
      for fixIt in diagnostic.fixIts {
        messages.append(label(nil, describe(fixIt, in: error.source)))
      }
      marks[location.line, default: []].append(Mark(column: location.column, messages: messages))
    }

    // Context lines around each marked line; a blank one (the end of a script or of standard
    // input) shows nothing.
    let shown = Set(
      marks.keys.flatMap { line in
        (max(1, line - contextLines)...min(lines.count, line + contextLines)).filter {
          $0 == line || !lines[$0 - 1].allSatisfy(\.isWhitespace)
        }
      })
    let gutter = String((shown.max() ?? 1) + lineOffset).count
    var previousLine: Int?
    for lineNumber in shown.sorted() {
      if let previousLine, lineNumber > previousLine + 1 {
        out += String(repeating: " ", count: gutter) + " " + outline(":") + "\n"
      }
      previousLine = lineNumber
      let (text, lineMarks) = Self.window(lines[lineNumber - 1], marks: marks[lineNumber] ?? [])
      let number = String(lineNumber + lineOffset)
      out += String(repeating: " ", count: gutter - number.count) + outline(number + " |")
      out += text.isEmpty ? "\n" : " " + String(text) + "\n"
      out += annotations(for: lineMarks, line: text, gutter: gutter)
    }
    for message in unplaced { out += message + "\n" }
    return out
  }

  /// The compact form for batch use: `FILE:LINE:COL: error: message`.
  public func formatLocation(_ diagnostic: Diagnostic, fileName: String, lineOffset: Int = 0)
    -> String
  {
    let location = diagnostic.range.lowerBound
    return "\(fileName):\(location.line + lineOffset):\(location.column): "
      + label(diagnostic.severity, diagnostic.message)
  }

  // MARK: Drawing

  private struct Mark {
    var column: Int
    var messages: [String]
  }

  /// Source lines longer than this many characters are shown cut around their marks.
  static let longLine = 160

  /// `line`, cut to the part from a little before its first mark to a little after its last
  /// (with `…` where text is left out) when it is long, and the marks moved to match, so a
  /// statement of thousands of characters does not print itself under every diagnostic.
  private static func window(_ line: Substring, marks: [Mark]) -> (Substring, [Mark]) {
    guard line.count > longLine else { return (line, marks) }
    let margin = 40
    let count = line.count
    let first = marks.map(\.column).min() ?? 1
    let last = marks.map(\.column).max() ?? 1
    let lower = max(1, min(first, count) - margin)
    let upper = min(count, max(lower + longLine, last + margin))
    let start = line.index(line.startIndex, offsetBy: lower - 1)
    let end = line.index(line.startIndex, offsetBy: upper)
    let prefix = lower > 1 ? "…" : ""
    let text = Substring(prefix + String(line[start..<end]) + (upper < count ? "…" : ""))
    let shift = lower - 1 - prefix.count
    return (text, marks.map { Mark(column: $0.column - shift, messages: $0.messages) })
  }

  /// The annotation lines under one source line, rightmost mark first (as swift-syntax does).
  private func annotations(for marks: [Mark], line: Substring, gutter: Int) -> String {
    guard !marks.isEmpty else { return "" }
    let characters = Array(line)
    let clamp = { (column: Int) in min(max(1, column), characters.count + 1) }
    var byColumn: [Int: [String]] = [:]
    for mark in marks { byColumn[clamp(mark.column), default: []] += mark.messages }
    let columns = Set(byColumn.keys)
    var out = ""
    for column in byColumn.keys.sorted(by: >) {
      var prefix = String(repeating: " ", count: gutter) + " " + outline("|") + " "
      for k in 1..<column {
        // Each character is padded to its display width, so the mark stands under its token
        // after wide (emoji, CJK) and combining (Devanagari) text.
        let character = k - 1 < characters.count ? characters[k - 1] : " "
        let width = character == "\t" ? 1 : max(1, TerminalWidth.displayWidth(String(character)))
        if columns.contains(k) {
          prefix += outline("|") + String(repeating: " ", count: width - 1)
        } else {
          prefix += character == "\t" ? "\t" : String(repeating: " ", count: width)
        }
      }
      let messages = byColumn[column] ?? []
      for (i, message) in messages.enumerated() {
        out += prefix + outline(i == messages.count - 1 ? "`- " : "|- ") + message + "\n"
      }
    }
    return out
  }

  /// `error: message`, coloured when asked; `fix-it: ...` when `severity` is nil; the bare
  /// severity (`error`) without a message.
  private func label(_ severity: Severity?, _ message: String?) -> String {
    guard let severity else { return paint("fix-it: ", "1;32") + (message ?? "") }
    guard let message else {
      switch severity {
      case .error: return paint("error", "1;31")
      case .warning: return paint("warning", "1;33")
      case .note: return paint("note", "1;39")
      }
    }
    switch severity {
    case .error: return paint("error: \(message)", "1;31")
    case .warning: return paint("warning: ", "1;33") + paint(message, "0;33")
    case .note: return paint("note: ", "1;39") + message
    }
  }

  private func outline(_ text: String) -> String { paint(text, "0;36") }

  private func paint(_ text: String, _ code: String) -> String {
    colors ? "\u{1B}[\(code)m\(text)\u{1B}[0;0m" : text
  }

  /// `replace 'were' with 'where'`, `insert ')'`, `remove ')'`.
  private func describe(_ fixIt: FixIt, in source: String) -> String {
    let original = Self.text(fixIt.range, in: source)
    if original.allSatisfy(\.isWhitespace) { return "insert '\(fixIt.replacement)'" }
    if fixIt.replacement.isEmpty { return "remove '\(original)'" }
    return "replace '\(original)' with '\(fixIt.replacement)'"
  }

  /// The lines of `source`, without their line breaks (`\r\n` counts as one).
  static func lines(of source: String) -> [Substring] {
    source.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
  }

  static func text(_ range: SourceRange, in source: String) -> String {
    let utf8 = source.utf8
    let lower = min(max(0, range.lowerBound.offset), utf8.count)
    let upper = min(max(lower, range.upperBound.offset), utf8.count)
    let start = utf8.index(utf8.startIndex, offsetBy: lower)
    let end = utf8.index(utf8.startIndex, offsetBy: upper)
    return String(decoding: utf8[start..<end], as: UTF8.self)
  }
}
