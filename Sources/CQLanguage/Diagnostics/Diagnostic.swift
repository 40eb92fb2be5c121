/// A position in statement text.
///
/// Lines and columns are 1-based; `column` counts grapheme clusters so carets line up
/// under non-ASCII brand and influencer names. `offset` is the 0-based UTF-8 offset.
public struct SourceLocation: Hashable, Comparable, Sendable {
  /// The line, from 1.
  public var line: Int
  /// The column, from 1, in UTF-8 bytes.
  public var column: Int
  /// The UTF-8 offset, from 0.
  public var offset: Int

  /// A location.
  public init(line: Int, column: Int, offset: Int) {
    self.line = line
    self.column = column
    self.offset = offset
  }

  /// Earlier in the text.
  public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
    lhs.offset < rhs.offset
  }
}

/// A half-open range of statement text.
public typealias SourceRange = Range<SourceLocation>

/// How serious a diagnostic is.
public enum Severity: String, Sendable { case error, warning, note }

/// What kind of failure a diagnostic reports; decides the exit status in batch use.
///
/// SPEC §2: 2 for a statement that does not parse, 3 for a statement that parses but asks for
/// something the model cannot answer, 4 for data or I/O failures, 1 for anything else.
public enum DiagnosticPhase: Sendable {
  case syntax, model, data, other

  /// The exit status of a script that stops on this phase's error (SPEC §2): 2 syntax, 3 model.
  public var exitStatus: Int32 {
    switch self {
    case .syntax: 2
    case .model: 3
    case .data: 4
    case .other: 1
    }
  }
}

/// A replacement offered with a diagnostic ("did you mean").
public struct FixIt: Sendable, Hashable {
  /// The text to replace.
  public var range: SourceRange
  /// What to put there.
  public var replacement: String
  /// A fix-it replacing `range` with `replacement`.
  public init(range: SourceRange, replacement: String) {
    self.range = range
    self.replacement = replacement
  }
}

/// A diagnostic as plain data: rendered by `CQRendering.DiagnosticFormatter`.
public struct Diagnostic: Sendable {
  /// More about a diagnostic, pointing at other text.
  public struct Note: Sendable {
    /// What the note says.
    public var message: String
    /// The text it is about, if any.
    public var range: SourceRange?
    /// A note.
    public init(message: String, range: SourceRange? = nil) {
      self.message = message
      self.range = range
    }
  }

  /// A stable identifier such as `parser.expectedMetric`.
  public var id: String
  /// Error, warning or note.
  public var severity: Severity
  /// The phase that found it.
  public var phase: DiagnosticPhase
  /// Lower-case, no final period, source tokens in 'quotes'.
  public var message: String
  /// The text it is about.
  public var range: SourceRange
  /// Notes, each with its own range.
  public var notes: [Note]
  /// Did-you-mean replacements.
  public var fixIts: [FixIt]

  /// A diagnostic.
  public init(
    id: String, severity: Severity = .error, phase: DiagnosticPhase, message: String,
    range: SourceRange, notes: [Note] = [], fixIts: [FixIt] = []
  ) {
    self.id = id
    self.severity = severity
    self.phase = phase
    self.message = message
    self.range = range
    self.notes = notes
    self.fixIts = fixIts
  }
}

/// Thrown at API boundaries when at least one error diagnostic was collected.
public struct DiagnosticsError: Error, Sendable {
  /// The diagnostics, at least one an error.
  public var diagnostics: [Diagnostic]
  /// The statement text the ranges point into.
  public var source: String

  /// The most errors kept; the rest are counted in a closing note.
  public static let maximumErrors = 10

  /// Keeps the first `maximumErrors` errors (with the warnings and notes among them) and
  /// replaces the rest, and `unshown` more found but never made, by one note that counts them,
  /// so a statement with thousands of mistakes costs no more to report than one with ten.
  public init(diagnostics: [Diagnostic], source: String, unshown: Int = 0) {
    self.source = source
    var kept: [Diagnostic] = []
    var errors = 0
    var dropped = unshown
    var firstDropped: SourceRange?
    for diagnostic in diagnostics {
      if diagnostic.severity == .error { errors += 1 }
      if errors > Self.maximumErrors {
        if diagnostic.severity == .error {
          dropped += 1
          firstDropped = firstDropped ?? diagnostic.range
        }
        continue
      }
      kept.append(diagnostic)
    }
    if dropped > 0, let last = kept.last {
      kept.append(
        Diagnostic(
          id: "diagnostics.moreErrors", severity: .note, phase: last.phase,
          message: "\(dropped) more error\(dropped == 1 ? "" : "s") not shown; fix these first",
          range: firstDropped ?? last.range))
    }
    self.diagnostics = kept
  }

  /// The exit status of the first error (SPEC §2).
  public var exitStatus: Int32 {
    diagnostics.first(where: { $0.severity == .error })?.phase.exitStatus ?? 1
  }
}
