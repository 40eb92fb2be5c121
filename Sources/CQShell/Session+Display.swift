import CQRendering
import CQStorage
import Foundation

/// How a table-format result is laid out (`set display`).
///
/// ```
/// set display vertical     -- every result as -[ RECORD n ]- blocks of column | value lines
/// set display auto         -- only when the table is wider than the terminal
/// set display table        -- the box-drawn table (the default)
/// ```
public enum DisplayMode: String, CaseIterable, Sendable {
  /// The box-drawn table, cut to a terminal's width with a marker (SPEC §5).
  case table
  /// psql's expanded display (`\x`): one field per line.
  case vertical
  /// Vertical on a terminal when the table would be wider than it (psql's `\x auto`).
  case auto
}

extension Session {
  /// Renders `shown` in the session format; a table as records when `set display` asks for it.
  func render(_ shown: ResultSet, options opts: RenderOptions) -> String {
    if settings.format == .table, showsVertically(shown, options: opts) {
      return ResultRenderer.renderVertical(shown, options: opts)
    }
    return ResultRenderer.render(shown, format: settings.format, options: opts)
  }

  /// Whether a table goes out as records: always under `vertical`; under `auto` when it has a
  /// width to fit (a terminal) and its table would be wider.
  func showsVertically(_ shown: ResultSet, options opts: RenderOptions) -> Bool {
    switch settings.display {
    case .table: false
    case .vertical: true
    case .auto:
      opts.width.map { ResultRenderer.naturalTableWidth(of: shown, options: opts) > $0 } ?? false
    }
  }
}

/// When results go through a pager (`set pager`).
///
/// ```
/// set pager auto    -- on a terminal, results taller than the screen (the default)
/// set pager on      -- on a terminal, every result
/// set pager off     -- never
/// ```
/// Only standard output on a terminal is ever paged: never a pipe, a file or `> FILE`.
public enum PagerMode: String, CaseIterable, Sendable {
  case auto, on, off
}

extension Session {
  /// The pager command: `$CQ_PAGER`, else `$PAGER`, else `less -SRF` (chop long lines, pass
  /// colour, quit at once when it fits one screen); nil when the one that is set is empty.
  static func pagerCommand(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> String?
  {
    let command = environment["CQ_PAGER"] ?? environment["PAGER"] ?? "less -SRF"
    return command.trimmingCharacters(in: .whitespaces).isEmpty ? nil : command
  }

  /// Writes a result to standard output, through the pager when `set pager` and the terminal
  /// call for it: standard output is a terminal, and under `auto` the text has at least as
  /// many lines as the screen (so it and the next prompt would not fit).
  func writePaged(_ text: String) {
    guard options.stdoutIsTerminal, !pagingSuspended, settings.pager != .off,
      let command = Session.pagerCommand()
    else { return writeOut(text) }
    if settings.pager == .auto {
      let lines = text.utf8.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
      guard let height = options.terminalHeight(), lines >= height else { return writeOut(text) }
    }
    if !Pager.show(text, command: command) {
      writeOut(text)
      if !pagerFailed {
        pagerFailed = true
        writeErr("note: the pager '\(command)' could not be run; set PAGER, or 'set pager off'\n")
      }
    }
  }
}

/// Runs a pager on text.
enum Pager {
  /// Runs `command` through `/bin/sh -c` with `text` on its standard input and the terminal
  /// as its output, and waits for it; false when it could not start (nothing was shown).
  ///
  /// Not `Process`: on Linux it starts the child in a session of its own, without the
  /// terminal, so `less` could not read keys. posix_spawn keeps the pager in cq's process
  /// group, in the foreground, with SIGINT and SIGPIPE at their defaults. A pager quit
  /// before reading everything (`q` in less) is no error: the rest is dropped.
  static func show(_ text: String, command: String) -> Bool {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { return false }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    posix_spawn_file_actions_addclose(&actions, fds[1])
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    var reset = sigset_t()
    sigemptyset(&none)
    sigemptyset(&reset)
    sigaddset(&reset, SIGINT)
    sigaddset(&reset, SIGPIPE)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &reset)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let words: [String] = ["/bin/sh", "-c", command]
    let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
    defer { for word in argv { free(word) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
    close(fds[0])
    guard spawned == 0 else {
      close(fds[1])
      return false
    }
    // Writing to a pager that has quit must fail with EPIPE, not end cq.
    let previous = signal(SIGPIPE, SIG_IGN)
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
      guard let base = buffer.baseAddress else { return }  // no text
      var offset = 0
      while offset < buffer.count {
        let n = write(fds[1], base + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          break
        }
        offset += n
      }
    }
    close(fds[1])
    signal(SIGPIPE, previous)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // Exit 126 or 127: the shell could not find or run the command.
    let exited = status & 0x7f == 0
    let code = (status >> 8) & 0xff
    return !(exited && (code == 126 || code == 127))
  }
}
