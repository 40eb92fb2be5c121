import CQPostgres
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The shell's persistent statement history.
///
/// One statement per line in a plain UTF-8 file. Where the file lives
/// (``defaultPath(environment:)``):
/// - `$CQ_HISTORY` when set (an empty value turns persistence off),
/// - else `$XDG_STATE_HOME/cq/history` when `XDG_STATE_HOME` is set to an absolute path,
/// - else `~/.cq_history`.
///
/// Every accepted statement is appended to the file at once (one `write` per statement), so
/// history survives a crash. Consecutive duplicates are skipped; on load, older duplicates of a
/// statement collapse into its latest occurrence, and only the newest ``limit`` entries are
/// kept. A multi-line statement is one entry: newlines are stored as `\n` and backslashes as
/// `\\`. Problems with the file (unreadable, unwritable, not text) never fail the shell: they
/// become warnings for the caller to print on standard error.
///
/// ## Topics
/// - ``init(path:limit:)``
/// - ``entries``
/// - ``warnings``
/// - ``add(_:)``
public final class History {
  /// How many entries are kept when no limit is given.
  public static let defaultLimit = 2_000
  /// The most bytes read from the end of the history file: far more than ``defaultLimit``
  /// statements need, and a bound on the memory a huge file can take.
  public static let defaultMaximumBytes = 4 << 20

  /// The history file, or `nil` when history is kept in memory only.
  public let path: String?
  /// The most entries kept in memory and in the file (after the next load).
  public let limit: Int
  /// The statements, oldest first.
  public private(set) var entries: [String] = []
  /// Problems found while loading, as messages for standard error (lower-case, no period).
  public private(set) var warnings: [String] = []
  /// False once writing has failed or the file is not ours: nothing more is written.
  public private(set) var isPersistent: Bool

  /// The history file's location for this environment, or `nil` when there is none.
  ///
  /// - Parameter environment: the process environment (`CQ_HISTORY`, `XDG_STATE_HOME`,
  ///   `HOME`).
  /// - Returns: the path, or `nil` when history is off (`CQ_HISTORY` empty) or no home is set.
  public static func defaultPath(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String? {
    if let explicit = environment["CQ_HISTORY"] {
      return explicit.isEmpty ? nil : explicit
    }
    if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
      return state + (state.hasSuffix("/") ? "" : "/") + "cq/history"
    }
    if let home = environment["HOME"], !home.isEmpty {
      return home + (home.hasSuffix("/") ? "" : "/") + ".cq_history"
    }
    return nil
  }

  /// Loads the history at `path` (a missing file is an empty history).
  ///
  /// Only a regular file is read, and only its last `maximumBytes`: a device (`/dev/zero`),
  /// FIFO or socket would never end or would block the prompt, so it turns history off for the
  /// session with a warning.
  ///
  /// - Parameters:
  ///   - path: the history file; `nil` keeps history in memory only.
  ///   - limit: the most entries kept (at least 1).
  ///   - maximumBytes: the most bytes read, from the end of the file (older lines are dropped).
  /// - Complexity: O(*n*) in the bytes read, at most `maximumBytes`.
  public init(
    path: String?, limit: Int = History.defaultLimit,
    maximumBytes: Int = History.defaultMaximumBytes
  ) {
    self.path = path
    self.limit = max(1, limit)
    self.isPersistent = path != nil
    if let path { load(from: path, maximumBytes: max(1, maximumBytes)) }
  }

  /// Records an accepted statement and appends it to the file.
  ///
  /// Blank statements and a repeat of the previous entry are ignored.
  ///
  /// - Returns: a warning the first time the file cannot be written, else `nil`.
  /// - Complexity: O(*k*) in the statement's length, plus O(``limit``) when the oldest entry
  ///   is dropped.
  @discardableResult
  public func add(_ statement: String) -> String? {
    // A database URL's password never reaches the history (SPEC §8): `postgres://u:***@h`.
    let text = PGURL.redact(statement.trimmingCharacters(in: .whitespacesAndNewlines))
    guard !text.isEmpty, text != entries.last else { return nil }
    entries.append(text)
    if entries.count > limit { entries.removeFirst(entries.count - limit) }
    guard isPersistent, let path else { return nil }
    if let problem = Self.append(Self.encode(text) + "\n", to: path) {
      isPersistent = false
      return "cannot write history file '\(path)': \(problem); history will not be saved"
    }
    return nil
  }

  // MARK: - File format

  /// Escapes a statement onto one line: `\` → `\\`, newline → `\n`, carriage return → `\r`.
  static func encode(_ statement: String) -> String {
    var out = ""
    out.reserveCapacity(statement.utf8.count)
    for scalar in statement.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// Reverses ``encode(_:)``; an unknown escape is kept as written.
  static func decode(_ line: String) -> String {
    var out = ""
    var escaped = false
    for scalar in line.unicodeScalars {
      if escaped {
        switch scalar {
        case "n": out += "\n"
        case "r": out += "\r"
        case "\\": out += "\\"
        default:
          out += "\\"
          out.unicodeScalars.append(scalar)
        }
        escaped = false
      } else if scalar == "\\" {
        escaped = true
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    if escaped { out += "\\" }
    return out
  }

  // MARK: - Loading

  private func load(from path: String, maximumBytes: Int) {
    let bytes: [UInt8]
    switch Self.readTail(path, maximumBytes: maximumBytes) {
    case .missing:
      return
    case .failed(let problem):
      warnings.append("cannot read history file '\(path)': \(problem); history will not be saved")
      isPersistent = false
      return
    case .notRegular(let kind):
      warnings.append(
        "history file '\(path)' is not a regular file (\(kind)); history is off for this session")
      isPersistent = false
      return
    case .read(let data):
      bytes = data
    }

    var lines: [String] = []
    var unreadable = 0
    for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
      var slice = raw[...]
      if slice.last == 0x0D { slice = slice.dropLast() }
      guard let text = String(validating: slice, as: UTF8.self),
        !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F })
      else {
        unreadable += 1
        continue
      }
      let statement = Self.decode(text).trimmingCharacters(in: .whitespacesAndNewlines)
      if !statement.isEmpty { lines.append(statement) }
    }

    if unreadable > 0 {
      if unreadable > lines.count {
        warnings.append(
          "history file '\(path)' is not a text file (\(unreadable) unreadable lines); "
            + "it was not loaded and history will not be saved")
        isPersistent = false
        return
      }
      warnings.append(
        "history file '\(path)' has \(unreadable) unreadable "
          + (unreadable == 1 ? "line" : "lines") + " (not UTF-8 text); skipped")
    }

    entries = Self.collapsingDuplicates(lines, limit: limit)
    // Keep the file bounded: rewrite it when it holds more than it should. A file with bad
    // lines is left alone (it may not be ours to rewrite).
    if lines.count > entries.count, lines.count > limit, unreadable == 0 {
      let text = entries.map { Self.encode($0) + "\n" }.joined()
      if let problem = Self.replace(path, with: text) {
        warnings.append("cannot compact history file '\(path)': \(problem)")
      }
    }
  }

  /// Keeps the latest occurrence of each statement, in order, then the newest `limit`.
  ///
  /// - Complexity: O(*n*) in the number of lines.
  static func collapsingDuplicates(_ lines: [String], limit: Int) -> [String] {
    var seen = Set<String>()
    var newestFirst: [String] = []
    for line in lines.reversed() where seen.insert(line).inserted {
      newestFirst.append(line)
      if newestFirst.count == limit { break }
    }
    return newestFirst.reversed()
  }

  // MARK: - POSIX file access

  private enum ReadOutcome {
    case missing
    case failed(String)
    /// A device, FIFO or socket: what it is.
    case notRegular(String)
    case read([UInt8])
  }

  private static func errorText(_ code: Int32) -> String {
    String(cString: strerror(code)).lowercased()
  }

  /// What a file that is not a regular one is, in a few words.
  private static func kind(_ info: stat) -> String {
    switch info.st_mode & S_IFMT {
    case S_IFIFO: "a named pipe"
    case S_IFCHR, S_IFBLK: "a device"
    case S_IFSOCK: "a socket"
    default: "not a file"
    }
  }

  /// Reads the last `maximumBytes` of the regular file at `path`, from the start of a line.
  ///
  /// Opened without blocking (a FIFO would wait for a writer) and checked with `fstat` before
  /// anything is read: a device such as `/dev/zero` never ends.
  /// - Complexity: O(*b*) in the bytes read, at most `maximumBytes`.
  private static func readTail(_ path: String, maximumBytes: Int) -> ReadOutcome {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    if fd < 0 {
      let code = errno
      return code == ENOENT ? .missing : .failed(errorText(code))
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { return .failed(errorText(errno)) }
    if (info.st_mode & S_IFMT) == S_IFDIR { return .failed(errorText(EISDIR)) }
    guard (info.st_mode & S_IFMT) == S_IFREG else { return .notRegular(kind(info)) }
    let size = Int(info.st_size)
    let start = max(0, size - maximumBytes)
    var result = [UInt8](repeating: 0, count: size - start)
    var done = 0
    while done < result.count {
      let count = result.withUnsafeMutableBytes { buffer in
        guard let base = buffer.baseAddress else { return 0 }  // nothing left to read
        return pread(fd, base + done, buffer.count - done, off_t(start + done))
      }
      if count < 0 {
        if errno == EINTR { continue }
        return .failed(errorText(errno))
      }
      if count == 0 { break }  // the file shrank
      done += count
    }
    result.removeSubrange(done...)
    // Cut into the middle of the file: drop the partial line before the first line break.
    if start > 0, let newline = result.firstIndex(of: 0x0A) {
      result.removeSubrange(...newline)
    } else if start > 0 {
      result = []
    }
    return .read(result)
  }

  /// Creates the parent folder when needed (mode 0700).
  private static func ensureParent(of path: String) -> String? {
    let parent = (path as NSString).deletingLastPathComponent
    guard !parent.isEmpty else { return nil }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory) {
      return isDirectory.boolValue ? nil : "'\(parent)' is not a folder"
    }
    do {
      try FileManager.default.createDirectory(
        atPath: parent, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700])
      return nil
    } catch {
      return "cannot create folder '\(parent)'"
    }
  }

  private static func writeAll(_ fd: Int32, _ text: String) -> String? {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        return errorText(errno)
      }
      bytes = bytes.dropFirst(count)
    }
    return nil
  }

  /// Appends `text` with one `write` (O_APPEND), creating the file (mode 0600) if needed; only
  /// to a regular file, and never waiting for a FIFO's reader.
  private static func append(_ text: String, to path: String) -> String? {
    if let problem = ensureParent(of: path) { return problem }
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0o600)
    if fd < 0 { return errorText(errno) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { return errorText(errno) }
    guard (info.st_mode & S_IFMT) == S_IFREG else { return "not a regular file (\(kind(info)))" }
    return writeAll(fd, text)
  }

  /// Replaces the file atomically (a temporary file in the same folder, then `rename`).
  private static func replace(_ path: String, with text: String) -> String? {
    let temporary = path + ".tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    if fd < 0 { return errorText(errno) }
    let problem = writeAll(fd, text)
    close(fd)
    if let problem {
      unlink(temporary)
      return problem
    }
    if rename(temporary, path) != 0 {
      let code = errno
      unlink(temporary)
      return errorText(code)
    }
    return nil
  }
}
