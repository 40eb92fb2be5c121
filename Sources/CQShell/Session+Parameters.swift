import CQLanguage
import CQRendering
import CQStorage
import Foundation

/// Script parameters (SPEC §10): `$NAME` in a statement stands for a value given with
/// `--param NAME=VALUE` or `set param NAME VALUE`, substituted before the statement is parsed
/// (as psql substitutes `:name`).
///
/// ```
/// -- weekly.cq, run as: cq run weekly.cq --param week=2025-06-02
/// revenue, roas by campaign where week = $week
/// set param brand "Muscle Blaze"
/// top 5 influencer by revenue where brand = $brand and week = $week
/// ```
///
/// A value that reads as one word, number, date or month is written as it is (so `limit $n`
/// and `date >= $from` work); any other value (spaces, quotes, a keyword) is written as one
/// quoted string, so it stays one value whatever it holds. `${NAME}` marks where a name ends
/// (`${week}_x`). `$` inside quotes and comments is left alone.
extension Session {
  /// Whether `name` can follow `$`: a letter or `_`, then letters, digits and `_` (ASCII).
  public static func isParameterName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first,
      first == "_" || (first.isASCII && first.properties.isAlphabetic)
    else { return false }
    return name.unicodeScalars.allSatisfy {
      $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
    }
  }

  /// Gives `$name` the value `value` (names are case-insensitive, like every cq name).
  public func setParameter(_ name: String, to value: String) {
    if let i = parameters.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
      parameters[i].value = value
    } else {
      parameters.append((name, value))
    }
  }

  /// The value of `$name`, or nil when it is not set.
  func parameter(_ name: String) -> String? {
    parameters.first { $0.name.lowercased() == name.lowercased() }?.value
  }

  /// `show params`: each parameter and its value, in the order they were set.
  func parametersTable() -> ResultSet {
    ResultSet(
      columns: [
        ResultColumn(name: "parameter", role: .plain, format: .text),
        ResultColumn(name: "value", role: .plain, format: .text),
        ResultColumn(name: "written as", role: .plain, format: .text),
      ],
      rows: parameters.map {
        [.text("$" + $0.name), .text($0.value), .text(Session.spelled($0.value))]
      })
  }

  /// `set param`, `set param NAME`, `set param NAME VALUE` or `set param NAME=VALUE`.
  func applyParameter(_ words: String?, range: SourceRange) throws(SessionError) {
    guard let words, !words.isEmpty else {
      writeOut(
        parameters.isEmpty
          ? "no parameters set (pass --param NAME=VALUE or 'set param NAME VALUE')\n"
          : parameters.map { "$\($0.name) = \(Session.spelled($0.value))\n" }.joined())
      return
    }
    var name = words
    var value: String?
    if let space = words.firstIndex(of: " ") {
      name = String(words[..<space])
      value = String(words[words.index(after: space)...])
    }
    if value == nil, let equal = name.firstIndex(of: "=") {
      value = String(name[name.index(after: equal)...])
      name = String(name[..<equal])
    }
    if name.hasPrefix("$") { name.removeFirst() }
    guard Session.isParameterName(name) else {
      throw SessionError(
        message: "'\(name)' is not a parameter name (a letter or '_', then letters, digits, '_'); "
          + "e.g. set param week 2025-06-02", status: 3, range: range)
    }
    guard let value else {
      guard let current = parameter(name) else {
        throw SessionError(message: Session.unsetMessage(name), status: 3, range: range)
      }
      writeOut("$\(name) = \(Session.spelled(current))\n")
      return
    }
    setParameter(name, to: value)
    if options.interactive { writeErr("$\(name) = \(Session.spelled(value))\n") }
  }

  static func unsetMessage(_ name: String) -> String {
    "parameter '$\(name)' is not set; pass --param \(name)=VALUE or 'set param \(name) VALUE'"
  }

  // MARK: - Substitution

  /// A `$NAME` or `${NAME}` in statement text.
  struct ParameterReference {
    var name: String
    var range: SourceRange
  }

  /// The parameter references of `source` outside quotes and comments, in order.
  ///
  /// - Complexity: O(*n*) in the length of `source`.
  static func parameterReferences(in source: String) -> [ParameterReference] {
    guard source.utf8.contains(UInt8(ascii: "$")) else { return [] }
    let bytes = Array(source.utf8)
    func isNameByte(_ b: UInt8, first: Bool) -> Bool {
      b == UInt8(ascii: "_") || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
        || (!first && b >= 48 && b <= 57)
    }
    var references: [ParameterReference] = []
    for token in CQLanguage.Lexer.tokenize(source)
    where token.kind == .unknownCharacter && token.text == "$" {
      let start = token.range.lowerBound
      var i = start.offset + 1
      let braced = i < bytes.count && bytes[i] == UInt8(ascii: "{")
      if braced { i += 1 }
      let nameStart = i
      while i < bytes.count, isNameByte(bytes[i], first: i == nameStart) { i += 1 }
      guard i > nameStart else { continue }
      let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
      if braced {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "}") else { continue }
        i += 1
      }
      let length = i - start.offset
      let end = SourceLocation(line: start.line, column: start.column + length, offset: i)
      references.append(ParameterReference(name: name, range: start..<end))
    }
    return references
  }

  /// `source` with the references in `references` replaced by their values; nil and a
  /// diagnostic for each unset one when any is unset.
  func substitute(_ references: [ParameterReference], in source: String) -> Result<
    String, DiagnosticsError
  > {
    var unset: [Diagnostic] = []
    for reference in references where parameter(reference.name) == nil {
      unset.append(
        Diagnostic(
          id: "shell.unsetParameter", phase: .syntax, message: Session.unsetMessage(reference.name),
          range: reference.range))
    }
    if !unset.isEmpty { return .failure(DiagnosticsError(diagnostics: unset, source: source)) }
    var bytes = Array(source.utf8)
    for reference in references.reversed() {
      let value = Array(Session.spelled(parameter(reference.name) ?? "").utf8)
      bytes.replaceSubrange(
        reference.range.lowerBound.offset..<reference.range.upperBound.offset, with: value)
    }
    return .success(String(decoding: bytes, as: UTF8.self))
  }

  /// How `value` is written into a statement: as it is when it reads as one word, number, date
  /// or month (and is no clause or condition keyword); otherwise as one quoted string.
  static func spelled(_ value: String) -> String { Quoting.spell(value) }
}
