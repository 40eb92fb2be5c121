/// A source of statement lines for the shell.
///
/// The interactive shell uses the libedit reader in the `cq` executable (`EditLineReader`);
/// pipes and scripts use ``PipedLineReader``. The session never knows which one it has.
///
/// ## Topics
/// - ``readLine(prompt:)``
/// - ``addHistory(_:)``
public protocol LineReader: AnyObject {
  /// Reads one line, showing `prompt` when the reader is interactive.
  ///
  /// - Parameter prompt: the prompt, e.g. `"cq> "` or a continuation prompt `"...> "`.
  /// - Returns: the line without its newline; `""` when the user cancelled the line with
  ///   Ctrl-C; `nil` at the end of input (Ctrl-D on an empty line, or the end of a pipe).
  func readLine(prompt: String) -> String?

  /// Offers a complete, accepted statement to the reader's in-memory history (arrow keys).
  ///
  /// Persisting history is ``History``'s job, not the reader's.
  func addHistory(_ line: String)

  /// Whether the last ``readLine(prompt:)`` ended with Ctrl-C (its `""` is then a cancelled
  /// line, not an empty one).
  var lastLineWasInterrupted: Bool { get }
}

extension LineReader {
  /// Readers without a keyboard are never interrupted.
  public var lastLineWasInterrupted: Bool { false }
}

/// Reads lines from standard input without prompts, for pipes and scripts.
///
/// ```
/// echo 'roas by brand' | cq
/// ```
public final class PipedLineReader: LineReader {
  private let nextLine: () -> String?

  /// A reader over standard input.
  public convenience init() {
    self.init { Swift.readLine(strippingNewline: true) }
  }

  /// A reader over any source of lines (tests, strings).
  ///
  /// - Parameter nextLine: returns the next line without its newline, or `nil` at the end.
  public init(_ nextLine: @escaping () -> String?) {
    self.nextLine = nextLine
  }

  /// A reader over the lines of `text` (`\n` or `\r\n` separated).
  public convenience init(text: String) {
    // Split on the scalar: "\r\n" is one Character, so splitting Characters would miss it.
    var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
      .map { String(String.UnicodeScalarView($0)) }
    if lines.last == "" { lines.removeLast() }
    var index = 0
    self.init {
      guard index < lines.count else { return nil }
      defer { index += 1 }
      return lines[index]
    }
  }

  /// Returns the next line (a trailing `\r` removed); the prompt is never shown.
  public func readLine(prompt: String) -> String? {
    guard var line = nextLine() else { return nil }
    if line.hasSuffix("\r") { line.removeLast() }
    return line
  }

  /// Does nothing: piped input has no interactive history.
  public func addHistory(_ line: String) {}
}
