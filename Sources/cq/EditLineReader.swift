import CEditLine
import CQShell
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by the SIGINT handler ``EditLineReader/readLine(prompt:)`` installs while editing.
nonisolated(unsafe) private var editLineInterrupted: sig_atomic_t = 0

/// The interactive ``LineReader``: libedit line editing, history and tab completion.
///
/// - Key bindings are emacs by default; `~/.editrc` (or `$EDITRC`) is read with the program
///   name `cq`, so `cq:bind -v` switches to vi keys.
/// - Ctrl-C while editing abandons the line and returns `""` (a fresh prompt), also in the
///   middle of a Ctrl-R history search; Ctrl-D on an empty line returns `nil`.
/// - Tab completes through ``completion``: one candidate is inserted (with a space unless it
///   is a folder), several insert their common prefix, and a second Tab lists them in columns.
/// - In a prompt, bytes between two `\u{1}` characters take no width (for ANSI colour).
final class EditLineReader: LineReader {
  /// Completes `line` at the UTF-8 offset `cursor`; called on Tab.
  var completion: ((_ line: String, _ cursor: Int) -> CompletionResult)?

  private let editor: OpaquePointer
  private let history: OpaquePointer
  /// The current prompt as a C string, owned here (libedit asks for it on every redraw).
  private var promptText: UnsafeMutablePointer<CChar>?
  /// The line and cursor of the last Tab that could not extend the word: a second Tab there
  /// lists the candidates.
  private var pendingListing: (line: String, cursor: Int)?
  /// Set when the last line was abandoned with Ctrl-C.
  private(set) var lastLineWasInterrupted = false

  /// Sets up libedit on the terminal, or returns `nil` when standard input or output is not a
  /// terminal (use ``PipedLineReader`` then) or libedit cannot start.
  ///
  /// - Parameters:
  ///   - entries: earlier statements, oldest first (from ``History/entries``).
  ///   - historySize: the most entries kept for Up/Down.
  init?(history entries: [String] = [], historySize: Int = History.defaultLimit) {
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return nil }
    Self.useUTF8Locale()
    guard let editor = cq_el_init("cq") else { return nil }
    guard let history = history_init() else {
      el_end(editor)
      return nil
    }
    self.editor = editor
    self.history = history

    cq_history_set_size(history, Int32(clamping: historySize))
    cq_history_set_unique(history, 1)
    for entry in entries { cq_history_enter(history, Self.oneLine(entry)) }

    cq_el_set_client_data(editor, Unmanaged.passUnretained(self).toOpaque())
    cq_el_set_editor(editor, "emacs")
    cq_el_set_signal(editor, 1)
    cq_el_set_history(editor, history)
    cq_el_set_prompt(
      editor,
      { editor in
        guard let editor, let data = cq_el_get_client_data(editor) else { return nil }
        return Unmanaged<EditLineReader>.fromOpaque(data).takeUnretainedValue().promptText
      }, 1)
    cq_el_add_function(
      editor, "cq-complete", "complete a cq name, value or file",
      { editor, _ in
        guard let editor, let data = cq_el_get_client_data(editor) else { return UInt8(CC_ERROR) }
        return Unmanaged<EditLineReader>.fromOpaque(data).takeUnretainedValue().complete()
      })
    // ~/.editrc first (cq:bind -v and the like), then Tab, which a `bind -v` would reset.
    el_source(editor, nil)
    cq_el_bind(editor, "^I", "cq-complete")
  }

  deinit {
    el_end(editor)
    history_end(history)
    free(promptText)
  }

  func readLine(prompt: String) -> String? {
    free(promptText)
    promptText = strdup(prompt)
    pendingListing = nil
    lastLineWasInterrupted = false

    // A SIGINT handler without SA_RESTART makes the terminal read fail with EINTR, so
    // el_gets returns; libedit passes the signal on to it after restoring the tty.
    // The handler also records the signal: while a command reads keys of its own (Ctrl-R's
    // incremental search), libedit takes the failed read for the end of input and returns no
    // line, as Ctrl-D does; the flag tells the two apart.
    var interrupt = sigaction()
    var previous = sigaction()
    editLineInterrupted = 0
    #if os(Linux)
    interrupt.__sigaction_handler.sa_handler = { _ in editLineInterrupted = 1 }
    #else
    interrupt.__sigaction_u.__sa_handler = { _ in editLineInterrupted = 1 }
    #endif
    sigemptyset(&interrupt.sa_mask)
    interrupt.sa_flags = 0
    sigaction(SIGINT, &interrupt, &previous)
    defer { sigaction(SIGINT, &previous, nil) }

    var count: Int32 = 0
    let text = el_gets(editor, &count)
    let error = errno
    guard let text, count > 0 else {
      if editLineInterrupted != 0 || (count < 0 && error == EINTR) {
        // Ctrl-C: leave the abandoned line on screen and start afresh below it.
        cq_write_stdout("^C\n")
        lastLineWasInterrupted = true
        return ""
      }
      // Ctrl-D on an empty line, or the terminal went away: end the prompt's line.
      cq_write_stdout("\n")
      return nil
    }
    var line = String(cString: text)
    while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
    return line
  }

  func addHistory(_ line: String) {
    let flat = Self.oneLine(line).trimmingCharacters(in: .whitespaces)
    guard !flat.isEmpty else { return }
    cq_history_enter(history, flat)
  }

  /// History recall is line by line: a multi-line statement comes back on one line
  /// (`\` + newline and newlines become spaces).
  static func oneLine(_ statement: String) -> String {
    statement.replacingOccurrences(of: "\\\n", with: " ")
      .replacingOccurrences(of: "\r\n", with: " ")
      .replacingOccurrences(of: "\n", with: " ")
  }

  // MARK: - Completion

  /// The `cq-complete` editor command.
  private func complete() -> UInt8 {
    guard let completion, let (line, cursor) = currentLine() else { return UInt8(CC_ERROR) }
    let bytes = Array(line.utf8)
    guard cursor >= 0, cursor <= bytes.count else { return UInt8(CC_ERROR) }

    let result = completion(line, cursor)
    guard !result.candidates.isEmpty, result.replaceFrom >= 0, result.replaceFrom <= cursor
    else { return UInt8(CC_ERROR) }
    let typed = String(decoding: bytes[result.replaceFrom..<cursor], as: UTF8.self)

    if result.candidates.count == 1, let only = result.candidates.first {
      pendingListing = nil
      let done = only.hasSuffix("/") ? only : only + " "
      return replace(typed, with: done)
    }
    let prefix = result.commonPrefix
    if prefix.unicodeScalars.count > typed.unicodeScalars.count {
      let code = replace(typed, with: prefix)
      // Still ambiguous: as in bash, the next Tab lists the candidates.
      pendingListing = currentLine()
      return code == UInt8(CC_REFRESH) ? UInt8(CC_REFRESH_BEEP) : code
    }
    if let pending = pendingListing, pending.line == line, pending.cursor == cursor {
      let width = Self.terminalWidth()
      cq_write_stdout("\n" + CompletionLayout.columns(result.candidates, width: width))
      return UInt8(CC_REDISPLAY)
    }
    pendingListing = (line, cursor)
    return UInt8(CC_REFRESH_BEEP)
  }

  /// The line being edited and the cursor's UTF-8 offset in it.
  private func currentLine() -> (line: String, cursor: Int)? {
    guard let info = el_line(editor)?.pointee, let buffer = info.buffer,
      let cursor = info.cursor, let last = info.lastchar
    else { return nil }
    let length = buffer.distance(to: last)
    guard length >= 0 else { return nil }
    let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(buffer), count: length)
    return (String(decoding: bytes, as: UTF8.self), buffer.distance(to: cursor))
  }

  /// Replaces the `typed` text before the cursor with `replacement`.
  private func replace(_ typed: String, with replacement: String) -> UInt8 {
    // libedit counts characters as wide characters: one per Unicode scalar.
    let count = typed.unicodeScalars.count
    if count > 0 { el_deletestr(editor, Int32(clamping: count)) }
    guard el_insertstr(editor, replacement) == 0 else { return UInt8(CC_ERROR) }
    return UInt8(CC_REFRESH)
  }

  private static func terminalWidth() -> Int {
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
      return Int(size.ws_col)
    }
    return 80
  }

  /// libedit decodes input with the C library's multibyte functions: make sure they speak
  /// UTF-8 even when the environment's locale is plain C.
  private static func useUTF8Locale() {
    setlocale(LC_CTYPE, "")
    let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
    if codeset.uppercased().replacingOccurrences(of: "-", with: "") != "UTF8" {
      if setlocale(LC_CTYPE, "C.UTF-8") == nil { setlocale(LC_CTYPE, "en_US.UTF-8") }
    }
  }
}
