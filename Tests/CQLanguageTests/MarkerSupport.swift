import CQLanguage
import Testing

/// Locations marked with 1️⃣, 2️⃣ and so on in test input, swift-syntax style.
struct MarkedSource {
  var source: String
  var markers: [String: CQLanguage.SourceLocation]

  static let markerNames = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]

  init(_ marked: String) {
    var source = ""
    var markers: [String: CQLanguage.SourceLocation] = [:]
    var line = 1
    var column = 1
    var offset = 0
    for c in marked {
      if Self.markerNames.contains(String(c)) {
        markers[String(c)] = CQLanguage.SourceLocation(line: line, column: column, offset: offset)
        continue
      }
      source.append(c)
      offset += c.utf8.count
      if c.isNewline {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    self.source = source
    self.markers = markers
  }
}

/// What a diagnostic must say, where, and what it offers.
struct DiagnosticSpec {
  var marker: String
  var message: String
  /// Replacement texts of the fix-its, in order.
  var fixIts: [String]
  /// Markers of the notes' ranges, with their messages.
  var notes: [(marker: String, message: String)]

  init(
    _ marker: String = "1️⃣", _ message: String, fixIts: [String] = [],
    notes: [(marker: String, message: String)] = []
  ) {
    self.marker = marker
    self.message = message
    self.fixIts = fixIts
    self.notes = notes
  }
}

/// `source` with every fix-it of `diagnostics` applied.
func applyFixIts(_ diagnostics: [Diagnostic], to source: String) -> String {
  var bytes = Array(source.utf8)
  let fixIts = diagnostics.flatMap(\.fixIts).sorted {
    $0.range.lowerBound.offset > $1.range.lowerBound.offset
  }
  for fixIt in fixIts {
    bytes.replaceSubrange(
      fixIt.range.lowerBound.offset..<fixIt.range.upperBound.offset,
      with: Array(fixIt.replacement.utf8))
  }
  return String(decoding: bytes, as: UTF8.self)
}

/// Parses `marked` and checks its diagnostics, swift-syntax style: each expected diagnostic
/// starts at its marker and says exactly `message`; `fixedSource` is the text with all fix-its
/// applied.
func assertDiagnostics(
  _ marked: String, _ expected: [DiagnosticSpec], fixedSource: String? = nil,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  let input = MarkedSource(marked)
  let (_, diagnostics) = Parser.parse(input.source)
  #expect(
    diagnostics.map(\.message) == expected.map(\.message), "messages",
    sourceLocation: sourceLocation)
  for (diagnostic, spec) in zip(diagnostics, expected) {
    #expect(diagnostic.phase == .syntax, sourceLocation: sourceLocation)
    #expect(diagnostic.severity == .error, sourceLocation: sourceLocation)
    #expect(diagnostic.id.hasPrefix("syntax."), sourceLocation: sourceLocation)
    if let location = input.markers[spec.marker] {
      #expect(
        diagnostic.range.lowerBound == location, "location of '\(spec.message)'",
        sourceLocation: sourceLocation)
    } else {
      Issue.record("no marker \(spec.marker) in test input", sourceLocation: sourceLocation)
    }
    #expect(diagnostic.fixIts.map(\.replacement) == spec.fixIts, sourceLocation: sourceLocation)
    #expect(
      diagnostic.notes.map(\.message) == spec.notes.map(\.message), sourceLocation: sourceLocation)
    for (note, expectedNote) in zip(diagnostic.notes, spec.notes) {
      #expect(
        note.range?.lowerBound == input.markers[expectedNote.marker], "note location",
        sourceLocation: sourceLocation)
    }
  }
  if let fixedSource {
    #expect(
      applyFixIts(diagnostics, to: input.source) == fixedSource, sourceLocation: sourceLocation)
  }
}

/// Shorthand for one expected diagnostic at 1️⃣.
func assertDiagnostic(
  _ marked: String, _ message: String, fixIts: [String] = [], fixedSource: String? = nil,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  assertDiagnostics(
    marked, [DiagnosticSpec("1️⃣", message, fixIts: fixIts)], fixedSource: fixedSource,
    sourceLocation: sourceLocation)
}

/// The dumps of the statements of `source`, which must parse without diagnostics.
func dumps(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [String]
{
  let (statements, diagnostics) = Parser.parse(source)
  #expect(diagnostics.map(\.message) == [], sourceLocation: sourceLocation)
  return statements.map(\.stmt.syntaxDump)
}

/// The dump of the single statement of `source`.
func dump(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
  let all = dumps(source, sourceLocation: sourceLocation)
  #expect(all.count == 1, "statement count", sourceLocation: sourceLocation)
  return all.first ?? "<none>"
}
