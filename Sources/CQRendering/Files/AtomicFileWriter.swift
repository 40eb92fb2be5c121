#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes result files atomically (`> FILE`, `>> FILE`).
///
/// The text goes to a temporary file in the same directory, is flushed to disk, and is then
/// renamed over the target, so readers see the old file or the new one, never half of one.
/// Appending reads the existing content and writes old + new the same way (results are small).
public struct AtomicFileWriter {
  /// Writes `text` to `path`, replacing it, or after its current content when `append`.
  ///
  /// When appending to a file that does not end in a line break, one is added first. A new
  /// file gets mode 0644 (less the umask); an existing file keeps its mode, and one that is
  /// write-protected is refused, as a shell's `>` refuses it. A leading `~/`
  /// means the home directory; a symbolic link is followed and its target replaced.
  ///
  /// - Throws: ``FileWriteError`` naming the path, the reason and a fix; the existing file is
  ///   left as it was.
  /// With `joiningJSONArrays`, appending a JSON array to a file that holds one adds its
  /// elements to that array, so the file stays one valid JSON document.
  ///
  /// - Complexity: O(*n* + *m*) bytes for *n* new and *m* existing bytes.
  public static func write(
    _ text: String, to path: String, append: Bool, joiningJSONArrays: Bool = false
  ) throws(FileWriteError) {
    try write(
      bytes: Array(text.utf8), to: path, append: append, joiningJSONArrays: joiningJSONArrays)
  }

  /// Writes `newBytes` to `path` as ``write(_:to:append:joiningJSONArrays:)`` writes text: for
  /// files that are not text (a PDF report).
  ///
  /// - Throws: ``FileWriteError`` naming the path, the reason and a fix.
  /// - Complexity: O(*n* + *m*) bytes for *n* new and *m* existing bytes.
  public static func write(
    bytes newBytes: [UInt8], to path: String, append: Bool = false, joiningJSONArrays: Bool = false
  ) throws(FileWriteError) {
    try replace(path, append: append) { existing, fd in
      guard let existing else { return writeAll(fd, newBytes) }
      var bytes: [UInt8]
      if joiningJSONArrays, let joined = joinJSONArrays(existing, newBytes) {
        bytes = joined
      } else {
        bytes = existing
        if let last = existing.last, last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        bytes.append(contentsOf: newBytes)
      }
      return writeAll(fd, bytes)
    }
  }

  /// Writes what `produce` writes to `path`, replacing it, as ``write(_:to:append:joiningJSONArrays:)``
  /// does, but without holding the text: it goes to the file in chunks of a mebibyte as it is
  /// made (millions of result rows to a file or a pipe).
  ///
  /// - Throws: ``FileWriteError`` naming the path, the reason and a fix; the existing file is
  ///   left as it was.
  /// - Complexity: O(*n*) bytes, O(1) memory beyond what `produce` holds.
  public static func stream(to path: String, _ produce: (inout FileTextStream) -> Void)
    throws(FileWriteError)
  {
    try replace(path, append: false) { _, fd in
      var stream = FileTextStream(fd: fd)
      produce(&stream)
      stream.flush()
      return stream.failure
    }
  }

  /// The common part of every write: checks `path`, then has `body` write the file.
  ///
  /// A symbolic link is followed. `body` writes to a temporary file beside the target that is
  /// renamed over it, or, for a device or pipe, to the target itself. `body` gets the existing
  /// content when `append` (nil otherwise, and for a device) and returns the `errno` of a failed
  /// write, else 0.
  private static func replace(
    _ path: String, append: Bool, _ body: (_ existing: [UInt8]?, _ fd: Int32) -> Int32
  ) throws(FileWriteError) {
    guard !path.isEmpty else {
      throw FileWriteError(path: path, code: .noSuchDirectory, reason: "empty file name")
    }
    var target = expandHome(path)
    // Follow a symbolic link so that the link survives and its target is replaced.
    var info = stat()
    if lstat(target, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK,
      let resolved = realpath(target, nil)
    {
      target = String(cString: resolved)
      free(resolved)
    }
    var mode: mode_t = 0o644
    var existing: [UInt8] = []
    if stat(target, &info) == 0 {
      if (info.st_mode & S_IFMT) == S_IFDIR { throw FileWriteError(path: path, code: .isDirectory) }
      // A device, pipe or socket (/dev/null, /dev/stdout, a FIFO) is written in place: renaming
      // a file over it would replace the device itself.
      if (info.st_mode & S_IFMT) != S_IFREG {
        let fd = open(target, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw FileWriteError(path: path, errno: errno) }
        defer { close(fd) }
        let failure = body(nil, fd)
        if failure != 0 { throw FileWriteError(path: path, errno: failure) }
        return
      }
      mode = info.st_mode & 0o7777
      // The rename below would replace a write-protected file, which a shell's `>` refuses:
      // refuse it too. `access(W_OK)` is always true for root, so a file with no write bit at
      // all (mode & 0o222 == 0, such as 0444) is also taken as read-only, for every user.
      if access(target, W_OK) != 0 || mode & 0o222 == 0 {
        throw FileWriteError(path: path, code: .readOnlyFile)
      }
      if append { existing = try readAll(target, displayPath: path) }
    } else if errno != ENOENT {
      throw FileWriteError(path: path, errno: errno)
    }

    let directory = directoryName(target)
    let name = target.split(separator: "/").last.map(String.init) ?? target
    var temporary = ""
    var fd: Int32 = -1
    for attempt in 0..<100 {
      temporary = directory + "/." + name + ".cq-\(getpid())-\(attempt).tmp"
      fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
      if fd >= 0 || errno != EEXIST { break }
    }
    guard fd >= 0 else {
      let error = errno
      var directoryInfo = stat()
      if error == ENOENT && stat(directory, &directoryInfo) == 0 {
        // The directory exists but takes no new files (such as /proc).
        throw FileWriteError(
          path: path, code: .permissionDenied, reason: "cannot create files in '\(directory)'")
      }
      throw FileWriteError(path: path, errno: error)
    }
    // Keep the existing mode even under a restrictive umask.
    if stat(target, &info) == 0 { _ = fchmod(fd, mode) }
    var failure = body(append ? existing : nil, fd)
    if failure == 0 && fsync(fd) != 0 { failure = errno }
    if close(fd) != 0 && failure == 0 { failure = errno }
    if failure == 0 && rename(temporary, target) != 0 { failure = errno }
    if failure != 0 {
      unlink(temporary)
      throw FileWriteError(path: path, errno: failure)
    }
  }

  /// `existing` and `new`, both JSON arrays, as one array holding the elements of both (as cq
  /// renders them: one element per line, indented two spaces); nil when either is not an array.
  ///
  /// - Complexity: O(*n* + *m*).
  static func joinJSONArrays(_ existing: [UInt8], _ new: [UInt8]) -> [UInt8]? {
    func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
    // The existing array without its closing bracket and the space around it.
    var end = existing.count
    while end > 0, isSpace(existing[end - 1]) { end -= 1 }
    guard end > 0, existing[end - 1] == UInt8(ascii: "]") else { return nil }
    end -= 1
    while end > 0, isSpace(existing[end - 1]) { end -= 1 }
    guard end > 0 else { return nil }
    let existingIsEmpty = existing[end - 1] == UInt8(ascii: "[")
    // The new array's elements and closing bracket.
    var start = 0
    while start < new.count, isSpace(new[start]) { start += 1 }
    guard start < new.count, new[start] == UInt8(ascii: "[") else { return nil }
    start += 1
    while start < new.count, isSpace(new[start]) { start += 1 }
    guard start < new.count else { return nil }
    if new[start] == UInt8(ascii: "]") { return existing }  // nothing to add
    var out = Array(existing[0..<end])
    out.append(contentsOf: Array((existingIsEmpty ? "\n  " : ",\n  ").utf8))
    out.append(contentsOf: new[start...])
    return out
  }

  /// Writes every byte to `fd`, retrying after signals; the `errno` of a failure, else 0.
  static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
    bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return 0 }
      var offset = 0
      while offset < buffer.count {
        let n = Glue.write(fd, base + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          return errno
        }
        offset += n
      }
      return 0
    }
  }

  static func expandHome(_ path: String) -> String {
    guard path == "~" || path.hasPrefix("~/"), let home = getenv("HOME") else { return path }
    return String(cString: home) + path.dropFirst()
  }

  static func directoryName(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let directory = String(path[..<slash])
    return directory.isEmpty ? "/" : directory
  }

  static func readAll(_ path: String, displayPath: String) throws(FileWriteError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw FileWriteError(path: displayPath, errno: errno) }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
      let n = chunk.withUnsafeMutableBytes { buffer -> Int in
        guard let base = buffer.baseAddress else { return 0 }
        return Glue.read(fd, base, buffer.count)
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw FileWriteError(path: displayPath, errno: errno)
      }
      if n == 0 { break }
      bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
  }
}

/// Text written to a file descriptor in chunks (``AtomicFileWriter/stream(to:_:)``); the first
/// failed write's `errno` is kept and later text dropped.
public struct FileTextStream: TextOutputStream {
  let fd: Int32
  private var buffer: [UInt8] = []
  /// The `errno` of the first failed write, else 0.
  public private(set) var failure: Int32 = 0

  init(fd: Int32) {
    self.fd = fd
    buffer.reserveCapacity(Self.chunk + 4096)
  }

  static let chunk = 1 << 20

  public mutating func write(_ string: String) {
    buffer.append(contentsOf: string.utf8)
    if buffer.count >= Self.chunk { flush() }
  }

  /// Writes what is buffered.
  mutating func flush() {
    if failure == 0, !buffer.isEmpty { failure = AtomicFileWriter.writeAll(fd, buffer) }
    buffer.removeAll(keepingCapacity: true)
  }
}

/// POSIX calls whose names clash with Swift methods in scope.
private enum Glue {
  static func write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Darwin)
    Darwin.write(fd, buffer, count)
    #elseif canImport(Musl)
    Musl.write(fd, buffer, count)
    #else
    Glibc.write(fd, buffer, count)
    #endif
  }

  static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Darwin)
    Darwin.read(fd, buffer, count)
    #elseif canImport(Musl)
    Musl.read(fd, buffer, count)
    #else
    Glibc.read(fd, buffer, count)
    #endif
  }
}

/// A result file that could not be written: which path, why, and what to do.
///
/// ```
/// cannot write 'out/roas.csv': directory 'out' does not exist; create it or choose another path
/// ```
public struct FileWriteError: Error, CustomStringConvertible, Sendable, Equatable {
  /// What went wrong, for matching in `catch`.
  public enum Code: Sendable, Equatable {
    /// The directory part of the path does not exist.
    case noSuchDirectory
    /// Not allowed to create or replace the file.
    case permissionDenied
    /// The path names a directory.
    case isDirectory
    /// The device is full (or over quota).
    case diskFull
    /// The file system is mounted read-only.
    case readOnly
    /// The file exists and is write-protected (no write permission).
    case readOnlyFile
    /// Any other failure; `reason` has the system's words.
    case other
  }

  /// The path as the user wrote it.
  public var path: String
  /// The kind of failure.
  public var code: Code
  /// Why, in a few lower-case words (`permission denied`).
  public var reason: String

  /// Creates an error; `reason` defaults to a description of `code`.
  public init(path: String, code: Code, reason: String? = nil) {
    self.path = path
    self.code = code
    self.reason = reason ?? Self.reason(for: code)
  }

  init(path: String, errno error: Int32) {
    let code: Code
    switch error {
    case ENOENT, ENOTDIR: code = .noSuchDirectory
    case EACCES, EPERM: code = .permissionDenied
    case EISDIR: code = .isDirectory
    case ENOSPC, EDQUOT: code = .diskFull
    case EROFS: code = .readOnly
    default: code = .other
    }
    var reason = Self.reason(for: code)
    if code == .other, let text = strerror(error) { reason = String(cString: text).lowercased() }
    self.init(path: path, code: code, reason: reason)
  }

  static func reason(for code: Code) -> String {
    switch code {
    case .noSuchDirectory: "no such directory"
    case .permissionDenied: "permission denied"
    case .isDirectory: "it is a directory"
    case .diskFull: "no space left on the device"
    case .readOnly: "the file system is read-only"
    case .readOnlyFile: "the file is read-only"
    case .other: "write failed"
    }
  }

  /// `cannot write 'PATH': REASON; FIX`.
  public var description: String {
    let directory = AtomicFileWriter.directoryName(path)
    let fix: String
    switch code {
    case .noSuchDirectory: fix = "create '\(directory)' first or choose another path"
    case .permissionDenied: fix = "choose a directory you can write to"
    case .isDirectory:
      fix = "add a file name, such as '\(path.hasSuffix("/") ? path : path + "/")result.csv'"
    case .diskFull: fix = "free some space or write elsewhere"
    case .readOnly: fix = "write to another file system"
    case .readOnlyFile: fix = "make it writable (chmod u+w '\(path)') or choose another path"
    case .other: fix = "check the path and try again"
    }
    return "cannot write '\(path)': \(reason); \(fix)"
  }
}

extension FileWriteError {
  /// For `catch FileWriteError.noSuchDirectory` (the parent directory is missing).
  public static let noSuchDirectory = Code.noSuchDirectory
  /// For `catch FileWriteError.permissionDenied`.
  public static let permissionDenied = Code.permissionDenied
  /// For `catch FileWriteError.isDirectory` (the path names a directory).
  public static let isDirectory = Code.isDirectory
  /// For `catch FileWriteError.diskFull`.
  public static let diskFull = Code.diskFull
  /// For `catch FileWriteError.readOnly`.
  public static let readOnly = Code.readOnly
  /// For `catch FileWriteError.readOnlyFile` (the existing file is write-protected).
  public static let readOnlyFile = Code.readOnlyFile
}

extension FileWriteError.Code {
  /// Matches a thrown error by code: `catch FileWriteError.permissionDenied`.
  public static func ~= (code: Self, error: any Error) -> Bool {
    (error as? FileWriteError)?.code == code
  }

  /// Matches a typed-thrown error by code.
  public static func ~= (code: Self, error: FileWriteError) -> Bool {
    error.code == code
  }
}
